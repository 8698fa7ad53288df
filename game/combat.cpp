#include "game/combat.hpp"

#include <algorithm>

namespace omega::game {
namespace {

// Armour's weight in the mitigation formula: 25 armour halves damage.
constexpr uint32_t kArmorWeight = 4;
// Haste and slow change speed by these factors; both at once cancel out.
constexpr float kHasteFactor = 1.5f;
constexpr float kSlowFactor = 0.5f;

uint32_t attribute(const Stats& s, Attribute a) {
  switch (a) {
    case Attribute::strength:
      return s.strength;
    case Attribute::dexterity:
      return s.dexterity;
    case Attribute::intelligence:
      return s.intelligence;
    case Attribute::none:
      return 0;
  }
  return 0;
}

}  // namespace

RejectReason check_action(const Combatant& caster, const AbilityDefinition& ability, uint8_t slot,
                          const TargetInfo& target, uint32_t tick) {
  if (caster.dead()) return RejectReason::caster_dead;
  if (caster.has(StatusEffect::stun, tick)) return RejectReason::stunned;
  if (caster.casting()) return RejectReason::busy_casting;
  if (slot >= caster.ready_tick.size()) return RejectReason::unknown_action;
  if (tick < caster.ready_tick[slot]) return RejectReason::on_cooldown;
  if (caster.mana < ability.mana_cost) return RejectReason::not_enough_mana;
  if (ability.target != AbilityTarget::enemy) return RejectReason::none;
  if (!target.exists || !target.hostile) return RejectReason::invalid_target;
  if (target.dead) return RejectReason::target_dead;
  if (!(target.distance <= ability.range)) return RejectReason::out_of_range;
  if (!target.line_of_sight) return RejectReason::no_line_of_sight;
  return RejectReason::none;
}

void start_action(Combatant& caster, const AbilityDefinition& ability, uint8_t slot,
                  uint32_t target_id, uint32_t tick) {
  caster.mana -= std::min(caster.mana, ability.mana_cost);
  caster.ready_tick[slot] = tick + std::max<uint32_t>(1, ability.cooldown_ticks);
  if (ability.cast_ticks > 0) {
    caster.casting_slot = slot;
    caster.cast_done_tick = tick + ability.cast_ticks;
    caster.cast_target = target_id;
  }
}

uint32_t roll_damage(const AbilityDefinition& ability, const Stats& attacker, const Stats& defender,
                     CombatRandom& random, DamageBonus bonus) {
  if (ability.damage_max == 0) return 0;
  const uint64_t raw =
      random.between(ability.damage_min + bonus.min, ability.damage_max + bonus.max) +
      attribute(attacker, ability.scaling) / 2;
  const uint64_t mitigated = raw * 100 / (100 + uint64_t{kArmorWeight} * defender.armor);
  return static_cast<uint32_t>(std::max<uint64_t>(1, mitigated));
}

uint32_t heal_amount(const AbilityDefinition& ability, const Stats& caster) {
  if (ability.heal == 0) return 0;
  return ability.heal + attribute(caster, ability.scaling);
}

uint32_t apply_damage(Combatant& target, uint32_t amount) {
  const uint32_t dealt = std::min(target.hp, amount);
  target.hp -= dealt;
  if (target.hp == 0) {
    target.casting_slot = 0;
    target.status_until = {};
  }
  return dealt;
}

uint32_t apply_heal(Combatant& target, uint32_t amount) {
  if (target.dead()) return 0;
  const uint32_t healed = std::min(target.max_hp - target.hp, amount);
  target.hp += healed;
  return healed;
}

void apply_status(Combatant& target, StatusEffect effect, uint32_t tick, uint32_t duration_ticks) {
  uint32_t& until = target.status_until[static_cast<int>(effect)];
  until = std::max(until, tick + duration_ticks);
  if (effect == StatusEffect::stun) target.casting_slot = 0;  // a stun interrupts a cast
}

uint16_t status_bits(const Combatant& c, uint32_t tick) {
  uint16_t bits = 0;
  for (int i = 0; i < kStatusEffectCount; ++i)
    if (tick < c.status_until[i]) bits |= static_cast<uint16_t>(1u << i);
  return bits;
}

float speed_factor(const Combatant& c, uint32_t tick) {
  if (c.dead() || c.has(StatusEffect::stun, tick)) return 0.0f;
  float factor = 1.0f;
  if (c.has(StatusEffect::haste, tick)) factor *= kHasteFactor;
  if (c.has(StatusEffect::slow, tick)) factor *= kSlowFactor;
  return factor;
}

uint32_t upkeep(Combatant& c, const Progression& p, uint32_t tick) {
  if (c.dead()) return 0;
  if (tick % p.mana_regen_interval_ticks == 0 && c.mana < c.max_mana) ++c.mana;
  if (c.has(StatusEffect::regen, tick) && tick % p.regen_interval_ticks == 0)
    return apply_heal(c, 1);
  return 0;
}

Stats stats_at_level(const ClassDefinition& cls, uint8_t level) {
  const uint32_t n = level > 0 ? level - 1u : 0u;
  Stats s;
  s.max_hp = cls.base.max_hp + cls.growth.max_hp * n;
  s.max_mana = cls.base.max_mana + cls.growth.max_mana * n;
  s.strength = cls.base.strength + cls.growth.strength * n;
  s.dexterity = cls.base.dexterity + cls.growth.dexterity * n;
  s.intelligence = cls.base.intelligence + cls.growth.intelligence * n;
  s.armor = cls.base.armor + cls.growth.armor * n;
  return s;
}

Combatant make_player(const ClassDefinition& cls, uint8_t level) {
  Combatant c;
  c.level = std::max<uint8_t>(1, level);
  c.stats = stats_at_level(cls, c.level);
  c.hp = c.max_hp = std::max<uint32_t>(1, c.stats.max_hp);
  c.mana = c.max_mana = c.stats.max_mana;
  return c;
}

Combatant make_monster(const MonsterDefinition& monster) {
  Combatant c;
  c.level = monster.level;
  c.stats = monster.stats;
  c.hp = c.max_hp = std::max<uint32_t>(1, monster.stats.max_hp);
  c.mana = c.max_mana = monster.stats.max_mana;
  return c;
}

uint32_t kill_xp(const Progression& p, uint32_t base_xp, uint8_t killer_level,
                 uint8_t monster_level) {
  int64_t percent = 100;
  if (killer_level > monster_level)
    percent -= int64_t{p.penalty_percent_per_level_above} * (killer_level - monster_level);
  else
    percent += int64_t{p.bonus_percent_per_level_below} * (monster_level - killer_level);
  percent = std::max<int64_t>(percent, p.min_kill_percent);
  return static_cast<uint32_t>(uint64_t{base_xp} * static_cast<uint64_t>(percent) / 100);
}

uint32_t grant_xp(Combatant& c, const ClassDefinition& cls, const Progression& p, uint32_t amount) {
  if (c.dead() || c.level >= p.max_level) return 0;
  uint32_t gained = 0;
  uint64_t xp = uint64_t{c.xp} + amount;
  while (c.level < p.max_level && xp >= p.xp_to_next[c.level]) {
    xp -= p.xp_to_next[c.level];
    ++c.level;
    ++gained;
  }
  c.xp = c.level >= p.max_level ? 0 : static_cast<uint32_t>(xp);
  if (gained > 0) {
    c.stats = stats_at_level(cls, c.level);
    c.hp = c.max_hp = c.stats.max_hp;
    c.mana = c.max_mana = c.stats.max_mana;
  }
  return gained;
}

}  // namespace omega::game
