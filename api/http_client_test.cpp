#include "api/http_client.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace omega::api {
namespace {

// A loopback TCP socket bound to a free port; its port through `port`.
int bound_socket(std::uint16_t& port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  socklen_t length = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  port = ntohs(address.sin_port);
  return fd;
}

TEST(ApiHttpClient, ParsesHttpUrls) {
  const auto plain = parse_http_url("http://127.0.0.1:9081");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->host, "127.0.0.1");
  EXPECT_EQ(plain->port, 9081);
  EXPECT_EQ(plain->base_path, "");
  const auto with_path = parse_http_url("http://zone-3.internal/control/");
  ASSERT_TRUE(with_path);
  EXPECT_EQ(with_path->host, "zone-3.internal");
  EXPECT_EQ(with_path->port, 80);
  EXPECT_EQ(with_path->base_path, "/control");
  for (const char* bad : {"https://h:1", "ws://h:1", "http://", "http://:80", "http://h:0",
                          "http://h:99999", "http://h:8x"})
    EXPECT_FALSE(parse_http_url(bad)) << bad;
}

TEST(ApiHttpClient, ReportsARefusedConnectionAsNoResponse) {
  std::uint16_t port = 0;
  close(bound_socket(port));  // bound and closed again: nobody listens there
  const auto response = post_json({"127.0.0.1", port, ""}, "/instances", "{}", "token",
                                  std::chrono::milliseconds(500));
  EXPECT_EQ(response.status, 0);
  EXPECT_FALSE(response.error.empty());
}

TEST(ApiHttpClient, GivesUpOnASilentPeerAtTheDeadline) {
  std::uint16_t port = 0;
  const int fd = bound_socket(port);
  ASSERT_EQ(listen(fd, 4), 0);  // accepts (in the backlog) and never answers
  const auto started = std::chrono::steady_clock::now();
  const auto response = post_json({"127.0.0.1", port, ""}, "/instances", "{}", "token",
                                  std::chrono::milliseconds(300));
  const auto waited = std::chrono::steady_clock::now() - started;
  close(fd);
  EXPECT_EQ(response.status, 0);
  EXPECT_LT(waited, std::chrono::seconds(3));
}

}  // namespace
}  // namespace omega::api
