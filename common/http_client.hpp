// A small blocking HTTP/1.1 client over plain POSIX sockets: the bots' API calls, the end-to-end
// tests, and the zone's calls to the Agones SDK sidecar (no Boost.Beast: each Beast translation
// unit costs ~12 s to compile, and a caller that makes a few requests a second needs none of it).
//
// One connection per request (`Connection: close`): a fresh connection can never be stale after
// the API restarted, which is exactly what the crash tests do. Responses are read to the end of
// the stream, bounded in size and time.
//
// Thread safety: the functions share no state; call them from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace omega::common {

// A request gives up after this long (connect + write + read). The API answers in
// milliseconds except for password hashing under load; anything near this is an outage.
inline constexpr double kDefaultHttpTimeoutSeconds = 10.0;
// The largest response accepted (headers + body): the content document is ~100 KB.
inline constexpr size_t kMaxHttpResponseBytes = size_t{8} << 20;

// "http://host:port/prefix" split up; the prefix ("" or "/api") goes before every target.
struct HttpEndpoint {
  std::string host;
  uint16_t port = 80;
  std::string prefix;
};
// nullopt unless `url` is http://HOST[:PORT][/PREFIX] (no https: the local stack is plain).
std::optional<HttpEndpoint> parse_http_url(const std::string& url);

// "ws://host:port/path" split up.
struct WebSocketAddress {
  std::string host;
  uint16_t port = 0;
  std::string path = "/";
};
std::optional<WebSocketAddress> parse_ws_url(const std::string& url);

struct HttpResponse {
  int status = 0;  // 0: no answer (error says why)
  std::string body;
  std::string error;  // transport error when status == 0
};

struct HttpRequest {
  std::string method = "GET";
  std::string target;  // "/v1/characters"
  std::string body;    // JSON; sent with Content-Type: application/json when not empty
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
  double timeout_s = kDefaultHttpTimeoutSeconds;
};

HttpResponse http_call(const HttpEndpoint& endpoint, const HttpRequest& request);

// Shorthands: a JSON body and an optional `Authorization: Bearer` token.
HttpResponse http_get(const HttpEndpoint& endpoint, const std::string& target,
                      const std::string& bearer = "");
HttpResponse http_post(const HttpEndpoint& endpoint, const std::string& target,
                       const std::string& json_body, const std::string& bearer = "");

}  // namespace omega::common
