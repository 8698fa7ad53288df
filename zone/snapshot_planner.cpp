#include "zone/snapshot_planner.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace omega::zone {
namespace {

// Header and section counts of a StateUpdate, in bits, before any entity (type byte, seq,
// tick gap, ack gap, three counts): a safe over-estimate kept out of the entity budget.
constexpr int64_t kSnapshotOverheadBits = 8 + 8 + 8 + 12 + 3 * 12;
// A leave costs its id gap only.
constexpr int64_t kLeaveBits = protocol::SnapshotEncoder::kIdGapEstimateBits;

// Added to the full-rate radii: clients judge distance from quantised positions (1/32 tile per
// axis), so an entity on the border gets the higher rate rather than a rate its viewer would
// consider wrong.
constexpr float kRateRadiusSlackTiles = 1.0f / 16.0f;

float square(float v) {
  return v * v;
}

}  // namespace

SnapshotPlanner::SnapshotPlanner(const InterestSettings& settings)
    : settings_(settings),
      enter_radius_squared_(square(settings.view_radius)),
      full_rate_squared_(square(settings.full_rate_radius + kRateRadiusSlackTiles)),
      half_rate_squared_(square(2.0f * settings.full_rate_radius + kRateRadiusSlackTiles)) {}

void SnapshotPlanner::collect_candidates(const EntityTable& table, const InterestGrid& grid,
                                         uint32_t viewer_slot, ClientInterest& interest) {
  candidates_.clear();
  candidates_.push_back({viewer_slot, -1.0f, -1});
  auto visit = [&](uint32_t slot, float d2) {
    if (slot == viewer_slot) return;
    const int32_t tracked = mark_[slot] == stamp_ ? index_[slot] : -1;
    // Hysteresis: entering needs view_radius; staying only view_radius + margin (the query).
    if ((tracked < 0 || !interest.tracked_[static_cast<size_t>(tracked)].sent) &&
        d2 > enter_radius_squared_)
      return;
    candidates_.push_back({slot, d2, tracked});
  };
  const game::Vec2 at = table.positions[viewer_slot];
  if (std::isinf(settings_.view_radius)) {
    for (uint32_t slot = 0; slot < table.active.size(); ++slot) {
      if (!table.active[slot]) continue;
      const float dx = table.positions[slot].x - at.x, dy = table.positions[slot].y - at.y;
      visit(slot, dx * dx + dy * dy);
    }
  } else {
    grid.query(at, settings_.view_radius + settings_.view_margin, visit);
  }
  // The own entity's tracked index, if it is tracked.
  if (mark_[viewer_slot] == stamp_) candidates_[0].tracked_index = index_[viewer_slot];
}

protocol::SnapshotFrame SnapshotPlanner::plan(const EntityTable& table, const InterestGrid& grid,
                                              uint32_t viewer_slot, uint32_t server_tick,
                                              uint16_t last_input_seq, ClientInterest& interest,
                                              const protocol::SnapshotEncoder& encoder) {
  if (mark_.size() < table.active.size()) {
    mark_.resize(table.active.size(), 0);
    index_.resize(table.active.size(), -1);
  }
  if (++stamp_ == 0) {  // wrapped: old marks could collide
    std::fill(mark_.begin(), mark_.end(), 0u);
    stamp_ = 1;
  }
  auto& tracked = interest.tracked_;
  keep_.assign(tracked.size(), 0);
  bases_.assign(tracked.size(), nullptr);

  // 1. Mark what this client tracks; entities that no longer exist will leave (step 5).
  // Tracked entries and the encoder's view both ascend by id: one walk finds every baseline.
  size_t cursor = 0;
  int64_t leaving = 0;
  for (size_t i = 0; i < tracked.size(); ++i) {
    const auto& t = tracked[i];
    if (t.sent) bases_[i] = encoder.view().find_next(t.id, cursor);
    if (t.slot < table.active.size() && table.active[t.slot] && table.states[t.slot].id == t.id) {
      mark_[t.slot] = stamp_;
      index_[t.slot] = static_cast<int32_t>(i);
    } else {
      leaving += t.sent;
    }
  }

  // 2. Candidates, then the cap: nearest first (the own entity sorts first with d2 < 0).
  collect_candidates(table, grid, viewer_slot, interest);
  const size_t cap = std::max<size_t>(1, settings_.max_entities);
  if (candidates_.size() > cap) {
    std::nth_element(candidates_.begin(), candidates_.begin() + static_cast<ptrdiff_t>(cap),
                     candidates_.end(), [](const Candidate& a, const Candidate& b) {
                       return a.distance_squared < b.distance_squared;
                     });
    candidates_.resize(cap);
  }

  // 3. What each selected entity wants to send this snapshot, and its priority.
  sends_.clear();
  const uint32_t count = interest.snapshot_count_;
  for (const Candidate& c : candidates_) {
    const protocol::EntityState& state = table.states[c.slot];
    const bool own = c.distance_squared < 0.0f;
    uint16_t waited = 0;
    bool in_view = false;
    if (c.tracked_index >= 0) {
      keep_[static_cast<size_t>(c.tracked_index)] = 1;
      waited = tracked[static_cast<size_t>(c.tracked_index)].waited;
      in_view = tracked[static_cast<size_t>(c.tracked_index)].sent;
    }
    int64_t bits = 0;
    bool estimated = false;
    if (in_view) {
      if (!own && c.distance_squared > full_rate_squared_) {
        // Update-frequency scaling: every 2nd snapshot out to twice the full-rate radius,
        // every 4th beyond. Counted from the last update, so the due snapshots of far
        // entities spread out by themselves (they entered at different times).
        const uint32_t period = c.distance_squared > half_rate_squared_ ? 4 : 2;
        const uint32_t last = tracked[static_cast<size_t>(c.tracked_index)].last_sent;
        if (count - last < period) continue;
      }
      const protocol::EntityBaseline* base = bases_[static_cast<size_t>(c.tracked_index)];
      const uint32_t changed =
          base != nullptr ? protocol::changed_fields(base->state, state) : protocol::kAllFields;
      if (changed == 0) continue;  // unchanged: costs nothing, not listed
      // A move alone (most updates) counts at its bound until the budget needs the exact
      // figure (step 4).
      estimated = changed == protocol::kFieldPosition;
      bits = estimated         ? protocol::SnapshotEncoder::kMaxPositionUpdateBits
             : base != nullptr ? protocol::SnapshotEncoder::measure_update(state, *base)
                               : encoder.measure_update(state);
      if (bits == 0) continue;
    } else {
      bits = protocol::SnapshotEncoder::measure_enter(state);
    }
    // Waiting raises priority: each snapshot waited halves the effective distance.
    const float priority = own ? -1.0f : c.distance_squared / square(1.0f + float(waited));
    sends_.push_back({priority, bits, c.slot, c.tracked_index, !in_view, estimated});
  }

  // 4. The budget, highest priority first; the own entity always goes. When everything fits
  // (the common case, and certain when it fits with the moves at their bound) the order cannot
  // matter: neither the exact measures nor the sort are needed.
  for (size_t i = 0; i < tracked.size(); ++i) leaving += (keep_[i] == 0 && tracked[i].sent);
  int64_t budget =
      int64_t{settings_.budget_bytes} * 8 - kSnapshotOverheadBits - kLeaveBits * leaving;
  int64_t wanted = 0;
  for (const Send& s : sends_) wanted += s.bits;
  if (wanted > budget) {
    wanted = 0;
    for (Send& s : sends_) {
      if (s.estimated)
        s.bits = protocol::SnapshotEncoder::measure_update(
            table.states[s.slot], *bases_[static_cast<size_t>(s.tracked_index)]);
      wanted += s.bits;
    }
  }
  if (wanted > budget)
    std::sort(sends_.begin(), sends_.end(),
              [](const Send& a, const Send& b) { return a.priority < b.priority; });
  fresh_.clear();
  bool full = false;
  for (const Send& s : sends_) {
    const bool own = s.priority < 0.0f;
    if (!full && (own || s.bits <= budget)) {
      budget -= s.bits;
      if (s.tracked_index >= 0) {
        keep_[static_cast<size_t>(s.tracked_index)] = 2;  // sent now
      } else {
        fresh_.push_back({s.slot, table.states[s.slot].id, 0, true, count});
      }
      continue;
    }
    full = true;  // strict priority: nothing lower jumps ahead of what is waiting
    if (s.tracked_index >= 0) {
      keep_[static_cast<size_t>(s.tracked_index)] = 3;  // wanted, waits
    } else {
      fresh_.push_back({s.slot, table.states[s.slot].id, 1, false, count});
    }
  }

  // 5. The new tracked list: kept entities carry over; sent ones leave if gone or not kept.
  // The newly tracked ones are merged in by id, and the frame's enters, updates and leaves
  // come out of the same walk in id order, as the encoder wants them.
  std::sort(fresh_.begin(), fresh_.end(),
            [](const ClientInterest::Tracked& a, const ClientInterest::Tracked& b) {
              return a.id < b.id;
            });
  auto& next = interest.next_;
  next.clear();
  enters_.clear();
  updates_.clear();
  leaves_.clear();
  auto fresh = fresh_.begin();
  auto merge_fresh_below = [&](uint64_t id) {
    for (; fresh != fresh_.end() && fresh->id < id; ++fresh) {
      if (fresh->sent) enters_.push_back(table.states[fresh->slot]);
      next.push_back(*fresh);
    }
  };
  for (size_t i = 0; i < tracked.size(); ++i) {
    ClientInterest::Tracked t = tracked[i];
    // Whether it still exists, as step 1 found it (a reused slot marks only its new id).
    const bool alive = t.slot < table.active.size() && mark_[t.slot] == stamp_ &&
                       index_[t.slot] == static_cast<int32_t>(i);
    if (!alive || keep_[i] == 0) {  // gone, or not selected: out of range or over the cap
      if (t.sent) leaves_.push_back(t.id);
      continue;
    }
    merge_fresh_below(t.id);
    if (keep_[i] == 2) {
      (t.sent ? updates_ : enters_).push_back(table.states[t.slot]);
      t.sent = true;
      t.waited = 0;
      t.last_sent = count;
    } else if (keep_[i] == 3) {
      t.waited = static_cast<uint16_t>(std::min<int>(t.waited + 1, 0xffff));
    }
    next.push_back(t);
  }
  merge_fresh_below(std::numeric_limits<uint64_t>::max());
  std::swap(tracked, next);
  ++interest.snapshot_count_;

  protocol::SnapshotFrame frame;
  frame.server_tick = server_tick;
  frame.last_input_seq = last_input_seq;
  frame.enters = enters_;
  frame.updates = updates_;
  frame.leaves = leaves_;
  return frame;
}

}  // namespace omega::zone
