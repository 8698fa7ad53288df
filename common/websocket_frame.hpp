// The WebSocket wire format (RFC 6455 §5) without any I/O: frame headers parsed from and
// appended to byte buffers, payload masking, and the handshake's accept key. For the clients
// that do not go through Boost.Beast: the bots' plain-TCP zone connection (the load
// generator's hot path) and the tests' deliberately misbehaving RawWsClient. The zone and the
// desktop client speak WebSocket through Beast.
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace omega::common {

namespace ws_opcode {
inline constexpr uint8_t continuation = 0, text = 1, binary = 2, close = 8, ping = 9, pong = 10;
}  // namespace ws_opcode

struct WsFrameHeader {
  bool fin = true;
  uint8_t reserved = 0;  // RSV1-3 (bits 0x70 of the first byte); non-zero without an extension
  uint8_t opcode = 0;
  bool masked = false;
  uint32_t mask = 0;  // the key's four bytes, first byte in the high bits
  uint64_t payload_size = 0;
  size_t header_size = 0;  // bytes before the payload: 2 to 14
};

// The header at the start of `bytes`, or nullopt while it is not all there yet.
std::optional<WsFrameHeader> parse_ws_frame_header(std::span<const uint8_t> bytes);

// What is wrong with a frame a server sent to a client, or "" when nothing: masked, reserved
// bits set, an unknown opcode, a control frame that is fragmented or over 125 bytes.
std::string_view server_frame_error(const WsFrameHeader& header);

// Appends one frame: its header, then `payload` XOR-masked with `mask` when `masked` (every
// client frame; servers send them unmasked).
void append_ws_frame(std::vector<uint8_t>& out, uint8_t opcode, std::span<const uint8_t> payload,
                     bool masked, uint32_t mask = 0, bool fin = true);

// XORs `bytes` with `mask`, starting at byte `offset` of the masked payload (in place).
void apply_ws_mask(std::span<uint8_t> bytes, uint32_t mask, size_t offset = 0);

// A close frame's payload: the status code and reason, when it has them.
struct WsClose {
  uint16_t code = 0;  // 0: the frame carried none
  std::string reason;
};
WsClose parse_ws_close(std::span<const uint8_t> payload);

// Sec-WebSocket-Key for the client's 16 random bytes: their base64.
std::string websocket_key(std::span<const uint8_t, 16> nonce);
// Sec-WebSocket-Accept for `key`: base64(SHA-1(key + the RFC's GUID)).
std::string websocket_accept(std::string_view key);

}  // namespace omega::common
