#include "game/tile_map.hpp"

#include <cmath>

#include <gtest/gtest.h>

#include "game/test_maps.hpp"

namespace omega::game {
namespace {

using testing::map_from_rows;

TEST(TileMap, OutOfBoundsIsBlockedAndWall) {
  const TileMap map("m", ZoneKind::kHub, 4, 3);
  EXPECT_FALSE(map.is_blocked(0, 0));
  EXPECT_FALSE(map.is_blocked(3, 2));
  EXPECT_TRUE(map.is_blocked(-1, 0));
  EXPECT_TRUE(map.is_blocked(0, -1));
  EXPECT_TRUE(map.is_blocked(4, 0));
  EXPECT_TRUE(map.is_blocked(0, 3));
  EXPECT_TRUE(map.is_blocked(INT32_MIN, INT32_MAX));
  EXPECT_EQ(map.tile(4, 0), TileKind::kWall);
  EXPECT_TRUE(map.blocks_sight(-1, 0));
}

TEST(TileMap, KindsBlockWalkingAndSightDifferently) {
  const TileMap map = map_from_rows({".#~"});
  EXPECT_FALSE(map.is_blocked(0, 0));
  EXPECT_TRUE(map.is_blocked(1, 0));
  EXPECT_TRUE(map.is_blocked(2, 0));
  EXPECT_FALSE(map.blocks_sight(0, 0));
  EXPECT_TRUE(map.blocks_sight(1, 0));
  EXPECT_FALSE(map.blocks_sight(2, 0)) << "water is see-through";
  EXPECT_EQ(map.tile(2, 0), TileKind::kWater);
}

TEST(TileMap, SidesAreClamped) {
  const TileMap tiny("m", ZoneKind::kArena, 0, -5);
  EXPECT_EQ(tiny.width(), TileMap::kMinSide);
  EXPECT_EQ(tiny.height(), TileMap::kMinSide);
  const TileMap huge("m", ZoneKind::kArena, 100000, 2048);
  EXPECT_EQ(huge.width(), TileMap::kMaxSide);
  EXPECT_EQ(huge.height(), 2048);
}

TEST(TileMap, SetTileOutOfBoundsIsIgnored) {
  TileMap map("m", ZoneKind::kHub, 3, 3);
  map.set_tile(-1, 0, TileKind::kWall);
  map.set_tile(3, 3, TileKind::kWall);
  for (int y = 0; y < 3; ++y) {
    for (int x = 0; x < 3; ++x) EXPECT_FALSE(map.is_blocked(x, y));
  }
}

TEST(TileMap, PortalLookupByPositionAndTile) {
  TileMap map("m", ZoneKind::kHub, 10, 10);
  map.add_portal({{2, 3, 2, 1}, "forest", "from_hub"});
  map.add_portal({{7, 7, 1, 2}, "desert", "from_hub"});
  const Portal* forest = map.portal_at(2.0f, 3.0f);
  ASSERT_NE(forest, nullptr);
  EXPECT_EQ(forest->target_zone, "forest");
  EXPECT_EQ(forest->target_spawn, "from_hub");
  EXPECT_EQ(map.portal_at(3.99f, 3.5f), forest);
  EXPECT_EQ(map.portal_at(4.0f, 3.5f), nullptr) << "right edge is exclusive";
  EXPECT_EQ(map.portal_at(2.5f, 2.99f), nullptr);
  EXPECT_EQ(map.portal_at(2.5f, 4.0f), nullptr);
  ASSERT_NE(map.portal_at_tile(7, 8), nullptr);
  EXPECT_EQ(map.portal_at_tile(7, 8)->target_zone, "desert");
  EXPECT_EQ(map.portal_at_tile(7, 9), nullptr);
  EXPECT_EQ(map.portal_at(-0.5f, 3.0f), nullptr);
  EXPECT_EQ(map.portal_at(NAN, 3.0f), nullptr);
  EXPECT_EQ(map.portal_at(1e30f, 3.0f), nullptr);
}

TEST(TileMap, PortalAreaIsClippedToTheMap) {
  TileMap map("m", ZoneKind::kHub, 5, 5);
  map.add_portal({{3, -2, 100, 4}, "x", "y"});
  ASSERT_EQ(map.portals().size(), 1u);
  const TileRect area = map.portals()[0].area;
  EXPECT_EQ(area.tx, 3);
  EXPECT_EQ(area.ty, 0);
  EXPECT_EQ(area.width, 2);
  EXPECT_EQ(area.height, 2);
  EXPECT_NE(map.portal_at_tile(4, 1), nullptr);
  EXPECT_EQ(map.portal_at_tile(4, 2), nullptr);
}

TEST(TileMap, PortalFlagSurvivesTileChanges) {
  TileMap map("m", ZoneKind::kHub, 5, 5);
  map.add_portal({{1, 1, 1, 1}, "x", "y"});
  map.set_tile(1, 1, TileKind::kWater);
  map.set_tile(1, 1, TileKind::kFloor);
  EXPECT_NE(map.portal_at_tile(1, 1), nullptr);
  EXPECT_FALSE(map.is_blocked(1, 1));
}

TEST(TileMap, SpawnsAndDefault) {
  TileMap map("m", ZoneKind::kHub, 10, 10);
  EXPECT_EQ(map.default_spawn(), nullptr);
  map.add_spawn({"gate", 1, 2});
  map.add_spawn({"plaza", 5, 5});
  EXPECT_EQ(map.default_spawn()->name, "gate") << "the first spawn until told otherwise";
  EXPECT_TRUE(map.set_default_spawn("plaza"));
  EXPECT_FALSE(map.set_default_spawn("nowhere"));
  EXPECT_EQ(map.default_spawn()->name, "plaza");
  ASSERT_NE(map.find_spawn("gate"), nullptr);
  EXPECT_EQ(map.find_spawn("gate")->position(), (Vec2{1.5f, 2.5f}));
  EXPECT_EQ(map.find_spawn("none"), nullptr);
}

TEST(LineOfSight, OpenFloorAndWalls) {
  const TileMap map = map_from_rows({
      "..........",
      "....#.....",
      "....#.....",
      "..........",
  });
  EXPECT_TRUE(map.has_line_of_sight({0.5f, 0.5f}, {9.5f, 0.5f}));
  EXPECT_TRUE(map.has_line_of_sight({0.5f, 3.5f}, {9.5f, 3.5f}));
  EXPECT_FALSE(map.has_line_of_sight({0.5f, 1.5f}, {9.5f, 1.5f}));
  EXPECT_FALSE(map.has_line_of_sight({9.5f, 2.5f}, {0.5f, 1.5f}));
  EXPECT_TRUE(map.has_line_of_sight({3.5f, 1.5f}, {3.5f, 1.5f})) << "a point sees itself";
  EXPECT_TRUE(map.has_line_of_sight({3.2f, 0.1f}, {3.9f, 3.9f}));
  // Vertical and diagonal lines that pass the wall on its left.
  EXPECT_TRUE(map.has_line_of_sight({3.5f, 0.5f}, {3.5f, 3.5f}));
  EXPECT_FALSE(map.has_line_of_sight({3.5f, 0.5f}, {5.5f, 3.5f}));
}

TEST(LineOfSight, WaterIsTransparentWallsAreNot) {
  const TileMap map = map_from_rows({"..~~..", "..##.."});
  EXPECT_TRUE(map.has_line_of_sight({0.5f, 0.5f}, {5.5f, 0.5f}));
  EXPECT_FALSE(map.has_line_of_sight({0.5f, 1.5f}, {5.5f, 1.5f}));
}

TEST(LineOfSight, EndpointsInWallsOrOutsideHaveNoSight) {
  const TileMap map = map_from_rows({"...", ".#.", "..."});
  EXPECT_FALSE(map.has_line_of_sight({1.5f, 1.5f}, {0.5f, 0.5f}));
  EXPECT_FALSE(map.has_line_of_sight({0.5f, 0.5f}, {1.5f, 1.5f}));
  EXPECT_FALSE(map.has_line_of_sight({-0.5f, 0.5f}, {2.5f, 0.5f}));
  EXPECT_FALSE(map.has_line_of_sight({0.5f, 0.5f}, {3.0f, 0.5f}));
  EXPECT_FALSE(map.has_line_of_sight({NAN, 0.5f}, {2.5f, 0.5f}));
  EXPECT_FALSE(map.has_line_of_sight({0.5f, 0.5f}, {0.5f, INFINITY}));
}

TEST(LineOfSight, DiagonalGapBetweenTwoWallsIsClosed) {
  const TileMap map = map_from_rows({
      "..",
      "..",
  });
  const TileMap pinched = map_from_rows({
      ".#",
      "#.",
  });
  // Exactly through the shared corner (1, 1).
  EXPECT_TRUE(map.has_line_of_sight({0.5f, 0.5f}, {1.5f, 1.5f}));
  EXPECT_FALSE(pinched.has_line_of_sight({0.5f, 0.5f}, {1.5f, 1.5f}));
  EXPECT_FALSE(pinched.has_line_of_sight({1.5f, 1.5f}, {0.5f, 0.5f}));
}

TEST(LineOfSight, IsSymmetricOnARandomishMap) {
  const TileMap map = map_from_rows({
      "..........",
      "..#....~..",
      "......#...",
      ".#........",
      ".....#..#.",
      "..........",
      "...#......",
      "..........",
  });
  int checked = 0;
  for (int a = 0; a < 80; ++a) {
    for (int b = 0; b < 80; b += 7) {
      const Vec2 from{(a % 10) + 0.37f, (a / 10) + 0.61f};
      const Vec2 to{(b % 10) + 0.52f, (b / 10) + 0.23f};
      EXPECT_EQ(map.has_line_of_sight(from, to), map.has_line_of_sight(to, from))
          << from.x << "," << from.y << " -> " << to.x << "," << to.y;
      ++checked;
    }
  }
  EXPECT_GT(checked, 500);
}

TEST(LineOfSight, LongLinesOnALargeMap) {
  TileMap map = TileMap::open_field(2048, 2048);
  EXPECT_TRUE(map.has_line_of_sight({1.5f, 1.5f}, {2046.5f, 2046.5f}));
  EXPECT_TRUE(map.has_line_of_sight({2046.9f, 1.1f}, {1.1f, 2046.9f}));
  map.set_tile(1024, 1024, TileKind::kWall);
  EXPECT_FALSE(map.has_line_of_sight({1.5f, 1.5f}, {2046.5f, 2046.5f}));
}

int count_walls(const TileMap& map) {
  int walls = 0;
  for (int y = 0; y < map.height(); ++y) {
    for (int x = 0; x < map.width(); ++x) walls += map.tile(x, y) == TileKind::kWall;
  }
  return walls;
}

TEST(OpenField, BorderWallsAndCenterSpawn) {
  const TileMap map = TileMap::open_field(40, 30);
  EXPECT_EQ(map.width(), 40);
  EXPECT_EQ(map.height(), 30);
  EXPECT_EQ(count_walls(map), 2 * 40 + 2 * 28);
  EXPECT_TRUE(map.is_blocked(0, 10));
  EXPECT_TRUE(map.is_blocked(39, 10));
  EXPECT_TRUE(map.is_blocked(10, 29));
  EXPECT_FALSE(map.is_blocked(1, 1));
  ASSERT_NE(map.default_spawn(), nullptr);
  EXPECT_EQ(map.default_spawn()->name, "center");
  EXPECT_EQ(map.default_spawn()->tx, 20);
  EXPECT_EQ(map.default_spawn()->ty, 15);
}

TEST(OpenField, ObstaclesAreDeterministicAndKeepTheCenterClear) {
  const TileMap a = TileMap::open_field(256, 256, 200, 7);
  const TileMap b = TileMap::open_field(256, 256, 200, 7);
  const TileMap c = TileMap::open_field(256, 256, 200, 8);
  const int border = 2 * 256 + 2 * 254;
  EXPECT_GT(count_walls(a), border + 200);
  bool same = true;
  bool differs = false;
  for (int y = 0; y < 256; ++y) {
    for (int x = 0; x < 256; ++x) {
      same = same && a.tile(x, y) == b.tile(x, y);
      differs = differs || a.tile(x, y) != c.tile(x, y);
    }
  }
  EXPECT_TRUE(same);
  EXPECT_TRUE(differs);
  for (int y = 124; y < 133; ++y) {
    for (int x = 124; x < 133; ++x) EXPECT_FALSE(a.is_blocked(x, y)) << x << "," << y;
  }
}

}  // namespace
}  // namespace omega::game
