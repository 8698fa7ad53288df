// Opening a listening TCP acceptor, shared by the WebSocket server and the HTTP side port.
// Included only by those two translation units (it pulls in Asio; the simulation never does).
#pragma once

#include <utility>  // Boost 1.74's Asio misses this include

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <spdlog/spdlog.h>

#include "zone/limits.hpp"

namespace omega::zone {

// Binds and listens; returns the bound port, or 0 with `error` set.
inline uint16_t listen_acceptor(boost::asio::ip::tcp::acceptor& acceptor, const std::string& host,
                                uint16_t port, std::string& error) {
  namespace asio = boost::asio;
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  if (ec) {
    error = "bad listen address '" + host + "': " + ec.message();
    return 0;
  }
  const asio::ip::tcp::endpoint endpoint(address, port);
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    error = "cannot listen on " + host + ":" + std::to_string(port) + ": " + ec.message();
    return 0;
  }
  return acceptor.local_endpoint().port();
}

// What an acceptor does after accept() failed for lack of descriptors or memory (EMFILE,
// ENFILE, ENOBUFS, ENOMEM): the connection stays in the listen backlog, and retrying at once
// would fail again thousands of times a second and starve the network thread. It waits
// instead, kAcceptBackoffMinSeconds at first and twice as long each time up to
// kAcceptBackoffMaxSeconds, until an accept succeeds (reset()).
class AcceptBackoff {
 public:
  AcceptBackoff(boost::asio::io_context& io, std::string name, std::atomic<uint64_t>& errors)
      : timer_(io), name_(std::move(name)), errors_(errors) {}

  static bool is_resource_error(const boost::system::error_code& ec) {
    namespace error = boost::asio::error;
    return ec == error::no_descriptors || ec == error::no_buffer_space || ec == error::no_memory ||
           ec.value() == ENFILE;
  }

  // Counts the failure and calls `retry` after the wait.
  template <class Retry>
  void wait(const boost::system::error_code& ec, Retry retry) {
    errors_.fetch_add(1, std::memory_order_relaxed);
    if (delay_s_ == 0) {
      spdlog::warn("{}: accept failed: {}; backing off", name_, ec.message());
      delay_s_ = kAcceptBackoffMinSeconds;
    } else {
      delay_s_ = std::min(kAcceptBackoffMaxSeconds, delay_s_ * 2);
    }
    timer_.expires_after(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        std::chrono::duration<double>(delay_s_)));
    timer_.async_wait([retry = std::move(retry)](const boost::system::error_code& e) {
      if (!e) retry();
    });
  }
  void reset() { delay_s_ = 0; }
  void cancel() { timer_.cancel(); }

 private:
  boost::asio::steady_timer timer_;
  std::string name_;
  std::atomic<uint64_t>& errors_;
  double delay_s_ = 0;
};

}  // namespace omega::zone
