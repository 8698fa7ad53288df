// Splitting http:// and ws:// URLs into host, port and target for the HTTP and WebSocket
// clients. No TLS: wss:// and https:// are refused with a clear error (deployments terminate
// TLS at the ingress; the local stack is plain).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace omega::client {

struct Url {
  std::string scheme;  // "http" or "ws"
  std::string host;
  uint16_t port = 0;
  std::string target;  // path and query, at least "/"
};

// Parses `text`; on failure returns nullopt and sets `error`.
std::optional<Url> parse_url(std::string_view text, std::string* error = nullptr);

}  // namespace omega::client
