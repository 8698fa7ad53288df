// Pure helpers of the trading post's HTTP layer: the Idempotency-Key header, the digest that
// tells "the same request again" from "another request under the same key", and the search
// query of GET /v1/market/listings with its keyset cursor. No I/O: thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "api/http_types.hpp"

namespace omega::api {

// Keys are opaque client tokens (UUIDs in practice); the bound keeps the stored row small.
constexpr std::size_t kMaxIdempotencyKeyBytes = 128;
// One listing moves at most this many units: far above any stack, far below int overflow.
constexpr std::int64_t kMaxListingQuantity = 1'000'000;
// Prices in gold; 10^12 keeps price × fee basis points inside int64.
constexpr std::int64_t kMaxListingPrice = 1'000'000'000'000;

// The request's Idempotency-Key: 1-128 printable ASCII characters. ApiError 400 if missing
// or malformed.
std::string require_idempotency_key(const HttpRequest& request);

// SHA-256 (hex) of the operation name and its canonical parameters (a JSON object; keys
// sorted by nlohmann::json), so reordered or re-spaced bodies digest the same.
std::string request_digest(std::string_view operation, const nlohmann::json& parameters);

enum class ListingSort { price, newest };

// Where the previous page stopped: (price, id) for the price order, id for newest.
struct ListingCursor {
  ListingSort sort = ListingSort::price;
  std::int64_t price = 0;
  std::int64_t id = 0;
};

std::string encode_cursor(const ListingCursor& cursor);
// nullopt unless the text is a cursor this API issued for `sort`.
std::optional<ListingCursor> decode_cursor(std::string_view text, ListingSort sort);

struct ListingQuery {
  std::optional<std::string> item_id;
  // q: text searched in the items' display names. The service turns it into `named_items`,
  // the ids of the items whose name contains it (any case), as the store knows no names.
  std::optional<std::string> name_text;
  std::optional<std::vector<std::string>> named_items;
  std::optional<std::int64_t> min_price;
  std::optional<std::int64_t> max_price;
  std::optional<std::int64_t> seller_id;
  ListingSort sort = ListingSort::price;
  int limit = 20;
  std::optional<ListingCursor> after;
};

// Parses the query string of a search (item_id, q, min_price, max_price, seller_id,
// sort=price|newest, limit 1..max_limit, cursor). ApiError 400 on a bad parameter.
ListingQuery parse_listing_query(const HttpRequest& request, int max_limit);

}  // namespace omega::api
