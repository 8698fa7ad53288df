// A walker of the benchmarks' scenes: it keeps a heading for 1.5-2.5 s, then picks a new one at
// random, and turns around rather than come within 2 tiles of the map's edge.
#pragma once

#include <cmath>
#include <numbers>
#include <random>

namespace omega::bench {

struct Walker {
  float x, y, heading, seconds_to_turn;

  // One step of `dt` seconds at `speed` tiles/s on a `map_tiles` square; false when it turned
  // around instead of moving.
  template <class Rng>
  bool step(float dt, float speed, float map_tiles, Rng& rng) {
    std::uniform_real_distribution<float> unit(0.0f, 1.0f);
    seconds_to_turn -= dt;
    if (seconds_to_turn <= 0) {
      heading = unit(rng) * 2 * std::numbers::pi_v<float>;
      seconds_to_turn = 1.5f + unit(rng);
    }
    const float nx = x + std::cos(heading) * speed * dt;
    const float ny = y + std::sin(heading) * speed * dt;
    if (nx < 2 || nx > map_tiles - 2 || ny < 2 || ny > map_tiles - 2) {
      heading += std::numbers::pi_v<float>;
      return false;
    }
    x = nx, y = ny;
    return true;
  }
};

}  // namespace omega::bench
