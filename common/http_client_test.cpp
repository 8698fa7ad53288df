#include "common/http_client.hpp"

#include <gtest/gtest.h>

namespace omega::common {
namespace {

TEST(HttpClient, ParsesHttpUrls) {
  const auto a = parse_http_url("http://127.0.0.1:8080");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 8080);
  EXPECT_EQ(a->prefix, "");
  const auto b = parse_http_url("http://api.local/base/");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->port, 80);
  EXPECT_EQ(b->prefix, "/base");
  EXPECT_FALSE(parse_http_url("https://x:1"));
  EXPECT_FALSE(parse_http_url("http://:80"));
  EXPECT_FALSE(parse_http_url("http://x:0"));
  EXPECT_FALSE(parse_http_url("http://x:99999"));
}

TEST(HttpClient, ParsesWebSocketUrls) {
  const auto a = parse_ws_url("ws://127.0.0.1:8081/z/forest/2");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 8081);
  EXPECT_EQ(a->path, "/z/forest/2");
  const auto b = parse_ws_url("ws://localhost:9");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->path, "/");
  EXPECT_FALSE(parse_ws_url("ws://localhost/"));  // the port is required
  EXPECT_FALSE(parse_ws_url("http://localhost:1/"));
}

TEST(HttpClient, ReportsAnUnreachableServer) {
  // Port 1 on loopback: nothing listens there, the connect is refused at once.
  const HttpResponse r = http_get(*parse_http_url("http://127.0.0.1:1"), "/healthz");
  EXPECT_EQ(r.status, 0);
  EXPECT_FALSE(r.error.empty());
}

}  // namespace
}  // namespace omega::common
