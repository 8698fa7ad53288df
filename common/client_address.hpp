// Who a connection is from when it may come through reverse proxies: IP addresses, lists of
// trusted proxies (addresses and CIDR blocks), and the client that X-Forwarded-For names.
//
// A peer that is not a trusted proxy is the client, whatever headers it sends (they are
// client-written). Behind trusted proxies, X-Forwarded-For is read from the right: each proxy
// appends the address it received from, so the rightmost hop that is not itself a trusted
// proxy is the client; everything left of it could be forged. Used by omega-api (login
// throttling) and omega-zone (per-address connection limits).
//
// Plain values and pure functions: thread-safe.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace omega::common {

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
  bool contains(std::string_view address) const;
  bool empty() const { return blocks_.empty(); }

 private:
  struct Block {
    IpAddress network;
    int prefix_bits = 0;
  };
  std::vector<Block> blocks_;
};

// The client behind `peer` (the socket's remote address, as text): `peer` itself unless it
// is in `proxies`, else the rightmost hop of `x_forwarded_for` (all header lines joined with
// commas) that is not a trusted proxy. A hop that is not an address ends the walk: the last
// trusted hop then stands for the client. nullopt when `peer` is not an address.
std::optional<IpAddress> resolve_client(std::string_view peer, std::string_view x_forwarded_for,
                                        const TrustedProxies& proxies);

// resolve_client as text (normalised), or `peer` as given when it is not an address.
std::string client_address(std::string_view peer, std::string_view x_forwarded_for,
                           const TrustedProxies& proxies);

}  // namespace omega::common
