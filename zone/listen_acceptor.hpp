// Opening a listening TCP acceptor, shared by the WebSocket server and the HTTP side port.
// Included only by those two translation units (it pulls in Asio; the simulation never does).
#pragma once

#include <utility>  // Boost 1.74's Asio misses this include

#include <cstdint>
#include <string>

#include <boost/asio/ip/tcp.hpp>

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

}  // namespace omega::zone
