// Argon2id password hashing through libsodium, with a bound on how many hashes run at once
// (each one takes ~19 MiB and tens of milliseconds; unbounded, a login burst would exhaust
// memory and starve every other request). Thread-safe.
#pragma once

#include <condition_variable>
#include <mutex>
#include <string>
#include <string_view>

namespace omega::api {

class PasswordHasher {
 public:
  PasswordHasher(int ops_limit, int memory_kib, int concurrency);
  PasswordHasher(const PasswordHasher&) = delete;
  PasswordHasher& operator=(const PasswordHasher&) = delete;

  // The encoded Argon2id string ($argon2id$v=19$m=…,t=…,p=1$salt$hash).
  std::string hash(std::string_view password);
  // True if `password` matches `encoded`; false for a malformed `encoded`.
  bool verify(std::string_view password, const std::string& encoded);
  // Spends the same time as a verify against a real hash: used for unknown accounts so that
  // response timing does not reveal which account names exist.
  void burn_equivalent_time(std::string_view password);

 private:
  class Slot;
  unsigned long long ops_limit_;
  std::size_t memory_bytes_;
  int concurrency_;
  int running_ = 0;
  std::mutex mutex_;
  std::condition_variable slot_free_;
  std::string dummy_hash_;
};

}  // namespace omega::api
