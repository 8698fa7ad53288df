#include "common/thread_name.hpp"

#include <gtest/gtest.h>
#include <pthread.h>

#include <array>
#include <string>
#include <thread>

namespace omega::common {
namespace {

std::string current_name() {
  std::array<char, 32> name{};
  pthread_getname_np(pthread_self(), name.data(), name.size());
  return name.data();
}

TEST(ThreadName, NamesTheCallingThreadAndCutsAtFifteenCharacters) {
  std::string short_name, long_name, kept;
  std::thread([&] {
    name_this_thread("omega-net-3");
    short_name = current_name();
    kept = name_this_thread("omega-work-123456789");
    long_name = current_name();
  }).join();
  EXPECT_EQ(short_name, "omega-net-3");
  EXPECT_EQ(long_name, "omega-work-1234");
  EXPECT_EQ(kept, long_name);
  EXPECT_NE(current_name(), long_name);  // only the calling thread
}

}  // namespace
}  // namespace omega::common
