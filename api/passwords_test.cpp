#include "api/passwords.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace omega::api {
namespace {

TEST(ApiPasswordHasher, HashesWithArgon2idAtOwaspParameters) {
  PasswordHasher hasher(2, 19 * 1024, 2);
  const auto encoded = hasher.hash("correct horse battery staple");
  EXPECT_EQ(encoded.rfind("$argon2id$", 0), 0u) << encoded;
  EXPECT_NE(encoded.find("m=19456,t=2"), std::string::npos) << encoded;
  EXPECT_TRUE(hasher.verify("correct horse battery staple", encoded));
  EXPECT_FALSE(hasher.verify("correct horse battery stapler", encoded));
  EXPECT_FALSE(hasher.verify("anything", "not-a-hash"));
  EXPECT_NE(hasher.hash("same"), hasher.hash("same")) << "salted";
}

TEST(ApiPasswordHasher, ConcurrentUseIsSafe) {
  PasswordHasher hasher(2, 19 * 1024, 1);
  const auto encoded = hasher.hash("pw-12345");
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([&] { ok += hasher.verify("pw-12345", encoded) ? 1 : 0; });
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(ok, 4);
}

}  // namespace
}  // namespace omega::api
