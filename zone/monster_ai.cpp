// World: monster AI — activation culling, the per-monster state machine (idle/wander, chase,
// attack, leash back and reset, dead until respawn) and steering.
//
// Activation: monsters are indexed by their home position (home_grid_, built once); each
// tick every live player wakes the monsters whose home lies within the activation radius.
// Only awake monsters think; a monster idle with no player near for kSleepAfterTicks goes
// back to sleep, so a zone's sleeping monsters cost nothing per tick.
//
// Pathing: with a clear line to the goal a monster steers straight (step_movement collision);
// otherwise it follows a Recast/Detour path, queried under a per-tick budget and kept until
// its goal moves more than kRepathTiles. A leash that still stalls snaps home.
//
// Crowd separation: after thinking, awake monsters closer than kSeparationTiles push apart
// (each takes half of the overlap, at most kSeparationStepTiles a tick, through
// step_movement so walls still hold), so a pack chasing one player spreads around it instead
// of stacking on one point. Neighbours come from a per-tick sort of the awake monsters by
// cell (cell = kSeparationTiles): cost grows with the awake count only, never the map size
// or the sleeping monsters.
#include <algorithm>
#include <cmath>

#include "game/movement.hpp"
#include "protocol/quantize.hpp"
#include "zone/world.hpp"

namespace omega::zone {
namespace {

// An idle monster with no player within the activation radius this long falls asleep.
constexpr uint32_t kSleepAfterTicks = 90;
// Wandering: goals within this many tiles of home, a new one every 2..5 s at 30 Hz.
constexpr int kWanderTiles = 4;
constexpr uint32_t kWanderMinTicks = 60, kWanderSpreadTicks = 90;
constexpr float kWanderSpeedFactor = 0.4f;
// Leashing monsters run home faster and count as home within this distance.
constexpr float kLeashSpeedFactor = 1.5f;
constexpr float kArrivedDistance = 0.3f;
// A chase re-enters attack within the attack range, and leaves it beyond range * this.
constexpr float kAttackRangeSlack = 1.15f;
// Path queries per tick for the whole world (each ~10-50 us); the rest wait a tick.
constexpr uint32_t kPathQueriesPerTick = 16;
// A path is kept until its goal has moved this far (tiles).
constexpr float kRepathTiles = 1.5f;
// A corner counts as reached this close (tiles).
constexpr float kCornerReached = 0.25f;

// Awake monsters keep at least this far apart, centre to centre (2.67 collision radii).
constexpr float kSeparationTiles = 0.8f;
// The most one monster is pushed in a tick (3 tiles/s at 30 Hz, under every chase speed).
constexpr float kSeparationStepTiles = 0.1f;

float distance(game::Vec2 a, game::Vec2 b) {
  return std::hypot(a.x - b.x, a.y - b.y);
}

uint64_t separation_cell(int64_t cx, int64_t cy) {
  return (static_cast<uint64_t>(static_cast<uint32_t>(cy)) << 32) | static_cast<uint32_t>(cx);
}

// A fixed direction for two monsters on exactly the same point (pair order decides the sign).
game::Vec2 tie_break(uint32_t a, uint32_t b) {
  const uint32_t low = std::min(a, b), high = std::max(a, b);
  const uint32_t hash = (low * 0x9e3779b9u) ^ (high * 0x85ebca6bu);
  const float angle = static_cast<float>(hash >> 8) * (6.2831853f / 16777216.0f);
  const float sign = a < b ? 1.0f : -1.0f;
  return {sign * std::cos(angle), sign * std::sin(angle)};
}

}  // namespace

void World::warm_up() {
  if (monsters_.empty()) return;
  if (homes_dirty_) {
    home_grid_.rebuild(homes_, homes_active_);
    homes_dirty_ = false;
  }
  if (!navmesh_tried_) {
    navmesh_tried_ = true;
    std::string error;
    if (!navmesh_.build(map_, error)) navmesh_error_ = error;  // direct steering only
  }
}

void World::wake_monsters() {
  if (monsters_.empty()) return;
  warm_up();
  path_budget_ = kPathQueriesPerTick;
  for (uint32_t slot = 0; slot < active_.size(); ++slot)
    player_mask_[slot] = active_[slot] && is_player(slot) && !slots_[slot].combatant.dead();
  player_grid_.rebuild(positions_, player_mask_);
  for (uint32_t slot = 0; slot < active_.size(); ++slot) {
    if (!player_mask_[slot]) continue;
    home_grid_.query(positions_[slot], settings_.activation_radius, [&](uint32_t index, float) {
      Monster& monster = monsters_[index];
      monster.last_seen_player = tick_;
      if (!monster.awake) {
        monster.awake = true;
        awake_.push_back(index);
      }
    });
  }
}

uint32_t World::nearest_player(game::Vec2 from, float radius) const {
  uint32_t best = kNoSlot;
  float best_d2 = radius * radius;
  player_grid_.query(from, radius, [&](uint32_t slot, float d2) {
    if (d2 < best_d2 || (d2 == best_d2 && slot < best)) {
      best = slot;
      best_d2 = d2;
    }
  });
  if (best != kNoSlot && !map_.has_line_of_sight(from, positions_[best])) return kNoSlot;
  return best;
}

bool World::steer(uint32_t slot, game::Vec2 goal, float factor, float stop_distance) {
  const game::Vec2 at = positions_[slot];
  const float dx = goal.x - at.x, dy = goal.y - at.y;
  const float remaining = std::hypot(dx, dy) - stop_distance;
  const float speed_factor = factor * game::speed_factor(slots_[slot].combatant, tick_);
  if (remaining <= 0.0f || speed_factor <= 0.0f) return false;
  const float dt = 1.0f / static_cast<float>(settings_.tick_hz);
  const float speed =
      content_->monsters[monsters_[slots_[slot].monster].definition].speed * speed_factor;
  const float direction = std::atan2(dy, dx);
  const game::Vec2 next =
      game::step_movement(map_, at, direction, std::min(speed, remaining / dt), dt);
  intents_[slot].facing = static_cast<uint8_t>(protocol::quantize_angle(direction));
  const bool moved = !(next == at);
  positions_[slot] = next;
  return moved;
}

bool World::travel(Monster& monster, game::Vec2 goal, float factor, float stop_distance) {
  const uint32_t slot = monster.slot;
  const game::Vec2 at = positions_[slot];
  if (!navmesh_.ready() || map_.has_line_of_sight(at, goal)) {
    monster.corner_count = 0;
    return steer(slot, goal, factor, stop_distance);
  }
  const bool stale = monster.corner_count == 0 || monster.corner_index >= monster.corner_count ||
                     distance(monster.path_goal, goal) > kRepathTiles;
  if (stale && path_budget_ > 0) {
    --path_budget_;
    ++path_queries_;
    monster.corner_count = static_cast<uint8_t>(navmesh_.find_path(at, goal, monster.corners));
    monster.corner_index = 0;
    monster.path_goal = goal;
  }
  if (monster.corner_count == 0 || monster.corner_index >= monster.corner_count)
    return steer(slot, goal, factor, stop_distance);  // no path (yet): try straight
  while (monster.corner_index + 1 < monster.corner_count &&
         distance(at, monster.corners[monster.corner_index]) <= kCornerReached)
    ++monster.corner_index;
  const bool last = monster.corner_index + 1 == monster.corner_count;
  return steer(slot, monster.corners[monster.corner_index], factor, last ? stop_distance : 0.0f);
}

void World::think(Monster& monster) {
  const uint32_t slot = monster.slot;
  const game::MonsterDefinition& d = content_->monsters[monster.definition];
  game::Combatant& c = slots_[slot].combatant;
  bool moved = false;

  if (monster.state == AiState::dead) {
    if (tick_ < monster.respawn_tick) return;
    c = game::make_monster(d);
    positions_[slot] = monster.home;
    monster.state = AiState::idle;
    monster.next_think_tick = tick_;
    refresh_state(slot, false);
    return;
  }
  game::upkeep(c, content_->progression, tick_);
  if (c.has(game::StatusEffect::stun, tick_)) {
    refresh_state(slot, false);
    return;
  }

  // A target is still valid while it is the same live entity.
  auto target_valid = [&] {
    const uint32_t t = monster.target_slot;
    return t < active_.size() && active_[t] && states_[t].id == monster.target_id &&
           !slots_[t].combatant.dead();
  };
  auto leash = [&] {
    monster.state = AiState::leash;
    monster.target_id = 0;
  };

  switch (monster.state) {
    case AiState::idle: {
      const uint32_t player = nearest_player(positions_[slot], d.aggro_radius);
      if (player != kNoSlot) {
        monster.state = AiState::chase;
        monster.target_slot = player;
        monster.target_id = states_[player].id;
        break;
      }
      if (tick_ - monster.last_seen_player > kSleepAfterTicks) {
        monster.awake = false;
        break;
      }
      if (tick_ >= monster.next_think_tick) {
        monster.next_think_tick =
            tick_ + kWanderMinTicks + static_cast<uint32_t>(next_random() % kWanderSpreadTicks);
        const int span = 2 * kWanderTiles + 1;
        const game::Vec2 goal{
            monster.home.x - kWanderTiles + static_cast<float>(next_random() % span),
            monster.home.y - kWanderTiles + static_cast<float>(next_random() % span)};
        if (game::circle_is_clear(map_, goal)) monster.wander_goal = goal;
      }
      moved = travel(monster, monster.wander_goal, kWanderSpeedFactor, 0.0f);
      break;
    }
    case AiState::chase: {
      if (!target_valid() || distance(positions_[slot], monster.home) > d.leash_radius) {
        leash();
        break;
      }
      const game::Vec2 target = positions_[monster.target_slot];
      if (distance(positions_[slot], target) <= d.attack.range &&
          map_.has_line_of_sight(positions_[slot], target)) {
        monster.state = AiState::attack;
      } else {
        moved = travel(monster, target, 1.0f, d.attack.range * 0.8f);
        break;
      }
      [[fallthrough]];
    }
    case AiState::attack: {
      if (!target_valid()) {
        leash();
        break;
      }
      const uint32_t t = monster.target_slot;
      game::TargetInfo info;
      info.exists = info.hostile = true;
      info.distance = distance(positions_[slot], positions_[t]);
      info.line_of_sight = map_.has_line_of_sight(positions_[slot], positions_[t]);
      if (info.distance > d.attack.range * kAttackRangeSlack || !info.line_of_sight) {
        monster.state = AiState::chase;
        break;
      }
      const float dx = positions_[t].x - positions_[slot].x,
                  dy = positions_[t].y - positions_[slot].y;
      intents_[slot].facing = static_cast<uint8_t>(protocol::quantize_angle(std::atan2(dy, dx)));
      info.distance = std::min(info.distance, d.attack.range);  // within the slack
      if (game::check_action(c, d.attack, 1, info, tick_) == protocol::RejectReason::none) {
        game::start_action(c, d.attack, 1, monster.target_id, tick_);
        hit(slot, t, d.attack);
      }
      break;
    }
    case AiState::leash: {
      moved = travel(monster, monster.home, kLeashSpeedFactor, 0.0f);
      // Home, or stuck (no path): snap home and reset.
      if (distance(positions_[slot], monster.home) <= kArrivedDistance || !moved) {
        positions_[slot] = monster.home;
        c = game::make_monster(d);
        monster.state = AiState::idle;
        monster.wander_goal = monster.home;
        monster.next_think_tick = tick_ + kWanderMinTicks;
      }
      break;
    }
    case AiState::dead:
      break;
  }
  refresh_state(slot, moved);
}

void World::separate_monsters() {
  std::vector<SeparationEntry>& entries = separation_;
  entries.clear();
  for (const uint32_t index : awake_) {
    const Monster& monster = monsters_[index];
    if (monster.state == AiState::dead) continue;
    const game::Vec2 at = positions_[monster.slot];
    const auto cx = static_cast<int64_t>(std::floor(at.x / kSeparationTiles));
    const auto cy = static_cast<int64_t>(std::floor(at.y / kSeparationTiles));
    entries.push_back({separation_cell(cx, cy), index, at, {}});
  }
  if (entries.size() < 2) return;
  // By cell, then by monster index: the pushes depend on positions only, not on wake order.
  std::sort(entries.begin(), entries.end(), [](const SeparationEntry& a, const SeparationEntry& b) {
    return a.cell != b.cell ? a.cell < b.cell : a.monster < b.monster;
  });
  for (SeparationEntry& self : entries) {
    const auto cx = static_cast<int64_t>(std::floor(self.at.x / kSeparationTiles));
    const auto cy = static_cast<int64_t>(std::floor(self.at.y / kSeparationTiles));
    for (int64_t y = cy - 1; y <= cy + 1; ++y) {
      for (int64_t x = cx - 1; x <= cx + 1; ++x) {
        const uint64_t cell = separation_cell(x, y);
        auto it = std::lower_bound(entries.begin(), entries.end(), cell,
                                   [](const SeparationEntry& e, uint64_t c) { return e.cell < c; });
        for (; it != entries.end() && it->cell == cell; ++it) {
          if (it->monster == self.monster) continue;
          const float dx = self.at.x - it->at.x, dy = self.at.y - it->at.y;
          const float d = std::hypot(dx, dy);
          if (d >= kSeparationTiles) continue;
          const float share = 0.5f * (kSeparationTiles - d);
          const game::Vec2 away =
              d > 1e-4f ? game::Vec2{dx / d, dy / d} : tie_break(self.monster, it->monster);
          self.push.x += away.x * share;
          self.push.y += away.y * share;
        }
      }
    }
  }
  const float dt = 1.0f / static_cast<float>(settings_.tick_hz);
  for (const SeparationEntry& entry : entries) {
    const Monster& monster = monsters_[entry.monster];
    const float length = std::hypot(entry.push.x, entry.push.y);
    // A leashing monster walks home through the pack; it resets there anyway.
    if (length < 1e-4f || monster.state == AiState::leash) continue;
    const float step = std::min(length, kSeparationStepTiles);
    const game::Vec2 next =
        game::step_movement(map_, entry.at, std::atan2(entry.push.y, entry.push.x), step / dt, dt);
    if (next == entry.at) continue;
    positions_[monster.slot] = next;
    refresh_state(monster.slot, true);
  }
}

}  // namespace omega::zone
