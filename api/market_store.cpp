#include "api/market_store.hpp"

#include <algorithm>
#include <limits>

namespace omega::api {

namespace {

constexpr const char* kListingColumns =
    "l.id, l.seller_id, l.item_id, l.quantity, l.price, l.fee, l.status, l.buyer_id, "
    "to_char(l.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
    "to_char(l.expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
    "l.expires_at <= now(), (SELECT c.name FROM characters c WHERE c.id = l.seller_id)";

// A listing row as read under its lock: the listing, and whether it is past its expiry.
struct ListingRow : Listing {
  bool expired = false;
};

ListingRow listing_of(const pqxx::row& row) {
  ListingRow listing;
  listing.id = row[0].as<std::int64_t>();
  listing.seller_id = row[1].as<std::int64_t>();
  listing.item_id = row[2].as<std::string>();
  listing.quantity = row[3].as<std::int64_t>();
  listing.price = row[4].as<std::int64_t>();
  listing.fee = row[5].as<std::int64_t>();
  listing.status = row[6].as<std::string>();
  if (!row[7].is_null()) listing.buyer_id = row[7].as<std::int64_t>();
  listing.created_at = row[8].as<std::string>();
  listing.expires_at = row[9].as<std::string>();
  listing.expired = row[10].as<bool>();
  if (!row[11].is_null()) listing.seller_name = row[11].as<std::string>();
  return listing;
}

struct LockedCharacter {
  std::int64_t id = 0;
  std::int64_t account_id = 0;
  std::int64_t gold = 0;
  bool lease_held = false;
};

// Locks the characters in ascending id order (the sort runs below the row locks).
std::vector<LockedCharacter> lock_characters(pqxx::work& transaction, std::int64_t first,
                                             std::int64_t second) {
  std::vector<LockedCharacter> locked;
  for (const auto& row :
       transaction.exec_params("SELECT id, account_id, gold, NOT lease_released FROM characters "
                               "WHERE id = $1 OR id = $2 ORDER BY id FOR UPDATE",
                               first, second))
    locked.push_back({row[0].as<std::int64_t>(), row[1].as<std::int64_t>(),
                      row[2].as<std::int64_t>(), row[3].as<bool>()});
  return locked;
}

const LockedCharacter* find_character(const std::vector<LockedCharacter>& locked, std::int64_t id) {
  for (const auto& character : locked)
    if (character.id == id) return &character;
  return nullptr;
}

std::optional<ListingRow> lock_listing(pqxx::work& transaction, std::int64_t listing_id) {
  const auto rows =
      transaction.exec_params(std::string("SELECT ") + kListingColumns +
                                  " FROM market_listings l WHERE l.id = $1 FOR UPDATE",
                              listing_id);
  if (rows.empty()) return std::nullopt;
  return listing_of(rows[0]);
}

std::optional<std::int64_t> seller_of(pqxx::work& transaction, std::int64_t listing_id) {
  const auto rows =
      transaction.exec_params("SELECT seller_id FROM market_listings WHERE id = $1", listing_id);
  if (rows.empty()) return std::nullopt;
  return rows[0][0].as<std::int64_t>();
}

struct Place {
  const char* kind;
  std::optional<std::int64_t> id;
};

// Appends one movement; returns its id (nullopt for a zero amount, which is not written).
// `staff` marks the rows of an admin action with its audit row and reason.
std::optional<std::int64_t> append_ledger(pqxx::work& transaction, const std::string& operation_id,
                                          std::optional<std::int64_t> listing_id,
                                          const std::optional<std::string>& item_id,
                                          std::int64_t amount, const Place& from, const Place& to,
                                          const StaffAction* staff = nullptr) {
  if (amount <= 0) return std::nullopt;
  std::optional<std::int64_t> audit_id;
  std::optional<std::string> reason;
  if (staff) {
    audit_id = staff->audit_id;
    reason = staff->reason;
  }
  const auto rows = transaction.exec_params(
      "INSERT INTO market_ledger (operation_id, listing_id, asset, item_id, amount, from_kind, "
      "from_id, to_kind, to_id, reason, audit_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "
      "$11) RETURNING id",
      operation_id, listing_id, item_id ? "item" : "gold", item_id, amount, from.kind, from.id,
      to.kind, to.id, reason, audit_id);
  return rows[0][0].as<std::int64_t>();
}

// Adds to the character's first unequipped stack of the item, else to its lowest free slot.
void give_items(pqxx::work& transaction, std::int64_t character_id, const std::string& item_id,
                std::int64_t quantity) {
  const auto merged = transaction.exec_params(
      "UPDATE inventory_items SET quantity = quantity + $3 WHERE character_id = $1 AND slot = "
      "(SELECT min(slot) FROM inventory_items WHERE character_id = $1 AND item_id = $2 "
      " AND NOT equipped AND quantity <= 2147483647 - $3) RETURNING slot",
      character_id, item_id, quantity);
  if (!merged.empty()) return;
  transaction.exec_params(
      "INSERT INTO inventory_items (character_id, slot, item_id, quantity) "
      "SELECT $1, min(s), $2, $3 FROM generate_series(0, "
      " (SELECT count(*) FROM inventory_items WHERE character_id = $1)::integer) AS s "
      "WHERE NOT EXISTS (SELECT 1 FROM inventory_items i WHERE i.character_id = $1 AND i.slot = s)",
      character_id, item_id, quantity);
}

// The stacks a new listing takes its items from: (slot, quantity taken, quantity held).
struct Take {
  int slot;
  std::int64_t taken;
  std::int64_t held;
};

// Plans which stacks supply the listing; a refusal when the inventory cannot.
std::optional<MarketOutcome> plan_takes(pqxx::work& transaction, const NewListing& listing,
                                        std::string& item_id, std::vector<Take>& takes) {
  if (listing.slot) {
    const auto rows = transaction.exec_params(
        "SELECT item_id, quantity, equipped FROM inventory_items WHERE character_id = $1 AND slot "
        "= $2",
        listing.seller_id, *listing.slot);
    if (rows.empty())
      return MarketOutcome::refused(MarketRefusal::slot_empty, "that inventory slot is empty");
    if (rows[0][2].as<bool>())
      return MarketOutcome::refused(MarketRefusal::item_equipped, "unequip the item first");
    item_id = rows[0][0].as<std::string>();
    const auto held = rows[0][1].as<std::int64_t>();
    if (held < listing.quantity)
      return MarketOutcome::refused(MarketRefusal::insufficient_items,
                                    "the slot holds fewer items than listed");
    takes.push_back({*listing.slot, listing.quantity, held});
    return std::nullopt;
  }
  item_id = *listing.item_id;
  std::int64_t needed = listing.quantity;
  for (const auto& row : transaction.exec_params(
           "SELECT slot, quantity FROM inventory_items WHERE character_id = $1 AND item_id = $2 "
           "AND NOT equipped ORDER BY slot DESC",
           listing.seller_id, item_id)) {
    if (needed == 0) break;
    const auto held = row[1].as<std::int64_t>();
    const auto taken = std::min(held, needed);
    takes.push_back({row[0].as<int>(), taken, held});
    needed -= taken;
  }
  if (needed > 0)
    return MarketOutcome::refused(MarketRefusal::insufficient_items,
                                  "not enough unequipped items of that kind");
  return std::nullopt;
}

void remove_takes(pqxx::work& transaction, std::int64_t character_id,
                  const std::vector<Take>& takes) {
  for (const auto& take : takes) {
    if (take.taken == take.held)
      transaction.exec_params("DELETE FROM inventory_items WHERE character_id = $1 AND slot = $2",
                              character_id, take.slot);
    else
      transaction.exec_params(
          "UPDATE inventory_items SET quantity = quantity - $3 WHERE character_id = $1 AND slot = "
          "$2",
          character_id, take.slot, take.taken);
  }
}

// Closes an active listing and returns its escrow to the seller (cancel and expiry).
CharacterChange return_to_seller(pqxx::work& transaction, const ListingRow& listing,
                                 const LockedCharacter& seller, const char* status,
                                 const std::string& operation_id,
                                 const StaffAction* staff = nullptr,
                                 std::optional<std::int64_t>* ledger_id = nullptr) {
  transaction.exec_params("UPDATE market_listings SET status = $2, closed_at = now() WHERE id = $1",
                          listing.id, status);
  give_items(transaction, seller.id, listing.item_id, listing.quantity);
  const auto appended =
      append_ledger(transaction, operation_id, listing.id, listing.item_id, listing.quantity,
                    {"escrow", listing.id}, {"character", seller.id}, staff);
  if (ledger_id) *ledger_id = appended;
  return {seller.id, seller.lease_held, 0, {{listing.item_id, listing.quantity}}};
}

MarketOutcome no_such_character() {
  return MarketOutcome::refused(MarketRefusal::no_such_character, "no such character");
}

MarketOutcome no_such_listing() {
  return MarketOutcome::refused(MarketRefusal::no_such_listing, "no such listing");
}

MarketOutcome listing_closed(const ListingRow& listing) {
  return MarketOutcome::refused(MarketRefusal::listing_closed, "the listing is " + listing.status);
}

// The listing after an operation closed it with `status`.
Listing closed(const ListingRow& row, const char* status) {
  Listing listing = row;
  listing.status = status;
  return listing;
}

// A listing found expired by a buy or cancel is expired there and then; the refusal says so.
MarketOutcome expired_on_touch(pqxx::work& transaction, const ListingRow& listing,
                               const LockedCharacter& seller) {
  auto outcome = MarketOutcome::refused(
      MarketRefusal::listing_expired, "the listing has expired; its items went back to the seller");
  outcome.changes.push_back(return_to_seller(transaction, listing, seller, "expired",
                                             "expire:" + std::to_string(listing.id)));
  return outcome;
}

}  // namespace

MarketOutcome MarketOutcome::refused(MarketRefusal refusal, std::string detail) {
  MarketOutcome outcome;
  outcome.refusal = refusal;
  outcome.detail = std::move(detail);
  return outcome;
}

MarketOutcome create_listing(pqxx::work& transaction, const NewListing& listing,
                             const MarketRules& rules, const std::string& operation_id) {
  const auto locked = lock_characters(transaction, listing.seller_id, listing.seller_id);
  const auto* seller = find_character(locked, listing.seller_id);
  if (!seller || seller->account_id != listing.account_id) return no_such_character();
  const auto active = transaction.exec_params(
      "SELECT count(*) FROM market_listings WHERE seller_id = $1 AND status = 'active'",
      seller->id);
  if (active[0][0].as<int>() >= rules.max_listings_per_character)
    return MarketOutcome::refused(MarketRefusal::listing_limit,
                                  "this character has the maximum number of listings");
  std::string item_id;
  std::vector<Take> takes;
  if (auto refused = plan_takes(transaction, listing, item_id, takes)) return std::move(*refused);
  remove_takes(transaction, seller->id, takes);
  const std::int64_t fee = listing.price * rules.fee_basis_points / 10'000;
  const auto inserted = transaction.exec_params(
      "INSERT INTO market_listings AS l (seller_id, item_id, quantity, price, fee, expires_at) "
      "VALUES ($1, $2, $3, $4, $5, now() + make_interval(secs => $6)) RETURNING " +
          std::string(kListingColumns),
      seller->id, item_id, listing.quantity, listing.price, fee, rules.listing_ttl_s);
  auto created = listing_of(inserted[0]);
  append_ledger(transaction, operation_id, created.id, item_id, listing.quantity,
                {"character", seller->id}, {"escrow", created.id});
  MarketOutcome outcome;
  outcome.listing = created;
  outcome.changes.push_back({seller->id, seller->lease_held, 0, {{item_id, -listing.quantity}}});
  return outcome;
}

MarketOutcome buy_listing(pqxx::work& transaction, std::int64_t account_id, std::int64_t listing_id,
                          std::int64_t buyer_id, const std::string& operation_id) {
  const auto seller_id = seller_of(transaction, listing_id);
  if (!seller_id) return no_such_listing();
  const auto locked = lock_characters(transaction, buyer_id, *seller_id);
  const auto* buyer = find_character(locked, buyer_id);
  const auto* seller = find_character(locked, *seller_id);
  if (!buyer || buyer->account_id != account_id) return no_such_character();
  const auto listing = lock_listing(transaction, listing_id);
  if (!listing || !seller) return no_such_listing();  // seller deleted meanwhile
  if (listing->status != "active") return listing_closed(*listing);
  if (listing->expired) return expired_on_touch(transaction, *listing, *seller);
  if (buyer->id == seller->id)
    return MarketOutcome::refused(MarketRefusal::own_listing,
                                  "a character cannot buy its own listing");
  if (buyer->gold < listing->price)
    return MarketOutcome::refused(MarketRefusal::insufficient_gold, "not enough gold");

  const auto proceeds = listing->price - listing->fee;
  transaction.exec_params("UPDATE characters SET gold = gold - $2 WHERE id = $1", buyer->id,
                          listing->price);
  transaction.exec_params("UPDATE characters SET gold = gold + $2 WHERE id = $1", seller->id,
                          proceeds);
  transaction.exec_params(
      "UPDATE market_listings SET status = 'sold', closed_at = now(), buyer_id = $2 WHERE id = $1",
      listing->id, buyer->id);
  give_items(transaction, buyer->id, listing->item_id, listing->quantity);
  append_ledger(transaction, operation_id, listing->id, std::nullopt, proceeds,
                {"character", buyer->id}, {"character", seller->id});
  append_ledger(transaction, operation_id, listing->id, std::nullopt, listing->fee,
                {"character", buyer->id}, {"fee", std::nullopt});
  append_ledger(transaction, operation_id, listing->id, listing->item_id, listing->quantity,
                {"escrow", listing->id}, {"character", buyer->id});

  MarketOutcome outcome;
  outcome.listing = closed(*listing, "sold");
  outcome.listing->buyer_id = buyer->id;
  outcome.buyer_gold = buyer->gold - listing->price;
  outcome.changes.push_back(
      {buyer->id, buyer->lease_held, -listing->price, {{listing->item_id, listing->quantity}}});
  outcome.changes.push_back({seller->id, seller->lease_held, proceeds, {}});
  return outcome;
}

MarketOutcome cancel_listing(pqxx::work& transaction, std::int64_t account_id,
                             std::int64_t listing_id, std::int64_t seller_id,
                             const std::string& operation_id) {
  const auto locked = lock_characters(transaction, seller_id, seller_id);
  const auto* seller = find_character(locked, seller_id);
  if (!seller || seller->account_id != account_id) return no_such_character();
  const auto listing = lock_listing(transaction, listing_id);
  if (!listing) return no_such_listing();
  if (listing->seller_id != seller->id)
    return MarketOutcome::refused(MarketRefusal::not_seller,
                                  "only the seller can cancel a listing");
  if (listing->status != "active") return listing_closed(*listing);
  if (listing->expired) return expired_on_touch(transaction, *listing, *seller);
  MarketOutcome outcome;
  outcome.changes.push_back(
      return_to_seller(transaction, *listing, *seller, "cancelled", operation_id));
  outcome.listing = closed(*listing, "cancelled");
  return outcome;
}

std::optional<CharacterChange> expire_listing(pqxx::work& transaction, std::int64_t listing_id) {
  const auto seller_id = seller_of(transaction, listing_id);
  if (!seller_id) return std::nullopt;
  const auto locked = lock_characters(transaction, *seller_id, *seller_id);
  const auto listing = lock_listing(transaction, listing_id);
  if (locked.empty() || !listing || listing->status != "active" || !listing->expired)
    return std::nullopt;
  return return_to_seller(transaction, *listing, locked.front(), "expired",
                          "expire:" + std::to_string(listing_id));
}

namespace {

std::string staff_operation(const StaffAction& staff) {
  return "admin:" + std::to_string(staff.audit_id);
}

MarketOutcome insufficient(const std::string& what) {
  return MarketOutcome::refused(MarketRefusal::holds_less, "the character holds less " + what);
}

}  // namespace

namespace {

// Moves the adjustment from the 'admin' place to the character (grant) or back (removal).
MarketOutcome move_for_staff(pqxx::work& transaction, const Adjustment& adjustment,
                             const StaffAction& staff, bool grant) {
  const auto locked =
      lock_characters(transaction, adjustment.character_id, adjustment.character_id);
  if (locked.empty()) return no_such_character();
  const auto& character = locked.front();
  const std::int64_t delta = grant ? adjustment.amount : -adjustment.amount;
  CharacterChange change{character.id, character.lease_held, 0, {}};
  if (adjustment.item_id && grant) {
    give_items(transaction, character.id, *adjustment.item_id, adjustment.amount);
  } else if (adjustment.item_id) {
    NewListing wanted;
    wanted.seller_id = character.id;
    wanted.item_id = adjustment.item_id;
    wanted.quantity = adjustment.amount;
    std::string item_id;
    std::vector<Take> takes;
    if (plan_takes(transaction, wanted, item_id, takes))
      return insufficient("unequipped " + item_id);
    remove_takes(transaction, character.id, takes);
  } else {
    if (!grant && character.gold < adjustment.amount) return insufficient("gold");
    transaction.exec_params("UPDATE characters SET gold = gold + $2 WHERE id = $1", character.id,
                            delta);
    change.gold_delta = delta;
  }
  if (adjustment.item_id) change.items.push_back({*adjustment.item_id, delta});
  const Place admin{"admin", std::nullopt}, owner{"character", character.id};
  const auto ledger_id =
      append_ledger(transaction, staff_operation(staff), std::nullopt, adjustment.item_id,
                    adjustment.amount, grant ? admin : owner, grant ? owner : admin, &staff);
  MarketOutcome outcome;
  outcome.ledger_id = ledger_id.value_or(0);
  outcome.changes.push_back(std::move(change));
  return outcome;
}

}  // namespace

MarketOutcome grant_to_character(pqxx::work& transaction, const Adjustment& adjustment,
                                 const StaffAction& staff) {
  return move_for_staff(transaction, adjustment, staff, true);
}

MarketOutcome remove_from_character(pqxx::work& transaction, const Adjustment& adjustment,
                                    const StaffAction& staff) {
  return move_for_staff(transaction, adjustment, staff, false);
}

MarketOutcome cancel_listing_by_staff(pqxx::work& transaction, std::int64_t listing_id,
                                      const StaffAction& staff) {
  const auto seller_id = seller_of(transaction, listing_id);
  if (!seller_id) return no_such_listing();
  const auto locked = lock_characters(transaction, *seller_id, *seller_id);
  const auto listing = lock_listing(transaction, listing_id);
  if (locked.empty() || !listing) return no_such_listing();
  if (listing->status != "active") return listing_closed(*listing);
  std::optional<std::int64_t> ledger_id;
  MarketOutcome outcome;
  outcome.changes.push_back(return_to_seller(transaction, *listing, locked.front(), "cancelled",
                                             staff_operation(staff), &staff, &ledger_id));
  outcome.listing = closed(*listing, "cancelled");
  outcome.ledger_id = ledger_id.value_or(0);
  return outcome;
}

ListingPage search_listings(pqxx::transaction_base& transaction, const ListingQuery& query) {
  const bool by_price = query.sort == ListingSort::price;
  // The ids one per line (content ids have no line breaks); empty text matches nothing.
  std::optional<std::string> named_items;
  if (query.named_items) {
    named_items.emplace();
    for (const auto& id : *query.named_items)
      *named_items += (named_items->empty() ? "" : "\n") + id;
  }
  std::optional<std::int64_t> after_price, after_id;
  if (query.after) {
    if (by_price) after_price = query.after->price;
    after_id = query.after->id;
  }
  // Keyset pagination: the page starts after the cursor's row in the sort order. Newest has
  // no price in its cursor; $5 is NULL then, but must still appear with a type.
  const std::string keyset =
      by_price ? "($6::bigint IS NULL OR (l.price, l.id) > ($5::bigint, $6::bigint)) ORDER BY "
                 "l.price, l.id"
               : "$5::bigint IS NULL AND ($6::bigint IS NULL OR l.id < $6) ORDER BY l.id DESC";
  const auto rows = transaction.exec_params(
      std::string("SELECT ") + kListingColumns +
          " FROM market_listings l WHERE l.status = 'active' AND l.expires_at > now() "
          "AND ($1::text IS NULL OR l.item_id = $1) AND ($2::bigint IS NULL OR l.price >= $2) "
          "AND ($3::bigint IS NULL OR l.price <= $3) AND ($4::bigint IS NULL OR l.seller_id = $4) "
          "AND ($8::text IS NULL OR l.item_id = ANY(string_to_array($8, chr(10)))) AND " +
          keyset + " LIMIT $7",
      query.item_id, query.min_price, query.max_price, query.seller_id, after_price, after_id,
      query.limit + 1, named_items);
  ListingPage page;
  for (const auto& row : rows) {
    if (static_cast<int>(page.listings.size()) == query.limit) {
      const auto& last = page.listings.back();
      page.next = ListingCursor{query.sort, last.price, last.id};
      break;
    }
    page.listings.push_back(listing_of(row));
  }
  return page;
}

}  // namespace omega::api
