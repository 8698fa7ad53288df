// The trading post's transactional operations on PostgreSQL. Each runs inside a transaction
// its caller opened (READ COMMITTED) and takes row locks in one global order — characters by
// ascending id, then the listing — so trades never wait on each other in a cycle. Items in a
// listing are in escrow: they left the seller's inventory_items when it was created and go to
// the buyer, or back to the seller on cancel or expiry. Every gold and item movement is
// appended to market_ledger under the operation's id; so are the admin console's grants,
// removals and listing cancels (place 'admin', with their audit row and reason). Stateless
// functions: thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "api/character_events.hpp"
#include "api/market_request.hpp"

namespace omega::api {

// Why the trading post refused an operation, in its own terms: nothing was written, except
// that a listing found expired is expired there and then (its change stands). The HTTP side
// gives each its status and error code (api/market_replies.hpp).
enum class MarketRefusal : std::uint8_t {
  no_such_character,  // or not the caller's
  no_such_listing,
  slot_empty,
  item_equipped,
  insufficient_items,
  listing_limit,
  listing_closed,
  listing_expired,
  own_listing,
  insufficient_gold,
  not_seller,
  holds_less,  // a staff removal: the character holds less than asked
};

// A listing as the trading post keeps it.
struct Listing {
  std::int64_t id = 0;
  std::int64_t seller_id = 0;
  std::string seller_name;  // empty once the seller is deleted
  std::string item_id;
  std::int64_t quantity = 0;
  std::int64_t price = 0;
  std::int64_t fee = 0;
  std::string status;  // active, sold, cancelled or expired
  std::optional<std::int64_t> buyer_id;
  std::string created_at;  // UTC, 2026-12-07T03:04:05Z
  std::string expires_at;
};

// An operation's result: a refusal, or what it did; and its effects on characters either way.
struct MarketOutcome {
  std::optional<MarketRefusal> refusal;
  std::string detail;                      // the refusal, said for people
  std::optional<Listing> listing;          // the listing created, sold or cancelled
  std::optional<std::int64_t> buyer_gold;  // a buy: the buyer's gold after it
  std::optional<std::int64_t> ledger_id;   // a staff action: its ledger row
  std::vector<CharacterChange> changes;

  static MarketOutcome refused(MarketRefusal refusal, std::string detail);
};

// One page of a search, and where the next page starts if there is one.
struct ListingPage {
  std::vector<Listing> listings;
  std::optional<ListingCursor> next;
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

// An admin console action's mark on the ledger rows it writes: its admin_audit row (written
// first, in the same transaction) and the reason given. Ledger operation id "admin:<audit_id>".
struct StaffAction {
  std::int64_t audit_id = 0;
  std::string reason;
};

// Gold (no item_id) or items a staff member grants to or removes from a character.
struct Adjustment {
  std::int64_t character_id = 0;
  std::optional<std::string> item_id;
  std::int64_t amount = 0;
};

// Moves the gold or items from the 'admin' place to the character; items go where a
// cancelled listing's go (first unequipped stack of the item, else the lowest free slot).
// Refused no_such_character. Sets ledger_id.
MarketOutcome grant_to_character(pqxx::work& transaction, const Adjustment& adjustment,
                                 const StaffAction& staff);
// Moves them from the character to 'admin' (items from its unequipped stacks, as a listing
// takes them). Refused no_such_character, or holds_less with nothing written when it holds
// fewer. Sets ledger_id.
MarketOutcome remove_from_character(pqxx::work& transaction, const Adjustment& adjustment,
                                    const StaffAction& staff);
// Cancels an active listing whoever its seller, expired or not: the escrow goes back to the
// seller as on the seller's own cancel. Refused no_such_listing or listing_closed. Sets
// listing and ledger_id.
MarketOutcome cancel_listing_by_staff(pqxx::work& transaction, std::int64_t listing_id,
                                      const StaffAction& staff);

// One page of active, unexpired listings.
ListingPage search_listings(pqxx::transaction_base& transaction, const ListingQuery& query);

}  // namespace omega::api
