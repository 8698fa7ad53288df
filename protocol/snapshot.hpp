// The snapshot delta codec: StateUpdate messages between one zone session and one client.
//
// Both ends keep, per entity in the client's view, a baseline: the last state the server sent
// (WebSocket is reliable and ordered, so "last sent" is "last received") plus the last position
// step. A StateUpdate has three sections, each sorted by entity id with ids sent as gaps:
//   enter  — the full state of an entity that came into view (its name only here);
//   update — a changed-field mask and, per changed field, a quantised delta against the baseline
//            (position as the residual after predicting "moves as far as last time");
//   leave  — ids that left view.
// An entity whose state did not change is not sent at all: it costs zero bytes.
//
// SnapshotEncoder is the server half (one per client session); WorldView the client half.
// Thread safety: none; each belongs to one session.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "protocol/entity_state.hpp"
#include "protocol/messages.hpp"
#include "protocol/serialize.hpp"

namespace omega::protocol {

struct EntityBaseline {
  EntityState state;
  int32_t step_x = 0, step_y = 0;  // position change at the last update that sent position
};

struct SnapshotHeader {
  uint16_t seq = 0;             // +1 per snapshot
  uint32_t server_tick = 0;     // tick the snapshot shows
  uint16_t last_input_seq = 0;  // the client's last PlayerInput the server applied
  bool operator==(const SnapshotHeader&) const = default;
};

// ---- serialize bodies (one body each for write, read and measure) ----------------------------

template <class Stream>
bool serialize_snapshot_header(Stream& s, const SnapshotHeader& previous, SnapshotHeader& header) {
  OMEGA_SERIALIZE(serialize_sequence_relative<kSequenceGapTiers>(s, previous.seq, header.seq, 1));
  uint32_t tick_gap = header.server_tick - previous.server_tick;
  OMEGA_SERIALIZE(serialize_tiered<kTickGapTiers>(s, tick_gap, 0xffffffffu));
  if constexpr (Stream::kIsReading) header.server_tick = previous.server_tick + tick_gap;
  return serialize_sequence_relative<kAckGapTiers>(s, previous.last_input_seq,
                                                   header.last_input_seq, 0);
}

// Every field of an entity entering view (the id is written by the section).
template <class Stream>
bool serialize_entity_full(Stream& s, EntityState& e) {
  OMEGA_SERIALIZE(serialize_uint(s, e.kind, EntityKind::player, kMaxEntityKind));
  OMEGA_SERIALIZE(
      serialize_uint(s, e.archetype, uint16_t{0}, uint16_t{(1u << kArchetypeBits) - 1}));
  OMEGA_SERIALIZE(serialize_uint(s, e.x, uint16_t{0}, uint16_t{kMaxPositionUnits}));
  OMEGA_SERIALIZE(serialize_uint(s, e.y, uint16_t{0}, uint16_t{kMaxPositionUnits}));
  OMEGA_SERIALIZE(serialize_uint(s, e.facing, uint8_t{0}, uint8_t{255}));
  OMEGA_SERIALIZE(serialize_uint(s, e.move_state, MoveState::idle, kMaxMoveState));
  OMEGA_SERIALIZE(serialize_tiered<kAmountTiers>(s, e.hp, kMaxStat));
  OMEGA_SERIALIZE(serialize_tiered<kAmountTiers>(s, e.max_hp, kMaxStat));
  OMEGA_SERIALIZE(serialize_tiered<kAmountTiers>(s, e.mana, kMaxStat));
  OMEGA_SERIALIZE(serialize_tiered<kAmountTiers>(s, e.max_mana, kMaxStat));
  OMEGA_SERIALIZE(serialize_uint(s, e.level, uint8_t{1}, uint8_t{255}));
  OMEGA_SERIALIZE(serialize_uint(s, e.status_effects, uint16_t{0}, uint16_t{0xffff}));
  return serialize_bytes(s, e.name, kMaxNameBytes);
}

// One position axis as the residual from "last value + last step", clamped to the world.
template <class Stream>
bool serialize_position_axis(Stream& s, uint16_t base, int32_t step, uint16_t& value) {
  const int32_t predicted = std::clamp<int32_t>(int32_t{base} + step, 0, kMaxPositionUnits);
  int32_t residual = int32_t{value} - predicted;
  OMEGA_SERIALIZE(serialize_tiered_signed<kPositionResidualTiers>(s, residual, kMaxPositionUnits));
  if constexpr (Stream::kIsReading) {
    const int32_t decoded = predicted + residual;
    if (decoded < 0 || decoded > int32_t(kMaxPositionUnits))
      return s.fail(DecodeError::out_of_range);
    value = static_cast<uint16_t>(decoded);
  }
  return true;
}

// A stat (hp, mana) as its signed change from the baseline.
template <class Stream>
bool serialize_stat_delta(Stream& s, uint32_t base, uint32_t& value) {
  int32_t delta = int32_t(value) - int32_t(base);
  OMEGA_SERIALIZE(serialize_tiered_signed<kStatDeltaTiers>(s, delta, int32_t(kMaxStat)));
  if constexpr (Stream::kIsReading) {
    const int64_t decoded = int64_t(base) + delta;
    if (decoded < 0 || decoded > kMaxStat) return s.fail(DecodeError::out_of_range);
    value = static_cast<uint32_t>(decoded);
  }
  return true;
}

// The changed fields of an entity in view. Reading: `e` must start as a copy of base.state.
// The mask is one bit "position only" (the common case) or that bit clear and 9 field bits.
template <class Stream>
bool serialize_entity_update(Stream& s, const EntityBaseline& base, EntityState& e,
                             uint32_t& mask) {
  bool position_only = mask == kFieldPosition;
  OMEGA_SERIALIZE(serialize_bool(s, position_only));
  if (position_only) {
    mask = kFieldPosition;
  } else {
    OMEGA_SERIALIZE(serialize_uint(s, mask, 1u, kAllFields));
  }
  if (mask & kFieldPosition) {
    OMEGA_SERIALIZE(serialize_position_axis(s, base.state.x, base.step_x, e.x));
    OMEGA_SERIALIZE(serialize_position_axis(s, base.state.y, base.step_y, e.y));
  }
  if (mask & kFieldFacing) OMEGA_SERIALIZE(serialize_uint(s, e.facing, uint8_t{0}, uint8_t{255}));
  if (mask & kFieldMoveState)
    OMEGA_SERIALIZE(serialize_uint(s, e.move_state, MoveState::idle, kMaxMoveState));
  if (mask & kFieldHp) OMEGA_SERIALIZE(serialize_stat_delta(s, base.state.hp, e.hp));
  if (mask & kFieldMaxHp) OMEGA_SERIALIZE(serialize_tiered<kAmountTiers>(s, e.max_hp, kMaxStat));
  if (mask & kFieldMana) OMEGA_SERIALIZE(serialize_stat_delta(s, base.state.mana, e.mana));
  if (mask & kFieldMaxMana)
    OMEGA_SERIALIZE(serialize_tiered<kAmountTiers>(s, e.max_mana, kMaxStat));
  if (mask & kFieldLevel) OMEGA_SERIALIZE(serialize_uint(s, e.level, uint8_t{1}, uint8_t{255}));
  if (mask & kFieldStatus)
    OMEGA_SERIALIZE(serialize_uint(s, e.status_effects, uint16_t{0}, uint16_t{0xffff}));
  return true;
}

// The baseline after `next` was sent or received with `mask`.
inline void advance_baseline(EntityBaseline& baseline, const EntityState& next, uint32_t mask) {
  if (mask & kFieldPosition) {
    baseline.step_x = int32_t{next.x} - int32_t{baseline.state.x};
    baseline.step_y = int32_t{next.y} - int32_t{baseline.state.y};
  }
  baseline.state = next;
}

// Sorted-by-id baselines of the entities in one client's view.
class EntityBaselines {
 public:
  const EntityBaseline* find(uint32_t id) const;
  EntityBaseline* find(uint32_t id);
  // Inserts a fresh baseline; returns false if the id is already present.
  bool insert(const EntityState& state);
  // Removes an id; returns false if absent.
  bool erase(uint32_t id);
  // find() and erase() for ids asked in increasing order (a snapshot section): `cursor`
  // (0 before the first) keeps where the last one ended, so a section costs one walk over
  // the view instead of a binary search per id.
  EntityBaseline* find_next(uint32_t id, size_t& cursor);
  const EntityBaseline* find_next(uint32_t id, size_t& cursor) const;
  bool erase_next(uint32_t id, size_t& cursor);
  // Baselines of `states` (ascending ids, all present), found in one merge walk.
  void find_sorted(std::span<const EntityState> states, std::vector<EntityBaseline*>& out);
  void clear() { entries_.clear(); }
  size_t size() const { return entries_.size(); }
  std::span<const EntityBaseline> entries() const { return entries_; }

 private:
  std::vector<EntityBaseline> entries_;  // ascending id
};

// What the server decided to send one client this snapshot. Each list ascending by id.
struct SnapshotFrame {
  uint32_t server_tick = 0;
  uint16_t last_input_seq = 0;
  std::span<const EntityState> enters;   // not in view yet
  std::span<const EntityState> updates;  // in view; those that did not change are skipped
  std::span<const uint32_t> leaves;      // in view
};

class SnapshotEncoder {
 public:
  // `welcome_tick` is Welcome.server_tick: the first snapshot's tick is sent relative to it.
  explicit SnapshotEncoder(uint32_t welcome_tick = 0) { reset(welcome_tick); }
  SnapshotEncoder(const SnapshotEncoder&) = delete;
  SnapshotEncoder& operator=(const SnapshotEncoder&) = delete;

  void reset(uint32_t welcome_tick);

  bool in_view(uint32_t id) const { return view_.find(id) != nullptr; }
  const EntityBaselines& view() const { return view_; }
  const SnapshotHeader& last_header() const { return last_; }

  // Approximate bits an entity costs this snapshot (kIdGapEstimateBits for its id, which depends
  // on its neighbours in the section). measure_update is 0 when nothing changed.
  static int64_t measure_enter(const EntityState& state);
  int64_t measure_update(const EntityState& state) const;
  // The same with the entity's baseline at hand (an entry of view()).
  static int64_t measure_update(const EntityState& state, const EntityBaseline& base);
  static constexpr int kIdGapEstimateBits = 6;
  // measure_update's largest answer for a change of position alone (changed_fields ==
  // kFieldPosition): the "position only" bit and two residuals of at most their longest code.
  // A planner that only needs to know that everything fits can add these instead of measuring.
  static constexpr int64_t kMaxPositionUpdateBits =
      1 + 2 * max_tiered_bits(kPositionResidualTiers) + kIdGapEstimateBits;

  // Appends one StateUpdate message (type byte included) and advances the baselines.
  // Returns the number of entity updates written (unchanged entities are not written).
  size_t encode(const SnapshotFrame& frame, std::vector<uint8_t>& out);

 private:
  EntityBaselines view_;
  SnapshotHeader last_;
  // Scratch, reused: per frame update, its baseline and changed-field mask.
  std::vector<EntityBaseline*> bases_;
  std::vector<uint32_t> masks_;
};

// A client's decoded picture of the world, kept by applying StateUpdates in order.
// After apply() returns an error the view is consistent (sorted, unique ids) but may hold part
// of that snapshot; the client must drop the connection, as the zone would.
class WorldView {
 public:
  explicit WorldView(uint32_t welcome_tick = 0) { reset(welcome_tick); }

  void reset(uint32_t welcome_tick);

  // Applies one whole StateUpdate message (type byte included).
  DecodeError apply(std::span<const uint8_t> message);

  const EntityState* find(uint32_t id) const {
    const EntityBaseline* b = view_.find(id);
    return b ? &b->state : nullptr;
  }
  const EntityBaselines& entities() const { return view_; }
  const SnapshotHeader& header() const { return last_; }
  // Ids that entered, were updated and left in the last applied snapshot.
  std::span<const uint32_t> entered() const { return entered_; }
  std::span<const uint32_t> updated() const { return updated_; }
  std::span<const uint32_t> left() const { return left_; }

 private:
  EntityBaselines view_;
  SnapshotHeader last_;
  std::vector<uint32_t> entered_, updated_, left_;
};

}  // namespace omega::protocol
