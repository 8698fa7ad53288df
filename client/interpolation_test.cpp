#include "client/interpolation.hpp"

#include <gtest/gtest.h>

namespace omega::client {
namespace {

TEST(EntityTrack, InterpolatesBetweenSamples) {
  EntityTrack track;
  track.push({1.0, {10.0f, 5.0f}, true});
  track.push({1.1, {11.0f, 5.0f}, true});
  track.push({1.2, {12.0f, 6.0f}, true});
  EXPECT_NEAR(track.sample(1.05).x, 10.5f, 1e-5f);
  EXPECT_NEAR(track.sample(1.15).y, 5.5f, 1e-5f);
  EXPECT_EQ(track.sample(0.5).x, 10.0f);  // before the buffer: the oldest
}

TEST(EntityTrack, ExtrapolatesABoundedWayOnlyWhileWalking) {
  EntityTrack track;
  track.push({1.0, {10.0f, 5.0f}, true});
  track.push({1.1, {11.0f, 5.0f}, true});  // 10 tiles/s east
  EXPECT_NEAR(track.sample(1.15).x, 11.5f, 1e-4f);
  // Capped at kMaxExtrapolationSeconds past the newest sample.
  EXPECT_NEAR(track.sample(5.0).x, 11.0f + 10.0f * float(kMaxExtrapolationSeconds), 1e-4f);
  track.push({1.2, {11.5f, 5.0f}, false});  // stopped
  EXPECT_EQ(track.sample(1.5).x, 11.5f);
}

TEST(EntityTrack, AStillEntityDoesNotGlideInSlowMotion) {
  EntityTrack track;
  track.push({1.0, {10.0f, 5.0f}, false});
  // Not sent for 2 s (unchanged), then it moves one snapshot's worth.
  track.push({3.0, {10.3f, 5.0f}, true});
  EXPECT_EQ(track.sample(2.5).x, 10.0f);
  EXPECT_NEAR(track.sample(3.0 - kAssumedSnapshotIntervalSeconds / 2).x, 10.15f, 1e-4f);
}

TEST(EntityTrack, KeepsTheNewestSamples) {
  EntityTrack track;
  for (int i = 0; i < 40; ++i) track.push({i * 0.05, {float(i), 0.0f}, true});
  EXPECT_EQ(track.newest().position.x, 39.0f);
  EXPECT_NEAR(track.sample(1.925).x, 38.5f, 1e-4f);
}

TEST(SnapshotClock, RendersTheDelayBehindTheLeastDelayedArrival) {
  SnapshotClock clock(0.1);
  // Snapshots every 1/15 s, arriving 50 ms late plus 0-30 ms of jitter.
  const double jitter[] = {0.03, 0.0, 0.01, 0.025, 0.005, 0.02};
  for (int i = 0; i < 60; ++i) {
    const double server = 100.0 + i / 15.0;
    clock.on_snapshot(server + 0.05 + jitter[i % 6] + 1000.0, server);
  }
  // Local clock = server + 1000.05 at best: render 100 ms behind that.
  const double local = 100.0 + 59 / 15.0 + 1000.05;
  EXPECT_NEAR(clock.render_time(local), 100.0 + 59 / 15.0 - 0.1, 0.005);
}

TEST(SnapshotClock, ResyncsAfterAJump) {
  SnapshotClock clock;
  clock.on_snapshot(10.0, 5.0);
  clock.on_snapshot(10.1, 5.1);
  clock.on_snapshot(20.0, 500.0);  // a new zone's tick counter
  EXPECT_NEAR(clock.render_time(20.0), 500.0 - clock.delay(), 1e-9);
}

}  // namespace
}  // namespace omega::client
