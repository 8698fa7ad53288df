#include "common/url.hpp"

#include <charconv>

namespace omega::common {

std::optional<Url> parse_url(std::string_view text, std::string* error) {
  auto fail = [&](std::string message) -> std::optional<Url> {
    if (error) *error = std::move(message) + ": " + std::string(text);
    return std::nullopt;
  };
  const size_t scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos) return fail("not a URL (no scheme)");
  Url url;
  url.scheme = std::string(text.substr(0, scheme_end));
  uint16_t default_port = 0;
  if (url.scheme == "http" || url.scheme == "ws")
    default_port = 80;
  else if (url.scheme == "https" || url.scheme == "wss")
    default_port = 443;
  else
    return fail("unsupported scheme (only http://, https://, ws:// and wss://)");
  std::string_view rest = text.substr(scheme_end + 3);
  const size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  url.target = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (authority.empty()) return fail("no host in URL");
  // host[:port] or [v6-address][:port]
  std::string_view host = authority, port_text;
  bool has_port = false;
  if (authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return fail("unclosed [ in URL");
    host = authority.substr(1, close - 1);
    const std::string_view rest = authority.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') return fail("bad port in URL");
    has_port = !rest.empty();
    if (has_port) port_text = rest.substr(1);
  } else if (const size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port_text = authority.substr(colon + 1);
    has_port = true;
  }
  url.host = std::string(host);
  url.port = default_port;
  if (has_port) {
    unsigned port = 0;
    const auto [end, ec] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc{} || end != port_text.data() + port_text.size() || port == 0 ||
        port > 65535)
      return fail("bad port in URL");
    url.port = static_cast<uint16_t>(port);
  }
  if (url.host.empty()) return fail("no host in URL");
  return url;
}

}  // namespace omega::common
