// World: combat — actions, hits, deaths, rewards, respawns and per-tick upkeep. The rules
// themselves are game/combat.hpp; this file decides who is hit and what events say so.
#include <algorithm>
#include <cmath>

#include "game/movement.hpp"
#include "zone/world.hpp"

namespace omega::zone {
namespace {

using protocol::GameEventType;
using protocol::RejectReason;

// Loot events use this detail for gold (items use their content index).

float distance(game::Vec2 a, game::Vec2 b) {
  return std::hypot(a.x - b.x, a.y - b.y);
}

}  // namespace

void World::emit(GameEventType type, uint32_t source_slot, uint32_t target_slot, uint32_t amount,
                 uint16_t detail, uint32_t subject_slot) {
  WorldEvent e;
  e.entry.type = type;
  e.entry.source = source_slot == kNoSlot ? 0 : states_[source_slot].id;
  e.entry.target = states_[target_slot].id;
  e.entry.amount = std::min(amount, protocol::kMaxStat);
  e.entry.detail = detail;
  e.subject_slot = subject_slot;
  events_.push_back(e);
}

void World::announce_received(uint32_t slot, uint32_t amount, uint16_t item) {
  if (amount > 0 && active(slot)) emit(GameEventType::loot, kNoSlot, slot, amount, item, slot);
}

bool World::hostile(uint32_t a, uint32_t b) const {
  // PvE: players fight monsters; players fight players only of the other arena team.
  const bool a_player = is_player(a), b_player = is_player(b);
  if (a_player && b_player)
    return slots_[a].team != 0 && slots_[b].team != 0 && slots_[a].team != slots_[b].team;
  return a_player != b_player;
}

RejectReason World::use_action(uint32_t slot, uint8_t action, uint32_t target_id) {
  if (content_ == nullptr || !active(slot) || !is_player(slot)) return RejectReason::unknown_action;
  const game::ClassDefinition& cls = content_->classes[slots_[slot].class_index];
  const game::AbilityDefinition* ability = content_->action(cls, action);
  if (ability == nullptr) return RejectReason::unknown_action;
  game::TargetInfo target;
  const uint32_t target_slot = target_id == 0 ? kNoSlot : slot_of_id(target_id);
  if (target_slot != kNoSlot && active(target_slot)) {
    target.exists = true;
    target.hostile = hostile(slot, target_slot);
    target.dead = slots_[target_slot].combatant.dead();
    target.distance = distance(positions_[slot], positions_[target_slot]);
    target.line_of_sight = map_.has_line_of_sight(positions_[slot], positions_[target_slot]);
  }
  game::Combatant& caster = slots_[slot].combatant;
  const RejectReason refused = game::check_action(caster, *ability, action, target, tick_);
  if (refused != RejectReason::none) return refused;
  game::start_action(caster, *ability, action, target_id, tick_);
  if (!caster.casting()) resolve(slot, *ability, target_slot);
  refresh_state(slot, states_[slot].move_state == protocol::MoveState::walking);
  return RejectReason::none;
}

// The effect of an action that started (instant) or whose cast finished.
void World::resolve(uint32_t caster, const game::AbilityDefinition& ability, uint32_t target_slot) {
  game::Combatant& c = slots_[caster].combatant;
  switch (ability.target) {
    case game::AbilityTarget::enemy:
      if (target_slot != kNoSlot && active(target_slot) && !slots_[target_slot].combatant.dead())
        hit(caster, target_slot, ability);
      break;
    case game::AbilityTarget::self: {
      const uint32_t healed = game::apply_heal(c, game::heal_amount(ability, c.stats));
      if (healed > 0) emit(GameEventType::heal, caster, caster, healed, ability.index, caster);
      if (ability.status.present) apply_status(caster, caster, ability.status);
      break;
    }
    case game::AbilityTarget::area:
      // Everyone hostile within the radius; monsters near a player are always awake.
      if (is_player(caster)) {
        for (uint32_t index : awake_) {
          const uint32_t victim = monsters_[index].slot;
          if (slots_[victim].combatant.dead()) continue;
          if (distance(positions_[caster], positions_[victim]) > ability.radius) continue;
          if (!map_.has_line_of_sight(positions_[caster], positions_[victim])) continue;
          hit(caster, victim, ability);
        }
      }
      break;
  }
}

void World::hit(uint32_t attacker, uint32_t target, const game::AbilityDefinition& ability) {
  game::Combatant& victim = slots_[target].combatant;
  const uint32_t rolled = game::roll_damage(ability, slots_[attacker].combatant.stats, victim.stats,
                                            random_, weapon_bonus(attacker, ability));
  const uint32_t dealt = game::apply_damage(victim, rolled);
  emit(GameEventType::damage, attacker, target, dealt, ability.index, target);
  if (const uint32_t m = slots_[target].monster; m != kNoSlot) {
    // Being hit wakes a monster and makes it fight back (unless it is leashing home).
    Monster& monster = monsters_[m];
    if (!monster.awake) {
      monster.awake = true;
      monster.last_seen_player = tick_;
      awake_.push_back(m);
    }
    if (monster.state == AiState::idle) {
      monster.state = AiState::chase;
      monster.target_slot = attacker;
      monster.target_id = states_[attacker].id;
    }
  }
  if (victim.dead()) {
    on_death(attacker, target);
  } else if (ability.status.present && random_.percent(ability.status.chance_percent)) {
    apply_status(attacker, target, ability.status);
  }
  refresh_state(target, false);
}

void World::apply_status(uint32_t source, uint32_t target, const game::StatusApplication& status) {
  game::apply_status(slots_[target].combatant, status.effect, tick_, status.duration_ticks);
  emit(GameEventType::status_applied, source, target, status.duration_ticks,
       static_cast<uint16_t>(status.effect), target);
}

void World::on_death(uint32_t killer, uint32_t victim) {
  emit(GameEventType::death, killer, victim, 0, 0, victim);
  intents_[victim] = {};
  if (const uint32_t m = slots_[victim].monster; m != kNoSlot) {
    Monster& monster = monsters_[m];
    const game::MonsterDefinition& definition = content_->monsters[monster.definition];
    monster.state = AiState::dead;
    monster.respawn_tick = tick_ + definition.respawn_ticks;
    if (is_player(killer)) reward(killer, definition);
  } else if (player_respawn_) {
    slots_[victim].respawn_tick = tick_ + content_->progression.player_respawn_ticks;
  }
}

void World::reward(uint32_t player, const game::MonsterDefinition& monster) {
  game::Combatant& c = slots_[player].combatant;
  const game::Progression& progression = content_->progression;
  const uint32_t xp = game::kill_xp(progression, monster.xp, c.level, monster.level);
  ++slots_[player].kills;
  if (xp > 0) {
    emit(GameEventType::experience, kNoSlot, player, xp, monster.index, player);
    const uint8_t before = c.level;
    if (game::grant_xp(c, content_->classes[slots_[player].class_index], progression, xp) > 0) {
      apply_equipment(player);  // the new level's stats, plus what the player wears
      c.hp = c.max_hp;
      c.mana = c.max_mana;
      for (uint32_t level = before + 1u; level <= c.level; ++level)
        emit(GameEventType::level_up, kNoSlot, player, level, 0, player);
    }
  }
  const game::LootTable& table = content_->loot_tables[monster.loot_table];
  Inventory& bag = slots_[player].inventory;
  const uint32_t gold = random_.between(table.gold_min, table.gold_max);
  if (gold > 0) {
    bag.gold = std::min<uint64_t>(uint64_t{bag.gold} + gold, 0xffffffffu);
    emit(GameEventType::loot, kNoSlot, player, gold, kGoldDetail, player);
  }
  for (const game::LootDrop& drop : table.drops) {
    if (!random_.percent(drop.chance_percent)) continue;
    const uint32_t quantity = random_.between(drop.quantity_min, drop.quantity_max);
    const uint32_t placed = bag.add(content_->items[drop.item], quantity);
    if (placed > 0) emit(GameEventType::loot, kNoSlot, player, placed, drop.item, player);
  }
}

void World::respawn_player(uint32_t slot) {
  game::Combatant& c = slots_[slot].combatant;
  c.hp = c.max_hp;
  c.mana = c.max_mana;
  c.status_until = {};
  c.casting_slot = 0;
  // At the zone's spawn point (the default spawn), with the usual scatter.
  const SpawnMode mode = settings_.spawn;
  settings_.spawn = SpawnMode::point;
  positions_[slot] = pick_spawn_position();
  settings_.spawn = mode;
  slots_[slot].respawn_tick = 0;
}

// Casts that finish, regeneration, player respawns. Monsters' own upkeep runs in think().
void World::combat_upkeep() {
  const game::Progression& progression = content_->progression;
  for (uint32_t slot = 0; slot < active_.size(); ++slot) {
    if (!active_[slot] || !is_player(slot)) continue;
    game::Combatant& c = slots_[slot].combatant;
    if (c.dead()) {
      if (slots_[slot].respawn_tick != 0 && tick_ >= slots_[slot].respawn_tick)
        respawn_player(slot);
      continue;
    }
    if (c.casting() && tick_ >= c.cast_done_tick) {
      const uint8_t action = c.casting_slot;
      c.casting_slot = 0;
      const game::AbilityDefinition* ability =
          content_->action(content_->classes[slots_[slot].class_index], action);
      const uint32_t target = c.cast_target == 0 ? kNoSlot : slot_of_id(c.cast_target);
      if (ability != nullptr) resolve(slot, *ability, target);
    }
    const uint32_t healed = game::upkeep(c, progression, tick_);
    (void)healed;  // regen ticks replicate through hp; one event per hp point would flood
  }
}

void World::spawn_from_table() {
  const game::ZoneSpawnTable* table = content_->spawn_table(settings_.zone);
  if (table == nullptr) return;
  const game::SpawnPoint* entry = map_.default_spawn();
  const game::Vec2 safe_center = entry ? entry->position() : game::Vec2{-1e9f, -1e9f};
  // Table counts: each entry's monsters in turn. A forced count: cycle through the entries.
  std::vector<uint16_t> order;
  if (settings_.monster_count > 0) {
    for (uint32_t n = 0; n < settings_.monster_count && !table->spawns.empty(); ++n)
      order.push_back(table->spawns[n % table->spawns.size()].monster);
  } else {
    for (const game::SpawnEntry& spawn : table->spawns)
      order.insert(order.end(), spawn.count, spawn.monster);
  }
  for (const uint16_t definition : order) {
    for (int attempt = 0; attempt < 256; ++attempt) {
      const auto tx = static_cast<int32_t>(next_random() % static_cast<uint64_t>(map_.width()));
      const auto ty = static_cast<int32_t>(next_random() % static_cast<uint64_t>(map_.height()));
      const game::Vec2 at{tx + 0.5f, ty + 0.5f};
      if (map_.is_blocked(tx, ty) || !game::circle_is_clear(map_, at)) continue;
      if (distance(at, safe_center) < table->safe_radius) continue;
      if (map_.portal_at(at.x, at.y) != nullptr) continue;
      spawn_monster(definition, at);
      break;
    }
  }
}

uint32_t World::spawn_monster(uint16_t definition, game::Vec2 home) {
  if (content_ == nullptr || definition >= content_->monsters.size() ||
      next_id_ > protocol::kMaxEntityId)
    return kNoSlot;
  const game::MonsterDefinition& d = content_->monsters[definition];
  const uint32_t slot = allocate_slot();
  positions_[slot] = home;
  slots_[slot].combatant = game::make_monster(d);
  slots_[slot].monster = static_cast<uint32_t>(monsters_.size());
  protocol::EntityState& s = states_[slot];
  s.kind = protocol::EntityKind::monster;
  s.archetype = d.index;
  s.name.assign(std::string_view(d.name).substr(0, protocol::kMaxNameBytes));
  Monster monster;
  monster.slot = slot;
  monster.definition = definition;
  monster.home = monster.wander_goal = home;
  monsters_.push_back(monster);
  homes_.push_back(home);
  homes_active_.push_back(1);
  homes_dirty_ = true;  // rebuilt once before the next tick, not once per spawn
  refresh_state(slot, false);
  return slot;
}

}  // namespace omega::zone
