// World: the entities of one zone instance and the fixed-step simulation that moves them.
//
// Flat arrays indexed by entity slot (positions, intents, replicated state); slots are reused,
// entity ids are not (they increase, so a client never confuses a new entity with a departed
// one). advance(tick) is deterministic: time is the tick number, never the wall clock, and
// random spawn positions come from a seeded generator.
//
// Movement and collision are game/'s step_movement; the server applies its own maximum speed,
// so no input can move an entity faster. The PvE issue adds monsters, AI and abilities here:
// new kinds of entity are more slots, and their systems run inside advance().
//
// Thread safety: none; owned by the instance's simulation thread.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "game/tile_map.hpp"
#include "game/vec2.hpp"
#include "protocol/entity_state.hpp"
#include "zone/config.hpp"
#include "zone/snapshot_planner.hpp"

namespace omega::zone {

struct WorldSettings {
  float player_speed = 5.0f;  // tiles per second, the server's maximum
  uint32_t tick_hz = 30;
  SpawnMode spawn = SpawnMode::point;
  uint64_t seed = 1;
};

// What a player wants this tick (from its latest applied PlayerInput).
struct MoveIntent {
  bool moving = false;
  uint8_t direction = 0;  // quantised angle
  uint8_t facing = 0;     // quantised angle
};

class World {
 public:
  static constexpr uint32_t kNoSlot = 0xffffffffu;

  World(const game::TileMap& map, const WorldSettings& settings);
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  // A new player entity at a spawn position; returns its slot (kNoSlot when ids ran out).
  uint32_t spawn_player(std::string_view name);
  void despawn(uint32_t slot);

  void set_intent(uint32_t slot, const MoveIntent& intent) { intents_[slot] = intent; }

  // One fixed step of 1/tick_hz seconds: moves every entity and refreshes replicated state.
  void advance(uint32_t tick);

  EntityTable table() const { return {positions_, active_, states_}; }
  const game::Vec2& position(uint32_t slot) const { return positions_[slot]; }
  const protocol::EntityState& state(uint32_t slot) const { return states_[slot]; }
  bool active(uint32_t slot) const { return slot < active_.size() && active_[slot] != 0; }
  size_t slot_count() const { return active_.size(); }
  uint32_t entity_count() const { return entity_count_; }
  uint32_t tick() const { return tick_; }
  const game::TileMap& map() const { return map_; }
  const WorldSettings& settings() const { return settings_; }

  // For tests: place an entity (must be a clear position).
  void teleport(uint32_t slot, game::Vec2 position);

 private:
  game::Vec2 pick_spawn_position();
  uint64_t next_random();
  void refresh_state(uint32_t slot, bool moved);

  const game::TileMap& map_;
  WorldSettings settings_;
  uint64_t rng_state_;
  uint32_t next_id_ = 1;
  uint32_t tick_ = 0;
  uint32_t entity_count_ = 0;
  std::vector<game::Vec2> positions_;
  std::vector<MoveIntent> intents_;
  std::vector<uint8_t> active_;
  std::vector<protocol::EntityState> states_;
  std::vector<uint32_t> free_slots_;
};

}  // namespace omega::zone
