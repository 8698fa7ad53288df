#include "bots/latency_histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace omega::bots {

namespace {
// Samples above 2^32 µs are clamped: a bot run never lasts that long.
constexpr uint64_t kMaxMicros = (uint64_t{1} << 32) - 1;
}  // namespace

// Values below 2 * kSubBuckets get one bucket each; above, the exponent e (value >> e has
// kSubBucketBits + 1 significant bits) picks a group of kSubBuckets buckets.
int LatencyHistogram::bucket_of(uint64_t micros) {
  micros = std::min(micros, kMaxMicros);
  if (micros < 2 * kSubBuckets) return static_cast<int>(micros);
  const int exponent = static_cast<int>(std::bit_width(micros)) - (kSubBucketBits + 1);
  const uint64_t mantissa = micros >> exponent;  // in [kSubBuckets, 2 * kSubBuckets)
  return kSubBuckets * exponent + static_cast<int>(mantissa);
}

uint64_t LatencyHistogram::bucket_low(int bucket) {
  if (bucket < 2 * kSubBuckets) return static_cast<uint64_t>(bucket);
  const int exponent = bucket / kSubBuckets - 1;
  const uint64_t mantissa = static_cast<uint64_t>(bucket - kSubBuckets * exponent);
  return mantissa << exponent;
}

uint64_t LatencyHistogram::bucket_high(int bucket) {
  if (bucket < 2 * kSubBuckets) return static_cast<uint64_t>(bucket);
  const int exponent = bucket / kSubBuckets - 1;
  return bucket_low(bucket) + (uint64_t{1} << exponent) - 1;
}

void LatencyHistogram::record(uint64_t micros) {
  micros = std::min(micros, kMaxMicros);
  ++buckets_[static_cast<size_t>(bucket_of(micros))];
  ++count_;
  sum_ += micros;
  max_ = std::max(max_, micros);
}

void LatencyHistogram::clear() {
  *this = LatencyHistogram{};
}

void LatencyHistogram::add(const LatencyHistogram& other) {
  for (size_t i = 0; i < buckets_.size(); ++i) buckets_[i] += other.buckets_[i];
  count_ += other.count_;
  sum_ += other.sum_;
  max_ = std::max(max_, other.max_);
}

double LatencyHistogram::quantile(double q) const {
  if (count_ == 0) return 0.0;
  q = std::clamp(q, 0.0, 1.0);
  // The rank of the sample wanted, 1-based: the smallest sample has rank 1.
  const uint64_t rank =
      std::max<uint64_t>(1, static_cast<uint64_t>(std::ceil(q * static_cast<double>(count_))));
  uint64_t seen = 0;
  for (int b = 0; b < kBucketCount; ++b) {
    seen += buckets_[static_cast<size_t>(b)];
    if (seen >= rank) {
      const double mid = (double(bucket_low(b)) + double(bucket_high(b))) / 2.0;
      return std::min(mid, double(max_));
    }
  }
  return double(max_);
}

}  // namespace omega::bots
