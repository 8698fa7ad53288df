// Combat rules shared by the zone server (authority) and anyone who wants to predict them:
// the state of one fighter (Combatant), the checks that decide whether an action may start,
// damage and heal formulas, status-effect timing, and XP / level maths.
//
// Pure and deterministic: time is the tick number passed in, randomness comes from the
// caller's seeded CombatRandom, nothing allocates. Refusals are protocol::RejectReason values
// so the server answers a refused action with exactly the reason these rules gave.
#pragma once

#include <array>
#include <cstdint>

#include "game/combat_content.hpp"
#include "protocol/messages.hpp"

namespace omega::game {

using protocol::RejectReason;

// splitmix64: a tiny deterministic generator; one per world, seeded from its settings.
struct CombatRandom {
  uint64_t state = 1;
  uint64_t next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  // Uniform in [low, high] (inclusive); low when high <= low.
  uint32_t between(uint32_t low, uint32_t high) {
    if (high <= low) return low;
    return low + static_cast<uint32_t>(next() % (uint64_t{high} - low + 1));
  }
  bool percent(uint32_t chance) { return chance >= 100 || next() % 100 < chance; }
};

// One fighter's combat state (player or monster): 16 action-slot cooldowns, one expiry tick
// per status effect, an optional cast in progress. Plain data, about 140 bytes.
struct Combatant {
  uint32_t hp = 1, max_hp = 1;
  uint32_t mana = 0, max_mana = 0;
  uint32_t xp = 0;  // towards the next level
  uint8_t level = 1;
  Stats stats;
  std::array<uint32_t, 16> ready_tick{};                    // by action slot: usable from then
  std::array<uint32_t, kStatusEffectCount> status_until{};  // active while tick < status_until
  uint8_t casting_slot = 0;                                 // 0 = not casting
  uint32_t cast_done_tick = 0;
  uint32_t cast_target = 0;  // entity id

  bool dead() const { return hp == 0; }
  bool has(StatusEffect effect, uint32_t tick) const {
    return tick < status_until[static_cast<int>(effect)];
  }
  bool casting() const { return casting_slot != 0; }
};

// What the caller knows about the target of an enemy action.
struct TargetInfo {
  bool exists = false;   // a live entity id the caster can see
  bool hostile = false;  // players fight monsters, monsters fight players
  bool dead = false;
  float distance = 0.0f;  // centre to centre, tiles
  bool line_of_sight = false;
};

// Whether `caster` may start `ability` in action `slot` at `tick`; RejectReason::none if so.
// Checked in the order a player would want to hear about it: own state first (dead, stunned,
// busy, cooldown, mana), then the target (valid, alive, in range, visible).
RejectReason check_action(const Combatant& caster, const AbilityDefinition& ability, uint8_t slot,
                          const TargetInfo& target, uint32_t tick);

// Pays for a checked action: mana, cooldown, and the cast if it has a cast time (then the
// effect lands at cast_done_tick; otherwise the caller applies it now).
void start_action(Combatant& caster, const AbilityDefinition& ability, uint8_t slot,
                  uint32_t target_id, uint32_t tick);

// Damage added to an ability's range (a player's weapon on its basic attack).
struct DamageBonus {
  uint32_t min = 0, max = 0;
};

// Damage of one hit: a roll in the ability's range (plus `bonus`), plus half the scaling
// attribute, times 100 / (100 + 4 * armor); at least 1 for an ability that deals damage.
uint32_t roll_damage(const AbilityDefinition& ability, const Stats& attacker, const Stats& defender,
                     CombatRandom& random, DamageBonus bonus = {});
// Heal of an ability: its heal plus the scaling attribute.
uint32_t heal_amount(const AbilityDefinition& ability, const Stats& caster);

// Applies damage; returns the hp actually removed (the target dies at 0).
uint32_t apply_damage(Combatant& target, uint32_t amount);
// Heals up to max_hp; returns the hp actually restored. The dead are not healed.
uint32_t apply_heal(Combatant& target, uint32_t amount);

// Starts or refreshes an effect: it lasts `duration_ticks` from `tick` (a longer remaining
// duration is kept).
void apply_status(Combatant& target, StatusEffect effect, uint32_t tick, uint32_t duration_ticks);
// Bitmask of active effects at `tick` (bit i = StatusEffect i), as replicated.
uint16_t status_bits(const Combatant& c, uint32_t tick);
// Movement speed factor from haste (x1.5) and slow (x0.5); stun stops movement.
float speed_factor(const Combatant& c, uint32_t tick);

// Per-tick upkeep: regen heals 1 hp every regen_interval_ticks, mana regenerates 1 every
// mana_regen_interval_ticks. Returns the hp healed by regen.
uint32_t upkeep(Combatant& c, const Progression& progression, uint32_t tick);

// The stats of a class at a level: base + growth * (level - 1).
Stats stats_at_level(const ClassDefinition& cls, uint8_t level);
// A new character of `cls` at `level`, full hp and mana.
Combatant make_player(const ClassDefinition& cls, uint8_t level);
Combatant make_monster(const MonsterDefinition& monster);

// XP for killing a monster of `monster_level` at `killer_level` (scaled by the difference).
uint32_t kill_xp(const Progression& progression, uint32_t base_xp, uint8_t killer_level,
                 uint8_t monster_level);
// Adds XP; on each level reached, stats grow and hp/mana refill. Returns levels gained.
uint32_t grant_xp(Combatant& c, const ClassDefinition& cls, const Progression& progression,
                  uint32_t amount);

}  // namespace omega::game
