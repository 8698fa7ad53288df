// The one URL parser: http[s]:// and ws[s]:// URLs split into scheme, host, port and target, for
// every HTTP and WebSocket client of ours (the client's, the bots', the API's zone control
// calls, common/http_client). https and wss mean TLS with certificate and host-name
// verification (common/tls_client).
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace omega::common {

struct Url {
  bool tls() const { return scheme == "https" || scheme == "wss"; }
  bool websocket() const { return scheme == "ws" || scheme == "wss"; }

  std::string scheme;  // "http", "https", "ws" or "wss"
  std::string host;
  uint16_t port = 0;
  std::string target;  // path and query, at least "/"
};

// Parses `text`; on failure returns nullopt and sets `error`.
std::optional<Url> parse_url(std::string_view text, std::string* error = nullptr);

}  // namespace omega::common
