#include "common/websocket_frame.hpp"

#include <algorithm>
#include <array>

#include <gtest/gtest.h>

namespace omega::common {
namespace {

std::vector<uint8_t> bytes_of(std::string_view text) {
  return std::vector<uint8_t>(text.begin(), text.end());
}

// RFC 6455 §5.7's examples, byte for byte.
TEST(WebSocketFrame, AppendsTheRfcExamples) {
  std::vector<uint8_t> out;
  append_ws_frame(out, ws_opcode::text, bytes_of("Hello"), false);
  EXPECT_EQ(out, (std::vector<uint8_t>{0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f}));
  out.clear();
  append_ws_frame(out, ws_opcode::text, bytes_of("Hello"), true, 0x37fa213d);
  EXPECT_EQ(out, (std::vector<uint8_t>{0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51,
                                       0x58}));
  out.clear();
  append_ws_frame(out, ws_opcode::binary, std::vector<uint8_t>(256, 7), false);
  EXPECT_EQ(std::vector<uint8_t>(out.begin(), out.begin() + 4),
            (std::vector<uint8_t>{0x82, 0x7e, 0x01, 0x00}));
  EXPECT_EQ(out.size(), 4u + 256u);
  out.clear();
  append_ws_frame(out, ws_opcode::binary, std::vector<uint8_t>(65536, 7), false);
  EXPECT_EQ(std::vector<uint8_t>(out.begin(), out.begin() + 10),
            (std::vector<uint8_t>{0x82, 0x7f, 0, 0, 0, 0, 0, 0x01, 0x00, 0x00}));
  out.clear();
  append_ws_frame(out, ws_opcode::text, bytes_of("Hel"), false, 0, false);
  EXPECT_EQ(out[0], 0x01);  // a first fragment: no FIN
}

TEST(WebSocketFrame, ParsesEveryHeaderLengthAndWaitsForAWholeHeader) {
  for (const size_t size : {0u, 125u, 126u, 65535u, 65536u}) {
    std::vector<uint8_t> frame;
    append_ws_frame(frame, ws_opcode::binary, std::vector<uint8_t>(size, 1), true, 0x01020304);
    const size_t header_size = frame.size() - size;
    for (size_t prefix = 0; prefix < header_size; ++prefix)
      EXPECT_FALSE(parse_ws_frame_header(std::span(frame).first(prefix))) << size << " " << prefix;
    const auto header = parse_ws_frame_header(frame);
    ASSERT_TRUE(header) << size;
    EXPECT_TRUE(header->fin);
    EXPECT_EQ(header->opcode, ws_opcode::binary);
    EXPECT_TRUE(header->masked);
    EXPECT_EQ(header->mask, 0x01020304u);
    EXPECT_EQ(header->payload_size, size);
    EXPECT_EQ(header->header_size, header_size);
    std::vector<uint8_t> payload(frame.begin() + long(header_size), frame.end());
    apply_ws_mask(payload, header->mask);
    EXPECT_EQ(payload, std::vector<uint8_t>(size, 1));
  }
}

TEST(WebSocketFrame, UnmasksFromAnOffsetInsideThePayload) {
  std::vector<uint8_t> frame;
  append_ws_frame(frame, ws_opcode::binary, bytes_of("abcdefg"), true, 0xa1b2c3d4);
  std::vector<uint8_t> payload(frame.end() - 7, frame.end());
  apply_ws_mask(std::span(payload).first(3), 0xa1b2c3d4, 0);
  apply_ws_mask(std::span(payload).subspan(3), 0xa1b2c3d4, 3);
  EXPECT_EQ(payload, bytes_of("abcdefg"));
}

TEST(WebSocketFrame, NamesWhatIsWrongWithAServerFrame) {
  auto error_of = [](std::vector<uint8_t> frame) {
    return std::string(server_frame_error(*parse_ws_frame_header(frame)));
  };
  EXPECT_EQ(error_of({0x82, 0x00}), "");
  EXPECT_EQ(error_of({0x88, 0x02}), "");
  EXPECT_EQ(error_of({0x02, 0x00}), "");  // a first fragment
  EXPECT_EQ(error_of({0x82, 0x80, 0, 0, 0, 0}), "masked frame from the server");
  EXPECT_EQ(error_of({0xc2, 0x00}), "reserved bits set");
  EXPECT_EQ(error_of({0x83, 0x00}), "unknown opcode");
  EXPECT_EQ(error_of({0x8b, 0x00}), "unknown opcode");
  EXPECT_EQ(error_of({0x09, 0x00}), "fragmented control frame");
  EXPECT_EQ(error_of({0x89, 0x7e, 0x00, 0x7e}), "control frame over 125 bytes");
}

TEST(WebSocketFrame, ReadsACloseFramesCodeAndReason) {
  const WsClose close = parse_ws_close(std::vector<uint8_t>{0x0f, 0xa0, 'b', 'y', 'e'});
  EXPECT_EQ(close.code, 4000);
  EXPECT_EQ(close.reason, "bye");
  EXPECT_EQ(parse_ws_close({}).code, 0);
}

// RFC 6455 §1.3's example key (§4.1: "the sample nonce", base64).
TEST(WebSocketFrame, ComputesTheHandshakesKeys) {
  const std::string_view nonce = "the sample nonce";
  std::array<uint8_t, 16> bytes{};
  std::copy(nonce.begin(), nonce.end(), bytes.begin());
  EXPECT_EQ(websocket_key(bytes), "dGhlIHNhbXBsZSBub25jZQ==");
  EXPECT_EQ(websocket_accept("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

}  // namespace
}  // namespace omega::common
