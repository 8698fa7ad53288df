#include "api/leaderboard_keys.hpp"

#include <gtest/gtest.h>

namespace omega::api {
namespace {

std::chrono::system_clock::time_point day(int y, unsigned m, unsigned d) {
  using namespace std::chrono;
  return sys_days{year{y} / month{m} / d} + hours{12};
}

TEST(ApiLeaderboardKeys, IsoWeeksAtYearBoundaries) {
  EXPECT_EQ(iso_week(day(2021, 1, 3)), "2020-W53");  // Sunday, still last year's week 53
  EXPECT_EQ(iso_week(day(2021, 1, 4)), "2021-W01");
  EXPECT_EQ(iso_week(day(2024, 12, 30)), "2025-W01");  // Monday of next year's week 1
  EXPECT_EQ(iso_week(day(2025, 2, 12)), "2025-W07");
  EXPECT_EQ(iso_week(day(2026, 12, 31)), "2026-W53");
}

TEST(ApiLeaderboardKeys, IsoWeekShape) {
  EXPECT_TRUE(is_iso_week("2025-W07"));
  EXPECT_FALSE(is_iso_week("2025-W54"));
  EXPECT_FALSE(is_iso_week("2025-W00"));
  EXPECT_FALSE(is_iso_week("2025W07"));
  EXPECT_FALSE(is_iso_week("2025-w07"));
}

TEST(ApiLeaderboardKeys, MembersRoundTrip) {
  const BoardMember member{1'700'000'000'123'456, 42, "Aragorn"};
  const auto decoded = decode_member(encode_member(member));
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->reached_at_us, member.reached_at_us);
  EXPECT_EQ(decoded->character_id, 42);
  EXPECT_EQ(decoded->name, "Aragorn");
  EXPECT_FALSE(decode_member("garbage"));
}

TEST(ApiLeaderboardKeys, EarlierReachSortsFirstInReverseOrder) {
  // Redis ZREVRANGE orders equal scores by member bytes, descending.
  const auto earlier = encode_member({1'000, 9, "Zed"});
  const auto later = encode_member({2'000, 1, "Amy"});
  EXPECT_GT(earlier, later);
  // Same instant: the lower id first, as PostgreSQL's ORDER BY reached_at, character_id.
  EXPECT_GT(encode_member({1'000, 3, "B"}), encode_member({1'000, 12, "A"}));
}

}  // namespace
}  // namespace omega::api
