// PingTracker: the zone's unanswered pings, timed from their write (issue 13, slow readers).
#include "zone/ping_tracker.hpp"

#include <gtest/gtest.h>

namespace omega::zone {
namespace {

constexpr int64_t kSecond = 1'000'000'000;

TEST(PingTracker, APongAnswersItsPingAndEveryOlderOne) {
  PingTracker pings;
  EXPECT_EQ(pings.oldest_unanswered_ns(), 0);
  pings.written(1000, 1 * kSecond);
  pings.written(2000, 2 * kSecond);
  pings.written(3000, 3 * kSecond);
  EXPECT_EQ(pings.oldest_unanswered_ns(), 1 * kSecond);
  pings.answered(3000);
  EXPECT_EQ(pings.oldest_unanswered_ns(), 0);
}

TEST(PingTracker, PingsAfterTheAnsweredOneStayOutstandingFromTheNewestWrite) {
  PingTracker pings;
  pings.written(1000, 1 * kSecond);
  pings.written(2000, 2 * kSecond);
  pings.written(3000, 3 * kSecond);
  pings.answered(1000);
  // 2000 is outstanding too; timing it from the newest write (3 s) never kicks early.
  EXPECT_EQ(pings.oldest_unanswered_ns(), 3 * kSecond);
  pings.answered(500);  // older than anything outstanding: ignored
  EXPECT_EQ(pings.oldest_unanswered_ns(), 3 * kSecond);
  pings.answered(3000);
  EXPECT_EQ(pings.oldest_unanswered_ns(), 0);
  pings.written(4000, 4 * kSecond);
  EXPECT_EQ(pings.oldest_unanswered_ns(), 4 * kSecond);
}

TEST(PingTracker, TimestampsWrapAround) {
  PingTracker pings;
  pings.written(0xfffffc00u, 1 * kSecond);
  pings.written(0x00000200u, 2 * kSecond);  // the 32-bit millisecond clock wrapped
  pings.answered(0xfffffc00u);
  EXPECT_EQ(pings.oldest_unanswered_ns(), 2 * kSecond);
  pings.answered(0x00000200u);
  EXPECT_EQ(pings.oldest_unanswered_ns(), 0);
}

}  // namespace
}  // namespace omega::zone
