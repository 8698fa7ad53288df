#include "protocol/snapshot.hpp"

#include <cassert>

namespace omega::protocol {

namespace {

auto lower_bound_id(auto& entries, uint32_t id) {
  return std::lower_bound(entries.begin(), entries.end(), id,
                          [](const EntityBaseline& b, uint32_t key) { return b.state.id < key; });
}

template <class Entries>
auto* find_in(Entries& entries, uint32_t id) {
  auto it = lower_bound_id(entries, id);
  return (it != entries.end() && it->state.id == id) ? &*it : nullptr;
}

}  // namespace

const EntityBaseline* EntityBaselines::find(uint32_t id) const {
  return find_in(entries_, id);
}
EntityBaseline* EntityBaselines::find(uint32_t id) {
  return find_in(entries_, id);
}

bool EntityBaselines::insert(const EntityState& state) {
  auto it = lower_bound_id(entries_, state.id);
  if (it != entries_.end() && it->state.id == state.id) return false;
  entries_.insert(it, EntityBaseline{state, 0, 0});
  return true;
}

bool EntityBaselines::erase(uint32_t id) {
  auto it = lower_bound_id(entries_, id);
  if (it == entries_.end() || it->state.id != id) return false;
  entries_.erase(it);
  return true;
}

namespace {
template <class Entries>
auto* find_next_in(Entries& entries, uint32_t id, size_t& cursor) {
  while (cursor < entries.size() && entries[cursor].state.id < id) ++cursor;
  return cursor < entries.size() && entries[cursor].state.id == id ? &entries[cursor] : nullptr;
}
}  // namespace

EntityBaseline* EntityBaselines::find_next(uint32_t id, size_t& cursor) {
  return find_next_in(entries_, id, cursor);
}
const EntityBaseline* EntityBaselines::find_next(uint32_t id, size_t& cursor) const {
  return find_next_in(entries_, id, cursor);
}

bool EntityBaselines::erase_next(uint32_t id, size_t& cursor) {
  if (find_next(id, cursor) == nullptr) return false;
  entries_.erase(entries_.begin() + static_cast<ptrdiff_t>(cursor));
  return true;
}

void EntityBaselines::find_sorted(std::span<const EntityState> states,
                                  std::vector<EntityBaseline*>& out) {
  out.resize(states.size());
  size_t cursor = 0;
  for (size_t i = 0; i < states.size(); ++i) out[i] = find_next(states[i].id, cursor);
}

// ---- encoder ---------------------------------------------------------------------------------

void SnapshotEncoder::reset(uint32_t welcome_tick) {
  view_.clear();
  last_ = SnapshotHeader{0, welcome_tick, 0};
}

int64_t SnapshotEncoder::measure_enter(const EntityState& state) {
  MeasureStream stream;
  EntityState copy = state;
  serialize_entity_full(stream, copy);
  return stream.bits() + kIdGapEstimateBits;
}

int64_t SnapshotEncoder::measure_update(const EntityState& state) const {
  const EntityBaseline* base = view_.find(state.id);
  assert(base && "measure_update of an entity not in view");
  return base ? measure_update(state, *base) : 0;
}

int64_t SnapshotEncoder::measure_update(const EntityState& state, const EntityBaseline& base) {
  uint32_t mask = changed_fields(base.state, state);
  if (mask == 0) return 0;
  MeasureStream stream;
  EntityState copy = state;
  serialize_entity_update(stream, base, copy, mask);
  return stream.bits() + kIdGapEstimateBits;
}

size_t SnapshotEncoder::encode(const SnapshotFrame& frame, std::vector<uint8_t>& out) {
  assert(frame.enters.size() <= kMaxSnapshotEntries &&
         frame.updates.size() <= kMaxSnapshotEntries && frame.leaves.size() <= kMaxSnapshotEntries);
  SnapshotHeader header{static_cast<uint16_t>(last_.seq + 1), frame.server_tick,
                        frame.last_input_seq};

  view_.find_sorted(frame.updates, bases_);
  masks_.resize(frame.updates.size());
  uint32_t update_count = 0;
  for (size_t i = 0; i < frame.updates.size(); ++i) {
    assert(bases_[i] && "update of an entity not in view (or updates not sorted by id)");
    masks_[i] = bases_[i] ? changed_fields(bases_[i]->state, frame.updates[i]) : 0;
    if (masks_[i] != 0) ++update_count;
  }

  out.push_back(static_cast<uint8_t>(MessageType::state_update));
  WriteStream s(out);
  serialize_snapshot_header(s, last_, header);

  uint32_t count = static_cast<uint32_t>(frame.enters.size());
  serialize_tiered<kCountTiers>(s, count, kMaxSnapshotEntries);
  uint32_t previous_id = 0;
  for (const EntityState& entity : frame.enters) {
    uint32_t id = entity.id;
    serialize_relative_id(s, previous_id, id);
    serialize_entity_full(s, const_cast<EntityState&>(entity));
    previous_id = id;
  }

  serialize_tiered<kCountTiers>(s, update_count, kMaxSnapshotEntries);
  previous_id = 0;
  for (size_t i = 0; i < frame.updates.size(); ++i) {
    if (masks_[i] == 0) continue;
    const EntityState& entity = frame.updates[i];
    uint32_t id = entity.id;
    serialize_relative_id(s, previous_id, id);
    serialize_entity_update(s, *bases_[i], const_cast<EntityState&>(entity), masks_[i]);
    previous_id = id;
  }

  count = static_cast<uint32_t>(frame.leaves.size());
  serialize_tiered<kCountTiers>(s, count, kMaxSnapshotEntries);
  previous_id = 0;
  for (uint32_t id : frame.leaves) {
    serialize_relative_id(s, previous_id, id);
    previous_id = id;
  }
  s.flush();

  // The message is on its way: what it says is now the baseline of both ends.
  for (size_t i = 0; i < frame.updates.size(); ++i)
    if (masks_[i] != 0) advance_baseline(*bases_[i], frame.updates[i], masks_[i]);
  for (const EntityState& entity : frame.enters) {
    [[maybe_unused]] bool inserted = view_.insert(entity);
    assert(inserted && "enter of an entity already in view");
  }
  for (uint32_t id : frame.leaves) {
    [[maybe_unused]] bool erased = view_.erase(id);
    assert(erased && "leave of an entity not in view");
  }
  last_ = header;
  return update_count;
}

// ---- decoder ---------------------------------------------------------------------------------

void WorldView::reset(uint32_t welcome_tick) {
  view_.clear();
  last_ = SnapshotHeader{0, welcome_tick, 0};
  entered_.clear();
  updated_.clear();
  left_.clear();
}

DecodeError WorldView::apply(std::span<const uint8_t> message) {
  entered_.clear();
  updated_.clear();
  left_.clear();
  MessageType type{};
  if (DecodeError error = peek_type(message, type); error != DecodeError::none) return error;
  if (type != MessageType::state_update) return DecodeError::unexpected_type;

  ReadStream s(message.subspan(1));
  SnapshotHeader header;
  if (!serialize_snapshot_header(s, last_, header)) return s.error();

  uint32_t count = 0;
  if (!serialize_tiered<kCountTiers>(s, count, kMaxSnapshotEntries)) return s.error();
  uint32_t previous_id = 0;
  for (uint32_t i = 0; i < count; ++i) {
    EntityState entity;
    if (!serialize_relative_id(s, previous_id, entity.id)) return s.error();
    if (!serialize_entity_full(s, entity)) return s.error();
    if (view_.size() >= kMaxEntitiesInView) return DecodeError::too_many;
    if (!view_.insert(entity)) return DecodeError::bad_entity;
    entered_.push_back(entity.id);
    previous_id = entity.id;
  }

  // Ids within a section strictly increase (serialize_relative_id): one walk per section.
  if (!serialize_tiered<kCountTiers>(s, count, kMaxSnapshotEntries)) return s.error();
  previous_id = 0;
  size_t cursor = 0;
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t id = 0;
    if (!serialize_relative_id(s, previous_id, id)) return s.error();
    EntityBaseline* base = view_.find_next(id, cursor);
    if (!base) return DecodeError::bad_entity;
    EntityState entity = base->state;
    uint32_t mask = 0;
    if (!serialize_entity_update(s, *base, entity, mask)) return s.error();
    advance_baseline(*base, entity, mask);
    updated_.push_back(id);
    previous_id = id;
  }

  if (!serialize_tiered<kCountTiers>(s, count, kMaxSnapshotEntries)) return s.error();
  previous_id = 0;
  cursor = 0;
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t id = 0;
    if (!serialize_relative_id(s, previous_id, id)) return s.error();
    if (!view_.erase_next(id, cursor)) return DecodeError::bad_entity;
    left_.push_back(id);
    previous_id = id;
  }
  if (!s.at_end_of_message()) return DecodeError::trailing_bytes;
  last_ = header;
  return DecodeError::none;
}

}  // namespace omega::protocol
