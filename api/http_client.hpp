// A small blocking HTTP/1.1 client for the API's outbound calls (zone control). One request
// per connection, a deadline over the whole exchange and a bound on the response size, so a
// slow or hostile peer costs one worker thread at most `timeout`. Beast stays inside
// http_client.cpp: it is the slowest header set to compile. Thread-safe (no shared state).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace omega::api {

// Where an http:// URL points: host, port and the path prefix ("" for none).
struct HttpEndpoint {
  std::string host;
  std::uint16_t port = 80;
  std::string base_path;
};

// Parses http://host[:port][/path]; nullopt for other schemes or malformed text.
std::optional<HttpEndpoint> parse_http_url(std::string_view url);

struct OutboundResponse {
  int status = 0;  // 0 when no response arrived
  std::string body;
  std::string error;  // why no response arrived (connect refused, timeout…)
};

// How long omega-api waits for a zone process' control endpoint (POST /instances, /kicks).
inline constexpr std::chrono::milliseconds kZoneControlTimeout{2000};

// POSTs a JSON body to endpoint.base_path + path with `Authorization: Bearer <bearer>`.
OutboundResponse post_json(const HttpEndpoint& endpoint, std::string_view path, std::string body,
                           std::string_view bearer, std::chrono::milliseconds timeout);

}  // namespace omega::api
