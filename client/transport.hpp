// The zone connection as the session sees it: binary messages in and out, and connection
// events, polled without blocking from the render loop.
//
// Implementations: WebSocketTransport (the real one, a Beast WebSocket on its own I/O thread),
// DelayedTransport (adds latency and jitter around another transport: tests and
// --simulate-latency), and in-process fakes in the tests (a seam, not an #ifdef).
// Thread safety: each method is called from the owning (render) thread only.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace omega::client {

struct TransportEvent {
  enum class Kind { connected, message, closed };
  Kind kind = Kind::message;
  std::vector<uint8_t> bytes;  // message
  std::string reason;          // closed: why (error text or the peer's close reason)
};

class Transport {
 public:
  virtual ~Transport() = default;
  // Starts connecting to a ws:// or wss:// URL; a previous connection is closed first. Completion
  // (or failure) arrives as a connected (or closed) event.
  virtual void connect(const std::string& url) = 0;
  // Queues one binary message; dropped when not connected.
  virtual void send(std::vector<uint8_t> message) = 0;
  // Closes the connection; a closed event follows.
  virtual void close() = 0;
  // The next event, if any. `now` is the caller's clock (seconds), used by delaying layers.
  virtual bool poll(double now, TransportEvent& event) = 0;
};

}  // namespace omega::client
