// SnapshotPlanner: decides what one client's next snapshot carries — interest management and
// replication priority (docs/ARCHITECTURE.md).
//
// For a viewer it
//   - finds candidates in the InterestGrid (or all entities when the view is infinite): an
//     entity not yet in view enters within view_radius; one in view stays until it is beyond
//     view_radius + view_margin (hysteresis, so an entity on the border does not flicker);
//   - keeps at most max_entities, nearest first; the viewer's own entity always;
//   - scales update frequency by distance: within full_rate_radius every snapshot, within
//     twice that at most every 2nd, beyond at most every 4th (counted from the entity's last
//     update, so a client's picture of an entity lags at most period - 1 snapshots whatever
//     its distance did before);
//   - fits the snapshot into a byte budget using SnapshotEncoder::measure_enter/measure_update,
//     highest priority (nearest) first; what does not fit waits, and each snapshot an entity
//     waits raises its priority so it is not starved. (A move alone counts at its bound,
//     SnapshotEncoder::kMaxPositionUpdateBits, while everything fits by the bounds: the same
//     entities are sent as with the exact measures, without measuring them.)
// Leaves are always sent (a few bits each; an entity out of range must not linger).
//
// ClientInterest is the per-client state (what was sent or is waiting to enter); the planner
// itself only holds scratch buffers, reused for every client of an instance, so a
// steady-state snapshot allocates nothing.
//
// Thread safety: none; one planner per instance, used by its simulation thread.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "game/vec2.hpp"
#include "protocol/entity_state.hpp"
#include "protocol/snapshot.hpp"
#include "zone/interest_grid.hpp"

namespace omega::zone {

struct InterestSettings {
  float view_radius = 24.0f;       // tiles; infinity = everyone sees everyone
  float view_margin = 4.0f;        // leave at view_radius + view_margin
  float full_rate_radius = 24.0f;  // within it every snapshot; 2x: every 2nd; beyond: every 4th
  uint32_t max_entities = 128;     // per client, own entity included
  uint32_t budget_bytes = 1200;    // per snapshot, StateUpdate message size
};

// The instance's entities by slot, as the planner reads them.
struct EntityTable {
  std::span<const game::Vec2> positions;
  std::span<const uint8_t> active;                // 0 = free slot
  std::span<const protocol::EntityState> states;  // quantised replicated state (id, x, y...)
};

// What one client has been sent or is waiting to be sent, ascending by entity id: the sent
// ones are then in the order of the encoder's view, and the planner finds their baselines in
// one walk.
class ClientInterest {
 public:
  struct Tracked {
    uint32_t slot;
    uint32_t id;
    uint16_t waited;     // snapshots this entity wanted to be sent and did not fit
    bool sent;           // in the client's view (the encoder holds its baseline)
    uint32_t last_sent;  // snapshot_count() when it was last entered or updated
  };
  void clear() {
    tracked_.clear();
    snapshot_count_ = 0;
  }
  std::span<const Tracked> tracked() const { return tracked_; }
  uint32_t snapshot_count() const { return snapshot_count_; }

 private:
  friend class SnapshotPlanner;
  std::vector<Tracked> tracked_;
  std::vector<Tracked> next_;  // double buffer for the planner
  uint32_t snapshot_count_ = 0;
};

class SnapshotPlanner {
 public:
  explicit SnapshotPlanner(const InterestSettings& settings);
  SnapshotPlanner(const SnapshotPlanner&) = delete;
  SnapshotPlanner& operator=(const SnapshotPlanner&) = delete;

  // Plans the viewer's next regular snapshot and updates `interest` as if it is sent: the
  // caller must pass the returned frame (valid until the next call) to encoder.encode().
  // `grid` must be rebuilt from `table` this tick; it is ignored when the view is infinite.
  protocol::SnapshotFrame plan(const EntityTable& table, const InterestGrid& grid,
                               uint32_t viewer_slot, uint32_t server_tick, uint16_t last_input_seq,
                               ClientInterest& interest, const protocol::SnapshotEncoder& encoder);

  const InterestSettings& settings() const { return settings_; }

 private:
  struct Candidate {
    uint32_t slot;
    float distance_squared;  // negative for the viewer's own entity
    int32_t tracked_index;   // into interest.tracked_, or -1
  };
  struct Send {
    float priority;  // lower is sent first
    int64_t bits;
    uint32_t slot;
    int32_t tracked_index;  // -1 for an entity not tracked before
    bool enter;
    bool estimated;  // bits is SnapshotEncoder::kMaxPositionUpdateBits, not the measure
  };

  void collect_candidates(const EntityTable& table, const InterestGrid& grid, uint32_t viewer_slot,
                          ClientInterest& interest);

  InterestSettings settings_;
  float enter_radius_squared_;
  float full_rate_squared_;
  float half_rate_squared_;  // beyond it: every 4th snapshot
  uint32_t stamp_ = 0;
  std::vector<uint32_t> mark_;  // per slot: == stamp_ when tracked by the current viewer
  std::vector<int32_t> index_;  // per slot: its index in tracked_ (valid when marked)
  std::vector<uint8_t> keep_;   // per tracked index: selected this snapshot
  // Per tracked index: the encoder's baseline of a sent entity (null otherwise).
  std::vector<const protocol::EntityBaseline*> bases_;
  std::vector<ClientInterest::Tracked> fresh_;  // newly tracked this snapshot, then by id
  std::vector<Candidate> candidates_;
  std::vector<Send> sends_;
  std::vector<protocol::EntityState> enters_, updates_;
  std::vector<uint32_t> leaves_;
};

}  // namespace omega::zone
