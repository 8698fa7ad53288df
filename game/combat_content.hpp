// CombatContent: classes, abilities, monsters, items, loot and spawn tables and the XP curve,
// read once from content/*.json and converted to simulation units (ticks, integer stats).
//
// Indices are stable for one load: a class's index is the `archetype` its players replicate,
// a monster's index the archetype of its entities, an ability's index the `detail` of its
// GameEvents. Immutable after load; safe to share between threads that only read.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace omega::game {

// Status effects, one bit each in EntityState::status_effects (protocol kStatusBits = 16).
enum class StatusEffect : uint8_t { haste = 0, slow = 1, stun = 2, regen = 3 };
inline constexpr int kStatusEffectCount = 4;
const char* to_string(StatusEffect effect);
bool parse_status_effect(std::string_view text, StatusEffect& out);

enum class Attribute : uint8_t { none, strength, dexterity, intelligence };

struct Stats {
  uint32_t max_hp = 1, max_mana = 0;
  uint32_t strength = 0, dexterity = 0, intelligence = 0, armor = 0;
};

// Whom an ability acts on: one enemy (needs a target), the caster, or every enemy around the
// caster within `radius`.
enum class AbilityTarget : uint8_t { enemy, self, area };

struct StatusApplication {
  bool present = false;
  StatusEffect effect = StatusEffect::haste;
  uint32_t duration_ticks = 0;
  uint32_t chance_percent = 100;
};

struct AbilityDefinition {
  std::string id;
  uint16_t index = 0;
  AbilityTarget target = AbilityTarget::enemy;
  float range = 0.0f;   // tiles, enemy abilities
  float radius = 0.0f;  // tiles, area abilities
  uint32_t cooldown_ticks = 0;
  uint32_t cast_ticks = 0;  // 0 = instant
  uint32_t mana_cost = 0;
  uint32_t damage_min = 0, damage_max = 0;
  uint32_t heal = 0;
  Attribute scaling = Attribute::none;
  StatusApplication status;
};

struct ClassDefinition {
  std::string id;
  uint16_t index = 0;
  Stats base;
  Stats growth;  // added per level above 1
  float move_speed = 5.0f;
  AbilityDefinition attack;         // action slot 1
  std::vector<uint16_t> abilities;  // action slot 2 + i
};

struct LootDrop {
  uint16_t item = 0;
  uint32_t chance_percent = 0;
  uint32_t quantity_min = 1, quantity_max = 1;
};

struct LootTable {
  std::string id;
  uint32_t gold_min = 0, gold_max = 0;
  std::vector<LootDrop> drops;
};

struct MonsterDefinition {
  std::string id;
  std::string name;
  uint16_t index = 0;
  uint8_t level = 1;
  bool boss = false;
  Stats stats;
  AbilityDefinition attack;  // its auto-attack
  float speed = 4.0f;
  float aggro_radius = 6.0f;
  float leash_radius = 18.0f;  // from home; beyond it the monster gives up and resets
  uint32_t xp = 0;
  uint32_t respawn_ticks = 0;
  uint16_t loot_table = 0;
};

// Where an item goes: one of the equipment slots, or a consumable (used from the hotbar), or a
// material (carried and sold, nothing more).
enum class ItemSlot : uint8_t { weapon = 0, chest = 1, head = 2, consumable, material };
inline constexpr int kEquipSlotCount = 3;  // weapon, chest, head
const char* to_string(ItemSlot slot);
bool parse_item_slot(std::string_view text, ItemSlot& out);

struct ItemDefinition {
  std::string id;
  uint16_t index = 0;
  uint32_t stack = 1;
  std::string name;
  ItemSlot slot = ItemSlot::material;
  Stats bonus;  // equipment: added to the wearer's stats (max_hp, max_mp, attributes, armor)
  uint32_t damage_min = 0, damage_max = 0;  // weapon: added to the basic attack's damage
  uint32_t heal = 0, restore_mana = 0;      // consumable: what one use gives back

  bool equipment() const { return slot <= ItemSlot::head; }
};

struct SpawnEntry {
  uint16_t monster = 0;
  uint32_t count = 0;
};

struct ZoneSpawnTable {
  std::string zone;
  float safe_radius = 0.0f;  // no monster spawns this close to the default spawn
  std::vector<SpawnEntry> spawns;
};

struct Progression {
  uint8_t max_level = 30;
  std::vector<uint32_t> xp_to_next;  // [level] = XP from level to level + 1; [0] unused
  uint32_t penalty_percent_per_level_above = 10;
  uint32_t bonus_percent_per_level_below = 5;
  uint32_t min_kill_percent = 10;
  uint32_t mana_regen_interval_ticks = 30;  // +1 mana this often
  uint32_t player_respawn_ticks = 150;
  uint32_t regen_interval_ticks = 5;  // regen status heals 1 hp this often
};

class CombatContent {
 public:
  // Reads classes, abilities, items, monsters and progression from `content_dir`; durations
  // become ticks at `tick_hz`. On failure returns false and says why in `error`.
  bool load(const std::string& content_dir, uint32_t tick_hz, std::string& error);

  std::vector<ClassDefinition> classes;
  std::vector<AbilityDefinition> abilities;
  std::vector<MonsterDefinition> monsters;
  std::vector<ItemDefinition> items;
  std::vector<LootTable> loot_tables;
  std::vector<ZoneSpawnTable> spawn_tables;
  Progression progression;

  const ClassDefinition* find_class(std::string_view id) const;
  const MonsterDefinition* find_monster(std::string_view id) const;
  const AbilityDefinition* find_ability(std::string_view id) const;
  const ZoneSpawnTable* spawn_table(std::string_view zone) const;
  const ItemDefinition* find_item(std::string_view id) const;
  // The ability behind a class's action slot (1 = attack, 2.. = abilities), or nullptr.
  const AbilityDefinition* action(const ClassDefinition& cls, uint8_t slot) const;
};

}  // namespace omega::game
