#include "api/market_request.hpp"

#include <sodium.h>

#include <nlohmann/json.hpp>

#include "api/errors.hpp"
#include "api/request_body.hpp"

namespace omega::api {

namespace {

constexpr int kDefaultPageSize = 20;
// Item ids in content are short snake_case words; longer filters cannot match anything.
constexpr std::size_t kMaxItemIdBytes = 64;

ApiError bad_query(const std::string& parameter, const std::string& expectation) {
  return ApiError(400, "invalid_query", parameter + " must be " + expectation);
}

std::optional<std::int64_t> price_parameter(const HttpRequest& request, const char* name) {
  const auto text = request.query_param(name);
  if (!text) return std::nullopt;
  const auto value = *text == "0" ? std::optional<std::int64_t>(0) : parse_id(*text);
  if (!value || *value > kMaxListingPrice) throw bad_query(name, "a price (0-10^12)");
  return value;
}

}  // namespace

std::string require_idempotency_key(const HttpRequest& request) {
  const auto header = request.header("idempotency-key");
  if (!header)
    throw ApiError(400, "idempotency_key_required",
                   "this operation needs an Idempotency-Key header");
  if (header->empty() || header->size() > kMaxIdempotencyKeyBytes)
    throw ApiError(400, "invalid_idempotency_key", "Idempotency-Key must be 1-128 characters");
  for (const char c : *header)
    if (c < 0x21 || c > 0x7e)
      throw ApiError(400, "invalid_idempotency_key", "Idempotency-Key must be printable ASCII");
  return std::string(*header);
}

std::string request_digest(std::string_view operation, const nlohmann::json& parameters) {
  const std::string text = std::string(operation) + '\n' + parameters.dump();
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  char hex[sizeof digest * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

std::string encode_cursor(const ListingCursor& cursor) {
  if (cursor.sort == ListingSort::newest) return "n" + std::to_string(cursor.id);
  return "p" + std::to_string(cursor.price) + "_" + std::to_string(cursor.id);
}

std::optional<ListingCursor> decode_cursor(std::string_view text, ListingSort sort) {
  if (text.empty()) return std::nullopt;
  ListingCursor cursor;
  cursor.sort = sort;
  if (sort == ListingSort::newest) {
    if (text.front() != 'n') return std::nullopt;
    const auto id = parse_id(text.substr(1));
    if (!id) return std::nullopt;
    cursor.id = *id;
    return cursor;
  }
  const auto separator = text.find('_');
  if (text.front() != 'p' || separator == std::string_view::npos) return std::nullopt;
  const auto price = parse_id(text.substr(1, separator - 1));
  const auto id = parse_id(text.substr(separator + 1));
  if (!price || !id || *price > kMaxListingPrice) return std::nullopt;
  cursor.price = *price;
  cursor.id = *id;
  return cursor;
}

ListingQuery parse_listing_query(const HttpRequest& request, int max_limit) {
  ListingQuery query;
  if (const auto item = request.query_param("item_id")) {
    if (item->empty() || item->size() > kMaxItemIdBytes)
      throw bad_query("item_id", "1-64 characters");
    query.item_id = *item;
  }
  if (const auto name = request.query_param("q")) {
    if (name->empty() || name->size() > kMaxItemIdBytes) throw bad_query("q", "1-64 characters");
    query.name_text = *name;
  }
  query.min_price = price_parameter(request, "min_price");
  query.max_price = price_parameter(request, "max_price");
  if (const auto seller = request.query_param("seller_id")) {
    query.seller_id = parse_id(*seller);
    if (!query.seller_id) throw bad_query("seller_id", "a character id");
  }
  if (const auto sort = request.query_param("sort")) {
    if (*sort == "newest")
      query.sort = ListingSort::newest;
    else if (*sort != "price")
      throw bad_query("sort", "price or newest");
  }
  query.limit = kDefaultPageSize < max_limit ? kDefaultPageSize : max_limit;
  if (const auto limit = request.query_param("limit")) {
    const auto value = parse_id(*limit);
    if (!value || *value > max_limit) throw bad_query("limit", "1-" + std::to_string(max_limit));
    query.limit = static_cast<int>(*value);
  }
  if (const auto cursor = request.query_param("cursor")) {
    query.after = decode_cursor(*cursor, query.sort);
    if (!query.after) throw bad_query("cursor", "a next_cursor of the same sort");
  }
  return query;
}

}  // namespace omega::api
