#include "common/client_address.hpp"

#include <arpa/inet.h>

#include <cstring>

namespace omega::common {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// "[2001:db8::1]" (as some proxies write IPv6) → "2001:db8::1".
std::string_view unbracket(std::string_view text) {
  text = trim(text);
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']')
    text = text.substr(1, text.size() - 2);
  return text;
}

bool is_ipv4_mapped(const IpAddress& a) {
  static constexpr uint8_t kPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  return std::memcmp(a.bytes.data(), kPrefix, 12) == 0;
}

}  // namespace

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  text = unbracket(text);
  if (text.empty() || text.size() > 45) return std::nullopt;
  const std::string copy(text);
  IpAddress address;
  in_addr v4{};
  if (inet_pton(AF_INET, copy.c_str(), &v4) == 1) {
    address.bytes[10] = address.bytes[11] = 0xff;
    std::memcpy(address.bytes.data() + 12, &v4, 4);
    return address;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, copy.c_str(), &v6) == 1) {
    std::memcpy(address.bytes.data(), &v6, 16);
    return address;
  }
  return std::nullopt;
}

std::optional<CidrList> CidrList::parse(std::string_view text, std::string& error) {
  CidrList list;
  size_t at = 0;
  while (at < text.size()) {
    const size_t end = text.find_first_of(", ", at);
    const std::string_view entry = text.substr(at, end == std::string_view::npos ? end : end - at);
    at = end == std::string_view::npos ? text.size() : end + 1;
    if (entry.empty()) continue;
    const size_t slash = entry.find('/');
    const auto base = IpAddress::parse(entry.substr(0, slash));
    if (!base) {
      error = "not an IP address or network: '" + std::string(entry) + "'";
      return std::nullopt;
    }
    Network network{*base, 128};
    const int offset = is_ipv4_mapped(*base) ? 96 : 0;
    if (slash != std::string_view::npos) {
      const std::string_view bits = entry.substr(slash + 1);
      int value = 0;
      for (char c : bits)
        value = (c >= '0' && c <= '9' && value <= 128) ? value * 10 + (c - '0') : 999;
      if (bits.empty() || value > 128 - offset) {
        error = "bad prefix length in '" + std::string(entry) + "'";
        return std::nullopt;
      }
      network.prefix_bits = offset + value;
    }
    list.networks_.push_back(network);
  }
  return list;
}

bool CidrList::contains(const IpAddress& address) const {
  for (const Network& n : networks_) {
    const int whole = n.prefix_bits / 8, rest = n.prefix_bits % 8;
    if (std::memcmp(n.base.bytes.data(), address.bytes.data(), size_t(whole)) != 0) continue;
    if (rest == 0) return true;
    const uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
    if ((n.base.bytes[size_t(whole)] & mask) == (address.bytes[size_t(whole)] & mask)) return true;
  }
  return false;
}

bool CidrList::contains(std::string_view address) const {
  const auto parsed = IpAddress::parse(address);
  return parsed && contains(*parsed);
}

std::string client_address(std::string_view peer, std::string_view x_forwarded_for,
                           const CidrList& trusted) {
  if (trusted.empty() || x_forwarded_for.empty() || !trusted.contains(peer))
    return std::string(peer);
  std::string_view rest = x_forwarded_for;
  std::string leftmost;
  while (!rest.empty()) {
    const size_t comma = rest.rfind(',');
    const std::string_view hop =
        trim(comma == std::string_view::npos ? rest : rest.substr(comma + 1));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(0, comma);
    const auto address = IpAddress::parse(hop);
    if (!address) return std::string(peer);  // malformed: trust nothing in it
    if (!trusted.contains(*address)) return std::string(unbracket(hop));
    leftmost = std::string(unbracket(hop));
  }
  return leftmost.empty() ? std::string(peer) : leftmost;
}

}  // namespace omega::common
