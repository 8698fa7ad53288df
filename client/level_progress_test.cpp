#include "client/level_progress.hpp"

#include <gtest/gtest.h>

namespace omega::client {
namespace {

game::Progression three_levels() {
  game::Progression p;
  p.max_level = 3;
  p.xp_to_next = {0, 100, 135, 0};
  return p;
}

TEST(LevelProgress, AddsAndRollsOverLikeTheZone) {
  const auto p = three_levels();
  LevelProgress progress{1, 40};
  EXPECT_EQ(progress.needed(p), 100u);
  progress.add(50, p);
  EXPECT_EQ(progress.level, 1u);
  EXPECT_EQ(progress.experience, 90u);
  progress.add(20, p);  // 110: level 2 with 10 over
  EXPECT_EQ(progress.level, 2u);
  EXPECT_EQ(progress.experience, 10u);
  EXPECT_EQ(progress.needed(p), 135u);
  progress.add(1000, p);  // past the last level: capped, nothing kept
  EXPECT_EQ(progress.level, 3u);
  EXPECT_EQ(progress.experience, 0u);
  EXPECT_EQ(progress.needed(p), 0u);
}

TEST(LevelProgress, MatchesTheContentCurve) {
  game::CombatContent content;
  std::string error;
  ASSERT_TRUE(content.load("content", 30, error)) << error;
  LevelProgress progress{1, 0};
  progress.add(content.progression.xp_to_next[1] + content.progression.xp_to_next[2] + 7,
               content.progression);
  EXPECT_EQ(progress.level, 3u);
  EXPECT_EQ(progress.experience, 7u);
}

}  // namespace
}  // namespace omega::client
