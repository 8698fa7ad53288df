// Small hand-drawn maps for the game/ tests: one string per row, '.' floor, '#' wall,
// '~' water (the content file alphabet).
#pragma once

#include <initializer_list>
#include <string_view>

#include "game/tile_map.hpp"

namespace omega::game::testing {

inline TileMap map_from_rows(std::initializer_list<std::string_view> rows) {
  const auto height = static_cast<int32_t>(rows.size());
  const auto width = static_cast<int32_t>(rows.begin()->size());
  TileMap map("test", ZoneKind::kZone, width, height);
  int32_t y = 0;
  for (const std::string_view row : rows) {
    for (int32_t x = 0; x < width; ++x) {
      const char c = row[static_cast<size_t>(x)];
      map.set_tile(x, y,
                   c == '#'   ? TileKind::kWall
                   : c == '~' ? TileKind::kWater
                              : TileKind::kFloor);
    }
    ++y;
  }
  return map;
}

}  // namespace omega::game::testing
