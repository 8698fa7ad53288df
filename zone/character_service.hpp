// CharacterService: the zone's side of the world contract with the API (leases, checkpoints,
// transfers; docs/ARCHITECTURE.md "World topology"). Requests are queued from the simulation
// thread and never block it; answers come back as ServiceResult values through a
// ServiceResults queue that the simulation thread drains once per tick.
//
// A zone always has one: ApiClient (api_client.hpp) when an API is configured,
// LocalCharacterService (local_character_service.hpp) in a standalone zone. The interface is
// also the test seam: world_contract_test drives ZoneServer with a fake that records the
// requests, and feeds answers back by hand.
//
// Thread safety: implementations are called from the simulation thread only; ServiceResults
// takes any number of producers and one consumer.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "zone/character_ledger.hpp"
#include "zone/chat.hpp"

namespace omega::zone {

// POST /internal/v1/leases/claim
struct ClaimRequest {
  uint64_t character_id = 0;
  uint64_t account_id = 0;
  std::string zone;
  uint32_t instance = 0;
  uint64_t ticket_epoch = 0;
};

// The character as the claim returns it.
struct ClaimedCharacter {
  std::string name;
  std::string class_id;
  std::string zone;  // the saved zone (an arena checkpoints it back unchanged)
  uint32_t level = 1;
  uint32_t experience = 0;
  std::optional<float> x, y;
  std::string spawn;  // "" = the default spawn
  std::optional<uint32_t> hp, mana;
  int64_t gold = 0;
  std::vector<std::pair<std::string, int64_t>> items;  // item id, quantity
  std::vector<std::string> equipped;                   // ids of the worn items
  uint64_t party_id = 0;                               // 0 = not in a party
  uint64_t muted_until = 0;                            // unix seconds; 0 = not muted
};

// How a request ended: `refused` = the API said no for this character (409/404: a newer lease,
// unknown character; or zone_full on a transfer), `unavailable` = could not get an answer
// (network, timeout, 5xx, 503 no_capacity).
enum class ServiceStatus : uint8_t { ok, refused, stale_epoch, unavailable };

struct ClaimResult {
  uint64_t character_id = 0;
  ServiceStatus status = ServiceStatus::unavailable;
  uint64_t lease_epoch = 0;
  ClaimedCharacter character;
  bool banned = false;  // refused because a moderator banned the account (HTTP 403)
};

enum class CheckpointReason : uint8_t { periodic, leave, transfer, shutdown };

// "periodic", "leave", "transfer", "shutdown" (the API's spelling).
inline const char* to_string(CheckpointReason reason) {
  static constexpr const char* kReasons[] = {"periodic", "leave", "transfer", "shutdown"};
  return kReasons[static_cast<int>(reason)];
}

struct CheckpointBatch {
  CheckpointReason reason = CheckpointReason::periodic;
  std::vector<CheckpointRecord> records;
};

// Per character of a batch; `request_failed` = no answer at all (every record is retried).
struct CheckpointResult {
  bool request_failed = false;
  struct Entry {
    uint64_t character_id = 0;
    uint64_t seq = 0;                          // of the record answered (0 = unknown)
    uint64_t lease_epoch = 0;                  // of the record answered (0 = unknown)
    ServiceStatus status = ServiceStatus::ok;  // ok covers "duplicate" (applied already)
  };
  std::vector<Entry> entries;
};

// POST /internal/v1/transfers
struct TransferRequest {
  CheckpointRecord checkpoint;
  std::string target_zone;
  std::string target_spawn;
};

struct TransferResult {
  uint64_t character_id = 0;
  ServiceStatus status = ServiceStatus::unavailable;
  std::string ws_url, zone;
  std::string ticket;  // raw ticket bytes (the API sends hex), as Hello carries them
};

// POST /internal/v1/matches/{id}/result: an arena's outcome (winner_team 1|2, 0 = draw).
struct MatchReport {
  uint64_t match_id = 0;
  uint8_t winner_team = 0;
};

// ok = the API answered 200 (recorded now, or the stored answer of an earlier report);
// refused = 409 result_conflict / match_not_open or another 4xx (do not retry);
// unavailable = no answer (send again).
struct MatchReportResult {
  uint64_t match_id = 0;
  ServiceStatus status = ServiceStatus::unavailable;
};

// A market change pushed on {prefix}character_events.
struct MarketDelta {
  uint64_t character_id = 0;
  int64_t gold_delta = 0;
  std::vector<ItemDelta> items_delta;
};

// A moderator's mute (kind mute: every character of `account_id`, until `muted_until` unix s,
// 0 = lifted), a party change (kind party: `character_id` is now in `party_id`, 0 = none) or a
// notice (kind notice: a system chat line `text` for each of `character_ids`: friends' news),
// pushed on {prefix}character_events like a MarketDelta.
struct SocialUpdate {
  enum class Kind : uint8_t { mute, party, notice };
  Kind kind = Kind::mute;
  uint64_t account_id = 0;
  uint64_t muted_until = 0;
  uint64_t character_id = 0;
  uint64_t party_id = 0;
  std::vector<uint64_t> character_ids;
  std::string text;
};

// An answer for instance `instance` (the host's handle; 0 for market deltas, social updates
// and chat lines, which the host routes to its instances).
struct ServiceResult {
  uint32_t instance = 0;
  std::variant<ClaimResult, CheckpointResult, TransferResult, MarketDelta, MatchReportResult,
               SocialUpdate, ChatLine>
      payload;
};

class CharacterService {
 public:
  virtual ~CharacterService() = default;
  virtual void claim(uint32_t instance, ClaimRequest request) = 0;
  virtual void checkpoint(uint32_t instance, CheckpointBatch batch) = 0;
  virtual void transfer(uint32_t instance, TransferRequest request) = 0;
  virtual void report_match(uint32_t instance, MatchReport report) = 0;
  // False when no transfer can succeed (no API to place the character in another zone):
  // ZoneServer then leaves portals inert instead of freezing players on them for a refusal.
  virtual bool can_transfer() const = 0;
};

// Background threads → simulation thread.
class ServiceResults {
 public:
  void push(ServiceResult&& result) {
    std::lock_guard lock(mutex_);
    results_.push_back(std::move(result));
  }
  void drain(std::vector<ServiceResult>& out) {
    std::lock_guard lock(mutex_);
    results_.swap(out);
  }

 private:
  std::mutex mutex_;
  std::vector<ServiceResult> results_;
};

}  // namespace omega::zone
