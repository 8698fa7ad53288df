// CheckpointHook: where a zone hands character state to durable storage in standalone mode
// (docs/ARCHITECTURE.md, "zone/"). With an API configured, ZoneServer uses the
// CharacterService instead (character_service.hpp: leases, deltas, fencing).
//
// Thread safety: called from the simulation thread only; an implementation must not block it
// (queue the batch and send it from another thread).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace omega::zone {

struct CharacterCheckpoint {
  uint64_t account_id = 0;
  uint64_t character_id = 0;
  uint64_t lease_epoch = 0;  // fencing token from the join ticket
  float x = 0, y = 0;        // tiles
  uint32_t hp = 0, mana = 0;
  // Progression and loot (PvE): the API persists these with the checkpoint.
  uint8_t level = 1;
  uint32_t xp = 0;     // towards the next level
  uint32_t kills = 0;  // monsters killed in this zone session (monster_kills leaderboard)
  uint32_t gold = 0;
  struct Item {
    std::string id;  // content item id (stable across content reloads, unlike indices)
    uint32_t quantity = 0;
  };
  std::vector<Item> items;
};

enum class CheckpointReason : uint8_t { periodic, leave, transfer, shutdown };

class CheckpointHook {
 public:
  virtual ~CheckpointHook() = default;
  virtual void checkpoint(std::span<const CharacterCheckpoint> characters,
                          CheckpointReason reason) = 0;
};

// "periodic", "leave", "transfer", "shutdown" (the API's spelling).
const char* to_string(CheckpointReason reason);

// Logs the batch size (and nothing else): what a standalone zone (no API configured) does.
class LogCheckpointHook : public CheckpointHook {
 public:
  void checkpoint(std::span<const CharacterCheckpoint> characters,
                  CheckpointReason reason) override;
};

}  // namespace omega::zone
