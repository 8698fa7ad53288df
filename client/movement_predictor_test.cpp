#include "client/movement_predictor.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "game/movement.hpp"
#include "protocol/quantize.hpp"

namespace omega::client {
namespace {

using game::Vec2;
constexpr float kTick = 1.0f / 30.0f;
constexpr uint8_t kEast = 0, kSouth = 64;

float distance(Vec2 a, Vec2 b) {
  return std::hypot(a.x - b.x, a.y - b.y);
}
Vec2 quantized(Vec2 p) {
  return {protocol::dequantize_position(protocol::quantize_position(p.x)),
          protocol::dequantize_position(protocol::quantize_position(p.y))};
}

class MovementPredictorTest : public ::testing::Test {
 protected:
  game::TileMap map = game::TileMap::open_field(64, 64);
  MovementPredictor predictor{&map, 5.0f, kTick};
  std::vector<Vec2> history;  // server position after input i + 1
  Vec2 server_history(uint16_t seq) const { return history[seq - 1]; }
};

TEST_F(MovementPredictorTest, PredictsWithTheSharedMovementCode) {
  predictor.reset({10.5f, 10.5f});
  predictor.apply({1, true, kEast});
  const Vec2 expected = game::step_movement(map, {10.5f, 10.5f}, 0.0f, 5.0f, kTick);
  EXPECT_EQ(predictor.position(), expected);
  EXPECT_EQ(predictor.pending(), 1u);
}

TEST_F(MovementPredictorTest, NoSnapWhenTheServerAgrees) {
  predictor.reset({10.5f, 10.5f});
  Vec2 server{10.5f, 10.5f};
  for (uint16_t seq = 1; seq <= 60; ++seq) {
    predictor.apply({seq, true, seq < 30 ? kEast : kSouth});
    server = game::step_movement(map, server, protocol::dequantize_angle(seq < 30 ? kEast : kSouth),
                                 5.0f, kTick);
    history.push_back(server);
    // The server acknowledges three inputs late, with its position rounded to the wire's units.
    if (seq > 3) {
      const Vec2 before = predictor.display_position();
      EXPECT_FALSE(predictor.reconcile(seq - 3, quantized(server_history(seq - 3))));
      EXPECT_EQ(predictor.display_position(), before);
    }
  }
  EXPECT_EQ(predictor.corrections(), 0u);
  EXPECT_EQ(predictor.display_offset(), (Vec2{0, 0}));
}

TEST_F(MovementPredictorTest, ReplaysUnacknowledgedInputsAfterACorrection) {
  predictor.reset({10.5f, 10.5f});
  for (uint16_t seq = 1; seq <= 10; ++seq) predictor.apply({seq, true, kEast});
  // The server says that after input 4 we were somewhere else (it pushed us half a tile down).
  Vec2 server{10.5f, 11.0f};
  for (int i = 0; i < 4; ++i) server = game::step_movement(map, server, 0.0f, 5.0f, kTick);
  const Vec2 displayed = predictor.display_position();
  EXPECT_TRUE(predictor.reconcile(4, server));
  EXPECT_EQ(predictor.pending(), 6u);
  Vec2 replayed = server;
  for (int i = 0; i < 6; ++i) replayed = game::step_movement(map, replayed, 0.0f, 5.0f, kTick);
  EXPECT_EQ(predictor.position(), replayed);
  // Nothing jumps on screen: the error becomes an offset that decays.
  EXPECT_LT(distance(predictor.display_position(), displayed), 1e-5f);
  float previous_offset = distance(predictor.display_position(), predictor.position());
  EXPECT_NEAR(previous_offset, 0.5f, 1e-3f);
  for (int frame = 0; frame < 60; ++frame) {
    predictor.advance_display(1.0f / 60.0f);
    const float offset = distance(predictor.display_position(), predictor.position());
    EXPECT_LE(offset, previous_offset);
    previous_offset = offset;
  }
  EXPECT_LT(previous_offset, 1e-3f);  // converged within a second
}

TEST_F(MovementPredictorTest, LargeErrorsSnap) {
  predictor.reset({10.5f, 10.5f});
  predictor.apply({1, true, kEast});
  EXPECT_TRUE(predictor.reconcile(1, {40.5f, 40.5f}));  // portal, respawn
  EXPECT_EQ(predictor.snaps(), 1u);
  EXPECT_EQ(predictor.display_position(), (Vec2{40.5f, 40.5f}));
}

TEST_F(MovementPredictorTest, OldAcksAndSequenceWrap) {
  predictor.reset({10.5f, 10.5f});
  predictor.apply({65535, true, kEast});
  predictor.apply({0, true, kEast});
  predictor.apply({1, true, kEast});
  // An ack older than everything pending cannot be compared: ignored.
  EXPECT_FALSE(predictor.reconcile(65000, {0.5f, 0.5f}));
  EXPECT_EQ(predictor.pending(), 3u);
  // Acks across the wrap drop what they cover.
  Vec2 server{10.5f, 10.5f};
  for (int i = 0; i < 2; ++i) server = game::step_movement(map, server, 0.0f, 5.0f, kTick);
  EXPECT_FALSE(predictor.reconcile(0, server));
  EXPECT_EQ(predictor.pending(), 1u);
}

TEST_F(MovementPredictorTest, CollidesLikeTheServer) {
  predictor.reset({61.5f, 10.5f});  // the east border wall is at x = 63
  for (uint16_t seq = 1; seq <= 30; ++seq) predictor.apply({seq, true, kEast});
  EXPECT_LE(predictor.position().x, 63.0f - game::kEntityRadius + 1e-4f);
  EXPECT_GT(predictor.position().x, 62.5f);
}

}  // namespace
}  // namespace omega::client
