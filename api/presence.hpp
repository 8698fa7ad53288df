// Presence is the lease: a character is online while a zone holds its lease and that zone has
// written it lately (its claim or a checkpoint within world.lease_stale_s,
// db/migrations/0011_lease_heartbeat.sql). A crashed zone process releases nothing; its
// characters go offline here once their heartbeat is that old.
#pragma once

#include <string>
#include <string_view>

namespace omega::api {

// The SQL condition that the characters row `alias` (e.g. "c") is held by a live zone.
// `stale_s` comes from the configuration, never from a request.
inline std::string live_lease_sql(std::string_view alias, int stale_s) {
  const std::string a(alias);
  return "(NOT " + a + ".lease_released AND COALESCE(" + a + ".lease_heartbeat_at > now() - " +
         std::to_string(stale_s) + " * interval '1 second', false))";
}

}  // namespace omega::api
