// TokenBucket: a rate limiter with a sustained rate and a burst depth, driven by time passed
// in (seconds as double from any monotonic clock), so it is deterministic under test.
//
// Thread safety: none; one per connection, used by one thread.
#pragma once

#include <algorithm>

namespace omega::zone {

class TokenBucket {
 public:
  TokenBucket() = default;
  // `rate` tokens per second refill a bucket that holds at most `burst`; it starts full.
  TokenBucket(double rate, double burst) : rate_(rate), burst_(burst), tokens_(burst) {}

  // Takes one token at time `now_s`; false when the bucket is empty (over the limit).
  bool take(double now_s) {
    if (started_) tokens_ = std::min(burst_, tokens_ + std::max(0.0, now_s - last_s_) * rate_);
    started_ = true;
    last_s_ = std::max(last_s_, now_s);
    if (tokens_ < 1.0) return false;
    tokens_ -= 1.0;
    return true;
  }

  double tokens() const { return tokens_; }

 private:
  double rate_ = 0.0;
  double burst_ = 0.0;
  double tokens_ = 0.0;
  double last_s_ = 0.0;
  bool started_ = false;
};

}  // namespace omega::zone
