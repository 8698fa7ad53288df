#include "client/url.hpp"

#include <gtest/gtest.h>

namespace omega::client {
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

TEST(Url, RefusesWhatItCannotSpeak) {
  std::string error;
  EXPECT_FALSE(parse_url("wss://x:1/", &error));
  EXPECT_NE(error.find("unsupported scheme"), std::string::npos);
  EXPECT_FALSE(parse_url("ws://x:99999/"));
  EXPECT_FALSE(parse_url("ws://:80/"));
  EXPECT_FALSE(parse_url("127.0.0.1:80"));
}

}  // namespace
}  // namespace omega::client
