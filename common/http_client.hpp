// A small blocking HTTP/1.1 client over POSIX sockets, with TLS (OpenSSL, common/tls_client)
// for https://: the bots' API calls, the end-to-end tests, the `healthcheck` subcommands of
// omega-api and omega-zone, the zone's calls to the Agones SDK sidecar (plain http:// on
// 127.0.0.1, zone/agones_sdk.cpp) and to the API's internal routes (zone/api_client.cpp), and
// the API's zone-control calls (api/zone_control.cpp). No Boost.Beast: each Beast translation unit
// costs ~12 s to compile, and a tool that makes a few requests per player needs none of it.
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

// "http[s]://host:port/prefix" split up; the prefix ("" or "/api") goes before every target.
struct HttpEndpoint {
  std::string host;
  uint16_t port = 80;
  std::string prefix;
  bool tls = false;     // https://: the server's certificate and name are verified
  std::string ca_file;  // with tls: trust this PEM CA file instead of the system store
};
// nullopt unless `url` is http[s]://HOST[:PORT][/PREFIX] (ports default to 80 and 443; an
// IPv6 address goes in brackets).
std::optional<HttpEndpoint> parse_http_url(const std::string& url);

// "ws[s]://host:port/path" split up.
struct WebSocketAddress {
  std::string host;
  uint16_t port = 0;
  std::string path = "/";
  bool tls = false;  // wss://
};
// nullopt unless `url` is ws[s]://HOST[:PORT][/PATH] (ports default to 80 and 443).
std::optional<WebSocketAddress> parse_ws_url(const std::string& url);

struct HttpResponse {
  int status = 0;  // 0: no answer (error says why)
  std::string body;
  std::string error;  // transport or TLS error when status == 0
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

// A container health check needs no curl: GET `url` (http[s]://host:port/path) with a short
// timeout; true on 200, else false. `message` says what happened either way.
inline constexpr double kHealthCheckTimeoutSeconds = 3.0;
bool check_health(const std::string& url, std::string& message);
// The `healthcheck` subcommand of omega-api and omega-zone: probes `url`, or when it is empty
// http://127.0.0.1:<$port_variable or default_port>/healthz, prints one line, and returns the
// exit status (0 healthy, 1 not). Needs no configuration, so no secret, beyond the port.
int health_check_command(std::string url, const char* port_variable, int default_port);

}  // namespace omega::common
