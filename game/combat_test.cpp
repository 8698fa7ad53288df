#include "game/combat.hpp"

#include <gtest/gtest.h>

#include "game/test_maps.hpp"
#include "game/tile_map.hpp"

namespace omega::game {
namespace {

constexpr uint32_t kTickHz = 30;

const CombatContent& content() {
  static const CombatContent loaded = [] {
    CombatContent c;
    std::string error;
    EXPECT_TRUE(c.load("content", kTickHz, error)) << error;
    return c;
  }();
  return loaded;
}

TargetInfo enemy_at(float distance) {
  TargetInfo t;
  t.exists = t.hostile = t.line_of_sight = true;
  t.distance = distance;
  return t;
}

TEST(CombatContent, ClassesHaveDamageHealHasteAndAreaAbilities) {
  ASSERT_EQ(content().classes.size(), 3u);
  for (const ClassDefinition& cls : content().classes) {
    bool damage = false, heal = false, haste = false, area = false;
    for (uint16_t index : cls.abilities) {
      const AbilityDefinition& a = content().abilities[index];
      damage |= a.target == AbilityTarget::enemy && a.damage_max > 0;
      heal |= a.heal > 0 || (a.status.present && a.status.effect == StatusEffect::regen);
      haste |= a.status.present && a.status.effect == StatusEffect::haste;
      area |= a.target == AbilityTarget::area;
    }
    EXPECT_TRUE(damage && heal && haste && area) << cls.id;
    EXPECT_GT(cls.attack.range, 0.0f) << cls.id;
  }
}

TEST(CombatContent, MonstersSpawnInEveryCombatZoneAndRiftsHaveABoss) {
  EXPECT_GE(content().monsters.size(), 8u);
  for (const char* zone : {"forest", "desert", "mountain", "volcanic", "rift_d1", "rift_d2"}) {
    const ZoneSpawnTable* table = content().spawn_table(zone);
    ASSERT_NE(table, nullptr) << zone;
    EXPECT_FALSE(table->spawns.empty()) << zone;
  }
  for (const char* rift : {"rift_d1", "rift_d2"}) {
    bool boss = false;
    for (const SpawnEntry& s : content().spawn_table(rift)->spawns)
      boss |= content().monsters[s.monster].boss;
    EXPECT_TRUE(boss) << rift;
  }
  EXPECT_EQ(content().spawn_table("hub_city_1"), nullptr);  // hubs are safe
}

TEST(CombatContent, DurationsBecomeTicks) {
  const AbilityDefinition* bash = content().find_ability("shield_bash");
  ASSERT_NE(bash, nullptr);
  EXPECT_EQ(bash->cooldown_ticks, 180u);  // 6000 ms at 30 Hz
  EXPECT_EQ(bash->status.duration_ticks, 45u);
  EXPECT_EQ(content().find_ability("firebolt")->cast_ticks, 15u);
}

TEST(CombatContent, UnknownAbilityIsALocatedError) {
  CombatContent c;
  std::string error;
  EXPECT_FALSE(c.load("no/such/dir", kTickHz, error));
  EXPECT_NE(error.find("no/such/dir"), std::string::npos);
}

TEST(CheckAction, RefusalsInOrder) {
  const ClassDefinition& mage = *content().find_class("mage");
  const AbilityDefinition& firebolt = *content().find_ability("firebolt");
  Combatant c = make_player(mage, 1);
  EXPECT_EQ(check_action(c, firebolt, 2, enemy_at(5), 100), RejectReason::none);
  EXPECT_EQ(check_action(c, firebolt, 2, enemy_at(8.5f), 100), RejectReason::out_of_range);
  TargetInfo hidden = enemy_at(5);
  hidden.line_of_sight = false;
  EXPECT_EQ(check_action(c, firebolt, 2, hidden, 100), RejectReason::no_line_of_sight);
  TargetInfo corpse = enemy_at(5);
  corpse.dead = true;
  EXPECT_EQ(check_action(c, firebolt, 2, corpse, 100), RejectReason::target_dead);
  EXPECT_EQ(check_action(c, firebolt, 2, TargetInfo{}, 100), RejectReason::invalid_target);
  TargetInfo friendly = enemy_at(5);
  friendly.hostile = false;
  EXPECT_EQ(check_action(c, firebolt, 2, friendly, 100), RejectReason::invalid_target);

  Combatant poor = c;
  poor.mana = firebolt.mana_cost - 1;
  EXPECT_EQ(check_action(poor, firebolt, 2, enemy_at(5), 100), RejectReason::not_enough_mana);
  Combatant stunned = c;
  apply_status(stunned, StatusEffect::stun, 100, 10);
  EXPECT_EQ(check_action(stunned, firebolt, 2, enemy_at(5), 105), RejectReason::stunned);
  EXPECT_EQ(check_action(stunned, firebolt, 2, enemy_at(5), 110), RejectReason::none);
  Combatant dead = c;
  dead.hp = 0;
  EXPECT_EQ(check_action(dead, firebolt, 2, enemy_at(5), 100), RejectReason::caster_dead);
}

TEST(CheckAction, CooldownManaAndCastTime) {
  const ClassDefinition& mage = *content().find_class("mage");
  const AbilityDefinition& firebolt = *content().find_ability("firebolt");
  Combatant c = make_player(mage, 1);
  const uint32_t mana = c.mana;
  start_action(c, firebolt, 2, 7, 100);
  EXPECT_EQ(c.mana, mana - firebolt.mana_cost);
  EXPECT_TRUE(c.casting());
  EXPECT_EQ(c.cast_done_tick, 100 + firebolt.cast_ticks);
  EXPECT_EQ(check_action(c, *content().action(mage, 1), 1, enemy_at(1), 101),
            RejectReason::busy_casting);
  c.casting_slot = 0;  // the cast landed
  EXPECT_EQ(check_action(c, firebolt, 2, enemy_at(5), 100 + firebolt.cooldown_ticks - 1),
            RejectReason::on_cooldown);
  EXPECT_EQ(check_action(c, firebolt, 2, enemy_at(5), 100 + firebolt.cooldown_ticks),
            RejectReason::none);
  // Other slots have their own cooldowns.
  EXPECT_EQ(check_action(c, *content().action(mage, 1), 1, enemy_at(1), 101), RejectReason::none);
}

TEST(CheckAction, SelfAndAreaAbilitiesNeedNoTarget) {
  const ClassDefinition& warrior = *content().find_class("warrior");
  Combatant c = make_player(warrior, 1);
  EXPECT_EQ(check_action(c, *content().find_ability("battle_cry"), 4, TargetInfo{}, 1),
            RejectReason::none);
  EXPECT_EQ(check_action(c, *content().find_ability("whirlwind"), 5, TargetInfo{}, 1),
            RejectReason::none);
}

TEST(LineOfSight, WallBlocksTheShot) {
  const TileMap map = testing::map_from_rows({
      "..........",
      "....#.....",
      "....#.....",
      "..........",
  });
  EXPECT_FALSE(map.has_line_of_sight({1.5f, 1.5f}, {7.5f, 1.5f}));
  EXPECT_TRUE(map.has_line_of_sight({1.5f, 3.5f}, {7.5f, 3.5f}));
}

TEST(Damage, FormulaBoundsAndArmor) {
  const MonsterDefinition& wolf = *content().find_monster("wolf");
  const AbilityDefinition& slash = *content().find_ability("slash");
  const Stats attacker = stats_at_level(*content().find_class("warrior"), 1);  // strength 14
  CombatRandom random{42};
  for (int i = 0; i < 200; ++i) {
    const uint32_t d = roll_damage(slash, attacker, wolf.stats, random);
    // (8..12 + 7) * 100 / 104
    EXPECT_GE(d, 14u);
    EXPECT_LE(d, 18u);
  }
  Stats armored;
  armored.armor = 25;
  CombatRandom a{1}, b{1};
  EXPECT_LT(roll_damage(slash, attacker, armored, a), roll_damage(slash, attacker, Stats{}, b));
  Combatant target = make_monster(wolf);
  EXPECT_EQ(apply_damage(target, 1000), wolf.stats.max_hp);
  EXPECT_TRUE(target.dead());
  EXPECT_EQ(apply_heal(target, 10), 0u);
}

TEST(Damage, SameSeedSameRolls) {
  const AbilityDefinition& slash = *content().find_ability("slash");
  CombatRandom a{7}, b{7};
  for (int i = 0; i < 50; ++i)
    EXPECT_EQ(roll_damage(slash, Stats{}, Stats{}, a), roll_damage(slash, Stats{}, Stats{}, b));
}

TEST(Status, DurationsOnTicks) {
  Combatant c = make_monster(*content().find_monster("boar"));
  apply_status(c, StatusEffect::slow, 10, 90);
  EXPECT_TRUE(c.has(StatusEffect::slow, 10));
  EXPECT_TRUE(c.has(StatusEffect::slow, 99));
  EXPECT_FALSE(c.has(StatusEffect::slow, 100));
  EXPECT_EQ(status_bits(c, 50), 1u << static_cast<int>(StatusEffect::slow));
  EXPECT_FLOAT_EQ(speed_factor(c, 50), 0.5f);
  apply_status(c, StatusEffect::slow, 20, 10);  // a shorter re-application keeps the longer one
  EXPECT_TRUE(c.has(StatusEffect::slow, 99));
  apply_status(c, StatusEffect::haste, 50, 10);
  EXPECT_FLOAT_EQ(speed_factor(c, 55), 0.75f);
  apply_status(c, StatusEffect::stun, 60, 5);
  EXPECT_EQ(speed_factor(c, 64), 0.0f);
  EXPECT_FLOAT_EQ(speed_factor(c, 65), 0.5f);
}

TEST(Status, RegenHealsOnItsInterval) {
  const Progression& p = content().progression;
  Combatant c = make_player(*content().find_class("ranger"), 1);
  c.hp = 10;
  apply_status(c, StatusEffect::regen, 0, 30);
  uint32_t healed = 0;
  for (uint32_t tick = 0; tick < 60; ++tick) healed += upkeep(c, p, tick);
  EXPECT_EQ(healed, 30u / p.regen_interval_ticks);  // only while the effect lasted
  EXPECT_EQ(c.hp, 10 + healed);
}

TEST(Progression, XpCurveAndLevelUps) {
  const Progression& p = content().progression;
  EXPECT_EQ(p.xp_to_next[1], 100u);
  EXPECT_EQ(p.xp_to_next[2], 135u);
  EXPECT_EQ(p.xp_to_next[3], 182u);  // 100 * 1.35^2 = 182.25
  for (uint32_t l = 2; l < p.max_level; ++l) EXPECT_GT(p.xp_to_next[l], p.xp_to_next[l - 1]);

  const ClassDefinition& warrior = *content().find_class("warrior");
  Combatant c = make_player(warrior, 1);
  c.hp = 1;
  EXPECT_EQ(grant_xp(c, warrior, p, 99), 0u);
  EXPECT_EQ(grant_xp(c, warrior, p, 1 + 135 + 10), 2u);
  EXPECT_EQ(c.level, 3);
  EXPECT_EQ(c.xp, 10u);
  EXPECT_EQ(c.max_hp, warrior.base.max_hp + 2 * warrior.growth.max_hp);
  EXPECT_EQ(c.hp, c.max_hp);  // a level-up refills
  EXPECT_EQ(c.stats.strength, warrior.base.strength + 2 * warrior.growth.strength);
}

TEST(Progression, MaxLevelStopsXp) {
  const Progression& p = content().progression;
  const ClassDefinition& mage = *content().find_class("mage");
  Combatant c = make_player(mage, p.max_level);
  EXPECT_EQ(grant_xp(c, mage, p, 1'000'000), 0u);
  EXPECT_EQ(c.level, p.max_level);
}

TEST(Progression, KillXpScalesWithLevelDifference) {
  const Progression& p = content().progression;
  EXPECT_EQ(kill_xp(p, 100, 5, 5), 100u);
  EXPECT_EQ(kill_xp(p, 100, 7, 5), 80u);
  EXPECT_EQ(kill_xp(p, 100, 5, 7), 110u);
  EXPECT_EQ(kill_xp(p, 100, 30, 1), 10u);
}

}  // namespace
}  // namespace omega::game
