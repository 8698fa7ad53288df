#include "client/reconnect_backoff.hpp"

#include <gtest/gtest.h>

namespace omega::client {
namespace {

TEST(ReconnectBackoff, DoublesUpToTheCapWithoutJitter) {
  BackoffSettings settings;
  settings.jitter = 0.0;
  settings.max_attempts = 0;
  ReconnectBackoff backoff(settings);
  const double expected[] = {0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0};
  for (double delay : expected) EXPECT_DOUBLE_EQ(backoff.next_delay(), delay);
  EXPECT_FALSE(backoff.exhausted());
}

TEST(ReconnectBackoff, JitterStaysWithinBoundsAndIsDeterministic) {
  BackoffSettings settings;
  settings.max_attempts = 0;
  ReconnectBackoff a(settings, 42), b(settings, 42);
  for (int i = 0; i < 40; ++i) {
    const double base =
        std::min(settings.max_seconds, settings.initial_seconds * (1 << std::min(i, 20)));
    const double delay = a.next_delay();
    EXPECT_GE(delay, base * 0.8 - 1e-12);
    EXPECT_LE(delay, base * 1.2 + 1e-12);
    EXPECT_DOUBLE_EQ(delay, b.next_delay());
  }
}

TEST(ReconnectBackoff, ResetStartsOverAndAttemptsRunOut) {
  BackoffSettings settings;
  settings.jitter = 0.0;
  settings.max_attempts = 3;
  ReconnectBackoff backoff(settings);
  backoff.next_delay();
  backoff.next_delay();
  backoff.reset();
  EXPECT_DOUBLE_EQ(backoff.next_delay(), 0.25);
  backoff.next_delay();
  EXPECT_FALSE(backoff.exhausted());
  backoff.next_delay();
  EXPECT_TRUE(backoff.exhausted());
  EXPECT_EQ(backoff.attempts(), 3);
}

}  // namespace
}  // namespace omega::client
