// PresenceSweep: a zone process that crashed releases nothing, so nothing announces that its
// players went offline (api/presence.hpp: they just stop counting as online once their lease's
// heartbeat is world.lease_stale_s old). Every world.presence_sweep_s each API replica marks
// such leases (characters.logged_out_at) and tells each one's online friends "X went offline."
// — once: the mark is taken under the row lock, so replicas sweeping together split the work
// and never announce a character twice. The claim of the character, or a checkpoint from its
// zone should it come back, clears the mark. Blocking, on its own thread.
#pragma once

#include <cstdint>

#include "api/periodic_task.hpp"
#include "api/service_context.hpp"

namespace omega::api {

class PresenceSweep {
 public:
  // Starts the sweep unless world.presence_sweep_s is 0; the first runs one interval later.
  explicit PresenceSweep(ServiceContext context);
  PresenceSweep(const PresenceSweep&) = delete;
  PresenceSweep& operator=(const PresenceSweep&) = delete;

  // One pass: marks and announces every stale lease; returns how many. Throws
  // ServiceUnavailable when PostgreSQL is out of reach (an announcement lost to Redis is logged).
  std::int64_t run_once();

 private:
  ServiceContext context_;
  PeriodicTask task_;  // last: its passes use context_
};

}  // namespace omega::api
