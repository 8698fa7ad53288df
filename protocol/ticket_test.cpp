#include "protocol/ticket.hpp"

#include <gtest/gtest.h>

namespace omega::protocol {
namespace {

JoinTicket sample_ticket() {
  JoinTicket t;
  t.account_id = 0x1122334455667788ull;
  t.character_id = 99;
  t.zone = "hub_city_1";
  t.instance_id = 3;
  t.lease_epoch = 17;
  t.expires_at_unix = 2'000'000'000;
  randomize_nonce(t);
  return t;
}

TEST(Ticket, SignedTicketVerifiesAndRoundTrips) {
  const TicketSigningKey key = generate_ticket_key();
  const JoinTicket ticket = sample_ticket();
  const std::string bytes = sign_ticket(ticket, key);
  EXPECT_LT(bytes.size(), 200u);
  JoinTicket out;
  ASSERT_EQ(verify_ticket(bytes, key.public_key, 1'900'000'000, out), TicketError::none);
  EXPECT_EQ(out, ticket);
}

TEST(Ticket, ForgedOrTamperedTicketsAreRefused) {
  const TicketSigningKey key = generate_ticket_key();
  const TicketSigningKey other = generate_ticket_key();
  const std::string bytes = sign_ticket(sample_ticket(), key);
  JoinTicket out;
  EXPECT_EQ(verify_ticket(bytes, other.public_key, 0, out), TicketError::bad_signature);
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::string tampered = bytes;
    tampered[i] = static_cast<char>(tampered[i] ^ 0x10);
    EXPECT_EQ(verify_ticket(tampered, key.public_key, 0, out), TicketError::bad_signature) << i;
  }
  EXPECT_EQ(verify_ticket("short", key.public_key, 0, out), TicketError::malformed);
  EXPECT_EQ(verify_ticket("", key.public_key, 0, out), TicketError::malformed);
}

TEST(Ticket, ExpiryUsesTheTimePassedIn) {
  const TicketSigningKey key = generate_ticket_key();
  const std::string bytes = sign_ticket(sample_ticket(), key);
  JoinTicket out;
  EXPECT_EQ(verify_ticket(bytes, key.public_key, 1'999'999'999, out), TicketError::none);
  EXPECT_EQ(verify_ticket(bytes, key.public_key, 2'000'000'000, out), TicketError::expired);
}

TEST(Ticket, SeededKeysAreDeterministicAndHexRoundTrips) {
  std::array<uint8_t, 32> seed{};
  seed[0] = 1;
  const TicketSigningKey a = ticket_key_from_seed(seed), b = ticket_key_from_seed(seed);
  EXPECT_EQ(a.public_key, b.public_key);
  const std::string text = to_hex(a.public_key);
  EXPECT_EQ(text.size(), 64u);
  EXPECT_EQ(from_hex<32>(text), a.public_key);
  EXPECT_EQ(from_hex<32>(text.substr(1)), std::nullopt);
  EXPECT_EQ(from_hex<32>(std::string(64, 'g')), std::nullopt);
}

}  // namespace
}  // namespace omega::protocol
