// CharacterLedger: what one live character owes the character service (API), and the
// fencing/sequence rules of the world contract (docs/ARCHITECTURE.md, "Leases").
//
// Gold, items and kills travel as DELTAS since the last checkpoint the API accepted, so a
// checkpoint never overwrites what the market changed meanwhile. The ledger keeps the
// baseline (the holdings the API has been told about) and at most one record in flight; a
// failed request is retried with the same record (same seq): if the first attempt did land,
// the API answers "duplicate" and nothing is counted twice. Market changes pushed by the API
// move the baseline together with the live holdings, so they never enter our deltas.
//
// Thread safety: none; a plain value owned by the simulation thread.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace omega::zone {

// What a character carries, by content item id (what the API stores).
struct Holdings {
  int64_t gold = 0;
  std::map<std::string, int64_t> items;  // item id -> quantity (no zero entries)
  int64_t kills = 0;                     // monsters killed (counted up only)
};

struct ItemDelta {
  std::string item_id;
  int64_t delta = 0;
  bool operator==(const ItemDelta&) const = default;
};

// One character's entry of POST /internal/v1/checkpoints (and of a transfer).
struct CheckpointRecord {
  uint64_t character_id = 0;
  uint64_t lease_epoch = 0;
  uint64_t seq = 0;
  std::string zone;
  float x = 0, y = 0;
  bool has_position = true;  // false: x/y go as null (the saved zone's spawn is kept)
  uint32_t hp = 0, mana = 0;
  uint32_t level = 1;
  uint32_t experience = 0;
  int64_t kills = 0;  // delta, like gold
  int64_t gold_delta = 0;
  std::vector<ItemDelta> items_delta;
  std::vector<std::string> equipped;  // absolute: the ids of the items worn now
  bool release = false;
};

class CharacterLedger {
 public:
  CharacterLedger() = default;
  // A freshly claimed lease: the API's checkpoint_seq restarted at 0 and `holdings` is what
  // the character carries in memory now (what fitted of the claimed inventory).
  CharacterLedger(uint64_t character_id, uint64_t lease_epoch, const Holdings& holdings);

  uint64_t character_id() const { return character_id_; }
  uint64_t lease_epoch() const { return lease_epoch_; }
  uint64_t last_seq() const { return seq_; }
  // A record is in flight (sent, not yet answered, or failed and waiting for its retry).
  bool busy() const { return in_flight_.has_value(); }
  bool retry_due() const { return in_flight_.has_value() && failed_; }
  const CheckpointRecord* in_flight() const { return in_flight_ ? &*in_flight_ : nullptr; }

  // The next record: `state` carries the absolute fields (position, hp, level, ...); seq,
  // epoch and the deltas against the baseline are filled in here. Only when !busy().
  const CheckpointRecord& begin(CheckpointRecord state, const Holdings& now);
  // At shutdown or close, when a record is still in flight: a record chained after it,
  // counting the in-flight deltas as applied (send both, in order, in one request).
  CheckpointRecord chain_after_in_flight(CheckpointRecord state, const Holdings& now) const;

  // The API answered ok or duplicate: the in-flight deltas are now part of the baseline.
  void accepted();
  // The request failed (network, 5xx): the same record goes again (retry_due()).
  void failed() { failed_ = true; }
  // The retry is being sent.
  void resending() { failed_ = false; }

  // A market change applied to the live holdings (amounts actually applied after clamping).
  void external_gold(int64_t applied) { baseline_.gold += applied; }
  void external_item(const std::string& item_id, int64_t applied);

 private:
  void fill_deltas(CheckpointRecord& record, const Holdings& baseline, const Holdings& now) const;

  uint64_t character_id_ = 0;
  uint64_t lease_epoch_ = 0;
  uint64_t seq_ = 0;
  Holdings baseline_;
  std::optional<CheckpointRecord> in_flight_;
  bool failed_ = false;
};

}  // namespace omega::zone
