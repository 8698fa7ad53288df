// What a bot does with its character: the intention it puts in the next PlayerInput.
//
// Pure logic over the bot's decoded WorldView, with time and randomness passed in, so it is
// unit-tested without a network. Bots never predict: they send intentions and read back
// where the zone put them, like the zone's own authority expects.
//
// Thread safety: none; each bot owns its BehaviourState.
#pragma once

#include <cstdint>
#include <random>
#include <string_view>

#include "protocol/snapshot.hpp"

namespace omega::bots {

enum class Behaviour : uint8_t {
  wander,  // walk in a random direction, pick a new one every ~2 s (or when stuck)
  idle,    // stand still, send "not moving" inputs
  follow,  // walk towards the nearest other entity in view; wander when alone
  fight,   // walk to the nearest live monster in view and auto-attack it; wander when none
           // (in an arena, `pvp`: the nearest live other player instead)
};

// Parses "wander" / "idle" / "follow" / "fight"; false on anything else.
bool parse_behaviour(std::string_view text, Behaviour& out);
const char* to_string(Behaviour behaviour);

// Seconds between wander direction changes: uniform in [min, max], ~2 s on average.
inline constexpr double kWanderMinSeconds = 1.5;
inline constexpr double kWanderMaxSeconds = 2.5;
// A walking bot whose own position has not changed for this long is against a wall (or the
// map edge): it turns at once instead of pushing for the rest of its 2 s.
inline constexpr double kStuckSeconds = 0.4;
// A follower stops this close (tiles) to its target instead of pushing into it.
inline constexpr float kFollowStopTiles = 1.5f;
// A fighter closes to this distance (inside every class's attack range) and tries to attack
// every 0.3 s: it does not know its class's cooldown (1.0-1.3 s), a refusal (ActionReject
// cooldown) costs nothing, and trying only once a second made a 1.3 s cooldown a 2 s one.
inline constexpr float kFightRangeTiles = 1.2f;
inline constexpr double kAttackIntervalSeconds = 0.3;
// A fighter walking straight at its prey can meet a wall, a tree or a river between them:
// once stuck it walks a random way for this long (uniform in [min, max]) and leaves that
// prey alone for kShunSeconds, so it picks another instead of pushing at the same wall.
inline constexpr double kDetourMinSeconds = 0.8;
inline constexpr double kDetourMaxSeconds = 1.6;
inline constexpr double kShunSeconds = 10.0;

struct BehaviourState {
  float direction = 0.0f;           // radians, 0 = +x, pi/2 = +y (south)
  double next_turn_s = -1.0;        // when wander picks a new direction; < 0 = not yet chosen
  uint16_t last_x = 0, last_y = 0;  // own position at the last progress check
  double last_progress_s = 0.0;     // when own position last changed
  double next_attack_s = 0.0;       // fight: when the next attack may be sent
  double detour_until_s = -1.0;     // fight: walking `direction` round an obstacle until then
  uint32_t shunned = 0;             // fight: prey that got the bot stuck, skipped until...
  double shunned_until_s = -1.0;    // ...this moment
};

struct MoveIntent {
  bool moving = false;
  float direction = 0.0f;  // radians; meaningful when moving
  uint8_t action = 0;      // PlayerInput action (1 = basic attack), 0 = none
  uint32_t target = 0;     // entity the action is aimed at
};

// The bot's next intention. `self` is the bot's own entity id (0 before Welcome). `pvp`: the
// bot is in an arena match, where its enemies are the other players (snapshots do not carry
// teams: in a 2v2 the zone refuses attacks on a teammate, and the bot tries again).
MoveIntent decide(Behaviour behaviour, BehaviourState& state, const protocol::WorldView& view,
                  uint32_t self, double now_s, std::mt19937& rng, bool pvp = false);

}  // namespace omega::bots
