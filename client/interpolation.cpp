#include "client/interpolation.hpp"

#include <algorithm>
#include <cmath>

namespace omega::client {

void SnapshotClock::on_snapshot(double local_now, double server_seconds) {
  const double offset = local_now - server_seconds;
  arrivals_.push_back(offset);
  if (arrivals_.size() > kClockWindow) arrivals_.pop_front();
  const double target = *std::min_element(arrivals_.begin(), arrivals_.end());
  if (!initialized_ || std::fabs(target - offset_) > kClockResyncSeconds) {
    if (initialized_) {
      // Re-anchor on the new timeline alone (the old arrivals belong to another clock).
      arrivals_.clear();
      arrivals_.push_back(offset);
    }
    offset_ = offset;
    initialized_ = true;
    return;
  }
  // Follow slowly: 10 % of the difference per snapshot drifts render time by at most a few
  // milliseconds per snapshot, invisible next to the 67 ms between snapshots.
  offset_ += (target - offset_) * 0.1;
}

void EntityTrack::push(const TrackSample& sample) {
  if (count_ > 0 && sample.time - newest().time > kMaxSampleGapSeconds) {
    TrackSample still = newest();
    still.time = sample.time - kAssumedSnapshotIntervalSeconds;
    still.moving = false;
    push(still);
  }
  if (count_ > 0 && sample.time <= newest().time) {
    samples_[(start_ + count_ - 1) % kCapacity] = sample;
    return;
  }
  if (count_ == kCapacity) {
    start_ = (start_ + 1) % kCapacity;
    --count_;
  }
  samples_[(start_ + count_) % kCapacity] = sample;
  ++count_;
}

game::Vec2 EntityTrack::sample(double render_time) const {
  if (count_ == 0) return {};
  const TrackSample& last = newest();
  if (render_time >= last.time) {
    if (count_ < 2 || !last.moving) return last.position;
    const TrackSample& previous = at(count_ - 2);
    const double span = last.time - previous.time;
    if (span <= 0.0) return last.position;
    const double ahead = std::min(render_time - last.time, kMaxExtrapolationSeconds);
    const double t = ahead / span;
    return {static_cast<float>(last.position.x + (last.position.x - previous.position.x) * t),
            static_cast<float>(last.position.y + (last.position.y - previous.position.y) * t)};
  }
  if (render_time <= at(0).time) return at(0).position;
  for (size_t i = count_ - 1; i > 0; --i) {
    const TrackSample& a = at(i - 1);
    const TrackSample& b = at(i);
    if (render_time >= a.time) {
      const double t = (render_time - a.time) / (b.time - a.time);
      return {static_cast<float>(a.position.x + (b.position.x - a.position.x) * t),
              static_cast<float>(a.position.y + (b.position.y - a.position.y) * t)};
    }
  }
  return at(0).position;
}

}  // namespace omega::client
