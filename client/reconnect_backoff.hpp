// The schedule of reconnect attempts after a zone connection drops: exponential backoff with
// bounded jitter, so that a zone restart does not see every client reconnect in the same
// millisecond, and a dead zone is not hammered.
//
// Deterministic for a given seed (tests pin the schedule). Thread safety: none; one per session.
#pragma once

#include <cstdint>

namespace omega::client {

struct BackoffSettings {
  // First retry soon: most drops are a blip, and the zone keeps a dropped character's entity
  // for 30 s (resume window), so the first attempts must land well inside it.
  double initial_seconds = 0.25;
  double multiplier = 2.0;
  // Never wait longer than this between attempts: a player watching a "reconnecting" screen
  // should see an attempt at least this often.
  double max_seconds = 8.0;
  // Each delay is scaled by a factor in [1 - jitter, 1 + jitter].
  double jitter = 0.2;
  // Give up after this many consecutive failed attempts (0 = never). With the defaults,
  // 10 attempts span ~45 s: past the zone's resume window, so the session is lost anyway.
  int max_attempts = 10;
};

class ReconnectBackoff {
 public:
  explicit ReconnectBackoff(BackoffSettings settings = {}, uint64_t seed = 0x9e3779b97f4a7c15ull);

  // The delay before the next attempt, in seconds, and counts the attempt.
  double next_delay();
  // A connection succeeded: the next drop starts the schedule again.
  void reset() { attempts_ = 0; }
  int attempts() const { return attempts_; }
  // True when max_attempts attempts have been made without a reset.
  bool exhausted() const {
    return settings_.max_attempts > 0 && attempts_ >= settings_.max_attempts;
  }
  const BackoffSettings& settings() const { return settings_; }

 private:
  double next_unit_random();  // uniform in [0, 1)

  BackoffSettings settings_;
  uint64_t rng_state_;
  int attempts_ = 0;
};

}  // namespace omega::client
