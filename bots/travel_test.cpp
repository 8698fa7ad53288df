#include "bots/travel.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "game/movement.hpp"
#include "game/test_maps.hpp"

namespace omega::bots {
namespace {

TEST(Travel, ParsesRoutes) {
  std::vector<std::string> zones;
  ASSERT_TRUE(parse_route("hub_city_1,forest,rift_d1", zones));
  EXPECT_EQ(zones, (std::vector<std::string>{"hub_city_1", "forest", "rift_d1"}));
  EXPECT_FALSE(parse_route("", zones));
  EXPECT_FALSE(parse_route("forest,", zones));
  EXPECT_FALSE(parse_route("forest,,hub", zones));
  EXPECT_FALSE(parse_route("Forest", zones));
  EXPECT_FALSE(parse_route("../etc", zones));
}

game::TileMap maze() {
  game::TileMap map = game::testing::map_from_rows({
      "##########",
      "#........#",
      "#.######.#",
      "#.#....#.#",
      "#.#.##.#.#",
      "#...#..#.#",
      "######.#.#",
      "#......#.#",
      "##########",
  });
  map.add_portal({{1, 7, 1, 1}, "forest", "entry"});
  map.add_portal({{8, 7, 1, 1}, "desert", "entry"});
  return map;
}

TEST(Travel, PathGoesAroundWallsToTheRightPortal) {
  const game::TileMap map = maze();
  const auto path = portal_path(map, {3.5f, 3.5f}, "forest");
  ASSERT_FALSE(path.empty());
  EXPECT_EQ(path.back(), (game::Vec2{1.5f, 7.5f}));
  game::Vec2 at{3.5f, 3.5f};
  for (const game::Vec2 step : path) {
    EXPECT_FLOAT_EQ(std::abs(step.x - at.x) + std::abs(step.y - at.y), 1.0f);  // 4-connected
    EXPECT_FALSE(map.is_blocked(int32_t(step.x), int32_t(step.y)));
    at = step;
  }
  EXPECT_TRUE(portal_path(map, {3.5f, 3.5f}, "mountain").empty());
}

// Drives a bot with travel_step through the zone's own movement code (inputs at 10 Hz, ticks
// at 30 Hz, 5 tiles/s) and returns the seconds it took to stand on the portal, or -1.
double walk_to_portal(const game::TileMap& map, game::Vec2 start, const std::string& target,
                      double limit_s) {
  TravelState state;
  state.route = {target};
  enter_zone(state, map.name(), 0.0);
  game::Vec2 position = start;
  MoveIntent intent;
  for (int tick = 0; tick < int(limit_s * 30); ++tick) {
    const double now = tick / 30.0;
    if (const game::Portal* p = map.portal_at(position.x, position.y);
        p && p->target_zone == target)
      return now;
    if (tick % 3 == 0) intent = travel_step(map, state, position, now);
    if (intent.moving)
      position = game::step_movement(map, position, intent.direction, 5.0f, 1.0f / 30.0f);
  }
  return -1.0;
}

TEST(Travel, WalksTheMazeToItsPortal) {
  EXPECT_GT(walk_to_portal(maze(), {3.5f, 3.5f}, "forest", 20.0), 0.0);
  EXPECT_GT(walk_to_portal(maze(), {3.5f, 3.5f}, "desert", 20.0), 0.0);
}

// The real content maps: the legs of the e2e route hub → forest → rift → forest → hub.
TEST(Travel, WalksTheContentMapsOfTheE2eRoute) {
  ZoneMaps maps("content");
  struct Leg {
    std::string zone, spawn, target;
  };
  for (const Leg& leg :
       {Leg{"hub_city_1", "plaza", "forest"}, Leg{"forest", "from_hub_city_1", "rift_d1"},
        Leg{"rift_d1", "from_forest", "forest"}, Leg{"forest", "from_rift_d1", "hub_city_1"}}) {
    const game::TileMap* map = maps.get(leg.zone);
    ASSERT_NE(map, nullptr) << leg.zone;
    const game::SpawnPoint* spawn = map->find_spawn(leg.spawn);
    ASSERT_NE(spawn, nullptr) << leg.spawn;
    const double seconds = walk_to_portal(*map, spawn->position(), leg.target, 120.0);
    EXPECT_GT(seconds, 0.0) << leg.zone << " → " << leg.target;
  }
  EXPECT_EQ(maps.get("no_such_zone"), nullptr);
}

TEST(Travel, RouteAdvancesOnArrivalAndDwells) {
  TravelState state;
  state.route = {"hub_city_1", "forest", "hub_city_1"};
  state.dwell_s = 5.0;
  enter_zone(state, "hub_city_1", 0.0);  // the starting zone is the first stop
  EXPECT_EQ(state.route.size(), 2u);
  EXPECT_FALSE(wants_to_travel(state, 1.0));
  EXPECT_TRUE(wants_to_travel(state, 5.0));
  enter_zone(state, "hub_city_1", 6.0);  // a rejoin into the same zone is no progress
  EXPECT_EQ(state.route.front(), "forest");
  enter_zone(state, "forest", 20.0);
  EXPECT_EQ(state.route.front(), "hub_city_1");
  enter_zone(state, "hub_city_1", 40.0);
  EXPECT_TRUE(state.route.empty());
  EXPECT_FALSE(wants_to_travel(state, 100.0));
}

}  // namespace
}  // namespace omega::bots
