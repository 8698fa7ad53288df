// Housekeeping: the rows that only grow unless someone deletes them. Every
// housekeeping.interval_s each API replica deletes, in batches,
// - refresh-token families whose every token expired more than a day ago (a family with one
//   live token is kept whole: presenting an old, used token of it must still revoke it);
// - admin sessions that expired more than a day ago;
// - login history older than housekeeping.login_history_days (0 keeps it).
// Moderation records (player_reports, admin_audit) and the market ledger are kept: they are the
// studio's record, not session state. Replicas running it together are safe (a DELETE is
// idempotent). Thread-safe; blocking on its own thread.
#pragma once

#include <cstdint>

#include "api/periodic_task.hpp"
#include "api/service_context.hpp"

namespace omega::api {

class Housekeeping {
 public:
  // Starts the pass unless housekeeping.interval_s is 0; the first runs one interval later.
  explicit Housekeeping(ServiceContext context);
  Housekeeping(const Housekeeping&) = delete;
  Housekeeping& operator=(const Housekeeping&) = delete;

  struct Deleted {
    std::int64_t refresh_tokens = 0;
    std::int64_t admin_sessions = 0;
    std::int64_t login_history = 0;
  };
  // One pass; blocking. Throws ServiceUnavailable when PostgreSQL is out of reach.
  Deleted run_once();

 private:
  ServiceContext context_;
  PeriodicTask task_;  // last: its passes use context_
};

}  // namespace omega::api
