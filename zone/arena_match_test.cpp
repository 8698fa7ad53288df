// ArenaMatch rules without a world: start (all joined / grace), end on a team down, at the
// time limit by hp, draws, and the "match" object of POST /instances.
#include <gtest/gtest.h>

#include <map>

#include "zone/api_json.hpp"
#include "zone/arena_match.hpp"

namespace omega::zone {
namespace {

constexpr int64_t kSecond = 1'000'000'000;

struct Members {
  std::map<uint64_t, MemberStatus> status;
  void join(uint64_t c, float hp = 1.0f) { status[c] = {true, hp > 0, hp}; }
  ArenaMatch::StatusOf fn() {
    return [this](uint64_t c) {
      auto it = status.find(c);
      return it == status.end() ? MemberStatus{} : it->second;
    };
  }
};

MatchSpec spec(uint32_t time_limit_s = 60) {
  return MatchSpec{
      9, "arena_2v2", 2, time_limit_s, {std::vector<uint64_t>{1, 2}, std::vector<uint64_t>{3, 4}}};
}

TEST(ArenaMatch, StartsWhenEveryoneJoined) {
  Members m;
  ArenaMatch match(spec(), 0, 30);
  m.join(1);
  m.join(2);
  m.join(3);
  EXPECT_FALSE(match.update(kSecond, m.fn()));
  m.join(4);
  EXPECT_TRUE(match.update(2 * kSecond, m.fn()));
  EXPECT_TRUE(match.running());
  EXPECT_EQ(match.spec().team_of(3), 2);
  EXPECT_EQ(match.spec().team_of(5), 0);
}

TEST(ArenaMatch, AfterTheGraceStartsWithWhoeverCameAndAnEmptyTeamLoses) {
  Members m;
  ArenaMatch match(spec(), 0, 30);
  m.join(1);
  EXPECT_FALSE(match.update(29 * kSecond, m.fn()));
  EXPECT_TRUE(match.update(30 * kSecond, m.fn()));  // starts with player 1 alone
  EXPECT_TRUE(match.running());
  EXPECT_TRUE(match.update(30 * kSecond + 1, m.fn()));  // team 2 is down
  EXPECT_EQ(match.winner(), std::optional<uint8_t>(1));
}

TEST(ArenaMatch, NobodyCameEndsWithoutAResult) {
  Members m;
  ArenaMatch match(spec(), 0, 30);
  EXPECT_TRUE(match.update(30 * kSecond, m.fn()));
  EXPECT_TRUE(match.ended());
  EXPECT_EQ(match.winner(), std::nullopt);
  EXPECT_FALSE(match.update(31 * kSecond, m.fn()));  // ended once
}

TEST(ArenaMatch, EndsWhenEveryMemberOfATeamIsDeadOrGone) {
  Members m;
  ArenaMatch match(spec(), 0, 30);
  for (uint64_t c : {1, 2, 3, 4}) m.join(c);
  match.update(kSecond, m.fn());
  m.join(3, 0.0f);  // dead
  EXPECT_FALSE(match.update(2 * kSecond, m.fn()));
  m.status.erase(4);  // left
  EXPECT_TRUE(match.update(3 * kSecond, m.fn()));
  EXPECT_EQ(match.winner(), std::optional<uint8_t>(1));
}

TEST(ArenaMatch, BothTeamsDownAtOnceIsADraw) {
  Members m;
  ArenaMatch match(
      MatchSpec{9, "arena_1v1", 1, 60, {std::vector<uint64_t>{1}, std::vector<uint64_t>{3}}}, 0,
      30);
  m.join(1);
  m.join(3);
  match.update(kSecond, m.fn());
  m.join(1, 0.0f);
  m.join(3, 0.0f);
  EXPECT_TRUE(match.update(2 * kSecond, m.fn()));
  EXPECT_EQ(match.winner(), std::optional<uint8_t>(0));
}

TEST(ArenaMatch, TheTimeLimitGivesTheWinToTheLargerHpSumOrADraw) {
  // Team 1: 0.75 + 0.75; team 2: hp3 + 1.0.
  for (auto [hp3, winner] : {std::pair{0.25f, 1}, std::pair{0.5f, 0}, std::pair{0.75f, 2}}) {
    Members m;
    ArenaMatch match(spec(10), 0, 30);
    for (uint64_t c : {1, 2, 3, 4}) m.join(c);
    match.update(kSecond, m.fn());  // started at 1 s
    m.join(1, 0.75f);
    m.join(2, 0.75f);
    m.join(3, hp3);
    EXPECT_FALSE(match.update(10 * kSecond, m.fn()));
    EXPECT_TRUE(match.update(11 * kSecond, m.fn()));
    EXPECT_EQ(match.winner(), std::optional<uint8_t>(winner)) << hp3;
  }
}

TEST(ArenaMatch, ParsesTheMatchObjectAndRefusesBadOnes) {
  auto ok = parse_match(
      R"({"id":4,"tournament":"arena_1v1","team_size":1,"time_limit_s":30,"teams":[[1],[2]]})");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->id, 4u);
  EXPECT_EQ(ok->tournament, "arena_1v1");
  EXPECT_EQ(ok->teams[1], std::vector<uint64_t>{2});
  for (const char* bad :
       {R"({"id":4,"time_limit_s":30,"teams":[[1]]})",
        R"({"id":0,"time_limit_s":30,"teams":[[1],[2]]})", R"({"id":4,"teams":[[1],[2]]})",
        R"({"id":4,"time_limit_s":30,"teams":[[1],[]]})",
        R"({"id":4,"time_limit_s":30,"teams":[[1],["x"]]})", "[]", "nope"})
    EXPECT_FALSE(parse_match(bad)) << bad;
  EXPECT_EQ(match_result_body({4, 2}), R"({"winner_team":2})");
}

}  // namespace
}  // namespace omega::zone
