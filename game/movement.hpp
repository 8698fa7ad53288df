// Movement and collision of an entity (a circle of radius kEntityRadius) against a TileMap.
//
// The same code is the server's authority and the client's prediction, so it must give the
// same bits for the same inputs on both ends: plain IEEE float arithmetic, no wall clock, no
// randomness, no allocation; the library is compiled with -ffp-contract=off (no fused
// multiply-add that one compiler would use and another would not) and never with
// -ffast-math. Direction goes through std::cos/std::sin: identical on every build of the
// same libm (all our targets use glibc); a client on another libm should send and predict
// with the quantised direction the server will decode.
//
// Guarantees, for a start position whose circle is clear of blocked tiles:
//   - the circle never overlaps a blocked tile afterwards, however large the step (the path
//     is swept tile by tile, so a one-tile wall cannot be tunnelled through);
//   - the displacement never exceeds speed * dt (collision only removes motion);
//   - blocked motion slides: the part of the motion along a wall is kept.
// An entity that starts overlapping a blocked tile (bad spawn, edited map) can move away from
// it but never deeper into it.
//
// Thread safety: pure functions.
#pragma once

#include "game/tile_map.hpp"
#include "game/vec2.hpp"

namespace omega::game {

// Collision radius of players and ordinary monsters, in tiles: a bit over half a tile across,
// so two entities fit side by side in a two-tile street and one passes a one-tile doorway.
inline constexpr float kEntityRadius = 0.3f;

// Default maximum speed of a player, tiles per second: a brisk run that crosses the
// 256-tile hub in about 50 s and covers 1/6 of a tile per 30 Hz tick, so per-tick position
// deltas stay small for the snapshot encoder and a speed check has a clear bound.
inline constexpr float kPlayerMaxSpeed = 5.0f;

// Motion is split into sub-steps no longer than this, each resolved axis by axis (x, then
// y). Shorter than the radius, so the axis-separated path never strays far from the straight
// one and corners behave the same at any speed.
inline constexpr float kMaxSubstepTiles = 0.25f;

// The longest displacement one call will perform; longer requests are shortened. At 5 tiles/s
// a tick moves 0.17 tiles; anything near this is a bug or a hostile input, and the cap bounds
// the work per call (at most 64 sub-steps).
inline constexpr float kMaxStepTiles = 16.0f;

// Gap left between a blocked entity and the tile it touches. Larger than the float rounding
// of positions anywhere on a 2048-tile map (one ulp at 2048 is 1/4096), so a resting entity
// is never judged to overlap the wall it rests against.
inline constexpr float kContactSkin = 1.0f / 1024.0f;

// Moves the circle at `position` by `displacement`, sliding along and stopping at blocked
// tiles. Non-finite input returns `position` unchanged.
Vec2 move_with_collision(const TileMap& map, Vec2 position, Vec2 displacement,
                         float radius = kEntityRadius);

// One simulation step: moves at `speed_tiles_per_second` in `direction_radians` (0 = east,
// pi/2 = south, since y grows southwards) for `dt_seconds`. Negative speed or dt moves
// nothing. The caller clamps the speed to the entity's maximum (e.g. kPlayerMaxSpeed): this
// function enforces the rules of the map, not of the character.
Vec2 step_movement(const TileMap& map, Vec2 position, float direction_radians,
                   float speed_tiles_per_second, float dt_seconds, float radius = kEntityRadius);

// Whether a circle of `radius` at `center` overlaps no blocked tile (touching is fine).
bool circle_is_clear(const TileMap& map, Vec2 center, float radius = kEntityRadius);

}  // namespace omega::game
