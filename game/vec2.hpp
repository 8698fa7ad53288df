// A position or displacement in the world, in tiles (1.0 = one tile edge).
//
// Plain float pair shared by the zone server, the client's prediction and the bots, so that
// the same arithmetic runs on both ends. Thread safety: a value type.
#pragma once

namespace omega::game {

struct Vec2 {
  float x = 0.0f;
  float y = 0.0f;

  friend bool operator==(Vec2, Vec2) = default;
};

}  // namespace omega::game
