#include "client/reconnect_backoff.hpp"

#include <algorithm>
#include <cmath>

namespace omega::client {

ReconnectBackoff::ReconnectBackoff(BackoffSettings settings, uint64_t seed)
    : settings_(settings), rng_state_(seed ? seed : 1) {}

double ReconnectBackoff::next_unit_random() {
  // xorshift64*: tiny, deterministic, good enough for jitter.
  rng_state_ ^= rng_state_ >> 12;
  rng_state_ ^= rng_state_ << 25;
  rng_state_ ^= rng_state_ >> 27;
  const uint64_t value = rng_state_ * 0x2545f4914f6cdd1dull;
  return static_cast<double>(value >> 11) * (1.0 / 9007199254740992.0);
}

double ReconnectBackoff::next_delay() {
  const double exponent = static_cast<double>(std::min(attempts_, 62));
  const double base = std::min(
      settings_.max_seconds, settings_.initial_seconds * std::pow(settings_.multiplier, exponent));
  ++attempts_;
  const double factor = 1.0 - settings_.jitter + 2.0 * settings_.jitter * next_unit_random();
  return std::max(0.0, base * factor);
}

}  // namespace omega::client
