// Entity interpolation: other players and monsters are drawn slightly in the past, between two
// snapshots that have both arrived, so that their motion is smooth although snapshots come at
// 15 Hz with network jitter (Valve, "Source Multiplayer Networking").
//
// SnapshotClock maps the zone's ticks to the client's clock and gives the "render time" (in
// server seconds) to draw at: the newest server time we can expect to have, minus the
// interpolation delay. EntityTrack keeps the last few timestamped positions of one entity and
// samples them at a render time, extrapolating a short way (bounded) when a snapshot is late.
//
// Time is passed in; no clock is read. Thread safety: none; owned by the session.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>

#include "game/vec2.hpp"

namespace omega::client {

// How far in the past others are drawn: a bit more than one snapshot interval at 15 Hz
// (67 ms) plus typical jitter, so that there is nearly always a newer sample to move towards.
inline constexpr double kDefaultInterpolationDelaySeconds = 0.1;
// When the newest sample is older than the render time, keep moving along the last velocity at
// most this long, then stop: a late snapshot hides, a lost entity does not slide away.
inline constexpr double kMaxExtrapolationSeconds = 0.15;
// Arrival offsets remembered to estimate the clock offset: ~2 s of snapshots at 15 Hz. The
// smallest offset in the window is the least-delayed arrival, the best estimate of the base
// latency; jitter only ever adds to it.
inline constexpr size_t kClockWindow = 32;
// An entity that did not change is not sent (zero bytes), so a long gap between two samples
// means it stood still until shortly before the newer one. Gaps longer than this get a
// "still here" sample one gap-length before the new one, so it does not glide in slow motion.
inline constexpr double kMaxSampleGapSeconds = 0.2;
inline constexpr double kAssumedSnapshotIntervalSeconds = 1.0 / 15.0;
// Offsets that jump further than this (seconds) re-anchor the clock at once (zone change,
// long stall); smaller changes are followed gradually so that render time never jumps.
inline constexpr double kClockResyncSeconds = 0.5;

class SnapshotClock {
 public:
  explicit SnapshotClock(double delay_seconds = kDefaultInterpolationDelaySeconds)
      : delay_(delay_seconds) {}

  void reset() {
    arrivals_.clear();
    initialized_ = false;
  }
  // A snapshot showing `server_seconds` (server tick / tick rate) arrived at `local_now`.
  void on_snapshot(double local_now, double server_seconds);
  // The server time to draw others at.
  double render_time(double local_now) const { return local_now - offset_ - delay_; }
  bool initialized() const { return initialized_; }
  double delay() const { return delay_; }

 private:
  double delay_;
  bool initialized_ = false;
  double offset_ = 0.0;  // local time minus server time of the least-delayed arrivals
  std::deque<double> arrivals_;
};

struct TrackSample {
  double time = 0.0;  // server seconds
  game::Vec2 position;
  bool moving = false;  // the entity was walking: extrapolation is allowed past this sample
};

class EntityTrack {
 public:
  static constexpr size_t kCapacity = 16;  // ~1 s at 15 Hz: far more than the 100 ms delay needs

  // Adds a sample; samples must come in increasing time (older or equal ones replace the last).
  void push(const TrackSample& sample);
  // The position at `render_time`; the newest position when empty of history.
  game::Vec2 sample(double render_time) const;
  bool empty() const { return count_ == 0; }
  const TrackSample& newest() const { return at(count_ - 1); }

 private:
  const TrackSample& at(size_t i) const { return samples_[(start_ + i) % kCapacity]; }
  std::array<TrackSample, kCapacity> samples_{};
  size_t start_ = 0;
  size_t count_ = 0;
};

}  // namespace omega::client
