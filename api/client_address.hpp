// Which client a request comes from, for per-client limits such as login throttling: the
// socket peer, unless the peer is a configured trusted proxy (a load balancer, an ingress),
// in which case the rightmost X-Forwarded-For hop that is not itself a trusted proxy.
// Everything left of that hop was written by the client and is ignored: a client can put
// anything there. Plain values and pure functions: thread-safe.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/http_types.hpp"

namespace omega::api {

// An IPv4 or IPv6 address. IPv4-mapped IPv6 addresses (::ffff:a.b.c.d, what a dual-stack
// socket reports for IPv4 peers) are read as the IPv4 address.
struct IpAddress {
  bool v6 = false;
  std::array<unsigned char, 16> bytes{};  // IPv4: the first 4

  // Numeric text only ("203.0.113.7", "2001:db8::1"); no names, ports or zone ids.
  static std::optional<IpAddress> parse(std::string_view text);
  std::string to_string() const;
  // The unit per-client limits count: the address for IPv4, its /64 network for IPv6 (one
  // subscriber usually holds a whole /64, so counting single IPv6 addresses limits nothing).
  std::string subscriber() const;
};

// A set of addresses and CIDR blocks. Immutable once parsed.
class TrustedProxies {
 public:
  // A comma-separated list like "10.0.0.0/8, 192.0.2.10, fd00::/8"; spaces are ignored, an
  // empty list trusts nobody. nullopt with `error` filled on a malformed entry.
  static std::optional<TrustedProxies> parse(std::string_view list, std::string& error);

  bool contains(const IpAddress& address) const;
  bool empty() const { return blocks_.empty(); }

 private:
  struct Block {
    IpAddress network;
    int prefix_bits = 0;
  };
  std::vector<Block> blocks_;
};

// The client address of `request` (text of an IpAddress, or the peer's text as given when it
// is not an address). X-Forwarded-For is read only when the peer is in `proxies`; several
// X-Forwarded-For header lines count as one list, in order.
std::string client_address(const HttpRequest& request, const TrustedProxies& proxies);

// client_address, then IpAddress::subscriber: the key per-client limits use.
std::string client_subscriber(const HttpRequest& request, const TrustedProxies& proxies);

}  // namespace omega::api
