#include "client/movement_predictor.hpp"

#include <cmath>

#include "game/movement.hpp"
#include "protocol/quantize.hpp"

namespace omega::client {

namespace {
float distance(game::Vec2 a, game::Vec2 b) {
  return std::hypot(a.x - b.x, a.y - b.y);
}
}  // namespace

MovementPredictor::MovementPredictor(const game::TileMap* map, float speed_tiles_per_second,
                                     float tick_seconds)
    : map_(map), speed_(speed_tiles_per_second), tick_seconds_(tick_seconds) {}

void MovementPredictor::reset(game::Vec2 position) {
  position_ = position;
  previous_ = position;
  offset_ = {};
  history_.clear();
  initialized_ = true;
}

game::Vec2 MovementPredictor::step(game::Vec2 from, const MoveCommand& command) const {
  if (!command.moving) return from;
  const float direction = protocol::dequantize_angle(command.direction);
  if (map_ == nullptr) {
    return {from.x + std::cos(direction) * speed_ * tick_seconds_,
            from.y + std::sin(direction) * speed_ * tick_seconds_};
  }
  return game::step_movement(*map_, from, direction, speed_, tick_seconds_);
}

void MovementPredictor::apply(const MoveCommand& command) {
  if (!initialized_) return;  // nothing to predict from until the server placed us
  previous_ = position_;
  position_ = step(position_, command);
  history_.push_back({command, position_});
  if (history_.size() > kMaxPendingInputs) history_.pop_front();
}

bool MovementPredictor::reconcile(uint16_t ack, game::Vec2 server_position) {
  if (!initialized_) {
    reset(server_position);
    return false;
  }
  // Drop everything the server has applied, remembering what we predicted for `ack` itself.
  bool found = false;
  game::Vec2 predicted_at_ack = position_;
  while (!history_.empty() && !protocol::sequence_greater_than(history_.front().command.seq, ack)) {
    if (history_.front().command.seq == ack) {
      found = true;
      predicted_at_ack = history_.front().after;
    }
    history_.pop_front();
  }
  // With nothing pending, the state after `ack` is the current one (the ack of an input we
  // already reconciled, or a snapshot before any input).
  if (!found && !history_.empty()) {
    // `ack` is older than anything pending (e.g. a snapshot overtaken by our inputs): we cannot
    // compare like with like, so wait for the next one.
    return false;
  }
  if (distance(predicted_at_ack, server_position) <= kAgreementTolerance) return false;

  // Disagreement: restart from the server and replay what it has not seen yet.
  const game::Vec2 before = display_position();
  game::Vec2 replayed = server_position;
  for (Entry& entry : history_) {
    replayed = step(replayed, entry.command);
    entry.after = replayed;
  }
  // Both ends of the display interpolation move with the correction.
  previous_ = {previous_.x + replayed.x - position_.x, previous_.y + replayed.y - position_.y};
  position_ = replayed;
  offset_ = {};
  const game::Vec2 after = display_position();
  ++corrections_;
  last_correction_ = distance(before, after);
  if (last_correction_ > kSnapDistance) {
    previous_ = position_;
    ++snaps_;
  } else {
    offset_ = {before.x - after.x, before.y - after.y};
  }
  return true;
}

void MovementPredictor::advance_display(float seconds) {
  if (seconds <= 0.0f) return;
  const float keep = std::exp(-seconds / kCorrectionDecaySeconds);
  offset_.x *= keep;
  offset_.y *= keep;
  if (std::fabs(offset_.x) < 1e-4f && std::fabs(offset_.y) < 1e-4f) offset_ = {};
}

}  // namespace omega::client
