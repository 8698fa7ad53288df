// LatencyHistogram: a fixed-size log-linear histogram of durations in microseconds.
//
// Thousands of bots record RTT and input→ack samples at tens of hertz each; keeping every
// sample would grow without end. Buckets have a relative width of 1/64 (~1.6 % error on any
// percentile), cover 0 µs .. 2^32 µs (71 minutes) and take 14 KB (1,728 counters), whatever the
// sample count.
//
// Thread safety: none; a histogram belongs to one thread (the bots' io thread).
#pragma once

#include <array>
#include <cstdint>

namespace omega::bots {

class LatencyHistogram {
 public:
  // Sub-buckets per power of two: the relative resolution of the percentiles.
  static constexpr int kSubBucketBits = 6;
  static constexpr int kSubBuckets = 1 << kSubBucketBits;
  static constexpr int kBucketCount = kSubBuckets * (32 - kSubBucketBits + 1);

  void record(uint64_t micros);
  void clear();
  // Merges another histogram's samples into this one.
  void add(const LatencyHistogram& other);

  uint64_t count() const { return count_; }
  uint64_t max() const { return max_; }
  double mean() const { return count_ ? double(sum_) / double(count_) : 0.0; }
  // The q-quantile (0 ≤ q ≤ 1) in microseconds: the midpoint of the bucket holding it, never
  // above the largest sample. 0 when empty.
  double quantile(double q) const;

  static int bucket_of(uint64_t micros);
  static uint64_t bucket_low(int bucket);   // smallest value in the bucket
  static uint64_t bucket_high(int bucket);  // largest value in the bucket

 private:
  std::array<uint64_t, kBucketCount> buckets_{};
  uint64_t count_ = 0;
  uint64_t sum_ = 0;
  uint64_t max_ = 0;
};

}  // namespace omega::bots
