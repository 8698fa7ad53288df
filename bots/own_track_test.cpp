#include "bots/own_track.hpp"

#include <gtest/gtest.h>

namespace omega::bots {
namespace {

constexpr uint16_t kTile = protocol::kPositionUnitsPerTile;

TEST(OwnTrack, SpeedIsMeasuredOverTheNewestSpanOfAtLeastOneSecond) {
  OwnTrack track;
  // 30 Hz ticks, a sample every 2 ticks, walking 6 tiles/s along x (0.4 tiles per sample).
  double speed = -1;
  for (uint32_t n = 0; n <= 15; ++n) {
    speed =
        track.add(2 * n, static_cast<uint16_t>(100 * kTile + n * 2 * kTile / 5), 50 * kTile, 30);
    if (n < 15) {
      EXPECT_EQ(speed, -1.0) << "no sample a second old yet at " << n;
    }
  }
  EXPECT_NEAR(speed, 6.0, 0.05);
  // A teleport of 10 tiles shows at once as a speed over the last second.
  speed = track.add(32, static_cast<uint16_t>(116 * kTile), 50 * kTile, 30);
  EXPECT_GT(speed, 10.0);
}

TEST(OwnTrack, KeepsTheNewestSamplesAndForgetsOnClear) {
  OwnTrack track;
  // Far more samples than slots, standing still: the ring wraps and the speed is 0.
  double speed = -1;
  for (uint32_t tick = 0; tick < 1000; ++tick) speed = track.add(tick, 7 * kTile, 7 * kTile, 30);
  EXPECT_EQ(speed, 0.0);
  track.clear();
  EXPECT_EQ(track.add(1000, 9 * kTile, 9 * kTile, 30), -1.0);
}

}  // namespace
}  // namespace omega::bots
