#include "zone/world.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "game/movement.hpp"
#include "protocol/quantize.hpp"

namespace omega::zone {
namespace {

// Player stats until the character system (a later issue) provides them.
constexpr uint32_t kPlayerHp = 100;
constexpr uint32_t kPlayerMana = 50;
// How far from the spawn point players are scattered, so a crowd does not stand on one pixel.
constexpr int kSpawnScatterTiles = 4;
// Attempts to find a clear random tile before falling back to the spawn point.
constexpr int kSpawnAttempts = 64;
// Cell size of the monster-home and player grids: about the aggro radii, so a query scans
// a few cells.
constexpr float kCombatGridCell = 16.0f;

}  // namespace

World::World(const game::TileMap& map, const WorldSettings& settings)
    : map_(map),
      settings_(settings),
      rng_state_(settings.seed ^ 0x9e3779b97f4a7c15ull),
      content_(settings.content),
      random_{settings.seed * 0x2545f4914f6cdd1dull + 1},
      home_grid_(static_cast<float>(map.width()), static_cast<float>(map.height()),
                 kCombatGridCell),
      player_grid_(static_cast<float>(map.width()), static_cast<float>(map.height()),
                   kCombatGridCell) {
  if (content_ != nullptr) spawn_from_table();
}

uint64_t World::next_random() {  // splitmix64: deterministic from the seed
  uint64_t z = (rng_state_ += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

game::Vec2 World::pick_spawn_position() {
  const game::SpawnPoint* spawn = map_.default_spawn();
  const game::Vec2 center =
      spawn ? spawn->position() : game::Vec2{map_.width() * 0.5f, map_.height() * 0.5f};
  for (int attempt = 0; attempt < kSpawnAttempts; ++attempt) {
    int32_t tx, ty;
    if (settings_.spawn == SpawnMode::random) {
      tx = static_cast<int32_t>(next_random() % static_cast<uint64_t>(map_.width()));
      ty = static_cast<int32_t>(next_random() % static_cast<uint64_t>(map_.height()));
    } else {
      const int span = 2 * kSpawnScatterTiles + 1;
      tx = static_cast<int32_t>(center.x) - kSpawnScatterTiles +
           static_cast<int32_t>(next_random() % span);
      ty = static_cast<int32_t>(center.y) - kSpawnScatterTiles +
           static_cast<int32_t>(next_random() % span);
    }
    const game::Vec2 at{static_cast<float>(tx) + 0.5f, static_cast<float>(ty) + 0.5f};
    if (!map_.is_blocked(tx, ty) && game::circle_is_clear(map_, at)) return at;
  }
  return center;
}

uint32_t World::allocate_slot() {
  uint32_t slot;
  if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
  } else {
    slot = static_cast<uint32_t>(active_.size());
    positions_.emplace_back();
    intents_.emplace_back();
    active_.push_back(0);
    states_.emplace_back();
    slots_.emplace_back();
    player_mask_.push_back(0);
  }
  intents_[slot] = {};
  active_[slot] = 1;
  states_[slot] = {};
  states_[slot].id = next_id_++;
  slots_[slot] = {};
  slot_by_id_[states_[slot].id] = slot;
  ++entity_count_;
  return slot;
}

uint32_t World::spawn_player(std::string_view name, uint16_t class_index) {
  if (next_id_ > protocol::kMaxEntityId) return kNoSlot;
  const uint32_t slot = allocate_slot();
  positions_[slot] = pick_spawn_position();
  protocol::EntityState& s = states_[slot];
  s.kind = protocol::EntityKind::player;
  s.name.assign(name);
  if (content_ != nullptr && !content_->classes.empty()) {
    slots_[slot].class_index = static_cast<uint16_t>(class_index % content_->classes.size());
    slots_[slot].combatant = game::make_player(content_->classes[slots_[slot].class_index], 1);
    s.archetype = slots_[slot].class_index;
  } else {
    game::Combatant c;
    c.hp = c.max_hp = kPlayerHp;
    c.mana = c.max_mana = kPlayerMana;
    slots_[slot].combatant = c;
  }
  refresh_state(slot, false);
  return slot;
}

void World::despawn(uint32_t slot) {
  if (!active(slot)) return;
  active_[slot] = 0;
  slot_by_id_.erase(states_[slot].id);
  states_[slot].id = 0;
  player_mask_[slot] = 0;
  free_slots_.push_back(slot);
  --entity_count_;
}

uint32_t World::slot_of_id(uint32_t id) const {
  auto it = slot_by_id_.find(id);
  return it == slot_by_id_.end() ? kNoSlot : it->second;
}

uint32_t Inventory::add(const game::ItemDefinition& item, uint32_t quantity) {
  uint32_t placed = 0;
  for (Stack& stack : stacks) {
    if (stack.item != item.index || stack.quantity >= item.stack) continue;
    const uint32_t room = std::min(item.stack - stack.quantity, quantity - placed);
    stack.quantity += room;
    placed += room;
    if (placed == quantity) return placed;
  }
  while (placed < quantity && stacks.size() < kMaxStacks) {
    const uint32_t room = std::min(item.stack, quantity - placed);
    stacks.push_back({item.index, room});
    placed += room;
  }
  return placed;
}

uint32_t Inventory::remove(uint16_t item, uint32_t quantity) {
  uint32_t removed = 0;
  for (size_t i = stacks.size(); i-- > 0 && removed < quantity;) {
    if (stacks[i].item != item) continue;
    const uint32_t take = std::min(stacks[i].quantity, quantity - removed);
    stacks[i].quantity -= take;
    removed += take;
    if (stacks[i].quantity == 0) stacks.erase(stacks.begin() + static_cast<ptrdiff_t>(i));
  }
  if (removed > 0 && count(item) == 0)
    for (uint16_t& worn : equipped)
      if (worn == item) worn = kNothing;
  return removed;
}

bool Inventory::wears(uint16_t item) const {
  return std::find(equipped.begin(), equipped.end(), item) != equipped.end();
}

void World::restore_progress(uint32_t slot, const RestoredProgress& progress) {
  game::Combatant& c = slots_[slot].combatant;
  if (content_ != nullptr && !content_->classes.empty()) {
    c = game::make_player(content_->classes[slots_[slot].class_index], progress.level);
    apply_equipment(slot);
    c.hp = c.max_hp;
    c.mana = c.max_mana;
  }
  c.xp = progress.xp;
  if (progress.hp && *progress.hp > 0) c.hp = std::min(*progress.hp, c.max_hp);
  if (progress.mana) c.mana = std::min(*progress.mana, c.max_mana);
  refresh_state(slot, false);
}

uint32_t Inventory::count(uint16_t item) const {
  uint32_t total = 0;
  for (const Stack& stack : stacks)
    if (stack.item == item) total += stack.quantity;
  return total;
}

void World::teleport(uint32_t slot, game::Vec2 position) {
  positions_[slot] = position;
  refresh_state(slot, false);
}

void World::refresh_state(uint32_t slot, bool moved) {
  protocol::EntityState& s = states_[slot];
  const game::Combatant& c = slots_[slot].combatant;
  s.x = static_cast<uint16_t>(protocol::quantize_position(positions_[slot].x));
  s.y = static_cast<uint16_t>(protocol::quantize_position(positions_[slot].y));
  s.facing = intents_[slot].facing;
  s.hp = std::min(c.hp, protocol::kMaxStat);
  s.max_hp = std::min(c.max_hp, protocol::kMaxStat);
  s.mana = std::min(c.mana, protocol::kMaxStat);
  s.max_mana = std::min(c.max_mana, protocol::kMaxStat);
  s.level = c.level;
  s.status_effects = game::status_bits(c, tick_);
  if (c.dead())
    s.move_state = protocol::MoveState::dead;
  else if (c.has(game::StatusEffect::stun, tick_))
    s.move_state = protocol::MoveState::stunned;
  else if (c.casting())
    s.move_state = protocol::MoveState::casting;
  else if (moved)
    s.move_state = protocol::MoveState::walking;
  else
    s.move_state = protocol::MoveState::idle;
}

void World::advance(uint32_t tick) {
  tick_ = tick;
  const float dt = 1.0f / static_cast<float>(settings_.tick_hz);
  if (content_ != nullptr) {
    combat_upkeep();
    // Wall time of the AI step (a measurement only: nothing simulated depends on it).
    const auto ai_started = std::chrono::steady_clock::now();
    wake_monsters();
    for (size_t i = 0; i < awake_.size();) {
      Monster& monster = monsters_[awake_[i]];
      think(monster);
      if (monster.awake) {
        ++i;
      } else {  // went to sleep: swap-remove (order of thinking is by wake-up, deterministic)
        awake_[i] = awake_.back();
        awake_.pop_back();
      }
    }
    separate_monsters();
    last_ai_ns_ = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                            std::chrono::steady_clock::now() - ai_started)
                                            .count());
  }
  for (uint32_t slot = 0; slot < active_.size(); ++slot) {
    if (!active_[slot] || !is_player(slot)) continue;
    const MoveIntent& intent = intents_[slot];
    bool moved = false;
    const float factor = game::speed_factor(slots_[slot].combatant, tick_);
    if (intent.moving && factor > 0.0f) {
      // The server's speed, whatever the client claims: inputs carry a direction only.
      const game::Vec2 next =
          game::step_movement(map_, positions_[slot], protocol::dequantize_angle(intent.direction),
                              settings_.player_speed * factor, dt);
      moved = !(next == positions_[slot]);
      positions_[slot] = next;
    }
    refresh_state(slot, moved);
  }
}

}  // namespace omega::zone
