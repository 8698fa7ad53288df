#include "game/tile_map.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <utility>

namespace omega::game {

std::string_view zone_kind_name(ZoneKind kind) {
  switch (kind) {
    case ZoneKind::kHub:
      return "hub";
    case ZoneKind::kZone:
      return "zone";
    case ZoneKind::kDungeon:
      return "dungeon";
    case ZoneKind::kArena:
      return "arena";
  }
  return "unknown";
}

TileMap::TileMap(std::string name, ZoneKind kind, int32_t width, int32_t height)
    : name_(std::move(name)),
      kind_(kind),
      width_(std::clamp(width, kMinSide, kMaxSide)),
      height_(std::clamp(height, kMinSide, kMaxSide)),
      cells_(static_cast<size_t>(width_) * static_cast<size_t>(height_),
             static_cast<uint8_t>(TileKind::kFloor)) {}

namespace {

// A tiny deterministic generator (SplitMix32-style), so open_field is the same map on every
// platform and standard library (std:: distributions are not specified bit for bit).
class ObstacleRandom {
 public:
  explicit ObstacleRandom(uint32_t seed) : state_(seed) {}
  uint32_t next() {
    state_ += 0x9E3779B9u;
    uint32_t z = state_;
    z = (z ^ (z >> 16)) * 0x85EBCA6Bu;
    z = (z ^ (z >> 13)) * 0xC2B2AE35u;
    return z ^ (z >> 16);
  }
  // Uniform enough in [0, bound) for map decoration; bound > 0.
  int32_t below(int32_t bound) {
    return static_cast<int32_t>(next() % static_cast<uint32_t>(bound));
  }

 private:
  uint32_t state_;
};

}  // namespace

TileMap TileMap::open_field(int32_t width, int32_t height, int32_t obstacle_count, uint32_t seed) {
  TileMap map("open_field", ZoneKind::kHub, width, height);
  const int32_t w = map.width_;
  const int32_t h = map.height_;
  for (int32_t x = 0; x < w; ++x) {
    map.set_tile(x, 0, TileKind::kWall);
    map.set_tile(x, h - 1, TileKind::kWall);
  }
  for (int32_t y = 0; y < h; ++y) {
    map.set_tile(0, y, TileKind::kWall);
    map.set_tile(w - 1, y, TileKind::kWall);
  }
  const int32_t center_x = w / 2;
  const int32_t center_y = h / 2;
  map.add_spawn({"center", center_x, center_y});

  // Obstacles live in a lattice of 8x8 cells, one block of at most 4x4 per cell placed at
  // offset 2..5 inside it: any two blocks are at least 4 tiles apart and at least 2 tiles
  // from the border, so the floor stays one connected region.
  constexpr int32_t kCell = 8;
  const int32_t cells_x = (w - 2) / kCell;
  const int32_t cells_y = (h - 2) / kCell;
  const int64_t cell_count = int64_t{cells_x} * cells_y;
  if (obstacle_count <= 0 || cell_count == 0) return map;
  ObstacleRandom random(seed);
  std::vector<uint8_t> used(static_cast<size_t>(cell_count), 0);
  // Bounded attempts: a request for more obstacles than cells just fills what it can.
  const int64_t attempts = std::min<int64_t>(int64_t{obstacle_count} * 4, cell_count * 4);
  int32_t placed = 0;
  for (int64_t attempt = 0; attempt < attempts && placed < obstacle_count; ++attempt) {
    const int32_t cell_index = random.below(static_cast<int32_t>(cell_count));
    if (used[static_cast<size_t>(cell_index)]) continue;
    const int32_t origin_x = 1 + (cell_index % cells_x) * kCell + 2;
    const int32_t origin_y = 1 + (cell_index / cells_x) * kCell + 2;
    const int32_t block_w = 1 + random.below(4);
    const int32_t block_h = 1 + random.below(4);
    // Keep the spawn and its surroundings clear.
    if (std::abs(origin_x + block_w / 2 - center_x) < kCell &&
        std::abs(origin_y + block_h / 2 - center_y) < kCell) {
      continue;
    }
    used[static_cast<size_t>(cell_index)] = 1;
    for (int32_t y = origin_y; y < origin_y + block_h; ++y) {
      for (int32_t x = origin_x; x < origin_x + block_w; ++x) map.set_tile(x, y, TileKind::kWall);
    }
    ++placed;
  }
  return map;
}

bool TileMap::has_line_of_sight(Vec2 from, Vec2 to) const {
  const float w = static_cast<float>(width_);
  const float h = static_cast<float>(height_);
  // The negated comparisons also reject NaN.
  if (!(from.x >= 0.0f && from.x < w && from.y >= 0.0f && from.y < h)) return false;
  if (!(to.x >= 0.0f && to.x < w && to.y >= 0.0f && to.y < h)) return false;

  int32_t tx = static_cast<int32_t>(from.x);  // non-negative, so truncation is floor
  int32_t ty = static_cast<int32_t>(from.y);
  const int32_t end_x = static_cast<int32_t>(to.x);
  const int32_t end_y = static_cast<int32_t>(to.y);
  if (blocks_sight(tx, ty)) return false;

  constexpr float kNever = std::numeric_limits<float>::infinity();
  const float dx = to.x - from.x;
  const float dy = to.y - from.y;
  const int32_t step_x = end_x > tx ? 1 : (end_x < tx ? -1 : 0);
  const int32_t step_y = end_y > ty ? 1 : (end_y < ty ? -1 : 0);
  // Parametric distance (0..1 along the segment) between successive tile boundaries, and to
  // the next boundary on each axis.
  const float delta_x = step_x != 0 ? 1.0f / std::fabs(dx) : kNever;
  const float delta_y = step_y != 0 ? 1.0f / std::fabs(dy) : kNever;
  float next_x = step_x > 0   ? (static_cast<float>(tx + 1) - from.x) * delta_x
                 : step_x < 0 ? (from.x - static_cast<float>(tx)) * delta_x
                              : kNever;
  float next_y = step_y > 0   ? (static_cast<float>(ty + 1) - from.y) * delta_y
                 : step_y < 0 ? (from.y - static_cast<float>(ty)) * delta_y
                              : kNever;

  // Exactly |end - start| steps per axis. Rounding may make the boundary comparison pick the
  // wrong axis near the end; an axis that has arrived never steps again, so the walk always
  // ends on the end tile and the loop is bounded.
  while (tx != end_x || ty != end_y) {
    const bool x_done = tx == end_x;
    const bool y_done = ty == end_y;
    if (!x_done && !y_done && next_x == next_y) {
      // Through the corner: a zero-width gap between two blocking tiles does not let sight
      // through, and a grazing line is blocked by either side (the stricter, symmetric rule).
      if (blocks_sight(tx + step_x, ty) || blocks_sight(tx, ty + step_y)) return false;
      tx += step_x;
      ty += step_y;
      next_x += delta_x;
      next_y += delta_y;
    } else if (y_done || (!x_done && next_x < next_y)) {
      tx += step_x;
      next_x += delta_x;
    } else {
      ty += step_y;
      next_y += delta_y;
    }
    if (blocks_sight(tx, ty)) return false;
  }
  return true;
}

const Portal* TileMap::portal_at(float x, float y) const {
  if (!(x >= 0.0f && x < static_cast<float>(width_) && y >= 0.0f &&
        y < static_cast<float>(height_))) {
    return nullptr;
  }
  return portal_at_tile(static_cast<int32_t>(x), static_cast<int32_t>(y));
}

const Portal* TileMap::portal_at_tile(int32_t tx, int32_t ty) const {
  if (!in_bounds(tx, ty) || (cell(tx, ty) & kPortalFlag) == 0) return nullptr;
  for (const Portal& portal : portals_) {
    if (portal.area.contains(tx, ty)) return &portal;
  }
  return nullptr;
}

const SpawnPoint* TileMap::find_spawn(std::string_view spawn_name) const {
  for (const SpawnPoint& spawn : spawns_) {
    if (spawn.name == spawn_name) return &spawn;
  }
  return nullptr;
}

const SpawnPoint* TileMap::default_spawn() const {
  return spawns_.empty() ? nullptr : &spawns_[default_spawn_index_];
}

void TileMap::set_tile(int32_t tx, int32_t ty, TileKind kind) {
  if (!in_bounds(tx, ty)) return;
  uint8_t& c = cell(tx, ty);
  c = static_cast<uint8_t>((c & ~kKindMask) | static_cast<uint8_t>(kind));
}

void TileMap::add_spawn(SpawnPoint spawn) {
  spawns_.push_back(std::move(spawn));
}

bool TileMap::set_default_spawn(std::string_view spawn_name) {
  for (size_t i = 0; i < spawns_.size(); ++i) {
    if (spawns_[i].name == spawn_name) {
      default_spawn_index_ = i;
      return true;
    }
  }
  return false;
}

void TileMap::add_portal(Portal portal) {
  TileRect& area = portal.area;
  // 64-bit so that a hostile rectangle cannot overflow.
  const auto clip = [](int64_t value, int32_t limit) {
    return static_cast<int32_t>(std::clamp<int64_t>(value, 0, limit));
  };
  const int32_t x0 = clip(area.tx, width_);
  const int32_t y0 = clip(area.ty, height_);
  const int32_t x1 = clip(int64_t{area.tx} + std::max(area.width, 0), width_);
  const int32_t y1 = clip(int64_t{area.ty} + std::max(area.height, 0), height_);
  area = {x0, y0, std::max(x1 - x0, 0), std::max(y1 - y0, 0)};
  for (int32_t y = y0; y < y1; ++y) {
    for (int32_t x = x0; x < x1; ++x) cell(x, y) |= kPortalFlag;
  }
  portals_.push_back(std::move(portal));
}

}  // namespace omega::game
