#include "zone/ticket_checker.hpp"

#include <gtest/gtest.h>

namespace omega::zone {
namespace {

using protocol::KickReason;

struct TicketFixture : testing::Test {
  protocol::TicketSigningKey key = protocol::ticket_key_from_seed({1, 2, 3});
  TicketChecker checker{key.public_key, "hub_city_1", 4};
  static constexpr uint64_t kNow = 1'800'000'000;

  std::string mint(std::string zone = "hub_city_1", uint32_t instance = 4,
                   uint64_t expires = kNow + 60, uint8_t nonce = 1) {
    protocol::JoinTicket t;
    t.account_id = 10;
    t.character_id = 20;
    t.zone = std::move(zone);
    t.instance_id = instance;
    t.lease_epoch = 3;
    t.expires_at_unix = expires;
    t.nonce.fill(nonce);
    return protocol::sign_ticket(t, key);
  }
};

TEST_F(TicketFixture, AdmitsAValidTicketOnce) {
  protocol::JoinTicket out;
  EXPECT_EQ(checker.check(mint(), kNow, out), KickReason::none);
  EXPECT_EQ(out.character_id, 20u);
  EXPECT_EQ(out.lease_epoch, 3u);
  EXPECT_EQ(checker.check(mint(), kNow, out), KickReason::ticket_replayed);
  EXPECT_EQ(checker.check(mint("hub_city_1", 4, kNow + 60, 2), kNow, out), KickReason::none);
}

TEST_F(TicketFixture, RefusesExpiredForgedAndWrongInstance) {
  protocol::JoinTicket out;
  EXPECT_EQ(checker.check(mint("hub_city_1", 4, kNow - 1), kNow, out), KickReason::ticket_expired);
  EXPECT_EQ(checker.check(mint("hub_city_2", 4, kNow + 60, 3), kNow, out),
            KickReason::ticket_wrong_instance);
  EXPECT_EQ(checker.check(mint("hub_city_1", 5, kNow + 60, 4), kNow, out),
            KickReason::ticket_wrong_instance);

  const auto other = protocol::ticket_key_from_seed({9});
  protocol::JoinTicket t;
  t.zone = "hub_city_1";
  t.instance_id = 4;
  t.expires_at_unix = kNow + 60;
  EXPECT_EQ(checker.check(protocol::sign_ticket(t, other), kNow, out), KickReason::ticket_invalid);
  std::string tampered = mint("hub_city_1", 4, kNow + 60, 5);
  tampered[3] ^= 0x40;
  EXPECT_EQ(checker.check(tampered, kNow, out), KickReason::ticket_invalid);
  EXPECT_EQ(checker.check("not a ticket", kNow, out), KickReason::ticket_invalid);
  EXPECT_EQ(checker.check("", kNow, out), KickReason::ticket_invalid);
  // Refused tickets do not burn their nonce.
  EXPECT_EQ(checker.remembered_nonces(), 0u);
}

TEST_F(TicketFixture, ForgetsNoncesOnlyAfterTheirTicketsExpire) {
  protocol::JoinTicket out;
  ASSERT_EQ(checker.check(mint(), kNow, out), KickReason::none);
  checker.prune(kNow + 30);
  EXPECT_EQ(checker.remembered_nonces(), 1u);
  EXPECT_EQ(checker.check(mint(), kNow + 30, out), KickReason::ticket_replayed);
  checker.prune(kNow + 61);
  EXPECT_EQ(checker.remembered_nonces(), 0u);
  // By then the ticket itself is refused as expired.
  EXPECT_EQ(checker.check(mint(), kNow + 61, out), KickReason::ticket_expired);
}

}  // namespace
}  // namespace omega::zone
