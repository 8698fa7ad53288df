#include "api/market_request.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "api/errors.hpp"

namespace omega::api {
namespace {

HttpRequest with_query(std::string query) {
  HttpRequest request;
  request.query = std::move(query);
  return request;
}

int status_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const ApiError& error) {
    return error.status();
  }
  return 0;
}

TEST(MarketRequest, IdempotencyKeyIsRequiredAndBounded) {
  HttpRequest request;
  EXPECT_EQ(status_of([&] { require_idempotency_key(request); }), 400);
  request.headers = {{"idempotency-key", "5f0c-11"}};
  EXPECT_EQ(require_idempotency_key(request), "5f0c-11");
  request.headers = {{"idempotency-key", std::string(129, 'k')}};
  EXPECT_EQ(status_of([&] { require_idempotency_key(request); }), 400);
  request.headers = {{"idempotency-key", "has space"}};
  EXPECT_EQ(status_of([&] { require_idempotency_key(request); }), 400);
}

TEST(MarketRequest, DigestIgnoresKeyOrderButNotValues) {
  const auto a =
      request_digest("buy", nlohmann::json::parse(R"({"listing_id":1,"character_id":2})"));
  const auto b =
      request_digest("buy", nlohmann::json::parse(R"({"character_id":2, "listing_id":1})"));
  EXPECT_EQ(a, b);
  EXPECT_EQ(a.size(), 64u);
  EXPECT_NE(a,
            request_digest("buy", nlohmann::json::parse(R"({"listing_id":1,"character_id":3})")));
  EXPECT_NE(
      a, request_digest("cancel", nlohmann::json::parse(R"({"listing_id":1,"character_id":2})")));
}

TEST(MarketRequest, CursorsRoundTripAndRejectForeignText) {
  const ListingCursor by_price{ListingSort::price, 250, 17};
  const auto decoded = decode_cursor(encode_cursor(by_price), ListingSort::price);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->price, 250);
  EXPECT_EQ(decoded->id, 17);
  const auto newest =
      decode_cursor(encode_cursor({ListingSort::newest, 0, 99}), ListingSort::newest);
  ASSERT_TRUE(newest);
  EXPECT_EQ(newest->id, 99);
  EXPECT_FALSE(decode_cursor(encode_cursor(by_price), ListingSort::newest));
  for (const char* bad :
       {"", "p", "p1", "p_1", "p1_", "p-1_2", "n", "n0", "nx", "p1_2x", "p99999999999999999999_1"})
    EXPECT_FALSE(decode_cursor(bad, ListingSort::price)) << bad;
}

TEST(MarketRequest, QueryParsingAppliesDefaultsAndLimits) {
  const auto defaults = parse_listing_query(with_query(""), 100);
  EXPECT_EQ(defaults.limit, 20);
  EXPECT_EQ(defaults.sort, ListingSort::price);
  EXPECT_FALSE(defaults.item_id);
  EXPECT_FALSE(defaults.name_text);
  EXPECT_EQ(*parse_listing_query(with_query("q=Rusty%20Sword"), 100).name_text, "Rusty Sword");
  const auto full = parse_listing_query(with_query("item_id=wolf_pelt&min_price=5&max_price=50&"
                                                   "seller_id=3&sort=newest&limit=100&cursor=n40"),
                                        100);
  EXPECT_EQ(*full.item_id, "wolf_pelt");
  EXPECT_EQ(*full.min_price, 5);
  EXPECT_EQ(*full.max_price, 50);
  EXPECT_EQ(*full.seller_id, 3);
  EXPECT_EQ(full.sort, ListingSort::newest);
  EXPECT_EQ(full.limit, 100);
  EXPECT_EQ(full.after->id, 40);
  for (const char* bad : {"limit=101", "limit=0", "limit=x", "sort=cheapest", "min_price=-1",
                          "max_price=1e3", "seller_id=0", "cursor=n5", "item_id=", "q="})
    EXPECT_EQ(status_of([&] { parse_listing_query(with_query(bad), 100); }), 400) << bad;
  EXPECT_EQ(status_of([&] { parse_listing_query(with_query("sort=newest&cursor=p1_2"), 100); }),
            400);
}

}  // namespace
}  // namespace omega::api
