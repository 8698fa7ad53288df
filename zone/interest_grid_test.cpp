#include "zone/interest_grid.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

namespace omega::zone {
namespace {

std::vector<uint32_t> brute_force(const std::vector<game::Vec2>& positions,
                                  const std::vector<uint8_t>& active, game::Vec2 c, float r) {
  std::vector<uint32_t> out;
  for (uint32_t i = 0; i < positions.size(); ++i) {
    const float dx = positions[i].x - c.x, dy = positions[i].y - c.y;
    if (active[i] && dx * dx + dy * dy <= r * r) out.push_back(i);
  }
  return out;
}

TEST(InterestGrid, QueryMatchesBruteForce) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> coordinate(0.0f, 200.0f);
  std::vector<game::Vec2> positions(2000);
  std::vector<uint8_t> active(2000);
  for (size_t i = 0; i < positions.size(); ++i) {
    positions[i] = {coordinate(rng), coordinate(rng)};
    active[i] = (i % 7) != 0;  // some free slots
  }
  InterestGrid grid(200, 200, 14);
  grid.rebuild(positions, active);
  for (int q = 0; q < 200; ++q) {
    const game::Vec2 center{coordinate(rng), coordinate(rng)};
    const float radius = 1.0f + static_cast<float>(q % 40);
    std::vector<uint32_t> found;
    grid.query(center, radius, [&](uint32_t slot, float d2) {
      EXPECT_LE(d2, radius * radius);
      found.push_back(slot);
    });
    std::sort(found.begin(), found.end());
    EXPECT_EQ(found, brute_force(positions, active, center, radius)) << "query " << q;
  }
}

TEST(InterestGrid, RebuildFollowsMovementAndClampsOutsidePositions) {
  std::vector<game::Vec2> positions{{5, 5}, {50, 50}, {-3, 300}};
  std::vector<uint8_t> active{1, 1, 1};
  InterestGrid grid(64, 64, 8);
  grid.rebuild(positions, active);
  std::vector<uint32_t> found;
  grid.query({5, 5}, 2, [&](uint32_t slot, float) { found.push_back(slot); });
  EXPECT_EQ(found, std::vector<uint32_t>{0});

  positions[0] = {49, 50};
  grid.rebuild(positions, active);
  found.clear();
  grid.query({50, 50}, 2, [&](uint32_t slot, float) { found.push_back(slot); });
  std::sort(found.begin(), found.end());
  EXPECT_EQ(found, (std::vector<uint32_t>{0, 1}));

  found.clear();  // an out-of-map entity lands in a border cell and is still found exactly
  grid.query({-3, 300}, 1, [&](uint32_t slot, float) { found.push_back(slot); });
  EXPECT_EQ(found, std::vector<uint32_t>{2});
  EXPECT_EQ(grid.size(), 3u);
}

TEST(InterestGrid, EmptyWorld) {
  InterestGrid grid(32, 32, 8);
  grid.rebuild({}, {});
  int calls = 0;
  grid.query({16, 16}, 100, [&](uint32_t, float) { ++calls; });
  EXPECT_EQ(calls, 0);
}

}  // namespace
}  // namespace omega::zone
