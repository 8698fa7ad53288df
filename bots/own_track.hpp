// OwnTrack: a bot's own positions by server tick, to check the zone moves it no faster than
// its maximum speed: the speed over the newest span of at least one second (shorter spans
// are dominated by quantisation and tick jitter). Pure; 64 samples (4 s of 15 Hz snapshots).
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "bots/fixed_ring.hpp"
#include "protocol/quantize.hpp"

namespace omega::bots {

class OwnTrack {
 public:
  static constexpr size_t kSlots = 64;  // 4 s of 15 Hz snapshots
  void clear() { samples_.clear(); }
  // Adds a sample; returns the speed (tiles/s) over the newest span of ≥ 1 s (tick_hz ticks)
  // ending at this sample, or -1 while no sample is that old.
  double add(uint32_t tick, uint16_t x, uint16_t y, uint32_t tick_hz) {
    samples_.push_overwriting() = {tick, x, y};
    for (size_t k = samples_.size() - 1; k-- > 0;) {
      const Sample& s = samples_[k];
      const uint32_t span = tick - s.tick;
      if (span >= tick_hz) {
        const double dx = (double(x) - s.x) / protocol::kPositionUnitsPerTile;
        const double dy = (double(y) - s.y) / protocol::kPositionUnitsPerTile;
        return std::sqrt(dx * dx + dy * dy) / (double(span) / tick_hz);
      }
    }
    return -1.0;
  }

 private:
  struct Sample {
    uint32_t tick = 0;
    uint16_t x = 0, y = 0;
  };
  FixedRing<Sample, kSlots> samples_;
};

}  // namespace omega::bots
