// Login throttling after OWASP's authentication guidance: slow a password guesser down
// without letting anyone lock the owner out of an account.
//
// Two counters, both in Redis so that every replica shares them:
// - per (account, client address): after `free_failures` failures the client must wait
//   delay_base · 2^k (k = failures beyond the free ones, capped at delay_cap) between
//   attempts for that account. A success from that client clears its count. Other clients
//   are not affected: the owner logging in from elsewhere never waits for the attacker.
// - per client address, over all accounts: a failure budget of `client_burst` refilled at
//   `client_failures_per_hour` (a GCRA leaky bucket). A sprayer trying one password on many
//   accounts is slowed to the refill rate; clients at other addresses are not affected.
//
// Each attempt is counted as a failure when it is admitted, before the password is checked,
// and refunded on success: concurrent attempts cannot slip through together. Admission and
// accounting are one Lua script, so replicas never race each other. Redis's clock decides
// the waits, so replicas with skewed clocks agree. Thread-safe; blocking (worker threads).
#pragma once

#include <chrono>
#include <string>

#include "api/redis_pool.hpp"

namespace omega::api {

struct LoginThrottlePolicy {
  int free_failures = 5;
  std::chrono::seconds delay_base{1};
  std::chrono::seconds delay_cap{900};
  // How long an (account, client) count lives after its last failure; longer than delay_cap.
  std::chrono::seconds failure_memory{24 * 3600};
  int client_burst = 50;
  int client_failures_per_hour = 60;
};

class LoginThrottle {
 public:
  // `key_prefix` starts every Redis key (the service's prefix plus a namespace).
  LoginThrottle(RedisPool& redis, std::string key_prefix, LoginThrottlePolicy policy);
  LoginThrottle(const LoginThrottle&) = delete;
  LoginThrottle& operator=(const LoginThrottle&) = delete;

  // One login attempt, admitted or not. Admitted attempts count as failures until
  // succeeded() or abandoned() says otherwise.
  struct Attempt {
    bool admitted = false;
    std::chrono::seconds retry_after{0};  // when refused: wait at least this long (>= 1 s)
    std::string account_key;
    std::string client_key;
    std::string blocked_until_before;  // the pair's wait before this attempt, to restore it
    std::string blocked_until_set;     // the pair's wait this attempt set ("" if none)
  };

  // Asks to try a password for `account` (normalised name) from `client` (a subscriber key,
  // see client_address.hpp). Throws ServiceUnavailable when Redis is unreachable.
  Attempt begin(const std::string& account, const std::string& client);
  // The password was right: the client's count for this account starts over and the
  // attempt no longer weighs on the client's budget. Never throws (a failure is logged).
  void succeeded(const Attempt& attempt) noexcept;
  // The attempt could not be decided (a dependency failed): take back exactly what it
  // counted. Never throws.
  void abandoned(const Attempt& attempt) noexcept;

 private:
  RedisPool& redis_;
  std::string key_prefix_;
  LoginThrottlePolicy policy_;
  // GCRA parameters of the client budget: one failure's share of it, and the burst it allows.
  long long client_interval_ms_;
  long long client_tolerance_ms_;
};

// Account creation per client address (the same subscriber keys): a budget of `burst`
// registrations refilled at `per_hour` (GCRA, in Redis, one Lua script per call). Slows down an
// account farm at one address without touching players elsewhere. `per_hour` 0: no limit.
// Thread-safe; blocking.
class RegistrationThrottle {
 public:
  RegistrationThrottle(RedisPool& redis, std::string key_prefix, int burst, int per_hour);
  RegistrationThrottle(const RegistrationThrottle&) = delete;
  RegistrationThrottle& operator=(const RegistrationThrottle&) = delete;

  // Takes one registration from `client`'s budget: 0 s when admitted, else how long to wait
  // (>= 1 s) and nothing was taken. Throws ServiceUnavailable when Redis is unreachable.
  std::chrono::seconds admit(const std::string& client);
  // The admitted registration created no account: give its share back. Never throws.
  void refund(const std::string& client) noexcept;

 private:
  std::string key(const std::string& client) const;

  RedisPool& redis_;
  std::string key_prefix_;
  long long interval_ms_;  // 0: unlimited
  long long tolerance_ms_;
};

}  // namespace omega::api
