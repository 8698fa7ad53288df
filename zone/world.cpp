#include "zone/world.hpp"

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

}  // namespace

World::World(const game::TileMap& map, const WorldSettings& settings)
    : map_(map), settings_(settings), rng_state_(settings.seed ^ 0x9e3779b97f4a7c15ull) {}

uint64_t World::next_random() {  // splitmix64: deterministic from the seed
  uint64_t z = (rng_state_ += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

game::Vec2 World::pick_spawn_position() {
  const game::SpawnPoint* spawn = map_.default_spawn();
  const game::Vec2 center = spawn ? spawn->position()
                                  : game::Vec2{map_.width() * 0.5f, map_.height() * 0.5f};
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

uint32_t World::spawn_player(std::string_view name) {
  if (next_id_ > protocol::kMaxEntityId) return kNoSlot;
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
  }
  positions_[slot] = pick_spawn_position();
  intents_[slot] = {};
  active_[slot] = 1;
  protocol::EntityState& s = states_[slot];
  s = {};
  s.id = next_id_++;
  s.kind = protocol::EntityKind::player;
  s.hp = s.max_hp = kPlayerHp;
  s.mana = s.max_mana = kPlayerMana;
  s.level = 1;
  s.name.assign(name);
  refresh_state(slot, false);
  ++entity_count_;
  return slot;
}

void World::despawn(uint32_t slot) {
  if (!active(slot)) return;
  active_[slot] = 0;
  states_[slot].id = 0;
  free_slots_.push_back(slot);
  --entity_count_;
}

void World::teleport(uint32_t slot, game::Vec2 position) {
  positions_[slot] = position;
  refresh_state(slot, false);
}

void World::refresh_state(uint32_t slot, bool moved) {
  protocol::EntityState& s = states_[slot];
  s.x = static_cast<uint16_t>(protocol::quantize_position(positions_[slot].x));
  s.y = static_cast<uint16_t>(protocol::quantize_position(positions_[slot].y));
  s.facing = intents_[slot].facing;
  s.move_state = moved ? protocol::MoveState::walking : protocol::MoveState::idle;
}

void World::advance(uint32_t tick) {
  tick_ = tick;
  const float dt = 1.0f / static_cast<float>(settings_.tick_hz);
  for (uint32_t slot = 0; slot < active_.size(); ++slot) {
    if (!active_[slot]) continue;
    const MoveIntent& intent = intents_[slot];
    bool moved = false;
    if (intent.moving) {
      // The server's speed, whatever the client claims: inputs carry a direction only.
      const game::Vec2 next =
          game::step_movement(map_, positions_[slot], protocol::dequantize_angle(intent.direction),
                              settings_.player_speed, dt);
      moved = !(next == positions_[slot]);
      positions_[slot] = next;
    }
    refresh_state(slot, moved);
  }
}

}  // namespace omega::zone
