// Client-side prediction and server reconciliation of the player's own movement.
//
// Every PlayerInput the client sends is applied here at once, as one simulation tick of the
// shared game/ movement code (the zone moves a player one tick per tick with its latest
// intent, at its own speed, with the same step_movement), and kept until a snapshot
// acknowledges it. On each snapshot the authoritative position after input `ack` is compared
// with what we predicted for `ack`:
//   - if they agree (within the wire's position quantisation) nothing changes: no snap;
//   - otherwise the prediction restarts from the server's position and replays the inputs the
//     server has not applied yet. The jump this causes in the predicted position is not shown
//     at once: it goes into a display offset that decays over ~100 ms, so corrections are
//     smooth. A large error (teleport, portal, respawn) snaps.
//
// Time is passed in; no clock is read. Thread safety: none; owned by the session.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>

#include "game/tile_map.hpp"
#include "game/vec2.hpp"

namespace omega::client {

// Predicted and server positions closer than this agree. One wire unit is 1/32 tile and the
// server rounds to the nearest unit (error ≤ 1/64 per axis); 1/32 is that with margin, and
// far below anything a player can see (a pixel at 32 px per tile).
inline constexpr float kAgreementTolerance = 1.0f / 32.0f;
// Display corrections larger than this (tiles) snap instead of sliding: the server moved us
// (portal, respawn, knock-back), and sliding across the map would look worse than a cut.
inline constexpr float kSnapDistance = 3.0f;
// Time constant of the display offset's decay, seconds: ~100 ms hides a correction while
// keeping the picture within a few frames of the truth.
inline constexpr float kCorrectionDecaySeconds = 0.1f;
// Unacknowledged inputs kept at most: 8 s at 30 Hz. Past this the server is not answering and
// replaying more would only cost time; the oldest are dropped.
inline constexpr size_t kMaxPendingInputs = 240;

struct MoveCommand {
  uint16_t seq = 0;
  bool moving = false;
  uint8_t direction = 0;  // quantised angle, as sent and as the server decodes it
};

class MovementPredictor {
 public:
  // `map` may be null (no collision: an open world) and must outlive the predictor.
  MovementPredictor(const game::TileMap* map, float speed_tiles_per_second, float tick_seconds);

  void set_map(const game::TileMap* map) { map_ = map; }
  void set_speed(float speed_tiles_per_second) { speed_ = speed_tiles_per_second; }
  void set_tick_seconds(float seconds) { tick_seconds_ = seconds; }

  // Starts from a known position (first snapshot, new zone); forgets pending inputs.
  void reset(game::Vec2 position);
  bool initialized() const { return initialized_; }

  // Applies one input locally, one tick of movement, and keeps it until acknowledged.
  void apply(const MoveCommand& command);

  // The server's position after it applied input `ack`. Returns true when it corrected us.
  bool reconcile(uint16_t ack, game::Vec2 server_position);

  // A tick passed without an input (standing still): nothing moves.
  void hold() { previous_ = position_; }
  // Advances the display smoothing by `seconds` of wall time.
  void advance_display(float seconds);
  // How far (0..1) wall time is into the current input tick. Inputs move us a whole tick at a
  // time (1/6 tile at 30 Hz); drawing between the last two tick positions makes the motion
  // continuous at any frame rate, at the cost of one tick of display delay.
  void set_tick_fraction(float fraction) {
    fraction_ = fraction < 0 ? 0 : fraction > 1 ? 1 : fraction;
  }

  game::Vec2 position() const { return position_; }  // predicted simulation position
  game::Vec2 display_position() const {              // what to draw
    return {previous_.x + (position_.x - previous_.x) * fraction_ + offset_.x,
            previous_.y + (position_.y - previous_.y) * fraction_ + offset_.y};
  }
  game::Vec2 display_offset() const { return offset_; }
  size_t pending() const { return history_.size(); }
  uint64_t corrections() const { return corrections_; }
  uint64_t snaps() const { return snaps_; }
  float last_correction_distance() const { return last_correction_; }

 private:
  struct Entry {
    MoveCommand command;
    game::Vec2 after;  // predicted position after this input
  };
  game::Vec2 step(game::Vec2 from, const MoveCommand& command) const;

  const game::TileMap* map_;
  float speed_;
  float tick_seconds_;
  bool initialized_ = false;
  game::Vec2 position_;
  game::Vec2 previous_;  // position before the last applied input
  float fraction_ = 1.0f;
  game::Vec2 offset_;
  std::deque<Entry> history_;  // unacknowledged inputs, oldest first
  uint64_t corrections_ = 0;
  uint64_t snaps_ = 0;
  float last_correction_ = 0.0f;
};

}  // namespace omega::client
