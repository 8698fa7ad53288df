#include "client/net_stats.hpp"

#include <gtest/gtest.h>

namespace omega::client {
namespace {

TEST(NetStats, RatesOverWholeSeconds) {
  NetStats stats;
  stats.update(10.0);
  for (int i = 0; i < 15; ++i) {
    const double t = 10.0 + i / 15.0;
    stats.record_in(t, 100);
    stats.record_snapshot(t);
    stats.record_out(t, 20);
  }
  EXPECT_EQ(stats.snapshots_per_second(), 0.0);  // the first window is still open
  stats.update(11.0);
  EXPECT_NEAR(stats.snapshots_per_second(), 15.0, 1e-9);
  EXPECT_NEAR(stats.kilobytes_in_per_second(), 1.5, 1e-9);
  EXPECT_NEAR(stats.kilobytes_out_per_second(), 0.3, 1e-9);
  EXPECT_EQ(stats.total_bytes_in(), 1500u);
}

TEST(NetStats, RttIsSmoothed) {
  NetStats stats;
  stats.record_rtt(100.0);
  EXPECT_DOUBLE_EQ(stats.rtt_smoothed_ms(), 100.0);
  stats.record_rtt(180.0);
  EXPECT_DOUBLE_EQ(stats.rtt_ms(), 180.0);
  EXPECT_DOUBLE_EQ(stats.rtt_smoothed_ms(), 110.0);
}

}  // namespace
}  // namespace omega::client
