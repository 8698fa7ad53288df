#include "common/url.hpp"

#include <gtest/gtest.h>

namespace omega::common {
namespace {

TEST(Url, ParsesHostPortAndTarget) {
  auto url = parse_url("ws://127.0.0.1:8081/");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->scheme, "ws");
  EXPECT_EQ(url->host, "127.0.0.1");
  EXPECT_EQ(url->port, 8081);
  EXPECT_EQ(url->target, "/");
  url = parse_url("http://api.example:8080");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->target, "/");
  EXPECT_EQ(url->port, 8080);
  url = parse_url("http://localhost/v1/x?y=1");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->port, 80);
  EXPECT_EQ(url->target, "/v1/x?y=1");
}

TEST(Url, SecureSchemesDefaultTo443) {
  auto url = parse_url("wss://play.example.com/zp/zone-a/z/hub_city_1/1");
  ASSERT_TRUE(url);
  EXPECT_TRUE(url->tls());
  EXPECT_TRUE(url->websocket());
  EXPECT_EQ(url->port, 443);
  EXPECT_EQ(url->target, "/zp/zone-a/z/hub_city_1/1");
  url = parse_url("https://[::1]:8443/api");
  ASSERT_TRUE(url);
  EXPECT_TRUE(url->tls());
  EXPECT_FALSE(url->websocket());
  EXPECT_EQ(url->host, "::1");
  EXPECT_EQ(url->port, 8443);
  EXPECT_FALSE(parse_url("ws://127.0.0.1:1/")->tls());
}

TEST(Url, RefusesWhatItCannotSpeak) {
  std::string error;
  EXPECT_FALSE(parse_url("ftp://x:1/", &error));
  EXPECT_NE(error.find("unsupported scheme"), std::string::npos);
  EXPECT_FALSE(parse_url("ws://x:99999/"));
  EXPECT_FALSE(parse_url("ws://:80/"));
  EXPECT_FALSE(parse_url("127.0.0.1:80"));
}

}  // namespace
}  // namespace omega::common
