// Addresses, trusted-proxy lists and the client X-Forwarded-For names (the API's login
// throttle and the zone's per-address limits both stand on these).
#include "common/client_address.hpp"

#include <gtest/gtest.h>

namespace omega::common {
namespace {

TrustedProxies proxies(std::string_view list) {
  std::string error;
  auto parsed = TrustedProxies::parse(list, error);
  EXPECT_TRUE(parsed) << error;
  return parsed.value_or(TrustedProxies{});
}

TEST(IpAddress, AddressesAreParsedAndNormalised) {
  EXPECT_EQ(IpAddress::parse("203.0.113.7")->to_string(), "203.0.113.7");
  EXPECT_EQ(IpAddress::parse("::ffff:203.0.113.7")->to_string(), "203.0.113.7")
      << "dual-stack sockets";
  EXPECT_EQ(IpAddress::parse("2001:DB8:0::1")->to_string(), "2001:db8::1");
  for (const char* bad :
       {"", "localhost", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1.2.3.4 ", "2001:db8::1%eth0", "::g"})
    EXPECT_FALSE(IpAddress::parse(bad)) << bad;
  EXPECT_EQ(IpAddress::parse("203.0.113.7")->subscriber(), "203.0.113.7");
  EXPECT_EQ(IpAddress::parse("2001:db8:1:2:aaaa:bbbb:cccc:dddd")->subscriber(),
            "2001:db8:1:2::/64");
  EXPECT_EQ(IpAddress::parse("2001:db8:1:2::9")->subscriber(),
            IpAddress::parse("2001:db8:1:2:ffff::1")->subscriber());
}

TEST(TrustedProxies, ListsAreParsedStrictlyAndMatchBothFamilies) {
  const auto list = proxies(" 10.0.0.0/8, 192.0.2.10 ,fd00::/8,, 127.0.0.1/32");
  EXPECT_TRUE(list.contains(*IpAddress::parse("10.200.3.4")));
  EXPECT_TRUE(list.contains(*IpAddress::parse("192.0.2.10")));
  EXPECT_FALSE(list.contains(*IpAddress::parse("192.0.2.11")));
  EXPECT_TRUE(list.contains(*IpAddress::parse("fd12::1")));
  EXPECT_FALSE(list.contains(*IpAddress::parse("fe80::1")));
  EXPECT_FALSE(list.contains(*IpAddress::parse("11.0.0.1")));
  EXPECT_TRUE(list.contains("::ffff:10.1.2.3")) << "IPv4-mapped IPv6 is the IPv4 address";
  EXPECT_FALSE(list.contains("not an address"));
  EXPECT_TRUE(proxies("").empty());
  EXPECT_TRUE(proxies("0.0.0.0/0").contains(*IpAddress::parse("8.8.8.8")));
  EXPECT_TRUE(proxies("10.1.2.3/31").contains(*IpAddress::parse("10.1.2.2")));
  EXPECT_FALSE(proxies("10.1.2.3/31").contains(*IpAddress::parse("10.1.2.4")));
  std::string error;
  for (const char* bad :
       {"10.0.0.0/33", "fd00::/129", "10.0.0.0/", "10.0.0.0/x", "proxy.internal", "10.0.0.0/8;"})
    EXPECT_FALSE(TrustedProxies::parse(bad, error)) << bad;
}

TEST(ClientAddress, OnlyATrustedPeerMayNameTheClient) {
  const TrustedProxies list = proxies("10.0.0.0/8");
  // An untrusted peer's header is ignored: it could say anything.
  EXPECT_EQ(client_address("203.0.113.9", "1.2.3.4", list), "203.0.113.9");
  EXPECT_EQ(client_address("10.0.0.2", "198.51.100.7", list), "198.51.100.7");
  // The client forged a first entry; the proxy appended the real one: rightmost untrusted.
  EXPECT_EQ(client_address("10.0.0.2", "1.1.1.1, 198.51.100.7", list), "198.51.100.7");
  EXPECT_EQ(client_address("10.0.0.2", "198.51.100.7, 10.0.0.3", list), "198.51.100.7");
  EXPECT_EQ(client_address("10.0.0.2", "", list), "10.0.0.2");
  EXPECT_EQ(client_address("10.0.0.2", "10.0.0.9", list), "10.0.0.9");
  EXPECT_EQ(client_address("10.0.0.2", "[2001:db8::1]:443", list), "2001:db8::1");
  EXPECT_EQ(client_address("not-an-address", "198.51.100.7", list), "not-an-address");
  EXPECT_EQ(client_address("10.0.0.2", "198.51.100.7", TrustedProxies{}), "10.0.0.2");
}

}  // namespace
}  // namespace omega::common
