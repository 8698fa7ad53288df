// The real zone transport: a WebSocket client (Boost.Beast) running on its own I/O thread,
// over TCP (ws://) or TLS (wss://: certificate and host name verified, SNI sent;
// common/tls_client). Messages and connection events cross to the render thread through a
// mutex-guarded queue, so the render loop never blocks on the network.
//
// Thread safety: the public methods are for one owning thread; the I/O thread is internal.
#pragma once

#include <memory>
#include <string>

#include "client/transport.hpp"

namespace omega::client {

// Largest message accepted from a zone: a full snapshot of 128 entities in view is ~5 KB; the
// bound keeps a broken or hostile server from making us buffer without end.
inline constexpr size_t kMaxZoneMessageBytes = 1 << 20;
// Connecting (resolve, TCP, WebSocket handshake) gives up after this long: the reconnect
// backoff then takes over.
inline constexpr double kConnectTimeoutSeconds = 5.0;

namespace detail {
class ZoneConnection;  // one connection attempt and its I/O thread (websocket_transport.cpp)
}

class WebSocketTransport final : public Transport {
 public:
  // `ca_file`: for wss://, trust this PEM CA instead of the system CAs.
  explicit WebSocketTransport(std::string ca_file = {});
  ~WebSocketTransport() override;
  WebSocketTransport(const WebSocketTransport&) = delete;
  WebSocketTransport& operator=(const WebSocketTransport&) = delete;

  void connect(const std::string& url) override;
  void send(std::vector<uint8_t> message) override;
  void close() override;
  bool poll(double now, TransportEvent& event) override;

 private:
  std::string ca_file_;
  std::shared_ptr<detail::ZoneConnection> connection_;
  std::string closed_error_;  // a connect() that failed before any I/O (bad URL)
};

}  // namespace omega::client
