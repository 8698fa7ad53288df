// NavMesh: a Recast/Detour navigation mesh built from a zone's TileMap at load, and path
// queries on it for monster AI.
//
// Walkable tiles become two triangles each on a flat plane (x = tile x, z = tile y); blocked
// tiles are holes; the walkable area is eroded by the entity radius so corners keep monsters
// clear of walls. One Detour tile covers the whole map (zones are ≤ 256² tiles).
//
// Thread safety: none; one per World, used by its simulation thread (the query object keeps
// node pools between calls, so a query allocates nothing).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "game/tile_map.hpp"
#include "game/vec2.hpp"

class dtNavMesh;
class dtNavMeshQuery;

namespace omega::zone {

class NavMesh {
 public:
  // A path has at most this many corners; a longer way is followed in legs (the AI queries
  // again from the last corner).
  static constexpr int kMaxCorners = 12;

  NavMesh();
  ~NavMesh();
  NavMesh(const NavMesh&) = delete;
  NavMesh& operator=(const NavMesh&) = delete;

  // Builds the mesh; false (and why in `error`) when Recast could not.
  bool build(const game::TileMap& map, std::string& error);
  bool ready() const { return query_ != nullptr; }

  // Corners from `from` towards `to` (the last one is `to`, or the nearest reachable point);
  // returns how many were written to `corners` (0 = no path).
  int find_path(game::Vec2 from, game::Vec2 to, std::span<game::Vec2> corners) const;

 private:
  dtNavMesh* mesh_ = nullptr;
  dtNavMeshQuery* query_ = nullptr;
};

}  // namespace omega::zone
