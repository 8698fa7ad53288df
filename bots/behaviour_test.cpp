#include "bots/behaviour.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <vector>

namespace omega::bots {
namespace {

using protocol::EntityState;

protocol::EntityState entity(uint32_t id, float x_tiles, float y_tiles) {
  EntityState e;
  e.id = id;
  e.x = static_cast<uint16_t>(protocol::quantize_position(x_tiles));
  e.y = static_cast<uint16_t>(protocol::quantize_position(y_tiles));
  e.hp = e.max_hp = 100;
  return e;
}

// A view holding exactly `entities` (ascending ids), built through the real codec.
protocol::WorldView view_of(std::vector<EntityState> entities) {
  protocol::SnapshotEncoder encoder(0);
  std::vector<uint8_t> message;
  protocol::SnapshotFrame frame;
  frame.server_tick = 2;
  frame.enters = entities;
  encoder.encode(frame, message);
  protocol::WorldView view(0);
  EXPECT_EQ(view.apply(message), protocol::DecodeError::none);
  return view;
}

TEST(Behaviour, ParsesNames) {
  Behaviour b;
  EXPECT_TRUE(parse_behaviour("follow", b));
  EXPECT_EQ(b, Behaviour::follow);
  EXPECT_STREQ(to_string(b), "follow");
  EXPECT_FALSE(parse_behaviour("dance", b));
}

TEST(Behaviour, IdleNeverMoves) {
  BehaviourState state;
  std::mt19937 rng(1);
  auto view = view_of({entity(1, 10, 10), entity(2, 12, 10)});
  for (int i = 0; i < 50; ++i)
    EXPECT_FALSE(decide(Behaviour::idle, state, view, 1, i * 0.1, rng).moving);
}

TEST(Behaviour, WanderTurnsAboutEveryTwoSeconds) {
  BehaviourState state;
  std::mt19937 rng(7);
  protocol::WorldView empty(0);  // own entity unknown: no stuck detection
  int turns = 0;
  float last = decide(Behaviour::wander, state, empty, 0, 0.0, rng).direction;
  for (int i = 1; i <= 600; ++i) {  // 60 s at 10 Hz
    MoveIntent intent = decide(Behaviour::wander, state, empty, 0, i * 0.1, rng);
    EXPECT_TRUE(intent.moving);
    EXPECT_GE(intent.direction, 0.0f);
    EXPECT_LT(intent.direction, 2.0f * std::numbers::pi_v<float>);
    if (intent.direction != last) ++turns;
    last = intent.direction;
  }
  // 60 s / 2 s on average = 30 turns; between 60/2.5 and 60/1.5.
  EXPECT_GE(turns, 23);
  EXPECT_LE(turns, 40);
}

TEST(Behaviour, WanderTurnsWhenStuck) {
  BehaviourState state;
  std::mt19937 rng(3);
  auto view = view_of({entity(5, 1.3f, 1.3f)});  // never moves: against a wall
  float first = decide(Behaviour::wander, state, view, 5, 0.0, rng).direction;
  float later = first;
  for (int i = 1; i <= 6 && later == first; ++i)  // up to 0.6 s
    later = decide(Behaviour::wander, state, view, 5, i * 0.1, rng).direction;
  EXPECT_NE(later, first) << "a stuck wanderer should turn well before its 1.5 s minimum";
}

TEST(Behaviour, FollowHeadsForTheNearestOther) {
  BehaviourState state;
  std::mt19937 rng(1);
  // Self at (10, 10); 3 is 5 tiles south (nearest), 4 is 8 tiles east.
  auto view = view_of({entity(2, 10, 10), entity(3, 10, 15), entity(4, 18, 10)});
  MoveIntent intent = decide(Behaviour::follow, state, view, 2, 0.0, rng);
  EXPECT_TRUE(intent.moving);
  EXPECT_NEAR(intent.direction, std::numbers::pi_v<float> / 2, 1e-3);  // +y = south
}

TEST(Behaviour, FollowStopsCloseToTheTarget) {
  BehaviourState state;
  std::mt19937 rng(1);
  auto view = view_of({entity(2, 10, 10), entity(3, 11, 10)});
  EXPECT_FALSE(decide(Behaviour::follow, state, view, 2, 0.0, rng).moving);
}

TEST(Behaviour, FollowAloneWanders) {
  BehaviourState state;
  std::mt19937 rng(1);
  auto view = view_of({entity(2, 10, 10)});
  EXPECT_TRUE(decide(Behaviour::follow, state, view, 2, 0.0, rng).moving);
}

TEST(Behaviour, FightersLeaveAMonsterAnotherPlayerIsNearerTo) {
  std::mt19937 rng(1);
  BehaviourState state;
  const EntityState self = entity(5, 10, 10);
  EntityState wolf = entity(2, 11, 10);  // 1 tile from us, but another player stands at it
  wolf.kind = protocol::EntityKind::monster;
  EntityState boar = entity(3, 10, 15);  // 5 tiles from us, nobody at it
  boar.kind = protocol::EntityKind::monster;
  const EntityState other = entity(4, 11.5f, 10);
  MoveIntent intent =
      decide(Behaviour::fight, state, view_of({wolf, boar, other, self}), 5, 0.0, rng);
  EXPECT_TRUE(intent.moving);
  EXPECT_NEAR(intent.direction, std::numbers::pi_v<float> / 2, 1e-3f);  // +y, towards the boar
  // Same spot, same distance: the lower id keeps the wolf, we (id 5) go on.
  const EntityState twin = entity(4, 10, 10);
  intent = decide(Behaviour::fight, state, view_of({wolf, boar, twin, self}), 5, 0.0, rng);
  EXPECT_NEAR(intent.direction, std::numbers::pi_v<float> / 2, 1e-3f);
  // With every monster taken, the nearest one after all.
  intent = decide(Behaviour::fight, state, view_of({wolf, other, self}), 5, 0.0, rng);
  EXPECT_FALSE(intent.moving);
  EXPECT_EQ(intent.target, 2u);
}

TEST(Behaviour, FightWalksToTheNearestLiveMonsterAndAttacks) {
  std::mt19937 rng(1);
  BehaviourState state;
  EntityState self = entity(1, 10, 10);
  EntityState corpse = entity(2, 11, 10);
  corpse.kind = protocol::EntityKind::monster;
  corpse.hp = 0;
  EntityState wolf = entity(3, 10, 14);
  wolf.kind = protocol::EntityKind::monster;
  const EntityState player = entity(4, 9, 10);
  MoveIntent intent =
      decide(Behaviour::fight, state, view_of({self, corpse, wolf, player}), 1, 0.0, rng);
  EXPECT_TRUE(intent.moving);
  EXPECT_NEAR(intent.direction, std::numbers::pi_v<float> / 2, 1e-3f);  // +y, towards the wolf
  EXPECT_EQ(intent.action, 0);
  wolf = entity(3, 10, 11);
  wolf.kind = protocol::EntityKind::monster;
  intent = decide(Behaviour::fight, state, view_of({self, corpse, wolf, player}), 1, 1.0, rng);
  EXPECT_FALSE(intent.moving);
  EXPECT_EQ(intent.action, 1);
  EXPECT_EQ(intent.target, 3u);
  intent = decide(Behaviour::fight, state, view_of({self, corpse, wolf, player}), 1, 1.2, rng);
  EXPECT_EQ(intent.action, 0);  // not before the attack interval
}

TEST(Behaviour, FightInAnArenaGoesForTheNearestLivePlayer) {
  std::mt19937 rng(1);
  BehaviourState state;
  const EntityState self = entity(1, 10, 10);
  EntityState dead = entity(2, 10.5f, 10);
  dead.hp = 0;
  const EntityState enemy = entity(3, 11, 10);
  MoveIntent intent =
      decide(Behaviour::fight, state, view_of({self, dead, enemy}), 1, 0.0, rng, true);
  EXPECT_FALSE(intent.moving);
  EXPECT_EQ(intent.action, 1);
  EXPECT_EQ(intent.target, 3u);
  // Outside an arena players are not prey: with no monster the bot wanders.
  BehaviourState calm;
  intent = decide(Behaviour::fight, calm, view_of({self, dead, enemy}), 1, 0.0, rng);
  EXPECT_EQ(intent.action, 0);
}

TEST(Behaviour, AFighterStuckOnTheWayWalksRoundAndLeavesThatPreyForAnother) {
  std::mt19937 rng(1);
  BehaviourState state;
  const EntityState self = entity(1, 10, 10);
  EntityState wolf = entity(2, 10, 14);  // across a river, say: the bot cannot get nearer
  wolf.kind = protocol::EntityKind::monster;
  EntityState boar = entity(3, 17, 10);  // farther, but reachable
  boar.kind = protocol::EntityKind::monster;
  const auto view = view_of({self, wolf, boar});
  MoveIntent intent = decide(Behaviour::fight, state, view, 1, 0.0, rng);
  EXPECT_NEAR(intent.direction, std::numbers::pi_v<float> / 2, 1e-3f);  // the wolf first
  intent = decide(Behaviour::fight, state, view, 1, 0.2, rng);
  EXPECT_NEAR(intent.direction, std::numbers::pi_v<float> / 2, 1e-3f);
  // Not a unit further after kStuckSeconds: a detour in some random direction...
  intent = decide(Behaviour::fight, state, view, 1, 0.2 + kStuckSeconds, rng);
  EXPECT_TRUE(intent.moving);
  const float detour = intent.direction;
  EXPECT_EQ(decide(Behaviour::fight, state, view, 1, 0.3 + kStuckSeconds, rng).direction, detour);
  // ...then, the detour over (the bot moved), the boar: the wolf is shunned for kShunSeconds...
  const double after = 0.2 + kStuckSeconds + kDetourMaxSeconds + 0.01;
  const EntityState detoured = entity(1, 9, 10);
  intent = decide(Behaviour::fight, state, view_of({detoured, wolf, boar}), 1, after, rng);
  EXPECT_NEAR(intent.direction, 0.0f, 1e-3f);
  // ...and the wolf again once that is over and the bot moved.
  BehaviourState later = state;
  const EntityState moved = entity(1, 10, 11.5f);
  intent = decide(Behaviour::fight, later, view_of({moved, wolf, boar}), 1,
                  0.2 + kStuckSeconds + kShunSeconds + 0.01, rng);
  EXPECT_NEAR(intent.direction, std::numbers::pi_v<float> / 2, 1e-3f);
}

TEST(Behaviour, AFighterStandingToAttackIsNotStuck) {
  std::mt19937 rng(1);
  BehaviourState state;
  const EntityState self = entity(1, 10, 10);
  EntityState wolf = entity(2, 10, 11);
  wolf.kind = protocol::EntityKind::monster;
  const auto view = view_of({self, wolf});
  for (double t = 0.0; t < 3.0; t += 0.1) {
    const MoveIntent intent = decide(Behaviour::fight, state, view, 1, t, rng);
    ASSERT_FALSE(intent.moving) << t;
  }
  // The wolf steps away: the bot follows at once, no detour.
  const EntityState fled = entity(2, 10, 13);
  EntityState wolf2 = fled;
  wolf2.kind = protocol::EntityKind::monster;
  const MoveIntent intent = decide(Behaviour::fight, state, view_of({self, wolf2}), 1, 3.1, rng);
  EXPECT_NEAR(intent.direction, std::numbers::pi_v<float> / 2, 1e-3f);
}

}  // namespace
}  // namespace omega::bots
