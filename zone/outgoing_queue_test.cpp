// OutgoingQueue: a client's outgoing ring never overruns, whatever order pushes, writes and
// drops come in (issue 13: a burst of ping answers to a backed-up client overran the old ring).
#include "zone/outgoing_queue.hpp"

#include <gtest/gtest.h>

#include <random>

namespace omega::zone {
namespace {

MessageRef message(MessagePool& pool, size_t bytes, uint8_t tag = 0) {
  MessageRef m = pool.acquire();
  m->bytes.assign(bytes, tag);
  return m;
}

TEST(OutgoingQueue, RefusesMessagesBeyondTheMessageLimit) {
  MessagePool pool;
  OutgoingQueue queue(4, 1 << 20);
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(queue.try_push(message(pool, 10)));
  EXPECT_FALSE(queue.try_push(message(pool, 10)));
  EXPECT_EQ(queue.size(), 4u);
  EXPECT_EQ(queue.bytes(), 40u);
}

TEST(OutgoingQueue, RefusesMessagesBeyondTheByteLimit) {
  MessagePool pool;
  OutgoingQueue queue(64, 100);
  EXPECT_TRUE(queue.try_push(message(pool, 60)));
  EXPECT_FALSE(queue.try_push(message(pool, 41)));
  EXPECT_TRUE(queue.try_push(message(pool, 40)));
  EXPECT_EQ(queue.bytes(), 100u);
}

// The crash of issue 13: a client that does not read has a write in flight that never
// completes; every ping it sends asks for a pong. However many arrive, the queue holds at most
// its limit, and the Kick still fits behind the write in flight.
TEST(OutgoingQueue, APingBurstToABackedUpClientNeverOverrunsAndTheKickFits) {
  MessagePool pool;
  OutgoingQueue queue(4, 1 << 20);
  ASSERT_TRUE(queue.try_push(message(pool, 100, 1)));
  ASSERT_EQ(queue.begin_write(32), 1u);  // the socket is full: this write never completes
  size_t refused = 0;
  for (int ping = 0; ping < 1000; ++ping)
    if (!queue.try_push(message(pool, 6, 2))) ++refused;
  EXPECT_EQ(queue.size(), 4u);
  EXPECT_EQ(refused, 997u);
  queue.drop_unsent();
  EXPECT_EQ(queue.size(), 1u) << "the message in flight stays: the socket still reads it";
  queue.push_final(message(pool, 20, 3));
  EXPECT_EQ(queue.size(), 2u);
  EXPECT_FALSE(queue.try_push(message(pool, 6))) << "nothing goes after the Kick";
  EXPECT_EQ(queue.finish_write(), 100u);
  ASSERT_EQ(queue.begin_write(32), 1u);
  EXPECT_EQ(queue.in_flight_message(0).bytes()[0], 3) << "the Kick is sent next";
  EXPECT_EQ(queue.finish_write(), 20u);
  EXPECT_TRUE(queue.empty());
  EXPECT_EQ(queue.bytes(), 0u);
}

TEST(OutgoingQueue, TheFinalMessageFitsAFullQueueWithoutDroppingIt) {
  MessagePool pool;
  OutgoingQueue queue(4, 1 << 20);
  for (uint8_t i = 0; i < 4; ++i) ASSERT_TRUE(queue.try_push(message(pool, 1, i)));
  queue.push_final(message(pool, 1, 9));
  EXPECT_EQ(queue.size(), 5u) << "a kick for another reason keeps what was queued before it";
  ASSERT_EQ(queue.begin_write(32), 5u);
  EXPECT_EQ(queue.in_flight_message(4).bytes()[0], 9);
  queue.push_final(message(pool, 1, 10));  // a second final message is ignored
  EXPECT_EQ(queue.size(), 5u);
}

// Random pushes, writes, completions and drops against a plain model: order and byte counts
// stay exact through many wrap-arounds, and every message returns to the pool.
TEST(OutgoingQueue, MatchesAModelUnderRandomOperations) {
  MessagePool pool;
  {
    OutgoingQueue queue(6, 400);
    struct Queued {
      uint8_t tag;
      size_t size;
    };
    std::vector<Queued> model;  // oldest first
    size_t in_flight = 0;
    uint8_t next_tag = 0;
    auto model_bytes = [&model] {
      size_t total = 0;
      for (const Queued& q : model) total += q.size;
      return total;
    };
    std::mt19937 random(7);
    for (int step = 0; step < 20000; ++step) {
      const unsigned operation = random() % 8;
      if (operation < 4) {
        const size_t size = 1 + random() % 120;
        const bool fits = model.size() < 6 && model_bytes() + size <= 400;
        ASSERT_EQ(queue.try_push(message(pool, size, next_tag)), fits);
        if (fits) model.push_back({next_tag, size});
        ++next_tag;
      } else if (operation < 7 && in_flight == 0) {
        in_flight = queue.begin_write(1 + random() % 4);
        ASSERT_LE(in_flight, model.size());
        for (size_t i = 0; i < in_flight; ++i)
          ASSERT_EQ(queue.in_flight_message(i).bytes()[0], model[i].tag);
      } else if (operation < 7) {
        size_t written = 0;
        for (size_t i = 0; i < in_flight; ++i) written += model[i].size;
        ASSERT_EQ(queue.finish_write(), written);
        model.erase(model.begin(), model.begin() + static_cast<long>(in_flight));
        in_flight = 0;
      } else {
        queue.drop_unsent();
        model.resize(in_flight);
      }
      ASSERT_EQ(queue.size(), model.size());
      ASSERT_EQ(queue.bytes(), model_bytes());
      ASSERT_EQ(queue.in_flight(), in_flight);
    }
  }
  EXPECT_LE(pool.allocated(), 16u) << "messages are recycled, not leaked";
}

}  // namespace
}  // namespace omega::zone
