#include "api/market_replies.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace omega::api {
namespace {

Listing sample_listing() {
  Listing listing;
  listing.id = 7;
  listing.seller_id = 3;
  listing.seller_name = "Mira";
  listing.item_id = "health_potion";
  listing.quantity = 2;
  listing.price = 50;
  listing.fee = 2;
  listing.status = "active";
  listing.created_at = "2026-12-07T03:00:00Z";
  listing.expires_at = "2026-12-08T03:00:00Z";
  return listing;
}

TEST(MarketReplies, EveryRefusalHasTheStatusAndCodeTheSpecSays) {
  const struct {
    MarketRefusal refusal;
    int status;
    std::string code;
  } expected[] = {
      {MarketRefusal::no_such_character, 404, "not_found"},
      {MarketRefusal::no_such_listing, 404, "not_found"},
      {MarketRefusal::slot_empty, 404, "item_not_found"},
      {MarketRefusal::item_equipped, 409, "item_equipped"},
      {MarketRefusal::insufficient_items, 409, "insufficient_items"},
      {MarketRefusal::listing_limit, 409, "listing_limit"},
      {MarketRefusal::listing_closed, 409, "listing_closed"},
      {MarketRefusal::listing_expired, 409, "listing_expired"},
      {MarketRefusal::own_listing, 409, "own_listing"},
      {MarketRefusal::insufficient_gold, 409, "insufficient_gold"},
      {MarketRefusal::not_seller, 403, "not_seller"},
      {MarketRefusal::holds_less, 409, "insufficient"},
  };
  for (const auto& row : expected) {
    const auto reply = market_reply(MarketOutcome::refused(row.refusal, "because"), 201);
    EXPECT_EQ(reply.status, row.status) << row.code;
    EXPECT_EQ(reply.body["error"]["code"], row.code);
    EXPECT_EQ(reply.body["error"]["message"], "because");
    EXPECT_FALSE(reply.body.contains("listing"));
  }
}

TEST(MarketReplies, ASuccessSaysWhatTheOperationDid) {
  MarketOutcome created;
  created.listing = sample_listing();
  const auto reply = market_reply(created, 201);
  EXPECT_EQ(reply.status, 201);
  EXPECT_EQ(reply.body["listing"]["seller_name"], "Mira");
  EXPECT_TRUE(reply.body["listing"]["buyer_id"].is_null());
  EXPECT_FALSE(reply.body.contains("buyer"));
  EXPECT_FALSE(reply.body.contains("ledger_id"));

  MarketOutcome bought;
  bought.listing = sample_listing();
  bought.listing->status = "sold";
  bought.listing->buyer_id = 9;
  bought.buyer_gold = 150;
  const auto sold = market_reply(bought);
  EXPECT_EQ(sold.status, 200);
  EXPECT_EQ(sold.body["listing"]["buyer_id"], 9);
  EXPECT_EQ(sold.body["buyer"], nlohmann::json({{"id", 9}, {"gold", 150}}));

  MarketOutcome granted;
  granted.ledger_id = 41;
  EXPECT_EQ(market_reply(granted).body, nlohmann::json({{"ledger_id", 41}}));
}

TEST(MarketReplies, APageCarriesItsListingsAndTheNextCursor) {
  ListingPage page;
  page.listings = {sample_listing(), sample_listing()};
  page.listings[1].id = 8;
  auto last = page_json(page);
  EXPECT_EQ(last["listings"].size(), 2u);
  EXPECT_EQ(last["listings"][1]["id"], 8);
  EXPECT_TRUE(last["next_cursor"].is_null());
  page.next = ListingCursor{ListingSort::price, 50, 8};
  const auto more = page_json(page);
  ASSERT_TRUE(more["next_cursor"].is_string());
  const auto cursor = decode_cursor(more["next_cursor"].get<std::string>(), ListingSort::price);
  ASSERT_TRUE(cursor);
  EXPECT_EQ(cursor->id, 8);
  EXPECT_EQ(cursor->price, 50);
}

}  // namespace
}  // namespace omega::api
