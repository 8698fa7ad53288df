// TileMap: the static layout of one zone (hub, zone, dungeon or arena) as a grid of tiles,
// with its named spawn points and its portals to other zones.
//
// Coordinates: tile (tx, ty) covers the square [tx, tx + 1) x [ty, ty + 1) in world units;
// x grows east, y grows south (row 0 of the content file is the northern edge). Everything
// outside the map counts as a wall.
//
// The hot queries (is_blocked, blocks_sight, portal_at, has_line_of_sight) are called every
// tick for thousands of entities: they read one flat byte vector, never allocate and never
// throw. Loading from JSON lives in tile_map_loader.hpp so this header stays free of JSON.
//
// Thread safety: const methods may be called from any number of threads at once; mutation
// (set_tile, add_spawn, add_portal) needs exclusive access. Maps are built once at load time
// and then shared read-only by every instance of the zone.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "game/vec2.hpp"

namespace omega::game {

// What a tile is made of. Stored in two bits of a cell byte, so at most four kinds.
enum class TileKind : uint8_t {
  kFloor = 0,  // walkable, transparent
  kWall = 1,   // blocks walking and sight
  kWater = 2,  // blocks walking, not sight (you can see and shoot across a river)
};

// What a zone is for; drives capacity and instancing policy elsewhere (docs/ARCHITECTURE.md).
enum class ZoneKind : uint8_t { kHub, kZone, kDungeon, kArena };

// "hub", "zone", "dungeon", "arena" (the spelling used in content files).
std::string_view zone_kind_name(ZoneKind kind);

// A named place where entities appear; a tile coordinate, the entity stands on its centre.
struct SpawnPoint {
  std::string name;
  int32_t tx = 0;
  int32_t ty = 0;

  // The world position of the tile's centre.
  Vec2 position() const { return {static_cast<float>(tx) + 0.5f, static_cast<float>(ty) + 0.5f}; }
};

// An axis-aligned rectangle of whole tiles.
struct TileRect {
  int32_t tx = 0;
  int32_t ty = 0;
  int32_t width = 0;
  int32_t height = 0;

  bool contains(int32_t x, int32_t y) const {
    return x >= tx && y >= ty && x - tx < width && y - ty < height;
  }
};

// Stepping onto any tile of `area` sends the player to `target_zone`, arriving at the spawn
// point `target_spawn` of that zone.
struct Portal {
  TileRect area;
  std::string target_zone;
  std::string target_spawn;
};

class TileMap {
 public:
  // The largest width and height: 2048^2 one-byte cells = 4 MiB per map, which bounds the
  // memory a content file can make a zone process spend.
  static constexpr int32_t kMaxSide = 2048;
  // The smallest: a one-tile floor surrounded by walls.
  static constexpr int32_t kMinSide = 3;

  // An all-floor map; sides are clamped to [kMinSide, kMaxSide].
  TileMap(std::string name, ZoneKind kind, int32_t width, int32_t height);

  // A procedural open test map for benchmarks: walls on the border, floor inside, a spawn
  // point "center" in the middle (the default spawn). With obstacle_count > 0, up to that
  // many small wall blocks are scattered (deterministically from `seed`), never touching
  // each other, the border or the centre, so all floor stays connected.
  static TileMap open_field(int32_t width, int32_t height, int32_t obstacle_count = 0,
                            uint32_t seed = 1);

  const std::string& name() const { return name_; }
  ZoneKind kind() const { return kind_; }
  int32_t width() const { return width_; }
  int32_t height() const { return height_; }

  bool in_bounds(int32_t tx, int32_t ty) const {
    return static_cast<uint32_t>(tx) < static_cast<uint32_t>(width_) &&
           static_cast<uint32_t>(ty) < static_cast<uint32_t>(height_);
  }

  // The tile's kind; kWall outside the map.
  TileKind tile(int32_t tx, int32_t ty) const {
    if (!in_bounds(tx, ty)) return TileKind::kWall;
    return static_cast<TileKind>(cell(tx, ty) & kKindMask);
  }

  // True when an entity may not stand on the tile (wall, water, or outside the map).
  bool is_blocked(int32_t tx, int32_t ty) const {
    return !in_bounds(tx, ty) || (cell(tx, ty) & kKindMask) != 0;
  }

  // True when the tile stops a line of sight (wall, or outside the map).
  bool blocks_sight(int32_t tx, int32_t ty) const {
    return !in_bounds(tx, ty) ||
           (cell(tx, ty) & kKindMask) == static_cast<uint8_t>(TileKind::kWall);
  }

  // Whether a straight line from `from` to `to` crosses no sight-blocking tile (both end
  // tiles included). A line through the exact corner between two tiles is blocked if
  // either of them blocks. Points outside the map or not finite have no line of sight.
  // Grid traversal (Amanatides & Woo): visits each crossed tile once, no allocation.
  bool has_line_of_sight(Vec2 from, Vec2 to) const;

  // The portal whose area contains the world position (x, y), or nullptr. O(1) when the
  // tile is not a portal tile, which is nearly always.
  const Portal* portal_at(float x, float y) const;
  const Portal* portal_at_tile(int32_t tx, int32_t ty) const;

  // The spawn point with this name, or nullptr.
  const SpawnPoint* find_spawn(std::string_view spawn_name) const;
  // Where players enter when no particular spawn is asked for; nullptr only on a map
  // without spawn points.
  const SpawnPoint* default_spawn() const;

  std::span<const SpawnPoint> spawns() const { return spawns_; }
  std::span<const Portal> portals() const { return portals_; }

  // Building the map (loader, generators, tests). Out-of-bounds writes are ignored.
  void set_tile(int32_t tx, int32_t ty, TileKind kind);
  void add_spawn(SpawnPoint spawn);
  // Which spawn default_spawn() returns; false if there is no spawn with that name.
  bool set_default_spawn(std::string_view spawn_name);
  // The area is clipped to the map.
  void add_portal(Portal portal);

 private:
  // Cell byte layout: bits 0-1 the TileKind, bit 7 set when some portal covers the tile.
  static constexpr uint8_t kKindMask = 0x03;
  static constexpr uint8_t kPortalFlag = 0x80;

  uint8_t cell(int32_t tx, int32_t ty) const {
    return cells_[static_cast<size_t>(ty) * static_cast<size_t>(width_) + static_cast<size_t>(tx)];
  }
  uint8_t& cell(int32_t tx, int32_t ty) {
    return cells_[static_cast<size_t>(ty) * static_cast<size_t>(width_) + static_cast<size_t>(tx)];
  }

  std::string name_;
  ZoneKind kind_;
  int32_t width_;
  int32_t height_;
  std::vector<uint8_t> cells_;  // row-major, width_ * height_
  std::vector<SpawnPoint> spawns_;
  size_t default_spawn_index_ = 0;
  std::vector<Portal> portals_;
};

}  // namespace omega::game
