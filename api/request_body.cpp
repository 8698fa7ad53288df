#include "api/request_body.hpp"

#include <charconv>
#include <stdexcept>
#include <string>
#include <unordered_set>
#include <vector>

#include "api/errors.hpp"

namespace omega::api {

namespace {
// Our request bodies are flat objects; deep nesting only serves to exhaust the parser's stack.
constexpr int kMaxJsonDepth = 8;
constexpr std::string_view kUtf8ByteOrderMark = "\xEF\xBB\xBF";

bool is_json_content_type(std::string_view type) {
  const auto semicolon = type.find(';');
  auto media = type.substr(0, semicolon);
  while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
  std::string lower(media);
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower == "application/json";
}

ApiError invalid_field(std::string_view field, std::string_view expectation) {
  return ApiError(422, "invalid_field",
                  std::string(field) + " must be " + std::string(expectation));
}
}  // namespace

nlohmann::json parse_object_body(const HttpRequest& request) {
  if (const auto type = request.header("content-type"); type && !is_json_content_type(*type))
    throw ApiError(415, "unsupported_media_type", "request body must be application/json");
  // RFC 8259 forbids a byte order mark in JSON on the wire; nlohmann skips one silently.
  if (request.body.rfind(kUtf8ByteOrderMark, 0) == 0)
    throw ApiError(400, "invalid_json", "request body must not start with a byte order mark");
  int depth = 0;
  bool too_deep = false;
  bool duplicate_key = false;
  // The keys seen in each open object, innermost last. nlohmann keeps the last of duplicate
  // keys; another parser (a proxy, a log pipeline) may keep the first: refusing them means
  // every reader agrees on what a body says.
  std::vector<std::unordered_set<std::string>> open_objects;
  nlohmann::json body;
  try {
    body = nlohmann::json::parse(
        request.body, [&](int, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
          using Event = nlohmann::json::parse_event_t;
          if (event == Event::object_start || event == Event::array_start) {
            if (++depth > kMaxJsonDepth) too_deep = true;
            if (event == Event::object_start) open_objects.emplace_back();
          } else if (event == Event::object_end || event == Event::array_end) {
            --depth;
            if (event == Event::object_end && !open_objects.empty()) open_objects.pop_back();
          } else if (event == Event::key && !open_objects.empty()) {
            if (!open_objects.back().insert(parsed.get_ref<const std::string&>()).second)
              duplicate_key = true;
          }
          return !too_deep && !duplicate_key;
        });
  } catch (const nlohmann::json::exception&) {
    throw ApiError(400, "invalid_json", "request body is not valid JSON");
  }
  if (too_deep) throw ApiError(400, "invalid_json", "request body is nested too deeply");
  if (duplicate_key)
    throw ApiError(400, "invalid_json", "request body repeats a key within one object");
  if (!body.is_object()) throw ApiError(400, "invalid_json", "request body must be a JSON object");
  return body;
}

std::string require_string(const nlohmann::json& body, std::string_view field,
                           std::size_t min_bytes, std::size_t max_bytes) {
  const auto it = body.find(field);
  if (it == body.end()) throw ApiError(422, "missing_field", std::string(field) + " is required");
  if (!it->is_string()) throw invalid_field(field, "a string");
  const auto& text = it->get_ref<const std::string&>();
  if (text.size() < min_bytes || text.size() > max_bytes)
    throw invalid_field(
        field, std::to_string(min_bytes) + "-" + std::to_string(max_bytes) + " bytes long");
  return text;
}

std::int64_t require_integer(const nlohmann::json& body, std::string_view field, std::int64_t min,
                             std::int64_t max) {
  const auto it = body.find(field);
  if (it == body.end()) throw ApiError(422, "missing_field", std::string(field) + " is required");
  if (!it->is_number_integer()) throw invalid_field(field, "an integer");
  if (it->is_number_unsigned() && it->get<std::uint64_t>() > static_cast<std::uint64_t>(max))
    throw invalid_field(field, "at most " + std::to_string(max));
  const auto value = it->get<std::int64_t>();
  if (value < min || value > max)
    throw invalid_field(field, "between " + std::to_string(min) + " and " + std::to_string(max));
  return value;
}

bool valid_username(std::string_view name) {
  if (name.size() < 3 || name.size() > 24) return false;
  for (const char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  return true;
}

bool valid_character_name(std::string_view name) {
  if (name.size() < 3 || name.size() > 16) return false;
  if (!std::isalpha(static_cast<unsigned char>(name.front()))) return false;
  for (const char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c))) return false;
  return true;
}

std::int64_t query_integer(const HttpRequest& request, std::string_view name, std::int64_t fallback,
                           std::int64_t min, std::int64_t max) {
  const auto text = request.query_param(name);
  if (!text) return fallback;
  std::int64_t value = 0;
  try {
    std::size_t used = 0;
    value = std::stoll(*text, &used);
    if (used != text->size()) throw std::invalid_argument("trailing");
  } catch (const std::exception&) {
    throw ApiError(422, "invalid_query", std::string(name) + " must be an integer");
  }
  if (value < min || value > max)
    throw ApiError(422, "invalid_query",
                   std::string(name) + " must be in [" + std::to_string(min) + ", " +
                       std::to_string(max) + "]");
  return value;
}

std::optional<std::int64_t> parse_id(std::string_view text) {
  std::int64_t value = 0;
  if (text.empty() || text.size() > 19) return std::nullopt;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value < 1) return std::nullopt;
  return value;
}

}  // namespace omega::api
