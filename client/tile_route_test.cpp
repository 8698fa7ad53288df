#include "client/tile_route.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace omega::client {
namespace {

// A 12x6 room with a wall across the middle (gap at the bottom) and a portal to "forest" in
// the top-right corner.
game::TileMap walled_room() {
  game::TileMap map("room", game::ZoneKind::kHub, 12, 6);
  for (int32_t y = 0; y < 6; ++y)
    for (int32_t x = 0; x < 12; ++x)
      if (x == 0 || y == 0 || x == 11 || y == 5) map.set_tile(x, y, game::TileKind::kWall);
  for (int32_t y = 1; y < 4; ++y) map.set_tile(6, y, game::TileKind::kWall);
  map.add_portal({{9, 1, 2, 1}, "forest", "from_room"});
  return map;
}

TEST(TileRoute, GoesAroundTheWallAndEndsOnThePortal) {
  const game::TileMap map = walled_room();
  const auto route = route_to_portal(map, {2.5f, 1.5f}, "forest");
  ASSERT_FALSE(route.empty());
  const game::Vec2 last = route.back();
  ASSERT_NE(map.portal_at(last.x, last.y), nullptr);
  EXPECT_EQ(map.portal_at(last.x, last.y)->target_zone, "forest");
  game::Vec2 previous{2.5f, 1.5f};
  bool passed_the_gap = false;
  for (const game::Vec2& step : route) {
    EXPECT_FALSE(map.is_blocked(static_cast<int32_t>(step.x), static_cast<int32_t>(step.y)));
    // Four-neighbour steps: exactly one tile, never a diagonal that could cut a corner.
    EXPECT_FLOAT_EQ(std::abs(step.x - previous.x) + std::abs(step.y - previous.y), 1.0f);
    if (static_cast<int32_t>(step.x) == 6) passed_the_gap = static_cast<int32_t>(step.y) == 4;
    previous = step;
  }
  EXPECT_TRUE(passed_the_gap);
}

TEST(TileRoute, EmptyWhenUnreachableOrUnknownOrAlreadyThere) {
  game::TileMap map = walled_room();
  EXPECT_TRUE(route_to_portal(map, {2.5f, 1.5f}, "desert").empty());
  EXPECT_TRUE(route_to_portal(map, {9.5f, 1.5f}, "forest").empty());  // standing on it
  map.set_tile(6, 4, game::TileKind::kWater);                         // close the gap
  EXPECT_TRUE(route_to_portal(map, {2.5f, 1.5f}, "forest").empty());
  EXPECT_TRUE(route_to_portal(map, {-3.0f, 1.5f}, "forest").empty());
}

}  // namespace
}  // namespace omega::client
