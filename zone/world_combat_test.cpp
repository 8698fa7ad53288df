// Deterministic simulation of combat and monster AI on a World (fixed seed, no sockets).
#include "zone/world.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "game/movement.hpp"

namespace omega::zone {
namespace {

using protocol::GameEventType;
using protocol::RejectReason;

const game::CombatContent& content() {
  static const game::CombatContent loaded = [] {
    game::CombatContent c;
    std::string error;
    EXPECT_TRUE(c.load("content", 30, error)) << error;
    return c;
  }();
  return loaded;
}

struct CombatWorld : testing::Test {
  game::TileMap map = game::TileMap::open_field(128, 128);
  std::unique_ptr<World> world = make_world();
  uint32_t tick = 0;

  std::unique_ptr<World> make_world(std::string zone = "") {
    WorldSettings s;
    s.content = &content();
    s.zone = std::move(zone);
    s.seed = 7;
    return std::make_unique<World>(map, s);
  }
  uint16_t monster(const char* id) { return content().find_monster(id)->index; }
  void run(int ticks) {
    for (int i = 0; i < ticks; ++i) world->advance(++tick);
  }
  int count(GameEventType type) {
    int n = 0;
    for (const WorldEvent& e : world->events()) n += e.entry.type == type;
    return n;
  }
  float distance(uint32_t a, uint32_t b) {
    const game::Vec2 p = world->position(a), q = world->position(b);
    return std::hypot(p.x - q.x, p.y - q.y);
  }
};

TEST_F(CombatWorld, AttackRefusalsAndAKill) {
  const uint32_t player = world->spawn_player("p", 1);  // ranger: attack range 8
  world->teleport(player, {40.5f, 40.5f});
  const uint32_t wolf = world->spawn_monster(monster("wolf"), {50.5f, 40.5f});
  const uint32_t wolf_id = world->state(wolf).id;
  run(1);
  EXPECT_EQ(world->use_action(player, 1, wolf_id), RejectReason::out_of_range);
  world->teleport(player, {44.5f, 40.5f});
  EXPECT_EQ(world->use_action(player, 1, world->state(player).id), RejectReason::invalid_target);
  EXPECT_EQ(world->use_action(player, 1, wolf_id), RejectReason::none);
  EXPECT_EQ(count(GameEventType::damage), 1);
  EXPECT_EQ(world->use_action(player, 1, wolf_id), RejectReason::on_cooldown);
  world->combatant(player).mana = 0;
  EXPECT_EQ(world->use_action(player, 5, 0), RejectReason::not_enough_mana);  // volley
  world->combatant(wolf).hp = 1;
  run(40);
  world->clear_events();
  EXPECT_EQ(world->use_action(player, 1, wolf_id), RejectReason::none);
  EXPECT_EQ(count(GameEventType::death), 1);
  EXPECT_EQ(count(GameEventType::experience), 1);
  EXPECT_GE(count(GameEventType::loot), 1);  // wolves always drop gold
  EXPECT_GT(world->inventory(player).gold, 0u);
  EXPECT_EQ(world->combatant(player).xp, content().find_monster("wolf")->xp);
  EXPECT_EQ(world->use_action(player, 1, wolf_id), RejectReason::on_cooldown);
  run(40);
  EXPECT_EQ(world->use_action(player, 1, wolf_id), RejectReason::target_dead);
  EXPECT_EQ(world->state(wolf).move_state, protocol::MoveState::dead);
}

TEST_F(CombatWorld, WallBlocksLineOfSight) {
  for (int y = 30; y < 50; ++y) map.set_tile(45, y, game::TileKind::kWall);
  const uint32_t player = world->spawn_player("p", 2);  // mage
  world->teleport(player, {42.5f, 40.5f});
  const uint32_t imp = world->spawn_monster(monster("fire_imp"), {48.5f, 40.5f});
  run(1);
  EXPECT_EQ(world->use_action(player, 1, world->state(imp).id), RejectReason::no_line_of_sight);
}

TEST_F(CombatWorld, CastTimeAndStatusTiming) {
  const uint32_t player = world->spawn_player("p", 2);  // mage: firebolt (0.5 s cast) in slot 2
  world->teleport(player, {40.5f, 40.5f});
  const uint32_t boar = world->spawn_monster(monster("boar"), {45.5f, 40.5f});
  run(1);
  world->clear_events();
  const uint32_t hp = world->combatant(boar).hp;
  EXPECT_EQ(world->use_action(player, 2, world->state(boar).id), RejectReason::none);
  EXPECT_EQ(world->state(player).move_state, protocol::MoveState::casting);
  EXPECT_EQ(world->use_action(player, 1, world->state(boar).id), RejectReason::busy_casting);
  run(14);
  EXPECT_EQ(world->combatant(boar).hp, hp);
  run(1);  // 15 ticks = 500 ms
  EXPECT_LT(world->combatant(boar).hp, hp);

  // Battle cry (warrior slot 5): haste for exactly 4 s = 120 ticks.
  const uint32_t warrior = world->spawn_player("w", 0);
  world->teleport(warrior, {20.5f, 20.5f});
  const uint32_t start = tick;
  EXPECT_EQ(world->use_action(warrior, 5, 0), RejectReason::none);
  const uint16_t haste = 1u << static_cast<int>(game::StatusEffect::haste);
  run(119);
  EXPECT_EQ(world->state(warrior).status_effects & haste, haste);
  run(1);
  EXPECT_EQ(tick - start, 120u);
  EXPECT_EQ(world->state(warrior).status_effects & haste, 0);
}

TEST_F(CombatWorld, SleepingMonstersDoNothingUntilAPlayerComes) {
  const uint32_t wolf = world->spawn_monster(monster("wolf"), {100.5f, 100.5f});
  const game::Vec2 home = world->position(wolf);
  run(300);
  EXPECT_EQ(world->awake_monster_count(), 0u);
  EXPECT_EQ(world->position(wolf), home);
  const uint32_t player = world->spawn_player("p", 0);
  world->teleport(player, {80.5f, 100.5f});  // within the activation radius (32)
  run(1);
  EXPECT_EQ(world->awake_monster_count(), 1u);
  world->teleport(player, {10.5f, 10.5f});
  run(200);  // idle with nobody near: back to sleep
  EXPECT_EQ(world->awake_monster_count(), 0u);
}

TEST_F(CombatWorld, AggroChaseAttackLeashAndReset) {
  const uint32_t wolf = world->spawn_monster(monster("wolf"), {60.5f, 60.5f});
  const game::MonsterDefinition& d = *content().find_monster("wolf");
  const uint32_t player = world->spawn_player("p", 0);
  world->teleport(player, {70.5f, 60.5f});  // 10 tiles: outside aggro (7)
  run(30);
  EXPECT_EQ(world->monsters()[0].state, AiState::idle);
  world->teleport(player, {66.0f, 60.5f});
  run(1);
  EXPECT_EQ(world->monsters()[0].state, AiState::chase);
  run(60);
  EXPECT_EQ(world->monsters()[0].state, AiState::attack);
  EXPECT_LE(distance(wolf, player), d.attack.range * 1.15f);
  EXPECT_LT(world->combatant(player).hp, world->combatant(player).max_hp);
  // The player hurts it and runs far away: the wolf follows to its leash, then goes home.
  world->combatant(wolf).hp = 5;
  world->teleport(player, {100.5f, 60.5f});
  bool leashed = false;
  for (int i = 0; i < 300 && !leashed; ++i) {
    run(1);
    leashed = world->monsters()[0].state == AiState::leash;
  }
  ASSERT_TRUE(leashed);
  EXPECT_GT(std::hypot(world->position(wolf).x - 60.5f, world->position(wolf).y - 60.5f),
            d.leash_radius - 0.5f);
  run(200);
  EXPECT_EQ(world->monsters()[0].state, AiState::idle);
  EXPECT_EQ(world->combatant(wolf).hp, world->combatant(wolf).max_hp);  // reset
}

// Crowd separation: a pack that starts on one point and chases one player spreads around it
// (no two closer than two collision radii) instead of stacking, and still reaches it.
TEST_F(CombatWorld, APackChasingOnePlayerDoesNotStack) {
  constexpr int kPack = 8;
  const uint32_t player = world->spawn_player("p", 0);
  world->teleport(player, {64.5f, 64.5f});
  world->combatant(player).max_hp = world->combatant(player).hp = 1'000'000;  // outlives the pack
  std::vector<uint32_t> pack;
  for (int i = 0; i < kPack; ++i)
    pack.push_back(world->spawn_monster(monster("wolf"), {64.5f, 58.5f}));
  float closest = 0.0f;
  for (int second = 0; second < 6; ++second) {
    run(30);
    closest = 1e9f;
    for (size_t a = 0; a < pack.size(); ++a)
      for (size_t b = a + 1; b < pack.size(); ++b)
        closest = std::min(closest, distance(pack[a], pack[b]));
  }
  EXPECT_GE(closest, 2.0f * game::kEntityRadius);
  const float reach = content().find_monster("wolf")->attack.range * 1.15f;
  for (const uint32_t wolf : pack) EXPECT_LE(distance(wolf, player), reach + 0.8f);
  for (const Monster& wolf : world->monsters())
    EXPECT_TRUE(wolf.state == AiState::chase || wolf.state == AiState::attack);
  EXPECT_LT(world->combatant(player).hp, world->combatant(player).max_hp);  // they do attack
}

TEST_F(CombatWorld, MonstersRespawnAndPlayersRespawnAtTheZoneSpawn) {
  const uint32_t player = world->spawn_player("p", 0);
  world->teleport(player, {30.5f, 30.5f});
  const uint32_t wolf = world->spawn_monster(monster("wolf"), {31.5f, 30.5f});
  run(1);
  world->combatant(wolf).hp = 1;
  EXPECT_EQ(world->use_action(player, 1, world->state(wolf).id), RejectReason::none);
  EXPECT_TRUE(world->combatant(wolf).dead());
  run(content().find_monster("wolf")->respawn_ticks);
  EXPECT_FALSE(world->combatant(wolf).dead());
  EXPECT_EQ(world->position(wolf), (game::Vec2{31.5f, 30.5f}));

  // The wolf kills the player; the player comes back at the spawn point with full hp.
  world->combatant(player).hp = 1;
  for (int i = 0; i < 120 && !world->combatant(player).dead(); ++i) run(1);
  ASSERT_TRUE(world->combatant(player).dead());
  EXPECT_EQ(world->use_action(player, 1, world->state(wolf).id), RejectReason::caster_dead);
  run(content().progression.player_respawn_ticks + 1);
  EXPECT_FALSE(world->combatant(player).dead());
  EXPECT_EQ(world->combatant(player).hp, world->combatant(player).max_hp);
  const game::Vec2 spawn = map.default_spawn()->position();
  EXPECT_LT(std::hypot(world->position(player).x - spawn.x, world->position(player).y - spawn.y),
            7.0f);
}

TEST_F(CombatWorld, SpawnTablesPopulateZonesDeterministically) {
  const game::TileMap forest = game::TileMap::open_field(100, 100);
  WorldSettings s;
  s.content = &content();
  s.zone = "forest";
  World a(forest, s), b(forest, s);
  EXPECT_EQ(a.monsters().size(), 85u);
  ASSERT_EQ(a.monsters().size(), b.monsters().size());
  for (size_t i = 0; i < a.monsters().size(); ++i)
    EXPECT_EQ(a.monsters()[i].home, b.monsters()[i].home);
  s.monster_count = 200;  // benchmarks: exactly N, cycling through the table's types
  World c(forest, s);
  EXPECT_EQ(c.monsters().size(), 200u);
  EXPECT_NE(c.monsters()[0].definition, c.monsters()[1].definition);
}

TEST_F(CombatWorld, LevelUpEventsAndStats) {
  const uint32_t player = world->spawn_player("p", 0);
  world->teleport(player, {30.5f, 30.5f});
  const uint32_t boss = world->spawn_monster(monster("rift_lord"), {31.5f, 30.5f});
  run(1);
  world->clear_events();
  world->combatant(boss).hp = 1;
  EXPECT_EQ(world->use_action(player, 1, world->state(boss).id), RejectReason::none);
  // 2000 XP x (1 + 14 x 5 %) = 3400 XP from level 1.
  EXPECT_GE(count(GameEventType::level_up), 5);
  EXPECT_GE(world->state(player).level, 6);
  EXPECT_EQ(world->state(player).max_hp, world->combatant(player).max_hp);
  const auto* crown = content().find_monster("rift_lord");
  (void)crown;
  bool crown_dropped = false;
  for (const auto& stack : world->inventory(player).stacks)
    crown_dropped |= content().items[stack.item].id == "riftlord_crown";
  EXPECT_TRUE(crown_dropped);
}

}  // namespace
}  // namespace omega::zone

namespace omega::zone {
namespace {

// A wall from y = 20 to y = 40 at x = 30, on an open 64² field.
game::TileMap walled_field() {
  game::TileMap map = game::TileMap::open_field(64, 64);
  for (int y = 20; y <= 40; ++y) map.set_tile(30, y, game::TileKind::kWall);
  return map;
}

uint16_t item(const char* id) {
  return content().find_item(id)->index;
}

TEST_F(CombatWorld, EquipmentAddsItsStatsAndTheWeaponItsDamage) {
  using protocol::ItemRefusal;
  const uint32_t player = world->spawn_player("p", 0);  // warrior: attack 5-8, strength 14
  const uint32_t base_armor = world->combatant(player).stats.armor;
  Inventory& bag = world->inventory(player);
  EXPECT_EQ(world->equip(player, item("leather_armor")), ItemRefusal::not_carried);
  bag.add(content().items[item("leather_armor")], 1);
  bag.add(content().items[item("wolf_pelt")], 2);
  EXPECT_EQ(world->equip(player, item("wolf_pelt")), ItemRefusal::not_equipment);
  EXPECT_EQ(world->unequip(player, item("leather_armor")), ItemRefusal::not_equipped);
  EXPECT_EQ(world->equip(player, item("leather_armor")), ItemRefusal::none);
  EXPECT_EQ(world->combatant(player).stats.armor, base_armor + 3);
  EXPECT_EQ(bag.equipped[static_cast<size_t>(game::ItemSlot::chest)], item("leather_armor"));
  // A new level's stats keep what is worn.
  world->restore_progress(player, RestoredProgress{5, 0, {}, {}});
  EXPECT_EQ(world->combatant(player).stats.armor,
            game::stats_at_level(content().classes[0], 5).armor + 3);
  EXPECT_EQ(world->unequip(player, item("leather_armor")), ItemRefusal::none);
  EXPECT_EQ(world->combatant(player).stats.armor,
            game::stats_at_level(content().classes[0], 5).armor);
  // Selling the last of a worn item takes it off.
  EXPECT_EQ(world->equip(player, item("leather_armor")), ItemRefusal::none);
  EXPECT_EQ(bag.remove(item("leather_armor"), 1), 1u);
  world->apply_equipment(player);
  EXPECT_FALSE(bag.wears(item("leather_armor")));
  EXPECT_EQ(world->combatant(player).stats.armor,
            game::stats_at_level(content().classes[0], 5).armor);

  // The weapon adds its damage to the basic attack: against a wolf (armour 1) the bare attack
  // deals 11..14 at level 1, with an iron sword (7-11) 18..25.
  const uint32_t fresh = world->spawn_player("q", 0);
  world->teleport(fresh, {40.5f, 40.5f});
  const uint32_t wolf = world->spawn_monster(monster("wolf"), {41.5f, 40.5f});
  world->combatant(wolf).hp = world->combatant(wolf).max_hp = 100000;
  auto hits = [&] {
    std::vector<uint32_t> dealt;
    for (int i = 0; i < 8; ++i) {
      world->clear_events();
      world->teleport(wolf, {41.5f, 40.5f});
      EXPECT_EQ(world->use_action(fresh, 1, world->state(wolf).id), RejectReason::none);
      for (const WorldEvent& e : world->events())
        if (e.entry.type == GameEventType::damage) dealt.push_back(e.entry.amount);
      run(31);
    }
    return dealt;
  };
  for (uint32_t amount : hits()) EXPECT_LE(amount, 14u);
  world->inventory(fresh).add(content().items[item("iron_sword")], 1);
  EXPECT_EQ(world->equip(fresh, item("iron_sword")), ItemRefusal::none);
  for (uint32_t amount : hits()) EXPECT_GE(amount, 18u);
}

TEST_F(CombatWorld, APotionHealsOnceWaitsItsCooldownAndIsUsedUp) {
  using protocol::ItemRefusal;
  const uint32_t player = world->spawn_player("p", 0);
  const uint16_t potion = item("minor_health_potion");
  EXPECT_EQ(world->use_item(player, potion), ItemRefusal::not_carried);
  world->inventory(player).add(content().items[potion], 2);
  world->inventory(player).add(content().items[item("wolf_pelt")], 1);
  EXPECT_EQ(world->use_item(player, item("wolf_pelt")), ItemRefusal::not_usable);
  EXPECT_EQ(world->use_item(player, potion), ItemRefusal::nothing_to_restore);
  game::Combatant& c = world->combatant(player);
  c.hp = c.max_hp - 100;
  world->clear_events();
  EXPECT_EQ(world->use_item(player, potion), ItemRefusal::none);
  EXPECT_EQ(c.hp, c.max_hp - 60);
  EXPECT_EQ(world->inventory(player).count(potion), 1u);
  ASSERT_EQ(world->events().size(), 1u);
  EXPECT_EQ(world->events()[0].entry.type, GameEventType::heal);
  EXPECT_EQ(world->events()[0].entry.amount, 40u);
  EXPECT_EQ(world->events()[0].entry.detail, protocol::kItemDetail | potion);
  EXPECT_EQ(world->use_item(player, potion), ItemRefusal::on_cooldown);
  EXPECT_EQ(world->inventory(player).count(potion), 1u);
  run(static_cast<int>(World::kConsumableCooldownSeconds * 30) + 1);
  EXPECT_EQ(world->use_item(player, potion), ItemRefusal::none);
  EXPECT_EQ(c.hp, c.max_hp - 20);
  EXPECT_EQ(world->inventory(player).count(potion), 0u);
  run(60);
  EXPECT_EQ(world->use_item(player, potion), ItemRefusal::not_carried);
  world->inventory(player).add(content().items[potion], 1);
  c.hp = 0;
  EXPECT_EQ(world->use_item(player, potion), ItemRefusal::dead);
  EXPECT_EQ(world->equip(player, potion), ItemRefusal::not_equipment);
}

TEST(NavMesh, PathGoesAroundTheWall) {
  const game::TileMap map = walled_field();
  NavMesh mesh;
  std::string error;
  ASSERT_TRUE(mesh.build(map, error)) << error;
  std::array<game::Vec2, NavMesh::kMaxCorners> corners;
  const int n = mesh.find_path({25.5f, 30.5f}, {35.5f, 30.5f}, corners);
  ASSERT_GE(n, 3);  // start, around an end of the wall, goal
  EXPECT_NEAR(corners[n - 1].x, 35.5f, 0.1f);
  EXPECT_NEAR(corners[n - 1].y, 30.5f, 0.1f);
  for (int i = 0; i + 1 < n; ++i) {
    EXPECT_FALSE(
        map.is_blocked(static_cast<int32_t>(corners[i].x), static_cast<int32_t>(corners[i].y)));
    // Every leg is walkable in a straight line.
    EXPECT_TRUE(map.has_line_of_sight(corners[i], corners[i + 1]));
  }
}

TEST(NavMesh, MonsterChasesAroundAWall) {
  const game::TileMap map = walled_field();
  WorldSettings s;
  s.content = &content();
  World world(map, s);
  const uint32_t wolf = world.spawn_monster(content().find_monster("wolf")->index, {25.5f, 30.5f});
  const uint32_t player = world.spawn_player("p", 0);
  world.teleport(player, {28.5f, 30.5f});
  uint32_t tick = 0;
  world.advance(++tick);
  ASSERT_EQ(world.monsters()[0].state, AiState::chase);
  world.teleport(player, {33.5f, 30.5f});  // behind the wall
  world.combatant(player).hp = world.combatant(player).max_hp = 100000;
  bool attacked = false;
  for (int i = 0; i < 600 && !attacked; ++i) {
    world.advance(++tick);
    attacked = world.monsters()[0].state == AiState::attack;
  }
  EXPECT_TRUE(attacked);
  EXPECT_GT(world.position(wolf).x, 30.0f);  // it went round
  EXPECT_GT(world.path_queries(), 0u);
}

}  // namespace
}  // namespace omega::zone
