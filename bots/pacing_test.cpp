#include "bots/pacing.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace omega::bots {
namespace {

int started_over(ConnectPacer& pacer, int ticks) {
  int started = 0;
  for (int i = 0; i < ticks; ++i) {
    pacer.tick();
    while (pacer.take()) ++started;
  }
  return started;
}

TEST(ConnectPacer, StartsRatePerSecondSpreadOverTheTicks) {
  ConnectPacer slow(50.0, 100.0);  // half a connection per tick: one every other tick
  EXPECT_EQ(started_over(slow, 100), 50);
  ConnectPacer fast(500.0, 100.0);  // five per tick
  EXPECT_EQ(started_over(fast, 100), 500);
}

TEST(ConnectPacer, UnusedBudgetDoesNotPileUpIntoABurst) {
  ConnectPacer pacer(500.0, 100.0);
  for (int i = 0; i < 100; ++i) pacer.tick();  // a second of ticks with nobody waiting
  int burst = 0;
  while (pacer.take()) ++burst;
  EXPECT_EQ(burst, 5);  // one tick's worth, not a second's
  ConnectPacer trickle(10.0, 100.0);
  for (int i = 0; i < 1000; ++i) trickle.tick();
  EXPECT_TRUE(trickle.take());
  EXPECT_FALSE(trickle.take());  // the cap is one connection when the rate is below a tick's
}

TEST(ReplayBackoff, PausesDoubleUpToTheCapUntilTheDeadline) {
  ReplayBackoff backoff;
  backoff.start(100.0, 5.0);  // ask until t = 105
  double now = 100.0;
  std::vector<double> pauses;
  while (auto at = backoff.retry_at(now)) {
    pauses.push_back(*at - now);
    now = *at;
  }
  ASSERT_GE(pauses.size(), 4u);
  EXPECT_DOUBLE_EQ(pauses[0], 0.25);
  EXPECT_DOUBLE_EQ(pauses[1], 0.5);
  EXPECT_DOUBLE_EQ(pauses[2], 1.0);
  EXPECT_DOUBLE_EQ(pauses[3], 2.0);
  for (size_t i = 4; i < pauses.size(); ++i) EXPECT_DOUBLE_EQ(pauses[i], 2.0);
  EXPECT_LE(now, 105.0);        // never asks past the deadline
  EXPECT_GT(now + 2.0, 105.0);  // and gives up only when the next pause would cross it
}

TEST(ReplayBackoff, ANewRoundStartsFromTheShortPauseAgain) {
  ReplayBackoff backoff;
  backoff.start(0.0, 30.0);
  for (int i = 0; i < 6; ++i) ASSERT_TRUE(backoff.retry_at(double(i)));
  backoff.start(50.0, 30.0);
  EXPECT_DOUBLE_EQ(*backoff.retry_at(50.0), 50.25);
}

}  // namespace
}  // namespace omega::bots
