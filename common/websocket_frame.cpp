#include "common/websocket_frame.hpp"

#include <openssl/evp.h>
#include <openssl/sha.h>

namespace omega::common {

std::optional<WsFrameHeader> parse_ws_frame_header(std::span<const uint8_t> bytes) {
  if (bytes.size() < 2) return std::nullopt;
  WsFrameHeader header;
  header.fin = (bytes[0] & 0x80) != 0;
  header.reserved = bytes[0] & 0x70;
  header.opcode = bytes[0] & 0x0f;
  header.masked = (bytes[1] & 0x80) != 0;
  const uint8_t length = bytes[1] & 0x7f;
  size_t at = 2;
  if (length == 126) {
    if (bytes.size() < 4) return std::nullopt;
    header.payload_size = (uint64_t{bytes[2]} << 8) | bytes[3];
    at = 4;
  } else if (length == 127) {
    if (bytes.size() < 10) return std::nullopt;
    for (size_t i = 0; i < 8; ++i) header.payload_size = (header.payload_size << 8) | bytes[2 + i];
    at = 10;
  } else {
    header.payload_size = length;
  }
  if (header.masked) {
    if (bytes.size() < at + 4) return std::nullopt;
    for (size_t i = 0; i < 4; ++i) header.mask = (header.mask << 8) | bytes[at + i];
    at += 4;
  }
  header.header_size = at;
  return header;
}

std::string_view server_frame_error(const WsFrameHeader& header) {
  if (header.masked) return "masked frame from the server";
  if (header.reserved != 0) return "reserved bits set";
  const uint8_t op = header.opcode;
  if (op >= ws_opcode::close) {
    if (op > ws_opcode::pong) return "unknown opcode";
    if (!header.fin) return "fragmented control frame";
    if (header.payload_size > 125) return "control frame over 125 bytes";
    return "";
  }
  if (op > ws_opcode::binary) return "unknown opcode";
  return "";
}

void apply_ws_mask(std::span<uint8_t> bytes, uint32_t mask, size_t offset) {
  const uint8_t key[4] = {static_cast<uint8_t>(mask >> 24), static_cast<uint8_t>(mask >> 16),
                          static_cast<uint8_t>(mask >> 8), static_cast<uint8_t>(mask)};
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] ^= key[(offset + i) & 3];
}

void append_ws_frame(std::vector<uint8_t>& out, uint8_t opcode, std::span<const uint8_t> payload,
                     bool masked, uint32_t mask, bool fin) {
  const uint64_t n = payload.size();
  const uint8_t mask_bit = masked ? 0x80 : 0;
  out.push_back(static_cast<uint8_t>((fin ? 0x80 : 0) | (opcode & 0x0f)));
  if (n < 126) {
    out.push_back(static_cast<uint8_t>(mask_bit | n));
  } else if (n <= 0xffff) {
    out.push_back(mask_bit | 126);
    out.push_back(static_cast<uint8_t>(n >> 8));
    out.push_back(static_cast<uint8_t>(n));
  } else {
    out.push_back(mask_bit | 127);
    for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<uint8_t>(n >> shift));
  }
  if (masked)
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<uint8_t>(mask >> shift));
  const size_t start = out.size();
  out.insert(out.end(), payload.begin(), payload.end());
  if (masked) apply_ws_mask(std::span<uint8_t>(out).subspan(start), mask);
}

WsClose parse_ws_close(std::span<const uint8_t> payload) {
  WsClose close;
  if (payload.size() < 2) return close;
  close.code = static_cast<uint16_t>((payload[0] << 8) | payload[1]);
  close.reason.assign(payload.begin() + 2, payload.end());
  return close;
}

namespace {

std::string base64(std::span<const uint8_t> bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int length = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes.data(),
                                     static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(length));
  return out;
}

}  // namespace

std::string websocket_key(std::span<const uint8_t, 16> nonce) {
  return base64(nonce);
}

std::string websocket_accept(std::string_view key) {
  static constexpr std::string_view kGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  std::string text(key);
  text += kGuid;
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  return base64(std::span<const uint8_t>(digest, SHA_DIGEST_LENGTH));
}

}  // namespace omega::common
