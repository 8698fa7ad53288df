// A bounded pool of PostgreSQL connections (libpqxx 6.4). Connections are opened lazily and
// dropped when broken, so the pool heals by itself after a database restart. Thread-safe.
// Blocking: call it only from worker threads, never from an I/O thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include <pqxx/pqxx>

#include "api/errors.hpp"

namespace omega::api {

// The transaction lost a conflict with a concurrent one — PostgreSQL chose it as a deadlock
// victim (40P01), or a SERIALIZABLE transaction could not be ordered (40001) — and was rolled
// back whole: nothing it did was applied. A 503 the client may retry unless the service runs
// it again itself (retry_conflicts below).
class TransactionConflict : public ServiceUnavailable {
 public:
  using ServiceUnavailable::ServiceUnavailable;
};

class DbPool {
 public:
  DbPool(std::string url, int size, std::chrono::milliseconds acquire_timeout);
  DbPool(const DbPool&) = delete;
  DbPool& operator=(const DbPool&) = delete;

  // Runs `work(pqxx::connection&)` on a pooled connection and returns its result. A lost
  // connection is retried once on a fresh one (a pooled connection may have gone stale while
  // the database restarted); if the database stays unreachable, throws ServiceUnavailable.
  // A deadlock or serialization failure comes out as TransactionConflict.
  template <class Work>
  auto run(Work&& work) {
    for (int attempt = 0;; ++attempt) {
      Lease lease = acquire();
      try {
        return work(*lease.connection);
      } catch (const pqxx::serialization_failure& error) {
        throw TransactionConflict(error.what());
      } catch (const pqxx::deadlock_detected& error) {
        throw TransactionConflict(error.what());
      } catch (const pqxx::in_doubt_error&) {
        lease.broken = true;
        throw ServiceUnavailable("database connection lost during commit");
      } catch (const pqxx::broken_connection&) {
        lease.broken = true;
        if (attempt == 0 && lease.reused) continue;
        throw ServiceUnavailable("database connection lost");
      } catch (const pqxx::sql_error& error) {
        if (!connection_lost(*lease.connection, error)) throw;
        lease.broken = true;
        if (attempt == 0 && lease.reused) continue;
        throw ServiceUnavailable("database unavailable");
      }
    }
  }

  // Connections currently open (idle or leased).
  int open_connections() const;

 private:
  // A leased connection; returns it to the pool (or drops it if broken) on destruction.
  struct Lease {
    DbPool* pool = nullptr;
    std::unique_ptr<pqxx::connection> connection;
    bool reused = false;
    bool broken = false;
    Lease() = default;
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
  };

  Lease acquire();
  void release(std::unique_ptr<pqxx::connection> connection, bool broken);
  static bool connection_lost(const pqxx::connection& connection, const pqxx::sql_error& error);

  std::string url_;
  int size_;
  std::chrono::milliseconds acquire_timeout_;
  mutable std::mutex mutex_;
  std::condition_variable returned_;
  std::vector<std::unique_ptr<pqxx::connection>> idle_;
  int open_ = 0;
};

// Runs `attempt()` — which runs one transaction through DbPool::run and does nothing outside
// it — again while it fails with TransactionConflict (rolled back whole, so a rerun is safe),
// up to kConflictAttempts times in all with full-jitter backoff, calling on_retry() before
// each rerun; the last conflict goes to the caller.
constexpr int kConflictAttempts = 8;
// Sleeps uniform(0, min(200 ms, 2 ms · 2^attempt)) before rerun number `attempt`.
void conflict_backoff(int attempt);

template <class Attempt, class OnRetry>
auto retry_conflicts(Attempt&& attempt, OnRetry&& on_retry) {
  for (int number = 1;; ++number) {
    try {
      return attempt();
    } catch (const TransactionConflict&) {
      if (number >= kConflictAttempts) throw;
    }
    on_retry();
    conflict_backoff(number);
  }
}

template <class Attempt>
auto retry_conflicts(Attempt&& attempt) {
  return retry_conflicts(std::forward<Attempt>(attempt), [] {});
}

}  // namespace omega::api
