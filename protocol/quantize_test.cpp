#include "protocol/quantize.hpp"

#include <gtest/gtest.h>

#include <random>

#include "protocol/serialize.hpp"

namespace omega::protocol {
namespace {

TEST(Quantize, BitsRequired) {
  EXPECT_EQ(bits_required(0), 0);
  EXPECT_EQ(bits_required(1), 1);
  EXPECT_EQ(bits_required(255), 8);
  EXPECT_EQ(bits_required(256), 9);
  EXPECT_EQ(bits_required(0xffffffffu), 32);
  EXPECT_EQ(bounded_bits(0.0f, 100.0f, 0.5f), 8);  // 201 steps
}

TEST(Quantize, ZigzagRoundTrips) {
  for (int32_t v : {0, 1, -1, 2, -2, 65535, -65535, 1 << 20, -(1 << 20)})
    EXPECT_EQ(zigzag_decode(zigzag_encode(v)), v);
  EXPECT_EQ(zigzag_encode(0), 0u);
  EXPECT_EQ(zigzag_encode(-1), 1u);
  EXPECT_EQ(zigzag_encode(1), 2u);
}

TEST(Quantize, PositionErrorIsAtMostHalfAUnit) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> tiles(0.0f, float(kMaxWorldTiles) - 0.1f);
  for (int i = 0; i < 10000; ++i) {
    const float x = tiles(rng);
    const float back = dequantize_position(quantize_position(x));
    EXPECT_LE(std::fabs(back - x), 0.5f / kPositionUnitsPerTile + 1e-3f) << x;
  }
  EXPECT_EQ(quantize_position(-5.0f), 0u);  // clamped to the world
  EXPECT_EQ(quantize_position(1e9f), kMaxPositionUnits);
}

TEST(Quantize, AngleWrapsAndIsAccurateToHalfAStep) {
  constexpr float kStep = 2.0f * std::numbers::pi_v<float> / 256.0f;
  std::mt19937 rng(8);
  std::uniform_real_distribution<float> angle(-20.0f, 20.0f);
  for (int i = 0; i < 10000; ++i) {
    const float a = angle(rng);
    const float back = dequantize_angle(quantize_angle(a));
    float diff = std::remainder(back - a, 2.0f * std::numbers::pi_v<float>);
    EXPECT_LE(std::fabs(diff), kStep / 2 + 1e-4f) << a;
  }
  EXPECT_EQ(quantize_angle(0.0f), 0);
  EXPECT_EQ(quantize_angle(2.0f * std::numbers::pi_v<float>), 0);
  EXPECT_EQ(quantize_angle(std::numbers::pi_v<float>), 128);
}

TEST(Quantize, BoundedFloats) {
  const uint32_t q = quantize_bounded(12.34f, -100.0f, 100.0f, 0.01f);
  EXPECT_NEAR(dequantize_bounded(q, -100.0f, 0.01f), 12.34f, 0.005f);
  EXPECT_EQ(quantize_bounded(500.0f, -100.0f, 100.0f, 0.01f), 20000u);
}

TEST(Quantize, SequenceNumbersWrap) {
  EXPECT_TRUE(sequence_greater_than(1, 0));
  EXPECT_TRUE(sequence_greater_than(0, 65535));
  EXPECT_TRUE(sequence_greater_than(100, 65000));
  EXPECT_FALSE(sequence_greater_than(65000, 100));
  EXPECT_TRUE(sequence_less_than(65535, 2));
  EXPECT_EQ(sequence_distance(65534, 3), 5);
}

template <TierTable table>
void expect_tiered_round_trip(uint32_t max, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<uint32_t> values{0, 1, 2, 3, 4, 5, 30, 31, 32, 33, max - 1, max};
  for (int i = 0; i < 2000; ++i) values.push_back(uint32_t(rng() % (uint64_t(max) + 1)));
  std::vector<uint8_t> buffer;
  WriteStream writer(buffer);
  for (uint32_t v : values) ASSERT_TRUE(serialize_tiered<table>(writer, v, max));
  writer.flush();
  ReadStream reader(buffer);
  for (uint32_t v : values) {
    uint32_t read = 0;
    ASSERT_TRUE(serialize_tiered<table>(reader, read, max));
    EXPECT_EQ(read, v);
  }
  EXPECT_TRUE(reader.at_end_of_message());
}

// Round trip of every tier table over edge values and random values.
TEST(Quantize, TieredBucketsRoundTripAndCostWhatTheyDocument) {
  expect_tiered_round_trip<kIdGapTiers>(kMaxEntityId - 1, 1);
  expect_tiered_round_trip<kCountTiers>(kMaxSnapshotEntries, 2);
  expect_tiered_round_trip<kPositionResidualTiers>(zigzag_encode(-int32_t(kMaxPositionUnits)), 3);
  expect_tiered_round_trip<kStatDeltaTiers>(zigzag_encode(-int32_t(kMaxStat)), 4);
  expect_tiered_round_trip<kSequenceGapTiers>(65534, 5);
  expect_tiered_round_trip<kTickGapTiers>(0xffffffffu, 6);
  expect_tiered_round_trip<kAckGapTiers>(65535, 7);
  // A neighbour id (gap 1) costs one bit; an empty section one bit.
  MeasureStream measure;
  uint32_t id = 8;
  serialize_relative_id(measure, 7, id);
  EXPECT_EQ(measure.bits(), 1);
  uint32_t zero = 0;
  MeasureStream count;
  serialize_tiered<kCountTiers>(count, zero, kMaxSnapshotEntries);
  EXPECT_EQ(count.bits(), 1);
}

TEST(Quantize, TieredReadRejectsValuesAboveTheCallersMaximum) {
  std::vector<uint8_t> buffer;
  WriteStream writer(buffer);
  uint32_t v = 1000;
  serialize_tiered<kCountTiers>(writer, v, 5000);
  writer.flush();
  ReadStream reader(buffer);
  uint32_t read = 0;
  EXPECT_FALSE(serialize_tiered<kCountTiers>(reader, read, kMaxSnapshotEntries - 100));
  EXPECT_EQ(reader.error(), DecodeError::out_of_range);
}

TEST(Quantize, RelativeSequenceWrapsAround) {
  std::vector<uint8_t> buffer;
  WriteStream writer(buffer);
  uint16_t next = 2;
  ASSERT_TRUE(serialize_sequence_relative<kSequenceGapTiers>(writer, uint16_t{65535}, next, 1));
  writer.flush();
  ReadStream reader(buffer);
  uint16_t read = 0;
  ASSERT_TRUE(serialize_sequence_relative<kSequenceGapTiers>(reader, uint16_t{65535}, read, 1));
  EXPECT_EQ(read, 2);
}

}  // namespace
}  // namespace omega::protocol
