#include "protocol/bit_stream.hpp"

#include <gtest/gtest.h>

#include <random>

namespace omega::protocol {
namespace {

TEST(BitStream, RoundTripsRandomWidthsAndValues) {
  std::mt19937 rng(1234);
  for (int round = 0; round < 200; ++round) {
    std::vector<std::pair<uint32_t, int>> fields;
    std::vector<uint8_t> buffer;
    BitWriter writer(buffer);
    const int count = 1 + int(rng() % 200);
    for (int i = 0; i < count; ++i) {
      const int bits = 1 + int(rng() % 32);
      const uint32_t value = bits == 32 ? rng() : rng() & ((1u << bits) - 1);
      writer.write_bits(value, bits);
      fields.emplace_back(value, bits);
    }
    writer.flush();
    EXPECT_EQ(buffer.size(), size_t((writer.bits_written() + 7) / 8));
    BitReader reader(buffer);
    for (auto [value, bits] : fields) {
      uint32_t read = 0;
      ASSERT_TRUE(reader.read_bits(read, bits));
      EXPECT_EQ(read, value);
    }
    EXPECT_TRUE(reader.at_end_of_message());
  }
}

TEST(BitStream, PacksLeastSignificantBitFirst) {
  std::vector<uint8_t> buffer;
  BitWriter writer(buffer);
  writer.write_bits(1, 1);
  writer.write_bits(0, 1);
  writer.write_bits(0x3f, 6);
  writer.write_bits(0x5, 4);
  writer.flush();
  ASSERT_EQ(buffer.size(), 2u);
  EXPECT_EQ(buffer[0], 0xfd);  // 1, 0, then six ones
  EXPECT_EQ(buffer[1], 0x05);
}

TEST(BitStream, ReadPastEndFailsWithoutTouchingMemory) {
  const std::vector<uint8_t> buffer{0xff, 0x01};
  BitReader reader(buffer);
  uint32_t value = 7;
  ASSERT_TRUE(reader.read_bits(value, 12));
  EXPECT_FALSE(reader.read_bits(value, 5));
  EXPECT_EQ(value, 0u);
  ASSERT_TRUE(reader.read_bits(value, 4));  // the 4 bits that are left still read
  EXPECT_FALSE(reader.read_bits(value, 1));

  BitReader empty(std::span<const uint8_t>{});
  EXPECT_FALSE(empty.read_bits(value, 1));
  EXPECT_TRUE(empty.at_end_of_message());
}

TEST(BitStream, EndOfMessageRejectsTrailingBytesAndNonZeroPadding) {
  const std::vector<uint8_t> padded{0x03};  // 2 bits of data, 6 zero padding bits
  BitReader ok(padded);
  uint32_t value = 0;
  ASSERT_TRUE(ok.read_bits(value, 2));
  EXPECT_TRUE(ok.at_end_of_message());

  const std::vector<uint8_t> dirty{0x83};  // a one in the padding
  BitReader bad_padding(dirty);
  ASSERT_TRUE(bad_padding.read_bits(value, 2));
  EXPECT_FALSE(bad_padding.at_end_of_message());

  const std::vector<uint8_t> extra{0x03, 0x00};  // a whole extra byte, even if zero
  BitReader trailing(extra);
  ASSERT_TRUE(trailing.read_bits(value, 2));
  EXPECT_FALSE(trailing.at_end_of_message());
}

}  // namespace
}  // namespace omega::protocol
