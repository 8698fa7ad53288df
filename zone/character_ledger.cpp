#include "zone/character_ledger.hpp"

namespace omega::zone {

CharacterLedger::CharacterLedger(uint64_t character_id, uint64_t lease_epoch,
                                 const Holdings& holdings)
    : character_id_(character_id), lease_epoch_(lease_epoch), baseline_(holdings) {}

void CharacterLedger::fill_deltas(CheckpointRecord& record, const Holdings& baseline,
                                  const Holdings& now) const {
  record.character_id = character_id_;
  record.lease_epoch = lease_epoch_;
  record.gold_delta = now.gold - baseline.gold;
  record.kills = now.kills - baseline.kills;
  record.items_delta.clear();
  // Both maps are sorted by id: one merge pass, deltas in id order (deterministic bodies).
  auto b = baseline.items.begin();
  auto n = now.items.begin();
  while (b != baseline.items.end() || n != now.items.end()) {
    if (n == now.items.end() || (b != baseline.items.end() && b->first < n->first)) {
      record.items_delta.push_back({b->first, -b->second});
      ++b;
    } else if (b == baseline.items.end() || n->first < b->first) {
      record.items_delta.push_back({n->first, n->second});
      ++n;
    } else {
      if (n->second != b->second) record.items_delta.push_back({n->first, n->second - b->second});
      ++b;
      ++n;
    }
  }
}

const CheckpointRecord& CharacterLedger::begin(CheckpointRecord state, const Holdings& now) {
  fill_deltas(state, baseline_, now);
  state.seq = ++seq_;
  in_flight_ = std::move(state);
  failed_ = false;
  return *in_flight_;
}

CheckpointRecord CharacterLedger::chain_after_in_flight(CheckpointRecord state,
                                                        const Holdings& now) const {
  Holdings assumed = baseline_;
  if (in_flight_) {
    assumed.gold += in_flight_->gold_delta;
    assumed.kills += in_flight_->kills;
    for (const ItemDelta& d : in_flight_->items_delta) {
      int64_t& quantity = assumed.items[d.item_id];
      quantity += d.delta;
      if (quantity == 0) assumed.items.erase(d.item_id);
    }
  }
  fill_deltas(state, assumed, now);
  state.seq = seq_ + 1;
  return state;
}

void CharacterLedger::accepted() {
  if (!in_flight_) return;
  baseline_.gold += in_flight_->gold_delta;
  baseline_.kills += in_flight_->kills;
  for (const ItemDelta& d : in_flight_->items_delta) external_item(d.item_id, d.delta);
  in_flight_.reset();
  failed_ = false;
}

void CharacterLedger::external_item(const std::string& item_id, int64_t applied) {
  int64_t& quantity = baseline_.items[item_id];
  quantity += applied;
  if (quantity == 0) baseline_.items.erase(item_id);
}

}  // namespace omega::zone
