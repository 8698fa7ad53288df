// One bot's WebSocket connection to a zone, over plain TCP (ws://) or TLS (wss://): connect,
// TLS and WebSocket handshakes, a read loop into reused buffers, and a fixed ring of reused
// outgoing buffers (no allocation per message once every slot has grown to its message size).
// What happens on it reaches the swarm as events (ConnectionEvents), never as streams. wss://
// goes through Boost.Beast (zone_connection.cpp, the bots' only Beast translation unit);
// ws://, the load generator's path, through bots/plain_connection.cpp (one epoll set for
// every connection, one send per connection per handler). bots/swarm.cpp is Beast-free.
//
// Events stop for good once the connection has ended (on_end, delivered once) or the owner
// has let go of it (close() or abort()); handlers still in flight keep the object alive and
// then do nothing.
//
// Thread safety: one io_context thread; every call and every event on it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "bots/http_client.hpp"

namespace boost::asio {
class io_context;
namespace ssl {
class context;
}  // namespace ssl
}  // namespace boost::asio

namespace omega::bots {

// How a connection ended.
struct ConnectionEnd {
  enum class Kind : uint8_t {
    failed,      // connect, TLS, upgrade or write failed; `detail` is "connect: …", "tls: …",
                 // "handshake: …" or "write: …"
    read_error,  // the read loop failed (reset, EOF without a close); `detail` is the error
    closed,      // the zone closed the WebSocket; `detail` is its reason text, `close_code`
    text_frame,  // the zone sent a text frame (the protocol is binary only)
  };
  Kind kind = Kind::failed;
  std::string detail;
  uint16_t close_code = 0;
};

// The owner's side: `bot` is the tag the connection was opened with.
class ConnectionEvents {
 public:
  virtual ~ConnectionEvents() = default;
  // The WebSocket upgrade completed; the read loop starts after this returns.
  virtual void on_upgraded(size_t bot) = 0;
  // One binary message; the span is valid during the call only.
  virtual void on_message(size_t bot, std::span<const uint8_t> message) = 0;
  // A message of `bytes` starts going out (the report counts bytes up when they are written).
  virtual void on_sending(size_t bot, size_t bytes) = 0;
  virtual void on_end(size_t bot, const ConnectionEnd& end) = 0;
};

class ZoneConnection {
 public:
  // Starts connecting to `target` (TLS when target.tls; `tls` is then the client context).
  static std::shared_ptr<ZoneConnection> open(boost::asio::io_context& io,
                                              boost::asio::ssl::context* tls,
                                              const WebSocketAddress& target, size_t bot,
                                              ConnectionEvents& events);
  virtual ~ZoneConnection() = default;

  // A buffer to encode the next message into, cleared, queued behind the others; flush()
  // sends it. nullptr when the 64-slot ring is full: the zone has stopped reading, so the
  // message is dropped (the caller counts it).
  virtual std::vector<uint8_t>* queue(bool text) = 0;
  // Starts writing what is queued unless a write is in flight (which then carries on).
  virtual void flush() = 0;
  // Starts a clean WebSocket close and lets go: no more events.
  virtual void close() = 0;
  // Closes the socket at once and lets go: no more events.
  virtual void abort() = 0;
};

}  // namespace omega::bots
