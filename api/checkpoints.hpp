// Character checkpoints from zone servers (world contract): parsing one record and applying
// it inside a transaction with the lease fencing rules. Absolute fields (zone, position, hp,
// mana, level, experience) overwrite; gold, items and kills are deltas since the previous
// accepted checkpoint, so changes made outside the zone (the market) are never undone. An
// applied checkpoint also feeds the monster_kills (sum of the kills deltas) and level (max)
// leaderboards in the same transaction, so a duplicate or stale record adds nothing there
// either. Stateless functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>
#include <pqxx/pqxx>

#include "api/content.hpp"
#include "api/leaderboard_service.hpp"
#include "api/world.hpp"

namespace omega::api {

struct CheckpointItemDelta {
  std::string item_id;
  int delta = 0;
};

struct CheckpointRecord {
  std::int64_t character_id = 0;
  std::int64_t lease_epoch = 0;
  std::int64_t seq = 0;
  std::string zone;
  std::optional<double> x, y;
  std::optional<int> hp, mana;
  int level = 1;
  std::int64_t experience = 0;
  std::int64_t gold_delta = 0;
  std::int64_t kills = 0;  // monsters killed since the previous accepted checkpoint
  std::vector<CheckpointItemDelta> items_delta;
  // What the character wears, by item id (at most one per equipment slot); unset = unchanged.
  std::optional<std::vector<std::string>> equipped;
  bool release = false;
};

enum class CheckpointStatus { ok, duplicate, stale_epoch };
std::string_view checkpoint_status_name(CheckpointStatus status);

// One record of a checkpoint body; ApiError 422 naming the bad field.
CheckpointRecord parse_checkpoint_record(const nlohmann::json& object, const WorldTopology& world,
                                         const ContentCatalog& content);

// Applies `record` if its epoch is the character's current one and its seq is new, including
// its leaderboard scores (through `leaderboards`). Locks the character row; writes nothing
// unless the status is ok. The caller commits.
CheckpointStatus apply_checkpoint(pqxx::transaction_base& transaction,
                                  const CheckpointRecord& record, LeaderboardService& leaderboards);

}  // namespace omega::api
