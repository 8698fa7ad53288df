#include "common/http_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <string>
#include <thread>

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
  EXPECT_FALSE(b->tls);
  const auto c = parse_http_url("https://play.example.com/api");
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->tls);
  EXPECT_EQ(c->port, 443);
  EXPECT_EQ(c->prefix, "/api");
  const auto d = parse_http_url("https://[::1]:8443");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->host, "::1");
  EXPECT_EQ(d->port, 8443);
  EXPECT_FALSE(parse_http_url("ftp://x:1"));
  EXPECT_FALSE(parse_http_url("https://[::1:8443"));
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
  EXPECT_FALSE(b->tls);
  const auto c = parse_ws_url("wss://play.example.com/zp/zone-a/z/forest/1");
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->tls);
  EXPECT_EQ(c->port, 443);
  EXPECT_EQ(c->path, "/zp/zone-a/z/forest/1");
  EXPECT_EQ(parse_ws_url("ws://localhost/")->port, 80);
  EXPECT_FALSE(parse_ws_url("http://localhost:1/"));
  EXPECT_FALSE(parse_ws_url("ws://localhost:0/"));
}

TEST(HttpClient, ReportsAnUnreachableServer) {
  // Port 1 on loopback: nothing listens there, the connect is refused at once.
  const HttpResponse r = http_get(*parse_http_url("http://127.0.0.1:1"), "/healthz");
  EXPECT_EQ(r.status, 0);
  EXPECT_FALSE(r.error.empty());
}

TEST(HttpClient, HealthCheckFailsWithoutAServer) {
  std::string message;
  EXPECT_FALSE(check_health("http://127.0.0.1:1/healthz", message));
  EXPECT_NE(message.find("127.0.0.1:1"), std::string::npos) << message;
  EXPECT_FALSE(check_health("tcp://127.0.0.1:1/", message));
}

TEST(HttpClient, RefusesAnUnreadableCaFile) {
  HttpEndpoint endpoint = *parse_http_url("https://127.0.0.1:1");
  endpoint.ca_file = "/nonexistent/ca.pem";
  const HttpResponse r = http_get(endpoint, "/healthz");
  EXPECT_EQ(r.status, 0);
  EXPECT_FALSE(r.error.empty());
}

// The zone's Agones SDK client sends its Counter updates as PATCH with a JSON body: the
// request carries the method, the body and its length, and the reply is read.
TEST(HttpClient, SendsAPatchWithItsBody) {
  const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(listener, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(::listen(listener, 1), 0);
  socklen_t length = sizeof address;
  ASSERT_EQ(::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length), 0);
  const uint16_t port = ntohs(address.sin_port);

  std::string received;
  std::thread server([&] {
    const int peer = ::accept(listener, nullptr, nullptr);
    if (peer < 0) return;
    char buffer[4096];
    // Headers, then the body: the request is complete once Content-Length bytes followed them.
    for (;;) {
      const ssize_t n = ::read(peer, buffer, sizeof buffer);
      if (n <= 0) break;
      received.append(buffer, size_t(n));
      const size_t end = received.find("\r\n\r\n");
      if (end != std::string::npos && received.size() >= end + 4 + 2) break;
    }
    const std::string reply = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}";
    (void)!::write(peer, reply.data(), reply.size());
    ::close(peer);
  });

  HttpRequest request;
  request.method = "PATCH";
  request.target = "/v1beta1/counters/players";
  request.body = "{}";
  request.timeout_s = 5.0;
  const HttpResponse r =
      http_call(*parse_http_url("http://127.0.0.1:" + std::to_string(port)), request);
  server.join();
  ::close(listener);
  EXPECT_EQ(r.status, 200) << r.error;
  EXPECT_EQ(r.body, "{}");
  EXPECT_EQ(received.rfind("PATCH /v1beta1/counters/players HTTP/1.1\r\n", 0), 0u) << received;
  EXPECT_NE(received.find("Content-Length: 2\r\n"), std::string::npos) << received;
  EXPECT_NE(received.find("\r\n\r\n{}"), std::string::npos) << received;
}

}  // namespace
}  // namespace omega::common
