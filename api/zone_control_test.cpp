#include "api/zone_control.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>

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

TEST(ZoneControl, ReportsARefusedConnectionAsNoResponse) {
  std::uint16_t port = 0;
  close(bound_socket(port));  // bound and closed again: nobody listens there
  const auto response =
      post_zone_control(*common::parse_http_url("http://127.0.0.1:" + std::to_string(port)),
                        "/instances", "{}", "token", 0.5);
  EXPECT_EQ(response.status, 0);
  EXPECT_FALSE(response.error.empty());
}

TEST(ZoneControl, GivesUpOnASilentPeerAtTheDeadline) {
  std::uint16_t port = 0;
  const int fd = bound_socket(port);
  ASSERT_EQ(listen(fd, 4), 0);  // accepts (in the backlog) and never answers
  const auto started = std::chrono::steady_clock::now();
  const auto response =
      post_zone_control(*common::parse_http_url("http://127.0.0.1:" + std::to_string(port)),
                        "/instances", "{}", "token", 0.3);
  const auto waited = std::chrono::steady_clock::now() - started;
  close(fd);
  EXPECT_EQ(response.status, 0);
  EXPECT_LT(waited, std::chrono::seconds(3));
}

}  // namespace
}  // namespace omega::api
