#include "api/ticket_minter.hpp"

#include <gtest/gtest.h>

namespace omega::api {
namespace {

const std::string kDevSeed(64, 'd');  // any 64 hex chars

TEST(ApiTicketMinter, MintsTicketsTheZoneCanVerify) {
  const TicketMinter minter(kDevSeed, std::chrono::seconds(60));
  ASSERT_TRUE(minter.enabled());
  const auto minted = minter.mint(3, 42, "forest", 2, 7, 1'700'000'000);
  EXPECT_EQ(minted.expires_at_unix, 1'700'000'060u);
  const auto bytes = protocol::from_hex<32>(minter.public_key_hex());
  ASSERT_TRUE(bytes);
  std::string raw;
  for (std::size_t i = 0; i + 1 < minted.hex.size(); i += 2)
    raw.push_back(static_cast<char>(std::stoi(minted.hex.substr(i, 2), nullptr, 16)));
  protocol::JoinTicket ticket;
  ASSERT_EQ(protocol::verify_ticket(raw, *bytes, 1'700'000'030, ticket),
            protocol::TicketError::none);
  EXPECT_EQ(ticket.account_id, 3u);
  EXPECT_EQ(ticket.character_id, 42u);
  EXPECT_EQ(ticket.zone, "forest");
  EXPECT_EQ(ticket.instance_id, 2u);
  EXPECT_EQ(ticket.lease_epoch, 7u);
  EXPECT_EQ(protocol::verify_ticket(raw, *bytes, 1'700'000'061, ticket),
            protocol::TicketError::expired);
  // Two tickets for the same seat differ (random nonce): a replay is detectable.
  EXPECT_NE(minter.mint(3, 42, "forest", 2, 7, 1'700'000'000).hex, minted.hex);
}

TEST(ApiTicketMinter, NoSeedDisablesMintingAndABadSeedIsRefused) {
  const TicketMinter disabled("", std::chrono::seconds(60));
  EXPECT_FALSE(disabled.enabled());
  EXPECT_TRUE(disabled.public_key_hex().empty());
  EXPECT_THROW(TicketMinter("abc", std::chrono::seconds(60)), std::invalid_argument);
}

}  // namespace
}  // namespace omega::api
