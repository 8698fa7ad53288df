#include "api/tournament_matching.hpp"

#include <gtest/gtest.h>

namespace omega::api {
namespace {

const RatingWindow kWindow{100, 50, 5000};

std::vector<std::int64_t> ids(const std::vector<QueuedPlayer>& team) {
  std::vector<std::int64_t> result;
  for (const auto& player : team) result.push_back(player.character_id);
  return result;
}

TEST(TournamentMatching, TheWindowWidensInStepsAndStopsAtTheCap) {
  EXPECT_EQ(kWindow.at(0), 100);
  EXPECT_EQ(kWindow.at(4999), 100);
  EXPECT_EQ(kWindow.at(5000), 150);
  EXPECT_EQ(kWindow.at(12'000), 200);
  EXPECT_EQ(kWindow.at(-5), 100);  // a clock step backwards is no wait, not a negative one
  EXPECT_EQ(kWindow.at(3'600'000), kMaxRatingWindow);
  EXPECT_EQ((RatingWindow{100, 50, 0}).at(60'000), 100);  // step_ms 0: no widening
}

TEST(TournamentMatching, TwoCloseRatingsMatchAtOnceFarOnesOnlyAfterWaiting) {
  const std::vector<QueuedPlayer> queue{{1, 1500, 0}, {2, 1800, 0}};
  EXPECT_TRUE(form_matches(queue, 1, kWindow, 0).empty());
  // 300 apart needs a 300 window from both: (300 - 100) / 50 = 4 steps of 5 s.
  EXPECT_TRUE(form_matches(queue, 1, kWindow, 19'999).empty());
  const auto matches = form_matches(queue, 1, kWindow, 20'000);
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_EQ(ids(matches[0].team_1), (std::vector<std::int64_t>{2}));
  EXPECT_EQ(ids(matches[0].team_2), (std::vector<std::int64_t>{1}));
}

TEST(TournamentMatching, BothWindowsMustAcceptTheGap) {
  // Player 1 has waited long, player 2 just came: player 2's narrow window decides.
  const std::vector<QueuedPlayer> queue{{1, 1500, 0}, {2, 1700, 60'000}};
  EXPECT_TRUE(form_matches(queue, 1, kWindow, 60'000).empty());
  EXPECT_EQ(form_matches(queue, 1, kWindow, 70'000).size(), 1u);
}

TEST(TournamentMatching, TheLongestWaitingIsServedFirstWithTheClosestRating) {
  const std::vector<QueuedPlayer> queue{
      {1, 1500, 100}, {2, 1590, 200}, {3, 1510, 300}, {4, 1420, 0}};
  const auto matches = form_matches(queue, 1, kWindow, 1000);
  ASSERT_EQ(matches.size(), 2u);
  // Player 4 (longest wait, 1420) takes 1500 (closer than 1510); then 1510 with 1590.
  EXPECT_EQ(ids(matches[0].team_1), (std::vector<std::int64_t>{1}));
  EXPECT_EQ(ids(matches[0].team_2), (std::vector<std::int64_t>{4}));
  EXPECT_EQ(ids(matches[1].team_1), (std::vector<std::int64_t>{2}));
  EXPECT_EQ(ids(matches[1].team_2), (std::vector<std::int64_t>{3}));
}

TEST(TournamentMatching, TwoVersusTwoIsDraftedInSnakeOrder) {
  const std::vector<QueuedPlayer> queue{
      {1, 1500, 0}, {2, 1560, 0}, {3, 1440, 0}, {4, 1520, 0}, {5, 1530, 5}};
  const auto matches = form_matches(queue, 2, kWindow, 10);
  ASSERT_EQ(matches.size(), 1u);  // five players: one match, one left waiting
  // Group: 1 (anchor) and the three closest: 4 (1520), 5 (1530), 2 (1560); 3 (1440) waits.
  EXPECT_EQ(ids(matches[0].team_1), (std::vector<std::int64_t>{2, 1}));  // 1560 + 1500
  EXPECT_EQ(ids(matches[0].team_2), (std::vector<std::int64_t>{5, 4}));  // 1530 + 1520
}

TEST(TournamentMatching, TooFewPlayersOrABadTeamSizeMakeNoMatch) {
  EXPECT_TRUE(form_matches({{1, 1500, 0}}, 1, kWindow, 0).empty());
  EXPECT_TRUE(form_matches({{1, 1500, 0}, {2, 1500, 0}, {3, 1500, 0}}, 2, kWindow, 0).empty());
  EXPECT_TRUE(form_matches({{1, 1500, 0}, {2, 1500, 0}}, 0, kWindow, 0).empty());
}

TEST(TournamentElo, EqualRatingsMoveBySixteenAndTheChangeIsZeroSum) {
  const auto win = elo_change(1500, 1500, 1);
  EXPECT_EQ(win.team_1, 16);
  EXPECT_EQ(win.team_2, -16);
  const auto loss = elo_change(1500, 1500, 2);
  EXPECT_EQ(loss.team_1, -16);
  EXPECT_EQ(loss.team_2, 16);
  const auto draw = elo_change(1500, 1500, 0);
  EXPECT_EQ(draw.team_1, 0);
  EXPECT_EQ(draw.team_2, 0);
}

TEST(TournamentElo, AnUpsetPaysMoreThanAnExpectedWin) {
  const auto expected = elo_change(1800, 1400, 1);  // favourite wins: E = 0.909
  EXPECT_EQ(expected.team_1, 3);
  const auto upset = elo_change(1800, 1400, 2);
  EXPECT_EQ(upset.team_2, 29);
  EXPECT_EQ(upset.team_1, -29);
  const auto draw = elo_change(1800, 1400, 0);  // a draw costs the favourite
  EXPECT_EQ(draw.team_1, -13);
}

}  // namespace
}  // namespace omega::api
