#include "api/db_pool.hpp"

#include <algorithm>
#include <thread>

#include <sodium.h>

namespace omega::api {

namespace {
// Without a connect timeout, a blackholed database host would hold a worker for minutes.
std::string with_connect_timeout(std::string url) {
  if (url.find("connect_timeout") != std::string::npos) return url;
  url += url.find('?') == std::string::npos ? "?" : "&";
  return url + "connect_timeout=3";
}
}  // namespace

DbPool::DbPool(std::string url, int size, std::chrono::milliseconds acquire_timeout)
    : url_(with_connect_timeout(std::move(url))), size_(size), acquire_timeout_(acquire_timeout) {}

DbPool::Lease::~Lease() {
  if (pool && connection) pool->release(std::move(connection), broken);
}

DbPool::Lease DbPool::acquire() {
  std::unique_lock lock(mutex_);
  const bool available =
      returned_.wait_for(lock, acquire_timeout_, [&] { return !idle_.empty() || open_ < size_; });
  if (!available) throw ServiceUnavailable("no database connection free");
  Lease lease;
  lease.pool = this;
  if (!idle_.empty()) {
    lease.connection = std::move(idle_.back());
    idle_.pop_back();
    lease.reused = true;
    return lease;
  }
  ++open_;
  lock.unlock();
  try {
    lease.connection = std::make_unique<pqxx::connection>(url_);
  } catch (const std::exception& error) {
    {
      std::lock_guard relock(mutex_);
      --open_;
    }
    returned_.notify_one();
    lease.pool = nullptr;
    throw ServiceUnavailable(std::string("cannot connect to database: ") + error.what());
  }
  return lease;
}

void DbPool::release(std::unique_ptr<pqxx::connection> connection, bool broken) {
  {
    std::lock_guard lock(mutex_);
    if (broken || !connection->is_open()) {
      --open_;
    } else {
      idle_.push_back(std::move(connection));
    }
  }
  connection.reset();
  returned_.notify_one();
}

bool DbPool::connection_lost(const pqxx::connection& connection, const pqxx::sql_error& error) {
  if (!connection.is_open()) return true;
  const std::string& state = error.sqlstate();
  // 08: connection exception; 57P: operator intervention (shutdown, crash, cannot connect now).
  return state.rfind("08", 0) == 0 || state.rfind("57P", 0) == 0;
}

int DbPool::open_connections() const {
  std::lock_guard lock(mutex_);
  return open_;
}

void conflict_backoff(int attempt) {
  constexpr int kBaseMs = 2, kCapMs = 200;
  const int ceiling = std::min(kCapMs, kBaseMs << std::clamp(attempt, 0, 16));
  std::this_thread::sleep_for(std::chrono::microseconds(randombytes_uniform(ceiling * 1000 + 1)));
}

}  // namespace omega::api
