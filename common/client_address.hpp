// Who a connection is from when it may come through a reverse proxy: CIDR lists of trusted
// proxies, and the client address named by X-Forwarded-For.
//
// A peer that is not a trusted proxy is the client, whatever headers it sends (they are
// client-controlled). Behind trusted proxies, X-Forwarded-For is read from the right: each
// proxy appends the address it received from, so the rightmost address that is not itself a
// trusted proxy is the client; anything left of it could be forged.
//
// Thread safety: a CidrList is an immutable value after parse(); the functions are pure.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace omega::common {

// An IPv4 or IPv6 address as 16 bytes (IPv4 as ::ffff:a.b.c.d), parsed from text.
struct IpAddress {
  std::array<uint8_t, 16> bytes{};
  static std::optional<IpAddress> parse(std::string_view text);
};

class CidrList {
 public:
  // "10.0.0.0/8, 127.0.0.1, fd00::/8": addresses or networks separated by commas and/or
  // spaces; an empty string is an empty list. nullopt with `error` naming the bad entry.
  static std::optional<CidrList> parse(std::string_view text, std::string& error);

  bool contains(const IpAddress& address) const;
  bool contains(std::string_view address) const;
  bool empty() const { return networks_.empty(); }

 private:
  struct Network {
    IpAddress base;
    int prefix_bits = 128;
  };
  std::vector<Network> networks_;
};

// The client's address: `peer` itself unless it is in `trusted`, else the rightmost
// X-Forwarded-For entry that is not a trusted proxy (or the leftmost entry, when all of them
// are trusted; or `peer`, when the header is absent or malformed).
std::string client_address(std::string_view peer, std::string_view x_forwarded_for,
                           const CidrList& trusted);

}  // namespace omega::common
