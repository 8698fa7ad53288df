#include "api/client_address.hpp"

#include <gtest/gtest.h>

namespace omega::api {
namespace {

TrustedProxies proxies(std::string_view list) {
  std::string error;
  auto parsed = TrustedProxies::parse(list, error);
  EXPECT_TRUE(parsed) << error;
  return parsed.value_or(TrustedProxies{});
}

HttpRequest from(std::string peer, std::vector<std::string> forwarded_for = {}) {
  HttpRequest request;
  request.remote_address = std::move(peer);
  for (auto& value : forwarded_for)
    request.headers.emplace_back("x-forwarded-for", std::move(value));
  return request;
}

TEST(ApiClientAddress, ForwardedForIsIgnoredUnlessThePeerIsATrustedProxy) {
  EXPECT_EQ(client_address(from("198.51.100.4", {"203.0.113.7"}), proxies("")), "198.51.100.4");
  EXPECT_EQ(client_address(from("198.51.100.4", {"203.0.113.7"}), proxies("10.0.0.0/8")),
            "198.51.100.4");
  EXPECT_EQ(client_address(from("10.0.0.2", {"203.0.113.7"}), proxies("10.0.0.0/8")),
            "203.0.113.7");
  EXPECT_EQ(client_address(from("::ffff:10.0.0.2", {"203.0.113.7"}), proxies("10.0.0.0/8")),
            "203.0.113.7");
  EXPECT_EQ(client_address(from("10.0.0.2"), proxies("10.0.0.0/8")), "10.0.0.2")
      << "no header: the proxy itself";
}

TEST(ApiClientAddress, TheRightmostUntrustedHopIsTheClient) {
  const auto list = proxies("10.0.0.0/8");
  // The client wrote "1.1.1.1" itself; the proxy appended the address it really saw.
  EXPECT_EQ(client_address(from("10.0.0.2", {"1.1.1.1, 203.0.113.7"}), list), "203.0.113.7");
  EXPECT_EQ(client_address(from("10.0.0.2", {"1.1.1.1", "203.0.113.7"}), list), "203.0.113.7")
      << "two header lines";
  // A chain of trusted proxies is walked through.
  EXPECT_EQ(client_address(from("10.0.0.2", {"1.1.1.1, 203.0.113.7, 10.9.9.9"}), list),
            "203.0.113.7");
  // Ports and brackets as some proxies write them.
  EXPECT_EQ(client_address(from("10.0.0.2", {"203.0.113.7:4711"}), list), "203.0.113.7");
  EXPECT_EQ(client_address(from("10.0.0.2", {"[2001:db8::5]:443"}), list), "2001:db8::5");
  // Garbage the client sent is never taken for an address: the last trusted hop stands in.
  EXPECT_EQ(client_address(from("10.0.0.2", {"10.9.9.9, not-an-address"}), list), "10.0.0.2");
  EXPECT_EQ(client_address(from("10.0.0.2", {"evil, 10.9.9.9"}), list), "10.9.9.9");
  // Only trusted hops: the leftmost one we read.
  EXPECT_EQ(client_address(from("10.0.0.2", {"10.0.0.7, 10.0.0.8"}), list), "10.0.0.7");
}

TEST(ApiClientAddress, SubscribersGroupIpv6Networks) {
  const auto list = proxies("127.0.0.1");
  EXPECT_EQ(client_subscriber(from("127.0.0.1", {"2001:db8:7:7::1"}), list), "2001:db8:7:7::/64");
  EXPECT_EQ(client_subscriber(from("203.0.113.7"), list), "203.0.113.7");
  EXPECT_EQ(client_subscriber(from("unknown"), list), "unknown");
}

}  // namespace
}  // namespace omega::api
