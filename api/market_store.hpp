// The trading post's transactional operations on PostgreSQL. Each runs inside a transaction
// its caller opened (READ COMMITTED) and takes row locks in one global order — characters by
// ascending id, then the listing — so trades never wait on each other in a cycle. Items in a
// listing are in escrow: they left the seller's inventory_items when it was created and go to
// the buyer, or back to the seller on cancel or expiry. Every gold and item movement is
// appended to market_ledger under the operation's id. Stateless functions: thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "api/market_request.hpp"

namespace omega::api {

struct ItemDelta {
  std::string item_id;
  std::int64_t delta = 0;
};

// What an operation did to one character, for the push to the zone holding its lease.
struct CharacterChange {
  std::int64_t character_id = 0;
  bool lease_held = false;  // a zone holds the character's lease (lease_released = false)
  std::int64_t gold_delta = 0;
  std::vector<ItemDelta> items;
};

// An operation's answer (success or a business refusal) and its effects. A refusal is
// decided before anything is written, except the expiry of a listing found expired, which
// stands on its own and is kept.
struct MarketOutcome {
  int status = 200;
  nlohmann::json body;
  std::vector<CharacterChange> changes;

  static MarketOutcome refusal(int status, const std::string& code, const std::string& message);
};

struct NewListing {
  std::int64_t account_id = 0;
  std::int64_t seller_id = 0;
  std::optional<std::string> item_id;  // take from any unequipped stacks of this item…
  std::optional<int> slot;             // …or from this inventory slot
  std::int64_t quantity = 0;
  std::int64_t price = 0;
};

struct MarketRules {
  int listing_ttl_s = 0;
  int fee_basis_points = 0;
  int max_listings_per_character = 0;
};

// `operation_id` names the ledger rows ("op:<market_operations.id>").
MarketOutcome create_listing(pqxx::work& transaction, const NewListing& listing,
                             const MarketRules& rules, const std::string& operation_id);
MarketOutcome buy_listing(pqxx::work& transaction, std::int64_t account_id, std::int64_t listing_id,
                          std::int64_t buyer_id, const std::string& operation_id);
MarketOutcome cancel_listing(pqxx::work& transaction, std::int64_t account_id,
                             std::int64_t listing_id, std::int64_t seller_id,
                             const std::string& operation_id);
// Returns an expired, still active listing's items to its seller (ledger id
// "expire:<listing>"). Idempotent: nothing happens unless it is active and expired.
std::optional<CharacterChange> expire_listing(pqxx::work& transaction, std::int64_t listing_id);

// One page of active, unexpired listings, and the cursor of the next page if any.
nlohmann::json search_listings(pqxx::transaction_base& transaction, const ListingQuery& query);

}  // namespace omega::api
