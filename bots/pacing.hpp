// The swarm's pacing rules, pure and unit-tested (pacing_test.cpp): how fast bots start
// connecting, and how a bot that lost its zone asks POST /v1/play again.
//
// Thread safety: plain values; the swarm's io thread only.
#pragma once

#include <algorithm>
#include <optional>

namespace omega::bots {

// Connections start at `rate` per second, paced by the scheduler's ticks: each tick adds
// rate / hz of a connection to the budget, and at most max(1, rate / hz) pile up, so a stalled
// scheduler does not release a burst when it catches up.
class ConnectPacer {
 public:
  ConnectPacer(double rate, double scheduler_hz)
      : per_tick_(rate / scheduler_hz), cap_(std::max(1.0, rate / scheduler_hz)) {}

  // One scheduler tick passed.
  void tick() { budget_ = std::min(budget_ + per_tick_, cap_); }
  // True (and one connection used up) when one may start now.
  bool take() {
    if (budget_ < 1.0) return false;
    budget_ -= 1.0;
    return true;
  }

 private:
  double per_tick_;
  double cap_;
  double budget_ = 0.0;
};

// Crash recovery: after a lost zone the first ask comes kFirstDelaySeconds later; a transient
// refusal (no capacity yet, a stale lease) is retried after a pause that starts at
// kStartSeconds and doubles up to kMaxSeconds, until `timeout_s` after the loss. A killed
// zone's successor needs ~1 s to start and the API's registry up to a few seconds to notice,
// so a few tries per second at first and then one every 2 s keep the rejoin prompt without
// hammering the API.
class ReplayBackoff {
 public:
  static constexpr double kFirstDelaySeconds = 0.1;
  static constexpr double kStartSeconds = 0.25;
  static constexpr double kMaxSeconds = 2.0;

  // A new round of asking, from `now`, for at most `timeout_s`.
  void start(double now, double timeout_s) {
    deadline_s_ = now + timeout_s;
    pause_s_ = kStartSeconds;
  }
  // The answer at `now` was a transient refusal: when to ask again, or nullopt when that would
  // be past the deadline (give up).
  std::optional<double> retry_at(double now) {
    if (now + pause_s_ > deadline_s_) return std::nullopt;
    const double at = now + pause_s_;
    pause_s_ = std::min(pause_s_ * 2.0, kMaxSeconds);
    return at;
  }

 private:
  double deadline_s_ = 0.0;
  double pause_s_ = kStartSeconds;
};

}  // namespace omega::bots
