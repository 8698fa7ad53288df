#include "common/client_address.hpp"

#include <gtest/gtest.h>

namespace omega::common {
namespace {

CidrList list(const char* text) {
  std::string error;
  auto parsed = CidrList::parse(text, error);
  EXPECT_TRUE(parsed.has_value()) << error;
  return parsed.value_or(CidrList{});
}

TEST(CidrList, MatchesAddressesAndNetworksOfBothFamilies) {
  const CidrList trusted = list("10.0.0.0/8, 192.168.1.7 fd00::/8,::1");
  EXPECT_TRUE(trusted.contains("10.200.3.4"));
  EXPECT_FALSE(trusted.contains("11.0.0.1"));
  EXPECT_TRUE(trusted.contains("192.168.1.7"));
  EXPECT_FALSE(trusted.contains("192.168.1.8"));
  EXPECT_TRUE(trusted.contains("fd12:3456::1"));
  EXPECT_FALSE(trusted.contains("fe80::1"));
  EXPECT_TRUE(trusted.contains("::1"));
  EXPECT_TRUE(trusted.contains("::ffff:10.1.2.3")) << "IPv4-mapped IPv6 is the IPv4 address";
  EXPECT_FALSE(trusted.contains("not an address"));
  EXPECT_TRUE(list("").empty());
  EXPECT_TRUE(list("172.16.0.0/12").contains("172.31.255.255"));
  EXPECT_FALSE(list("172.16.0.0/12").contains("172.32.0.0"));
}

TEST(CidrList, RefusesBadEntriesByName) {
  std::string error;
  EXPECT_FALSE(CidrList::parse("10.0.0.0/8, 300.1.1.1", error));
  EXPECT_NE(error.find("300.1.1.1"), std::string::npos);
  EXPECT_FALSE(CidrList::parse("10.0.0.0/33", error));
  EXPECT_NE(error.find("prefix"), std::string::npos);
  EXPECT_FALSE(CidrList::parse("10.0.0.0/", error));
  EXPECT_FALSE(CidrList::parse("fd00::/129", error));
}

TEST(ClientAddress, OnlyATrustedPeerMayNameTheClient) {
  const CidrList proxies = list("10.0.0.0/8");
  // An untrusted peer's header is ignored: it could say anything.
  EXPECT_EQ(client_address("203.0.113.9", "1.2.3.4", proxies), "203.0.113.9");
  // Through one proxy.
  EXPECT_EQ(client_address("10.0.0.2", "198.51.100.7", proxies), "198.51.100.7");
  // The client forged a first entry; the proxy appended the real one: rightmost untrusted.
  EXPECT_EQ(client_address("10.0.0.2", "1.1.1.1, 198.51.100.7", proxies), "198.51.100.7");
  // Two proxies in a row.
  EXPECT_EQ(client_address("10.0.0.2", "198.51.100.7, 10.0.0.3", proxies), "198.51.100.7");
  // No header, a malformed one, or nothing but proxies.
  EXPECT_EQ(client_address("10.0.0.2", "", proxies), "10.0.0.2");
  EXPECT_EQ(client_address("10.0.0.2", "198.51.100.7, garbage", proxies), "10.0.0.2");
  EXPECT_EQ(client_address("10.0.0.2", "10.0.0.9", proxies), "10.0.0.9");
  EXPECT_EQ(client_address("10.0.0.2", "[2001:db8::1]", proxies), "2001:db8::1");
  // No trusted proxies configured: the peer, always.
  EXPECT_EQ(client_address("10.0.0.2", "198.51.100.7", CidrList{}), "10.0.0.2");
}

}  // namespace
}  // namespace omega::common
