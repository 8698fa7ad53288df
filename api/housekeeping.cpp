#include "api/housekeeping.hpp"

#include <spdlog/spdlog.h>

#include <string>

namespace omega::api {

namespace {

// Rows per DELETE: short transactions that never hold many locks; a pass repeats until a
// batch comes back short.
constexpr int kBatch = 5000;
// How long past its expiry a session's rows stay (a day: far longer than any access token).
constexpr const char* kExpiredFor = "interval '1 day'";

// Runs `sql` (a DELETE of at most kBatch rows, returning one row per deleted row) until it
// deletes fewer than kBatch; returns the total.
std::int64_t delete_in_batches(DbPool& database, const std::string& sql) {
  std::int64_t total = 0;
  for (;;) {
    const auto deleted = database.run([&](pqxx::connection& connection) {
      pqxx::work transaction(connection);
      const auto rows = transaction.exec_params(sql, kBatch);
      transaction.commit();
      return static_cast<std::int64_t>(rows.size());
    });
    total += deleted;
    if (deleted < kBatch) return total;
  }
}

}  // namespace

Housekeeping::Housekeeping(ServiceContext context) : context_(context) {
  if (context_.config.housekeeping_interval_s <= 0) return;
  task_.start(std::chrono::seconds(context_.config.housekeeping_interval_s), [this] {
    try {
      const auto deleted = run_once();
      if (deleted.refresh_tokens + deleted.admin_sessions + deleted.login_history > 0)
        spdlog::info(
            "housekeeping: deleted {} expired refresh tokens, {} expired admin sessions, "
            "{} old logins",
            deleted.refresh_tokens, deleted.admin_sessions, deleted.login_history);
    } catch (const std::exception& error) {
      spdlog::warn("housekeeping: {}", error.what());  // the next pass tries again
    }
  });
}

Housekeeping::Deleted Housekeeping::run_once() {
  Deleted deleted;
  deleted.refresh_tokens = delete_in_batches(
      context_.database,
      std::string("DELETE FROM refresh_tokens WHERE family_id IN (SELECT family_id FROM "
                  "refresh_tokens GROUP BY family_id HAVING max(expires_at) < now() - ") +
          kExpiredFor + " LIMIT $1) RETURNING 1");
  deleted.admin_sessions = delete_in_batches(
      context_.database, std::string("DELETE FROM admin_sessions WHERE token_hash IN (SELECT "
                                     "token_hash FROM admin_sessions WHERE expires_at < now() - ") +
                             kExpiredFor + " LIMIT $1) RETURNING 1");
  if (const int days = context_.config.login_history_days; days > 0)
    deleted.login_history = delete_in_batches(
        context_.database,
        "DELETE FROM login_history WHERE id IN (SELECT id FROM login_history WHERE at < now() - "
        "make_interval(days => " +
            std::to_string(days) + ") LIMIT $1) RETURNING 1");
  return deleted;
}

}  // namespace omega::api
