#include "bots/fixed_ring.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace omega::bots {
namespace {

TEST(FixedRing, FirstInFirstOutAcrossTheWrapAndRefusesWhenFull) {
  FixedRing<int, 3> ring;
  EXPECT_TRUE(ring.empty());
  for (int round = 0; round < 4; ++round) {  // the head walks around the array
    for (int i = 0; i < 3; ++i) *ring.push() = 10 * round + i;
    EXPECT_EQ(ring.push(), nullptr) << "full";
    EXPECT_EQ(ring.size(), 3u);
    for (int i = 0; i < 3; ++i) EXPECT_EQ(ring[static_cast<size_t>(i)], 10 * round + i);
    for (int i = 0; i < 3; ++i) {
      EXPECT_EQ(ring.front(), 10 * round + i);
      ring.pop();
    }
    EXPECT_TRUE(ring.empty());
    *ring.push() = -1;  // one left over shifts the next round's start
    ring.pop();
  }
}

TEST(FixedRing, OverwritingDropsTheOldestAndSlotsKeepTheirStorage) {
  FixedRing<int, 2> ring;
  ring.push_overwriting() = 1;
  ring.push_overwriting() = 2;
  ring.push_overwriting() = 3;
  EXPECT_EQ(ring.size(), 2u);
  EXPECT_EQ(ring.front(), 2);
  ring.clear();
  EXPECT_TRUE(ring.empty());

  FixedRing<std::vector<int>, 1> buffers;
  buffers.push()->assign(100, 7);
  buffers.pop();
  EXPECT_GE(buffers.push()->capacity(), 100u) << "a reused slot keeps what it had grown to";
}

}  // namespace
}  // namespace omega::bots
