// RawWsClient: a deliberately low-level WebSocket client over a plain blocking TCP socket, for
// tests that act as an attacker would: connections that never upgrade, a socket that is never
// read, frames the real clients never send (pings, oversized messages), a chosen source
// address on the loopback net (127.0.0.2, ...) to stand for distinct remote hosts.
//
// Client frames are masked (RFC 6455 §5.3) with a fixed key: nothing here needs secrecy.
// Tests only. Thread safety: none; one per thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "protocol/messages.hpp"

namespace omega::bots::testing {

struct WsFrame {
  uint8_t opcode = 0;  // 1 text, 2 binary, 8 close, 9 ping, 10 pong
  std::vector<uint8_t> payload;
};

class RawWsClient {
 public:
  RawWsClient() = default;
  ~RawWsClient();
  RawWsClient(const RawWsClient&) = delete;
  RawWsClient& operator=(const RawWsClient&) = delete;

  // TCP connect to 127.0.0.1:port from `source_ip` (any 127.x.y.z). A stalled reader:
  // `receive_buffer` > 0 sets SO_RCVBUF before connecting (a small window), `segment_bytes` > 0
  // the MSS both ends use (an Internet-sized MSS instead of loopback's 64 KiB makes the
  // server's kernel queue fill at fewer bytes, as it does for real clients). False on failure.
  bool connect(uint16_t port, const std::string& source_ip = "127.0.0.1", int receive_buffer = 0,
               int segment_bytes = 0);
  // Sends the upgrade request for `path` (plus `extra_headers`, each line ending in CRLF) and
  // reads the response head: true on 101.
  bool upgrade(const std::string& path = "/", const std::string& extra_headers = "");
  // One masked frame; `fin` false starts a fragmented message. False when the write fails.
  bool send_frame(uint8_t opcode, const std::vector<uint8_t>& payload, bool fin = true);
  bool send_message(const protocol::ClientMessage& message);
  // Writes raw bytes without blocking; returns how many the kernel took (-1: the connection
  // failed).
  long send_some(const uint8_t* data, size_t size);
  bool set_nonblocking(bool on);

  // Reads and parses server frames until the peer closes the connection or `timeout_s` passes
  // without a byte; true when it closed (end of stream or reset).
  bool read_until_closed(double timeout_s);
  // True when the server has closed the TCP connection (no byte waits unread, end of stream or
  // reset seen) within `timeout_s`; does not block past it.
  bool closed_within(double timeout_s);

  const std::vector<WsFrame>& frames() const { return frames_; }
  // Decoded binary messages received so far.
  std::vector<protocol::ServerMessage> messages() const;
  // The reason of a Kick received so far, or none.
  protocol::KickReason kick() const;
  // The status code of the close frame received, or 0.
  uint16_t close_code() const;
  int fd() const { return fd_; }
  void close();

 private:
  void parse();

  int fd_ = -1;
  std::vector<uint8_t> inbox_;
  std::vector<WsFrame> frames_;
};

}  // namespace omega::bots::testing
