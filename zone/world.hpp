// World: the entities of one zone instance and the fixed-step simulation that moves them.
//
// Flat arrays indexed by entity slot (positions, intents, replicated state); slots are reused,
// entity ids are not (they increase, so a client never confuses a new entity with a departed
// one). advance(tick) is deterministic: time is the tick number, never the wall clock, and
// random spawn positions come from a seeded generator.
//
// Movement and collision are game/'s step_movement; the server applies its own maximum speed,
// so no input can move an entity faster. Combat (game/combat.hpp rules) and monsters share the
// same slots: a Combatant per slot, a Monster record per monster (world_combat.cpp,
// monster_ai.cpp). With no CombatContent there is no combat and every action is refused.
//
// Thread safety: none; owned by the instance's simulation thread.
#pragma once

#include <array>
#include <optional>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "game/combat.hpp"
#include "game/combat_content.hpp"
#include "game/tile_map.hpp"
#include "game/vec2.hpp"
#include "protocol/entity_state.hpp"
#include "protocol/messages.hpp"
#include "zone/config.hpp"
#include "zone/interest_grid.hpp"
#include "zone/navmesh.hpp"
#include "zone/snapshot_planner.hpp"

namespace omega::zone {

struct WorldSettings {
  float player_speed = 5.0f;  // tiles per second, the server's maximum
  uint32_t tick_hz = 30;
  SpawnMode spawn = SpawnMode::point;
  uint64_t seed = 1;
  // Combat rules and content; nullptr = a world without combat (every action is refused).
  const game::CombatContent* content = nullptr;
  std::string zone;  // spawn-table name; a zone without a table has no monsters
  // A monster whose home has no player within this radius sleeps (costs nothing per tick).
  float activation_radius = 32.0f;
  uint32_t monster_count = 0;  // 0 = the spawn table's counts; N = N monsters of its types
};

// One GameEvent entry and the entity whose viewers should receive it.
struct WorldEvent {
  protocol::GameEventEntry entry;
  uint32_t subject_slot = 0;
};

// What a player carries: gold and item stacks (persisted by the CharacterService's checkpoints),
// and what it wears: one item per equipment slot, by content index. A worn item stays in its
// stack (it is still carried, and counted); it cannot be sold while worn (the API refuses it).
struct Inventory {
  static constexpr size_t kMaxStacks = protocol::kMaxInventoryStacks;  // further loot stays behind
  static constexpr uint16_t kNothing = protocol::kNoItem;
  struct Stack {
    uint16_t item = 0;
    uint32_t quantity = 0;
    bool operator==(const Stack&) const = default;
  };
  uint32_t gold = 0;
  std::vector<Stack> stacks;
  std::array<uint16_t, game::kEquipSlotCount> equipped{kNothing, kNothing, kNothing};
  // Adds up to the item's stack size per stack; returns the quantity that found room.
  uint32_t add(const game::ItemDefinition& item, uint32_t quantity);
  uint32_t count(uint16_t item) const;
  // Removes up to `quantity` of `item`; returns how many were removed. The last one of a worn
  // item is taken off (the caller re-applies the equipment: World::apply_equipment).
  uint32_t remove(uint16_t item, uint32_t quantity);
  bool wears(uint16_t item) const;
  bool operator==(const Inventory&) const = default;
};

// A character's saved progress, restored onto a freshly spawned player (lease claim).
struct RestoredProgress {
  uint8_t level = 1;
  uint32_t xp = 0;
  std::optional<uint32_t> hp, mana;  // unset = full
};

enum class AiState : uint8_t { idle, chase, attack, leash, dead };

// A monster's AI record (its entity state lives in the slot arrays).
struct Monster {
  uint32_t slot = 0;
  uint16_t definition = 0;
  AiState state = AiState::idle;
  bool awake = false;
  game::Vec2 home;
  game::Vec2 wander_goal;
  uint32_t target_slot = 0;
  uint32_t target_id = 0;
  uint32_t next_think_tick = 0;   // idle: next wander decision
  uint32_t respawn_tick = 0;      // dead: when it comes back
  uint32_t last_seen_player = 0;  // tick a player was last inside the activation radius
  // The navmesh path being followed, kept until its goal moves more than kRepathTiles.
  game::Vec2 path_goal;
  uint8_t corner_count = 0, corner_index = 0;
  std::array<game::Vec2, NavMesh::kMaxCorners> corners{};
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
  // `class_index` picks the class (modulo the class count) when the world has combat.
  uint32_t spawn_player(std::string_view name, uint16_t class_index = 0);
  void despawn(uint32_t slot);
  // Level, xp, hp and mana of a claimed character (hp 0 = full: a dead save respawns whole).
  // Fill the bag (and its equipment) first: the saved hp and mana count what it wears.
  void restore_progress(uint32_t slot, const RestoredProgress& progress);

  // Items (world_items.cpp). Equip or take off one item of the player's bag (content index),
  // or use a consumable: validated here, refused with the reason the player is told.
  protocol::ItemRefusal equip(uint32_t slot, uint16_t item);
  protocol::ItemRefusal unequip(uint32_t slot, uint16_t item);
  protocol::ItemRefusal use_item(uint32_t slot, uint16_t item);
  // Recomputes a player's stats from its class, level and what it wears (hp and mana kept,
  // clamped to the new maxima). After anything that changes the worn items outside equip().
  void apply_equipment(uint32_t slot);
  // Consumables share one cooldown.
  static constexpr float kConsumableCooldownSeconds = 1.5f;

  void set_intent(uint32_t slot, const MoveIntent& intent) { intents_[slot] = intent; }

  // Validates and starts action `action` (1 = attack, 2.. = ability slot) of player `slot`
  // on entity `target_id`; RejectReason::none when it started. The caller has already checked
  // that the player can see the target.
  protocol::RejectReason use_action(uint32_t slot, uint8_t action, uint32_t target_id);
  // The slot of a live entity id, or kNoSlot.
  uint32_t slot_of_id(uint32_t id) const;
  // Events of the last advance() (and of actions used since), in order.
  std::span<const WorldEvent> events() const { return events_; }
  void clear_events() { events_.clear(); }

  // Builds now what the first tick would build (monster home grid, navmesh: up to ~100 ms),
  // so an instance can be prepared off the simulation thread.
  void warm_up();

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

  bool has_combat() const { return content_ != nullptr; }
  // Arenas: players of two different teams (1, 2) are hostile to each other; team 0 (the
  // default) is no team, so outside a running match players never fight players.
  void set_team(uint32_t slot, uint8_t team) { slots_[slot].team = team; }
  uint8_t team(uint32_t slot) const { return slots_[slot].team; }
  // Arenas: a player who dies stays dead (no respawn) while this is off.
  void set_player_respawn(bool on) { player_respawn_ = on; }
  const game::Combatant& combatant(uint32_t slot) const { return slots_[slot].combatant; }
  game::Combatant& combatant(uint32_t slot) { return slots_[slot].combatant; }
  const Inventory& inventory(uint32_t slot) const { return slots_[slot].inventory; }
  Inventory& inventory(uint32_t slot) { return slots_[slot].inventory; }
  uint32_t kills(uint32_t slot) const { return slots_[slot].kills; }
  std::span<const Monster> monsters() const { return monsters_; }
  uint32_t awake_monster_count() const { return static_cast<uint32_t>(awake_.size()); }
  uint64_t path_queries() const { return path_queries_; }
  // Wall time the last advance() spent in monster AI (wake, think, separation), nanoseconds.
  uint64_t last_ai_ns() const { return last_ai_ns_; }
  const NavMesh& navmesh() const { return navmesh_; }
  // A monster of content index `definition` at `home` (tests and spawn tables).
  uint32_t spawn_monster(uint16_t definition, game::Vec2 home);
  // The player at `slot` received `amount` of the item of content index `item` (kGoldDetail:
  // gold) from outside the world — the trading post, a staff grant: a loot event its client
  // sees with the tick's other events.
  void announce_received(uint32_t slot, uint32_t amount, uint16_t item);
  static constexpr uint16_t kGoldDetail = protocol::kGoldDetail;

 private:
  game::Vec2 pick_spawn_position();
  uint64_t next_random();
  void refresh_state(uint32_t slot, bool moved);
  uint32_t allocate_slot();
  void emit(protocol::GameEventType type, uint32_t source_slot, uint32_t target_slot,
            uint32_t amount, uint16_t detail, uint32_t subject_slot);

  // Combat (world_combat.cpp).
  bool hostile(uint32_t a, uint32_t b) const;
  void resolve(uint32_t caster, const game::AbilityDefinition& ability, uint32_t target_slot);
  void hit(uint32_t attacker, uint32_t target, const game::AbilityDefinition& ability);
  void apply_status(uint32_t source, uint32_t target, const game::StatusApplication& status);
  void on_death(uint32_t killer, uint32_t victim);
  void reward(uint32_t player, const game::MonsterDefinition& monster);
  void combat_upkeep();
  void respawn_player(uint32_t slot);
  void spawn_from_table();
  // The worn weapon's damage, added to a player's basic attack.
  game::DamageBonus weapon_bonus(uint32_t slot, const game::AbilityDefinition& ability) const;

  // Monsters (monster_ai.cpp).
  void wake_monsters();
  void think(Monster& monster);
  uint32_t nearest_player(game::Vec2 from, float radius) const;
  bool steer(uint32_t slot, game::Vec2 goal, float speed_factor, float stop_distance);
  // Steers along a navmesh path to `goal` (direct when the way is clear).
  bool travel(Monster& monster, game::Vec2 goal, float speed_factor, float stop_distance);
  // Crowd separation: pushes apart awake monsters standing too close (after thinking).
  void separate_monsters();

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

  const game::CombatContent* content_ = nullptr;
  game::CombatRandom random_;
  // Everything else a slot holds, in one record per slot, reset as one when the slot is taken.
  // (positions_, intents_, active_ and states_ above stay separate arrays: every tick walks
  // them for all slots, the interest grid and the snapshot tables read them as spans.)
  struct Slot {
    game::Combatant combatant;
    uint16_t class_index = 0;            // players: class index
    uint32_t monster = kNoSlot;          // monster index, or kNoSlot for players
    uint32_t respawn_tick = 0;           // dead players: when they respawn
    uint8_t team = 0;                    // players: arena team (0 = none)
    Inventory inventory;                 // players
    uint32_t consumable_ready_tick = 0;  // players: the next tick a consumable may be used
    uint32_t kills = 0;                  // players: monsters killed (leaderboard feed)
  };
  std::vector<Slot> slots_;
  bool player_respawn_ = true;
  bool is_player(uint32_t slot) const { return slots_[slot].monster == kNoSlot; }
  std::unordered_map<uint32_t, uint32_t> slot_by_id_;
  std::vector<WorldEvent> events_;
  std::vector<Monster> monsters_;
  std::vector<uint32_t> awake_;        // indices into monsters_
  std::vector<uint8_t> homes_active_;  // all 1: input to home_grid_
  std::vector<game::Vec2> homes_;
  InterestGrid home_grid_;            // monsters by home (static: built once)
  InterestGrid player_grid_;          // live players, rebuilt each tick
  std::vector<uint8_t> player_mask_;  // scratch: live players by slot
  bool homes_dirty_ = false;          // a monster was added since home_grid_ was built
  NavMesh navmesh_;                   // built with the first monster
  bool navmesh_tried_ = false;
  std::string navmesh_error_;
  uint32_t path_budget_ = 0;  // path queries left this tick
  struct SeparationEntry {
    uint64_t cell;     // (row << 32) | column of a kSeparationTiles grid
    uint32_t monster;  // index into monsters_
    game::Vec2 at;     // position before this tick's separation
    game::Vec2 push;   // accumulated push away from neighbours
  };
  std::vector<SeparationEntry> separation_;  // scratch, reused every tick
  uint64_t last_ai_ns_ = 0;
  uint64_t path_queries_ = 0;
};

}  // namespace omega::zone
