#include "game/movement.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace omega::game {

namespace {

// Positions further than this from the origin are corrupt (maps are at most 2048 tiles);
// rejecting them keeps every float -> int conversion below in range.
constexpr float kMaxCoordinate = 1.0e6f;

bool usable(float value) {
  return std::isfinite(value) && std::fabs(value) <= kMaxCoordinate;
}

int32_t floor_to_int(float value) {
  return static_cast<int32_t>(std::floor(value));
}

// How far a circle of `radius` centred at `across` (on the cross axis) reaches into the lane
// of the tile row/column [lane, lane + 1): the half-chord at that distance, or a negative
// value when the circle does not reach the lane (merely touching does not count).
float reach_into_lane(float across, int32_t lane, float radius) {
  const float lane_min = static_cast<float>(lane);
  const float lane_max = static_cast<float>(lane + 1);
  const float gap =
      across < lane_min ? lane_min - across : (across > lane_max ? across - lane_max : 0.0f);
  if (gap >= radius) return -1.0f;
  return gap == 0.0f ? radius : std::sqrt(radius * radius - gap * gap);
}

// Moves the circle along one axis by `delta`, stopping kContactSkin short of the first
// blocked tile in the way. `along` is the coordinate on the moving axis, `across` on the
// other. Only tiles whose near face is at or ahead of the centre are considered, so an entity
// whose centre is inside a blocked tile can always move out of it. Returns the new `along`.
template <bool kAlongX>
float sweep_axis(const TileMap& map, float along, float across, float delta, float radius) {
  if (delta == 0.0f) return along;
  const auto blocked = [&map](int32_t along_tile, int32_t across_tile) {
    return kAlongX ? map.is_blocked(along_tile, across_tile)
                   : map.is_blocked(across_tile, along_tile);
  };
  const int32_t first_lane = floor_to_int(across - radius);
  const int32_t last_lane = floor_to_int(across + radius);
  const float target = along + delta;

  if (delta > 0.0f) {
    // Tiles whose near face is at or ahead of the centre: face >= along.
    const int32_t first = static_cast<int32_t>(std::ceil(along));
    const int32_t last = floor_to_int(target + radius);
    for (int32_t tile = first; tile <= last; ++tile) {
      float limit = target;
      for (int32_t lane = first_lane; lane <= last_lane; ++lane) {
        const float reach = reach_into_lane(across, lane, radius);
        if (reach < 0.0f || !blocked(tile, lane)) continue;
        limit = std::min(limit, static_cast<float>(tile) - reach - kContactSkin);
      }
      // A blocked tile further on stops the circle no earlier than this one: tile + 1 - r
      // is beyond tile.
      if (limit < target) return std::max(along, limit);
    }
    return target;
  }
  // Moving towards smaller coordinates: tiles whose far face tile + 1 <= along.
  const int32_t first = floor_to_int(along) - 1;
  const int32_t last = floor_to_int(target - radius);
  for (int32_t tile = first; tile >= last; --tile) {
    float limit = target;
    for (int32_t lane = first_lane; lane <= last_lane; ++lane) {
      const float reach = reach_into_lane(across, lane, radius);
      if (reach < 0.0f || !blocked(tile, lane)) continue;
      limit = std::max(limit, static_cast<float>(tile + 1) + reach + kContactSkin);
    }
    if (limit > target) return std::min(along, limit);
  }
  return target;
}

}  // namespace

Vec2 move_with_collision(const TileMap& map, Vec2 position, Vec2 displacement, float radius) {
  if (!usable(position.x) || !usable(position.y) || !usable(displacement.x) ||
      !usable(displacement.y) || !(radius > 0.0f && radius < 0.5f)) {
    return position;
  }
  const float length = std::sqrt(displacement.x * displacement.x + displacement.y * displacement.y);
  if (length == 0.0f) return position;
  if (length > kMaxStepTiles) {
    const float scale = kMaxStepTiles / length;
    displacement = {displacement.x * scale, displacement.y * scale};
  }
  const int32_t substeps = std::max(
      1, static_cast<int32_t>(std::ceil(std::min(length, kMaxStepTiles) / kMaxSubstepTiles)));
  const float step_x = displacement.x / static_cast<float>(substeps);
  const float step_y = displacement.y / static_cast<float>(substeps);
  Vec2 current = position;
  for (int32_t i = 0; i < substeps; ++i) {
    current.x = sweep_axis<true>(map, current.x, current.y, step_x, radius);
    current.y = sweep_axis<false>(map, current.y, current.x, step_y, radius);
  }
  return current;
}

Vec2 step_movement(const TileMap& map, Vec2 position, float direction_radians,
                   float speed_tiles_per_second, float dt_seconds, float radius) {
  if (!std::isfinite(direction_radians) || !std::isfinite(speed_tiles_per_second) ||
      !std::isfinite(dt_seconds) || !(speed_tiles_per_second > 0.0f) || !(dt_seconds > 0.0f)) {
    return position;
  }
  const float distance = speed_tiles_per_second * dt_seconds;
  const Vec2 displacement{std::cos(direction_radians) * distance,
                          std::sin(direction_radians) * distance};
  return move_with_collision(map, position, displacement, radius);
}

bool circle_is_clear(const TileMap& map, Vec2 center, float radius) {
  if (!usable(center.x) || !usable(center.y)) return false;
  const int32_t x0 = floor_to_int(center.x - radius);
  const int32_t x1 = floor_to_int(center.x + radius);
  const int32_t y0 = floor_to_int(center.y - radius);
  const int32_t y1 = floor_to_int(center.y + radius);
  for (int32_t ty = y0; ty <= y1; ++ty) {
    for (int32_t tx = x0; tx <= x1; ++tx) {
      if (!map.is_blocked(tx, ty)) continue;
      // Closest point of the tile to the centre; strictly inside the radius means overlap.
      const float nearest_x =
          std::clamp(center.x, static_cast<float>(tx), static_cast<float>(tx + 1));
      const float nearest_y =
          std::clamp(center.y, static_cast<float>(ty), static_cast<float>(ty + 1));
      const float dx = center.x - nearest_x;
      const float dy = center.y - nearest_y;
      if (dx * dx + dy * dy < radius * radius) return false;
    }
  }
  return true;
}

}  // namespace omega::game
