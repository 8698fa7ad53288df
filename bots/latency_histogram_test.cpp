#include "bots/latency_histogram.hpp"

#include <gtest/gtest.h>

namespace omega::bots {
namespace {

TEST(LatencyHistogram, EmptyIsZero) {
  LatencyHistogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.quantile(0.5), 0.0);
}

TEST(LatencyHistogram, BucketsTileTheRangeWithoutGaps) {
  for (int b = 0; b + 1 < LatencyHistogram::kBucketCount; ++b) {
    ASSERT_EQ(LatencyHistogram::bucket_high(b) + 1, LatencyHistogram::bucket_low(b + 1)) << b;
    ASSERT_EQ(LatencyHistogram::bucket_of(LatencyHistogram::bucket_low(b)), b);
    ASSERT_EQ(LatencyHistogram::bucket_of(LatencyHistogram::bucket_high(b)), b);
  }
  EXPECT_EQ(LatencyHistogram::bucket_of(uint64_t{1} << 40), LatencyHistogram::kBucketCount - 1);
}

TEST(LatencyHistogram, SmallValuesAreExact) {
  LatencyHistogram h;
  for (uint64_t v = 1; v <= 100; ++v) h.record(v);
  EXPECT_EQ(h.quantile(0.5), 50.0);
  EXPECT_EQ(h.quantile(0.99), 99.0);
  EXPECT_EQ(h.quantile(1.0), 100.0);
  EXPECT_EQ(h.max(), 100u);
  EXPECT_DOUBLE_EQ(h.mean(), 50.5);
}

TEST(LatencyHistogram, LargeValuesWithinTwoPercent) {
  LatencyHistogram h;
  // 1..10,000 ms in µs: p50 = 5,000 ms, p95 = 9,500 ms, p99 = 9,900 ms.
  for (uint64_t ms = 1; ms <= 10000; ++ms) h.record(ms * 1000);
  EXPECT_NEAR(h.quantile(0.50), 5000e3, 5000e3 * 0.02);
  EXPECT_NEAR(h.quantile(0.95), 9500e3, 9500e3 * 0.02);
  EXPECT_NEAR(h.quantile(0.99), 9900e3, 9900e3 * 0.02);
  EXPECT_LE(h.quantile(1.0), 10000e3);
}

TEST(LatencyHistogram, AddMerges) {
  LatencyHistogram a, b;
  a.record(10);
  b.record(20);
  b.record(30);
  a.add(b);
  EXPECT_EQ(a.count(), 3u);
  EXPECT_EQ(a.max(), 30u);
  EXPECT_EQ(a.quantile(0.5), 20.0);
}

}  // namespace
}  // namespace omega::bots
