// The shard directory's decision: which instance of a zone a character enters. A pure
// function over a snapshot of the instance registry (docs/ARCHITECTURE.md, "World topology"),
// so every rule is unit-tested without Redis. The snapshot types and their parsing from the
// registry's JSON values live here too. Plain values: not thread-safe to share mutably.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/world.hpp"

namespace omega::api {

// Registry times (expires_ms) are Unix milliseconds: the zone processes and every API replica
// compare them with their own clocks.
inline std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// One live instance as its zone process registered it, plus the API's seat reservations.
struct InstanceEntry {
  std::string zone;
  std::uint32_t instance = 0;
  std::string process_id;
  std::string ws_url;
  int players = 0;
  int capacity = 0;
  ZoneKind kind = ZoneKind::field;
  std::optional<std::int64_t> party_id;  // rifts: the party the instance is private to
  std::int64_t expires_ms = 0;
  int reserved = 0;  // tickets minted for it and not yet claimed

  int load() const { return players + reserved; }
};

// One live zone process: where to ask for new instances.
struct ZoneProcessEntry {
  std::string id;
  std::string ws_url;
  std::string control_url;
  std::vector<std::string> zones;  // zones it may open
  std::int64_t expires_ms = 0;
  // The process's load, for the admin console; absent from entries of older zone processes.
  std::optional<double> tick_p99_ms;             // tick duration p99 over the last ~10 s
  std::optional<double> bytes_out_per_player_s;  // absent too while it has no players

  bool hosts(std::string_view zone) const;
};

struct RegistrySnapshot {
  std::vector<InstanceEntry> instances;
  std::vector<ZoneProcessEntry> processes;
};

// Registry values are JSON written by zone processes. nullopt when malformed or expired
// (expires_ms < now_ms): a dead process' entries must never receive players.
std::optional<InstanceEntry> parse_instance_entry(std::string_view json, std::int64_t now_ms);
std::optional<ZoneProcessEntry> parse_process_entry(std::string_view json, std::int64_t now_ms);

struct PlacementRequest {
  std::string zone;
  // The instance of `zone` holding the character's unreleased lease, if any (resume).
  std::optional<std::uint32_t> held_instance;
  std::optional<std::int64_t> party_id;
  // Instances of `zone` where other party members hold unreleased leases.
  std::vector<std::uint32_t> party_instances;
  // Instances of `zone` where the character's friends (accepted) hold unreleased leases.
  std::vector<std::uint32_t> friend_instances;
};

// Which rule decided; for logs, metrics and tests.
enum class PlacementRule {
  resume,
  party,
  friends,
  below_soft_cap,
  new_instance,
  below_hard_cap,
  refused
};
std::string_view placement_rule_name(PlacementRule rule);

struct Placement {
  enum class Action { join, open, refuse };
  Action action = Action::refuse;
  PlacementRule rule = PlacementRule::refused;
  InstanceEntry instance;          // join: the chosen instance
  std::string process_id;          // open: the zone process to ask
  std::string control_url;         // open: its control endpoint
  std::uint32_t new_instance = 0;  // open: the number to open; 0 for rifts (caller allocates)
  int status = 0;                  // refuse: HTTP status
  std::string error_code;          // refuse: unknown_zone, zone_full, no_capacity
  std::string message;             // refuse: the reason, for the player and the logs
};

// The directory rules, in order: (0) resume the held instance; (1) a party member's instance
// below the hard cap (rifts: the party's private instance); (1b) a friend's instance below the
// soft cap (a friend does not earn the hard-cap reserve a party does); (2) the fullest instance
// below the soft cap; (3) a new instance while below max_instances, on the least-loaded process
// hosting the zone; (4) the fullest instance below the hard cap; else zone_full. Rifts use only
// (0), (1) and (3): every party (a solo player is a party of one) gets a private instance.
Placement assign_instance(const WorldTopology& world, const RegistrySnapshot& registry,
                          const PlacementRequest& request);

}  // namespace omega::api
