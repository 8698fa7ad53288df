#include "game/movement.hpp"

#include <cmath>
#include <cstring>
#include <numbers>

#include <gtest/gtest.h>

#include "game/test_maps.hpp"

namespace omega::game {
namespace {

using testing::map_from_rows;

constexpr float kPi = std::numbers::pi_v<float>;
constexpr float kEast = 0.0f;
constexpr float kSouth = kPi / 2;
constexpr float kWest = kPi;
constexpr float kNorth = -kPi / 2;
constexpr float kTick = 1.0f / 30.0f;

float distance(Vec2 a, Vec2 b) {
  return std::hypot(a.x - b.x, a.y - b.y);
}

bool same_bits(Vec2 a, Vec2 b) {
  return std::memcmp(&a.x, &b.x, sizeof(float)) == 0 && std::memcmp(&a.y, &b.y, sizeof(float)) == 0;
}

// A 12 x 7 room with a one-tile wall across the middle (column 6) and a door at row 3.
TileMap room_with_divider() {
  return map_from_rows({
      "############",
      "#.....#....#",
      "#.....#....#",
      "#..........#",
      "#.....#....#",
      "#.....#....#",
      "############",
  });
}

TEST(Movement, MovesFreelyInTheOpen) {
  const TileMap map = TileMap::open_field(20, 20);
  const Vec2 start{10.5f, 10.5f};
  const Vec2 end = step_movement(map, start, kEast, kPlayerMaxSpeed, 1.0f);
  EXPECT_NEAR(end.x, 15.5f, 1e-5f);
  EXPECT_NEAR(end.y, 10.5f, 1e-5f);
  const Vec2 north = step_movement(map, start, kNorth, 2.0f, 0.5f);
  EXPECT_NEAR(north.x, 10.5f, 1e-5f);
  EXPECT_NEAR(north.y, 9.5f, 1e-5f);
}

TEST(Movement, StopsAtAWallWithoutOverlapping) {
  const TileMap map = room_with_divider();
  Vec2 position{2.5f, 1.5f};
  for (int tick = 0; tick < 90; ++tick) {
    position = step_movement(map, position, kEast, kPlayerMaxSpeed, kTick);
    ASSERT_TRUE(circle_is_clear(map, position)) << "tick " << tick;
  }
  // Resting against the divider's west face (x = 6), a skin away.
  EXPECT_NEAR(position.x, 6.0f - kEntityRadius, 2 * kContactSkin);
  EXPECT_LT(position.x, 6.0f - kEntityRadius);
  EXPECT_FLOAT_EQ(position.y, 1.5f);
}

TEST(Movement, CannotTunnelThroughAOneTileWallAtAnySpeed) {
  const TileMap map = room_with_divider();
  for (const float speed : {5.0f, 50.0f, 500.0f, 1e6f}) {
    for (const float dt : {kTick, 1.0f}) {
      const Vec2 end = step_movement(map, {5.5f, 1.5f}, kEast, speed, dt);
      EXPECT_LT(end.x, 6.0f) << "speed " << speed << " dt " << dt;
      EXPECT_TRUE(circle_is_clear(map, end));
      const Vec2 back = step_movement(map, {7.5f, 5.5f}, kWest, speed, dt);
      EXPECT_GT(back.x, 7.0f) << "speed " << speed << " dt " << dt;
      EXPECT_TRUE(circle_is_clear(map, back));
    }
  }
}

TEST(Movement, PassesThroughAOneTileDoor) {
  const TileMap map = room_with_divider();
  Vec2 position{2.5f, 3.5f};
  for (int tick = 0; tick < 60; ++tick) {
    position = step_movement(map, position, kEast, kPlayerMaxSpeed, kTick);
  }
  EXPECT_GT(position.x, 9.0f);
  EXPECT_FLOAT_EQ(position.y, 3.5f);
}

TEST(Movement, SlidesAlongAWall) {
  const TileMap map = room_with_divider();
  // Pressing north-east into the divider from the west side: x stops, y keeps going.
  Vec2 position{5.5f, 5.5f};
  position = step_movement(map, position, kEast, 1.0f, 1.0f);  // touch the wall first
  const float wall_x = position.x;
  const Vec2 slid = step_movement(map, position, -kPi / 4, kPlayerMaxSpeed, 0.2f);
  EXPECT_FLOAT_EQ(slid.x, wall_x);
  EXPECT_NEAR(slid.y, position.y - kPlayerMaxSpeed * 0.2f * std::sin(kPi / 4), 1e-4f);
  EXPECT_TRUE(circle_is_clear(map, slid));
}

TEST(Movement, SlidesAlongTheMapBorderOfAMapWithoutWalls) {
  const TileMap map("open", ZoneKind::kArena, 10, 10);  // all floor: the edge is the wall
  const Vec2 end = step_movement(map, {0.5f, 5.5f}, kPi * 0.75f, 2.0f, 1.0f);  // south-west
  EXPECT_NEAR(end.x, kEntityRadius, 2 * kContactSkin);
  EXPECT_GT(end.y, 6.5f);
  EXPECT_TRUE(circle_is_clear(map, end));
}

TEST(Movement, StopsInAnInnerCorner) {
  const TileMap map = room_with_divider();
  Vec2 position{3.5f, 3.5f};
  for (int tick = 0; tick < 120; ++tick) {
    position = step_movement(map, position, -kPi * 0.75f, kPlayerMaxSpeed, kTick);  // north-west
    ASSERT_TRUE(circle_is_clear(map, position));
  }
  EXPECT_NEAR(position.x, 1.0f + kEntityRadius, 2 * kContactSkin);
  EXPECT_NEAR(position.y, 1.0f + kEntityRadius, 2 * kContactSkin);
}

TEST(Movement, OuterCornerIsRoundAndNeverEntered) {
  // A single pillar; approach its corner diagonally from many angles and offsets.
  const TileMap map = map_from_rows({
      "........",
      "........",
      "........",
      "....#...",
      "........",
      "........",
      "........",
  });
  for (int i = 0; i < 64; ++i) {
    const float angle = -kPi + 2 * kPi * static_cast<float>(i) / 64.0f;
    Vec2 position{4.5f - 2.0f * std::cos(angle), 3.5f - 2.0f * std::sin(angle)};
    ASSERT_TRUE(circle_is_clear(map, position));
    for (int tick = 0; tick < 40; ++tick) {
      position = step_movement(map, position, angle, kPlayerMaxSpeed, kTick);
      ASSERT_TRUE(circle_is_clear(map, position)) << "angle " << angle << " tick " << tick;
    }
  }
}

TEST(Movement, StopsAgainstACornerAtTheCircleDistance) {
  const TileMap map = map_from_rows({
      "........",
      "........",
      "....#...",
      "........",
  });
  // Centre 0.2 above the pillar's top face: the circle meets its corner (4, 2), not its face.
  const Vec2 end = step_movement(map, {1.5f, 1.8f}, kEast, kPlayerMaxSpeed, 1.0f);
  const float expected = 4.0f - std::sqrt(kEntityRadius * kEntityRadius - 0.2f * 0.2f);
  EXPECT_NEAR(end.x, expected - kContactSkin, 1e-4f);
  EXPECT_FLOAT_EQ(end.y, 1.8f);
}

TEST(Movement, NoDiagonalSqueezeBetweenCornerTouchingWalls) {
  const TileMap map = map_from_rows({
      "......",
      "..#...",
      "...#..",
      "......",
  });
  // From the open north-east pocket, push south-west straight at the shared corner (3, 2).
  Vec2 position{3.5f, 1.5f};
  for (int tick = 0; tick < 60; ++tick) {
    position = step_movement(map, position, kPi * 0.75f, kPlayerMaxSpeed, kTick);
    ASSERT_TRUE(circle_is_clear(map, position));
  }
  EXPECT_GT(position.x, 3.0f);
  EXPECT_LT(position.y, 2.0f);
}

TEST(Movement, NeverEndsInsideBlockedTilesUnderRandomInputs) {
  const TileMap map = map_from_rows({
      "################",
      "#......#.......#",
      "#..~~..#..#....#",
      "#..~~.....#....#",
      "#......##.#..#.#",
      "#.#...........##",
      "#.#..#..~~~....#",
      "#....#.........#",
      "################",
  });
  uint32_t state = 12345;
  const auto next = [&state] {
    state = state * 1664525u + 1013904223u;
    return static_cast<float>(state >> 8) / static_cast<float>(1u << 24);
  };
  Vec2 position{1.5f, 1.5f};
  for (int i = 0; i < 20000; ++i) {
    const float direction = next() * 2 * kPi;
    const float speed = next() < 0.05f ? 200.0f : next() * 8.0f;
    const Vec2 before = position;
    position = step_movement(map, position, direction, speed, kTick);
    ASSERT_TRUE(circle_is_clear(map, position)) << "step " << i;
    ASSERT_LE(distance(before, position), speed * kTick + 1e-5f) << "step " << i;
  }
}

TEST(Movement, DisplacementNeverExceedsSpeedTimesDt) {
  const TileMap map = room_with_divider();
  for (int i = 0; i < 256; ++i) {
    const float direction = 2 * kPi * static_cast<float>(i) / 256.0f;
    for (const Vec2 start :
         {Vec2{5.6f, 1.4f}, Vec2{1.35f, 5.6f}, Vec2{6.5f, 3.5f}, Vec2{3.3f, 3.5f}}) {
      const Vec2 end = step_movement(map, start, direction, kPlayerMaxSpeed, kTick);
      EXPECT_LE(distance(start, end), kPlayerMaxSpeed * kTick + 1e-6f);
    }
  }
}

TEST(Movement, IsDeterministicBitForBit) {
  const TileMap map = room_with_divider();
  const auto run = [&map] {
    Vec2 position{2.3f, 1.7f};
    for (int i = 0; i < 3000; ++i) {
      const float direction = static_cast<float>(i % 97) * 0.173f - 3.0f;
      const float speed = kPlayerMaxSpeed * static_cast<float>(i % 13) / 12.0f;
      position = step_movement(map, position, direction, speed, kTick);
    }
    return position;
  };
  const Vec2 first = run();
  const Vec2 second = run();
  EXPECT_TRUE(same_bits(first, second));
}

TEST(Movement, BadInputsMoveNothing) {
  const TileMap map = room_with_divider();
  const Vec2 start{2.5f, 2.5f};
  EXPECT_EQ(step_movement(map, start, NAN, 5.0f, kTick), start);
  EXPECT_EQ(step_movement(map, start, INFINITY, 5.0f, kTick), start);
  EXPECT_EQ(step_movement(map, start, kEast, NAN, kTick), start);
  EXPECT_EQ(step_movement(map, start, kEast, -5.0f, kTick), start);
  EXPECT_EQ(step_movement(map, start, kEast, 5.0f, -kTick), start);
  EXPECT_EQ(step_movement(map, start, kEast, 5.0f, 0.0f), start);
  EXPECT_EQ(step_movement(map, start, kEast, INFINITY, kTick), start);
  const Vec2 nan_start{NAN, 2.5f};
  EXPECT_TRUE(std::isnan(step_movement(map, nan_start, kEast, 5.0f, kTick).x));
  const Vec2 far{1e30f, -1e30f};
  EXPECT_EQ(step_movement(map, far, kEast, 5.0f, kTick), far);
}

TEST(Movement, VeryLongStepsAreCapped) {
  const TileMap map = TileMap::open_field(100, 100);
  const Vec2 end = move_with_collision(map, {10.5f, 50.5f}, {1000.0f, 0.0f});
  EXPECT_NEAR(end.x, 10.5f + kMaxStepTiles, 1e-3f);
}

TEST(Movement, EntityStuckInAWallCanWalkOut) {
  const TileMap map = map_from_rows({
      ".....",
      ".###.",
      ".....",
  });
  Vec2 position{2.5f, 1.5f};  // centre inside the middle wall tile
  position = step_movement(map, position, kSouth, 2.0f, 1.0f);
  EXPECT_GT(position.y, 2.29f);
  EXPECT_TRUE(circle_is_clear(map, position));
}

TEST(Movement, CircleIsClear) {
  const TileMap map = map_from_rows({"...", ".#.", "..."});
  EXPECT_TRUE(circle_is_clear(map, {0.5f, 0.5f}));
  EXPECT_FALSE(circle_is_clear(map, {0.8f, 1.5f}));
  EXPECT_TRUE(circle_is_clear(map, {0.7f, 1.5f})) << "touching the face is not overlapping";
  EXPECT_FALSE(circle_is_clear(map, {0.8f, 0.8f}));
  EXPECT_TRUE(circle_is_clear(map, {0.75f, 0.75f})) << "corner distance 0.354 > 0.3";
  EXPECT_FALSE(circle_is_clear(map, {0.2f, 0.5f})) << "the map edge is a wall";
  EXPECT_FALSE(circle_is_clear(map, {NAN, 0.5f}));
}

}  // namespace
}  // namespace omega::game
