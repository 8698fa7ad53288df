#include "api/presence_sweep.hpp"

#include <spdlog/spdlog.h>

#include <string>
#include <vector>

#include "api/friend_service.hpp"
#include "api/presence.hpp"

namespace omega::api {

namespace {

// Characters marked per statement: a zone of a few thousand players takes a few passes of
// short transactions.
constexpr int kBatch = 500;

}  // namespace

PresenceSweep::PresenceSweep(ServiceContext context) : context_(context) {
  if (context_.config.presence_sweep_s <= 0) return;
  task_.start(std::chrono::seconds(context_.config.presence_sweep_s), [this] {
    try {
      if (const auto marked = run_once(); marked > 0)
        spdlog::info("presence: {} characters went offline with their zone", marked);
    } catch (const std::exception& error) {
      spdlog::warn("presence sweep: {}", error.what());  // the next pass tries again
    }
  });
}

std::int64_t PresenceSweep::run_once() {
  // SKIP LOCKED: a row another replica (or a claim, or a checkpoint) holds is left to it; a row
  // locked after that replica committed is re-checked and no longer matches.
  const std::string mark =
      "UPDATE characters SET logged_out_at = now() WHERE id IN (SELECT id FROM characters WHERE "
      "NOT lease_released AND logged_out_at IS NULL AND NOT " +
      live_lease_sql("characters", context_.config.lease_stale_s) +
      " LIMIT $1 FOR UPDATE SKIP LOCKED) RETURNING id";
  std::int64_t total = 0;
  for (;;) {
    const auto marked = context_.database.run([&](pqxx::connection& connection) {
      pqxx::work transaction(connection);
      std::vector<std::int64_t> ids;
      for (const auto& row : transaction.exec_params(mark, kBatch))
        ids.push_back(row[0].as<std::int64_t>());
      transaction.commit();
      return ids;
    });
    for (const std::int64_t id : marked) announce_presence(context_, id, std::nullopt);
    total += static_cast<std::int64_t>(marked.size());
    if (marked.size() < static_cast<size_t>(kBatch)) return total;
  }
}

}  // namespace omega::api
