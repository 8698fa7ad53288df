// Loading TileMaps from the zone content files (content/zones/<name>.json).
//
// Format (version 1), every field required unless marked optional:
//   {
//     "format": 1,
//     "name": "hub_city_1",            // [a-z0-9_]{1,64}, equals the file name
//     "kind": "hub",                   // hub | zone | dungeon | arena
//     "width": 256, "height": 256,     // 3..2048
//     "rows": ["####", "#..#", ...],   // height strings of width characters; rows[0] is the
//                                      // northern edge (y = 0). '.' floor, '#' wall, '~' water
//     "spawns": [{"name": "plaza", "x": 128, "y": 130}, ...],   // tile coordinates, on floor
//     "default_spawn": "plaza",        // one of the spawn names
//     "portals": [{"x": 126, "y": 3, "width": 4, "height": 2,   // tiles, all floor
//                  "target_zone": "forest", "target_spawn": "from_hub_city_1"}, ...]
//   }
// Unknown fields are ignored (room for later content such as lighting or music).
//
// Errors are values: every function returns a TileMapLoadResult whose `error` names the file
// and the field, row or line at fault. Nothing throws out of this module; malformed input
// never crashes. Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "game/tile_map.hpp"

namespace omega::game {

// The largest zone file accepted: a 2048 x 2048 map is ~4.3 MB of rows; anything far beyond
// that is not a zone, and refusing it early bounds the memory a bad file can make us spend.
inline constexpr size_t kMaxZoneFileBytes = size_t{16} << 20;

struct TileMapLoadResult {
  std::optional<TileMap> map;  // set on success
  std::string error;           // set on failure: "<source>: <where>: <what>"

  bool ok() const { return map.has_value(); }
};

// Parses a zone document; `source` names it in error messages (usually the file path).
TileMapLoadResult parse_tile_map(std::string_view json_text, std::string_view source);

// Reads and parses one zone file.
TileMapLoadResult load_tile_map_file(const std::string& path);

// Loads `<content_root>/zones/<zone_name>.json` and checks that the map's name matches.
TileMapLoadResult load_zone_map(std::string_view zone_name,
                                std::string_view content_root = "content");

}  // namespace omega::game
