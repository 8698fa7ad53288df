#include "api/market_replies.hpp"

namespace omega::api {

RefusalCode refusal_code(MarketRefusal refusal) {
  switch (refusal) {
    case MarketRefusal::no_such_character:
    case MarketRefusal::no_such_listing:
      return {404, "not_found"};
    case MarketRefusal::slot_empty:
      return {404, "item_not_found"};
    case MarketRefusal::item_equipped:
      return {409, "item_equipped"};
    case MarketRefusal::insufficient_items:
      return {409, "insufficient_items"};
    case MarketRefusal::listing_limit:
      return {409, "listing_limit"};
    case MarketRefusal::listing_closed:
      return {409, "listing_closed"};
    case MarketRefusal::listing_expired:
      return {409, "listing_expired"};
    case MarketRefusal::own_listing:
      return {409, "own_listing"};
    case MarketRefusal::insufficient_gold:
      return {409, "insufficient_gold"};
    case MarketRefusal::not_seller:
      return {403, "not_seller"};
    case MarketRefusal::holds_less:
      return {409, "insufficient"};
  }
  return {500, "internal"};  // unreachable: -Wswitch names a refusal left out above
}

nlohmann::json listing_json(const Listing& listing) {
  return {{"id", listing.id},
          {"seller_id", listing.seller_id},
          {"seller_name", listing.seller_name},
          {"item_id", listing.item_id},
          {"quantity", listing.quantity},
          {"price", listing.price},
          {"fee", listing.fee},
          {"status", listing.status},
          {"buyer_id", listing.buyer_id ? nlohmann::json(*listing.buyer_id) : nullptr},
          {"created_at", listing.created_at},
          {"expires_at", listing.expires_at}};
}

nlohmann::json page_json(const ListingPage& page) {
  auto listings = nlohmann::json::array();
  for (const auto& listing : page.listings) listings.push_back(listing_json(listing));
  return {{"listings", std::move(listings)},
          {"next_cursor", page.next ? nlohmann::json(encode_cursor(*page.next)) : nullptr}};
}

MarketReply market_reply(const MarketOutcome& outcome, int success_status) {
  if (outcome.refusal) {
    const auto [status, code] = refusal_code(*outcome.refusal);
    return {status, {{"error", {{"code", code}, {"message", outcome.detail}}}}};
  }
  nlohmann::json body = nlohmann::json::object();
  if (outcome.listing) body["listing"] = listing_json(*outcome.listing);
  if (outcome.buyer_gold && outcome.listing && outcome.listing->buyer_id)
    body["buyer"] = {{"id", *outcome.listing->buyer_id}, {"gold", *outcome.buyer_gold}};
  if (outcome.ledger_id) body["ledger_id"] = *outcome.ledger_id;
  return {success_status, std::move(body)};
}

}  // namespace omega::api
