// Reading untrusted JSON request bodies: every failure is an ApiError with a 4xx status,
// so a bad body can never reach storage. Stateless functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "api/http_types.hpp"

namespace omega::api {

// The body as a JSON object: 415 for a non-JSON content type, 400 for malformed JSON,
// invalid UTF-8, nesting deeper than a handful of levels, or a non-object top level.
nlohmann::json parse_object_body(const HttpRequest& request);

// A required string field with a length bound in bytes (422 when missing or mistyped).
std::string require_string(const nlohmann::json& body, std::string_view field,
                           std::size_t min_bytes, std::size_t max_bytes);
// A required integer field within [min, max].
std::int64_t require_integer(const nlohmann::json& body, std::string_view field, std::int64_t min,
                             std::int64_t max);

// An optional integer query parameter within [min, max]; `fallback` when absent, 422
// invalid_query when not an integer in range.
std::int64_t query_integer(const HttpRequest& request, std::string_view name, std::int64_t fallback,
                           std::int64_t min, std::int64_t max);

// Account names: 3–24 of [A-Za-z0-9_]. ASCII only: look-alike unicode names are how players
// impersonate each other.
bool valid_username(std::string_view name);
// Character names: a letter, then 2–15 letters or digits.
bool valid_character_name(std::string_view name);
// A decimal id path parameter in [1, 2^63); nullopt otherwise.
std::optional<std::int64_t> parse_id(std::string_view text);

}  // namespace omega::api
