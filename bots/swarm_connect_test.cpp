// A zone address that accepts TCP and then never answers the WebSocket upgrade (a proxy
// holding the upgrade while its zone is away) must not hold a bot forever.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "bots/swarm.hpp"

namespace omega::bots {
namespace {

// A listening socket nobody accepts on: the kernel completes the TCP handshake, then silence.
class SilentListener {
 public:
  SilentListener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
        ::listen(fd_, 16) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0)
      return;
    port_ = ntohs(address.sin_port);
  }
  ~SilentListener() {
    if (fd_ >= 0) ::close(fd_);
  }
  uint16_t port() const { return port_; }

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

TEST(SwarmConnect, AnUpgradeThatNeverCompletesIsLostAfterConnectTimeout) {
  SilentListener listener;
  ASSERT_NE(listener.port(), 0);
  SwarmConfig config;
  config.port = listener.port();
  config.bots.resize(2);
  config.connect_timeout_s = 0.3;
  config.join_timeout_s = 5.0;
  config.seconds = 0.1;
  const auto started = std::chrono::steady_clock::now();
  const SwarmReport report = run_swarm(config);
  const double took =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  EXPECT_EQ(report.welcomed, 0u);
  ASSERT_EQ(report.disconnects.size(), 1u);
  EXPECT_EQ(report.disconnects.begin()->first, "error:connect: timed out (no WebSocket upgrade)");
  EXPECT_EQ(report.disconnects.begin()->second, 2u);
  // Both bots gave up, so the window started without waiting for join_timeout_s.
  EXPECT_LT(took, 4.0);
}

}  // namespace
}  // namespace omega::bots
