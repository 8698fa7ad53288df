#include "common/client_address.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace omega::common {

namespace {

// X-Forwarded-For hops examined from the right: more trusted proxies than this in front of
// one service is a misconfiguration, and the bound keeps a crafted header cheap.
constexpr int kMaxForwardedHops = 16;
// Bits of an IPv6 address that name a subscriber (RFC 6177: end sites get a /64 or more).
constexpr int kIpv6SubscriberBits = 64;
constexpr unsigned char kV4MappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// One X-Forwarded-For hop: an address, optionally with a port as some proxies write it
// ("203.0.113.7:41234", "[2001:db8::1]:443").
std::optional<IpAddress> parse_hop(std::string_view hop) {
  hop = trim(hop);
  if (!hop.empty() && hop.front() == '[') {
    const auto close = hop.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    return IpAddress::parse(hop.substr(1, close - 1));
  }
  if (const auto colon = hop.find(':');
      colon != std::string_view::npos && hop.find(':', colon + 1) == std::string_view::npos)
    hop = hop.substr(0, colon);  // one colon: IPv4 with a port
  return IpAddress::parse(hop);
}

bool prefix_matches(const IpAddress& address, const IpAddress& network, int bits) {
  const int whole_bytes = bits / 8;
  if (std::memcmp(address.bytes.data(), network.bytes.data(),
                  static_cast<std::size_t>(whole_bytes)) != 0)
    return false;
  const int rest = bits % 8;
  if (rest == 0) return true;
  const auto mask = static_cast<unsigned char>(0xff << (8 - rest));
  return (address.bytes[whole_bytes] & mask) == (network.bytes[whole_bytes] & mask);
}

}  // namespace

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  // inet_pton needs a terminated string; anything longer than an IPv6 text is not one.
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
  char buffer[INET6_ADDRSTRLEN];
  std::memcpy(buffer, text.data(), text.size());
  buffer[text.size()] = '\0';
  IpAddress address;
  if (inet_pton(AF_INET, buffer, address.bytes.data()) == 1) return address;
  if (inet_pton(AF_INET6, buffer, address.bytes.data()) != 1) return std::nullopt;
  if (std::memcmp(address.bytes.data(), kV4MappedPrefix, sizeof kV4MappedPrefix) == 0) {
    std::memmove(address.bytes.data(), address.bytes.data() + 12, 4);
    std::memset(address.bytes.data() + 4, 0, 12);
    return address;
  }
  address.v6 = true;
  return address;
}

std::string IpAddress::to_string() const {
  char text[INET6_ADDRSTRLEN];
  if (!inet_ntop(v6 ? AF_INET6 : AF_INET, bytes.data(), text, sizeof text)) return {};
  return text;
}

std::string IpAddress::subscriber() const {
  if (!v6) return to_string();
  IpAddress network = *this;
  std::memset(network.bytes.data() + kIpv6SubscriberBits / 8, 0, 16 - kIpv6SubscriberBits / 8);
  return network.to_string() + "/" + std::to_string(kIpv6SubscriberBits);
}

std::optional<TrustedProxies> TrustedProxies::parse(std::string_view list, std::string& error) {
  TrustedProxies proxies;
  while (!list.empty()) {
    const auto comma = list.find(',');
    const auto entry = trim(list.substr(0, comma));
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    if (entry.empty()) continue;
    const auto slash = entry.find('/');
    const auto address = IpAddress::parse(entry.substr(0, slash));
    if (!address) {
      error = "not an IP address: '" + std::string(entry) + "'";
      return std::nullopt;
    }
    const int width = address->v6 ? 128 : 32;
    int bits = width;
    if (slash != std::string_view::npos) {
      const auto text = entry.substr(slash + 1);
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), bits);
      if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || bits < 0 ||
          bits > width) {
        error = "bad prefix length in '" + std::string(entry) + "'";
        return std::nullopt;
      }
    }
    proxies.blocks_.push_back({*address, bits});
  }
  return proxies;
}

bool TrustedProxies::contains(const IpAddress& address) const {
  for (const auto& block : blocks_)
    if (block.network.v6 == address.v6 && prefix_matches(address, block.network, block.prefix_bits))
      return true;
  return false;
}

bool TrustedProxies::contains(std::string_view address) const {
  const auto parsed = IpAddress::parse(address);
  return parsed && contains(*parsed);
}

std::optional<IpAddress> resolve_client(std::string_view peer_text,
                                        std::string_view x_forwarded_for,
                                        const TrustedProxies& proxies) {
  const auto peer = IpAddress::parse(peer_text);
  if (!peer || !proxies.contains(*peer)) return peer;
  // Walk from the right: each trusted proxy appended the address it received from. The
  // first hop that is not a trusted proxy is the client; a hop we cannot read means the
  // list is not trustworthy from there on, so the last trusted hop stands for the client.
  IpAddress client = *peer;
  std::string_view rest = x_forwarded_for;
  for (int hops = 0; hops < kMaxForwardedHops && !rest.empty(); ++hops) {
    const auto comma = rest.rfind(',');
    const auto hop = parse_hop(comma == std::string_view::npos ? rest : rest.substr(comma + 1));
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(0, comma);
    if (!hop) break;
    client = *hop;
    if (!proxies.contains(client)) break;
  }
  return client;
}

std::string client_address(std::string_view peer, std::string_view x_forwarded_for,
                           const TrustedProxies& proxies) {
  const auto address = resolve_client(peer, x_forwarded_for, proxies);
  return address ? address->to_string() : std::string(peer);
}

}  // namespace omega::common
