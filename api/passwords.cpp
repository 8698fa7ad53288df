#include "api/passwords.hpp"

#include <sodium.h>

#include <algorithm>
#include <stdexcept>
#include <thread>

namespace omega::api {

// Holds one of the bounded hashing slots for its lifetime.
class PasswordHasher::Slot {
 public:
  explicit Slot(PasswordHasher& owner) : owner_(owner) {
    std::unique_lock lock(owner_.mutex_);
    owner_.slot_free_.wait(lock, [&] { return owner_.running_ < owner_.concurrency_; });
    ++owner_.running_;
  }
  ~Slot() {
    {
      std::lock_guard lock(owner_.mutex_);
      --owner_.running_;
    }
    owner_.slot_free_.notify_one();
  }
  Slot(const Slot&) = delete;
  Slot& operator=(const Slot&) = delete;

 private:
  PasswordHasher& owner_;
};

PasswordHasher::PasswordHasher(int ops_limit, int memory_kib, int concurrency)
    : ops_limit_(static_cast<unsigned long long>(ops_limit)),
      memory_bytes_(static_cast<std::size_t>(memory_kib) * 1024),
      concurrency_(concurrency > 0
                       ? concurrency
                       : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()))) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium initialisation failed");
  dummy_hash_ = hash("omega-dummy-password-for-timing");
}

std::string PasswordHasher::hash(std::string_view password) {
  Slot slot(*this);
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), ops_limit_, memory_bytes_,
                            crypto_pwhash_ALG_ARGON2ID13) != 0)
    throw std::runtime_error("password hashing ran out of memory");
  return out;
}

bool PasswordHasher::verify(std::string_view password, const std::string& encoded) {
  Slot slot(*this);
  return crypto_pwhash_str_verify(encoded.c_str(), password.data(), password.size()) == 0;
}

void PasswordHasher::burn_equivalent_time(std::string_view password) {
  (void)verify(password, dummy_hash_);
}

}  // namespace omega::api
