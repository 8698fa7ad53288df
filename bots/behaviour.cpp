#include "bots/behaviour.hpp"

#include <cmath>
#include <limits>
#include <numbers>

namespace omega::bots {

bool parse_behaviour(std::string_view text, Behaviour& out) {
  if (text == "wander")
    out = Behaviour::wander;
  else if (text == "idle")
    out = Behaviour::idle;
  else if (text == "follow")
    out = Behaviour::follow;
  else if (text == "fight")
    out = Behaviour::fight;
  else
    return false;
  return true;
}

const char* to_string(Behaviour behaviour) {
  switch (behaviour) {
    case Behaviour::wander:
      return "wander";
    case Behaviour::idle:
      return "idle";
    case Behaviour::follow:
      return "follow";
    case Behaviour::fight:
      return "fight";
  }
  return "unknown";
}

namespace {

float random_direction(std::mt19937& rng) {
  return std::uniform_real_distribution<float>(0.0f, 2.0f * std::numbers::pi_v<float>)(rng);
}

// Tracks whether the bot's own entity moved since the last check; true when stuck.
bool stuck(BehaviourState& state, const protocol::EntityState* self, double now_s) {
  if (self == nullptr) return false;
  if (self->x != state.last_x || self->y != state.last_y) {
    state.last_x = self->x;
    state.last_y = self->y;
    state.last_progress_s = now_s;
    return false;
  }
  return now_s - state.last_progress_s >= kStuckSeconds;
}

int64_t distance_squared(const protocol::EntityState& a, const protocol::EntityState& b) {
  const int64_t dx = int64_t{a.x} - b.x, dy = int64_t{a.y} - b.y;
  return dx * dx + dy * dy;
}

// Fighters spread over the monsters: only the killing blow earns XP and loot, so bots piling
// on one monster starve the weakest of them. A monster is taken when another live player is
// engaged with it (within kTakenTiles) and nearer to it than we are (ties: the lower id); we
// go for the nearest monster not taken (nor `shunned`), or `nearest` when all are. `best` is
// its distance².
const protocol::EntityState* untaken_monster(const protocol::WorldView& view,
                                             const protocol::EntityState& self,
                                             const protocol::EntityState* nearest, int64_t& best,
                                             uint32_t shunned) {
  constexpr float kTakenTiles = 2.0f;
  const double taken_units = kTakenTiles * protocol::kPositionUnitsPerTile;
  const protocol::EntityState* choice = nullptr;
  int64_t choice_d2 = std::numeric_limits<int64_t>::max();
  for (const protocol::EntityBaseline& monster : view.entities().entries()) {
    if (monster.state.kind != protocol::EntityKind::monster || monster.state.hp == 0 ||
        monster.state.id == shunned)
      continue;
    const int64_t mine = distance_squared(self, monster.state);
    if (mine >= choice_d2) continue;
    bool taken = false;
    for (const protocol::EntityBaseline& player : view.entities().entries()) {
      if (player.state.kind != protocol::EntityKind::player || player.state.hp == 0 ||
          player.state.id == self.id)
        continue;
      const int64_t theirs = distance_squared(player.state, monster.state);
      if (double(theirs) <= taken_units * taken_units &&
          (theirs < mine || (theirs == mine && player.state.id < self.id))) {
        taken = true;
        break;
      }
    }
    if (!taken) {
      choice = &monster.state;
      choice_d2 = mine;
    }
  }
  if (choice == nullptr) return nearest;
  best = choice_d2;
  return choice;
}

MoveIntent wander(BehaviourState& state, const protocol::EntityState* self, double now_s,
                  std::mt19937& rng) {
  const bool turn = state.next_turn_s < 0.0 || now_s >= state.next_turn_s;
  if (turn || stuck(state, self, now_s)) {
    state.direction = random_direction(rng);
    state.next_turn_s =
        now_s + std::uniform_real_distribution<double>(kWanderMinSeconds, kWanderMaxSeconds)(rng);
    state.last_progress_s = now_s;  // give the new direction a chance before calling it stuck
  }
  return {true, state.direction};
}

MoveIntent fight(BehaviourState& state, const protocol::WorldView& view,
                 const protocol::EntityState* self, double now_s, std::mt19937& rng, bool pvp) {
  if (self == nullptr || self->hp == 0) return {};
  const bool stuck_now = stuck(state, self, now_s);
  if (now_s < state.detour_until_s) {
    if (stuck_now) state.direction = random_direction(rng);  // the detour met a wall too
    return {true, state.direction};
  }
  const uint32_t shunned = now_s < state.shunned_until_s ? state.shunned : 0;
  const protocol::EntityState* prey = nullptr;
  int64_t best = std::numeric_limits<int64_t>::max();
  const protocol::EntityKind enemy =
      pvp ? protocol::EntityKind::player : protocol::EntityKind::monster;
  for (const protocol::EntityBaseline& other : view.entities().entries()) {
    if (other.state.kind != enemy || other.state.hp == 0 || other.state.id == self->id ||
        other.state.id == shunned)
      continue;
    const int64_t dx = int64_t{other.state.x} - self->x;
    const int64_t dy = int64_t{other.state.y} - self->y;
    if (dx * dx + dy * dy < best) {
      best = dx * dx + dy * dy;
      prey = &other.state;
    }
  }
  if (prey == nullptr) return wander(state, self, now_s, rng);
  if (prey->kind == protocol::EntityKind::monster)
    prey = untaken_monster(view, *self, prey, best, shunned);
  const float dx = float(int32_t{prey->x} - int32_t{self->x});
  const float dy = float(int32_t{prey->y} - int32_t{self->y});
  MoveIntent intent{true, std::atan2(dy, dx)};
  const float range_units = kFightRangeTiles * protocol::kPositionUnitsPerTile;
  if (double(best) <= double(range_units) * double(range_units)) {
    intent.moving = false;
    state.last_progress_s = now_s;  // standing to fight is not being stuck
    if (now_s >= state.next_attack_s) {
      intent.action = 1;
      intent.target = prey->id;
      state.next_attack_s = now_s + kAttackIntervalSeconds;
    }
  } else if (stuck_now) {
    // Something stands between us and the prey: walk round it and try another one.
    state.shunned = prey->id;
    state.shunned_until_s = now_s + kShunSeconds;
    state.direction = random_direction(rng);
    state.detour_until_s =
        now_s + std::uniform_real_distribution<double>(kDetourMinSeconds, kDetourMaxSeconds)(rng);
    state.last_progress_s = now_s;
    return {true, state.direction};
  }
  return intent;
}

}  // namespace

MoveIntent decide(Behaviour behaviour, BehaviourState& state, const protocol::WorldView& view,
                  uint32_t self_id, double now_s, std::mt19937& rng, bool pvp) {
  const protocol::EntityState* self = self_id ? view.find(self_id) : nullptr;
  switch (behaviour) {
    case Behaviour::idle:
      return {};
    case Behaviour::wander:
      return wander(state, self, now_s, rng);
    case Behaviour::fight:
      return fight(state, view, self, now_s, rng, pvp);
    case Behaviour::follow: {
      if (self == nullptr) return wander(state, self, now_s, rng);
      const protocol::EntityBaseline* nearest = nullptr;
      int64_t best = std::numeric_limits<int64_t>::max();
      for (const protocol::EntityBaseline& other : view.entities().entries()) {
        if (other.state.id == self_id) continue;
        const int64_t dx = int64_t{other.state.x} - self->x;
        const int64_t dy = int64_t{other.state.y} - self->y;
        if (dx * dx + dy * dy < best) {
          best = dx * dx + dy * dy;
          nearest = &other;
        }
      }
      if (nearest == nullptr) return wander(state, self, now_s, rng);
      const float stop_units = kFollowStopTiles * protocol::kPositionUnitsPerTile;
      if (double(best) <= double(stop_units) * double(stop_units)) return {};
      const float dx = float(int32_t{nearest->state.x} - int32_t{self->x});
      const float dy = float(int32_t{nearest->state.y} - int32_t{self->y});
      return {true, std::atan2(dy, dx)};
    }
  }
  return {};
}

}  // namespace omega::bots
