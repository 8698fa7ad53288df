#include "zone/token_bucket.hpp"

#include <gtest/gtest.h>

#include "zone/connection.hpp"
#include "zone/limits.hpp"

namespace omega::zone {
namespace {

TEST(TokenBucket, HonestThirtyPerSecondIsNeverLimited) {
  TokenBucket bucket(kDefaultMaxInputsPerSecond, kDefaultInputBurst);
  for (int i = 0; i < 30 * 120; ++i) ASSERT_TRUE(bucket.take(i / 30.0)) << i;
}

TEST(TokenBucket, BunchedHonestInputAfterAStallPasses) {
  TokenBucket bucket(kDefaultMaxInputsPerSecond, kDefaultInputBurst);
  // One second of 30 Hz input arrives at once after a stall.
  for (int i = 0; i < 30; ++i) ASSERT_TRUE(bucket.take(1.0));
}

TEST(TokenBucket, ThousandPerSecondIsLimitedWithinASecond) {
  TokenBucket bucket(kDefaultMaxInputsPerSecond, kDefaultInputBurst);
  int first_refusal = -1;
  for (int i = 0; i < 1000 && first_refusal < 0; ++i)
    if (!bucket.take(i / 1000.0)) first_refusal = i;
  ASSERT_GE(first_refusal, 0);
  EXPECT_LT(first_refusal, 200);
}

TEST(TokenBucket, RefillsAfterAPause) {
  TokenBucket bucket(10, 2);
  EXPECT_TRUE(bucket.take(0));
  EXPECT_TRUE(bucket.take(0));
  EXPECT_FALSE(bucket.take(0));
  EXPECT_TRUE(bucket.take(0.1));
  EXPECT_FALSE(bucket.take(0.1));
  EXPECT_TRUE(bucket.take(10));  // capped at the burst depth...
  EXPECT_TRUE(bucket.take(10));
  EXPECT_FALSE(bucket.take(10));  // ...not ten seconds' worth
}

const protocol::TicketSigningKey kKey = protocol::ticket_key_from_seed({9});

std::vector<uint8_t> encoded_hello(const protocol::TicketSigningKey& key) {
  protocol::JoinTicket ticket;
  ticket.character_id = 7;
  ticket.zone = "open";
  ticket.instance_id = 1;
  ticket.expires_at_unix = 2'000'000'000;
  std::vector<uint8_t> out;
  protocol::encode_message(protocol::Hello{1, 1, protocol::sign_ticket(ticket, key)}, out);
  return out;
}

std::vector<uint8_t> encoded_input(uint16_t seq) {
  std::vector<uint8_t> out;
  protocol::encode_message(protocol::PlayerInput{seq, true, 10, 10, 0, 0}, out);
  return out;
}

TEST(ConnectionPolicy, KicksTextFramesGarbageAndFlooders) {
  using protocol::KickReason;
  ConnectionPolicy policy(kDefaultMaxInputsPerSecond, kDefaultInputBurst, kKey.public_key);
  protocol::ClientMessage message;
  const auto input = encoded_input(1);
  EXPECT_EQ(policy.check(true, input, 0, message).kick, KickReason::text_frame);
  const std::vector<uint8_t> garbage{0xff, 0x13, 0x37};
  EXPECT_EQ(policy.check(false, garbage, 0, message).kick, KickReason::protocol_error);
  const std::vector<uint8_t> empty;
  EXPECT_EQ(policy.check(false, empty, 0, message).kick, KickReason::protocol_error);
  // A server-only message from a client is a protocol error too.
  std::vector<uint8_t> welcome;
  protocol::encode_message(protocol::Welcome{}, welcome);
  EXPECT_EQ(policy.check(false, welcome, 0, message).kick, KickReason::protocol_error);

  KickReason verdict = KickReason::none;
  for (int i = 0; i < 1000 && verdict == KickReason::none; ++i)
    verdict =
        policy.check(false, encoded_input(static_cast<uint16_t>(i)), i / 1000.0, message).kick;
  EXPECT_EQ(verdict, KickReason::input_rate);
}

TEST(ConnectionPolicy, AnswersPingsAndLimitsHeartbeatFloods) {
  ConnectionPolicy policy(kDefaultMaxInputsPerSecond, kDefaultInputBurst, kKey.public_key);
  protocol::ClientMessage message;
  std::vector<uint8_t> ping;
  protocol::encode_message(protocol::Heartbeat{false, 1234}, ping);
  auto verdict = policy.check(false, ping, 0, message);
  EXPECT_EQ(verdict.kick, protocol::KickReason::none);
  EXPECT_TRUE(verdict.answer_ping);
  EXPECT_EQ(verdict.ping_timestamp_ms, 1234u);
  protocol::KickReason kick = protocol::KickReason::none;
  for (int i = 0; i < 200 && kick == protocol::KickReason::none; ++i)
    kick = policy.check(false, ping, 0.001 * i, message).kick;
  EXPECT_EQ(kick, protocol::KickReason::input_rate);
}

// Issue 13: a forged ticket is refused on the network thread (the simulation never pays for
// its signature check), and a connection gets one Hello.
TEST(ConnectionPolicy, VerifiesTheHelloTicketSignatureAndAllowsOneHello) {
  using protocol::KickReason;
  protocol::ClientMessage message;
  ConnectionPolicy forged(kDefaultMaxInputsPerSecond, kDefaultInputBurst, kKey.public_key);
  const auto other_key = protocol::ticket_key_from_seed({10});
  EXPECT_EQ(forged.check(false, encoded_hello(other_key), 0, message).kick,
            KickReason::ticket_invalid);

  ConnectionPolicy genuine(kDefaultMaxInputsPerSecond, kDefaultInputBurst, kKey.public_key);
  const auto verdict = genuine.check(false, encoded_hello(kKey), 0, message);
  EXPECT_EQ(verdict.kick, KickReason::none);
  EXPECT_TRUE(verdict.ticket_signature_verified);
  EXPECT_EQ(genuine.check(false, encoded_hello(kKey), 0.1, message).kick,
            KickReason::protocol_error);
}

TEST(ConnectionPolicy, WebSocketPingFramesShareTheHeartbeatBudget) {
  ConnectionPolicy policy(kDefaultMaxInputsPerSecond, kDefaultInputBurst, kKey.public_key);
  int allowed = 0;
  while (allowed < 1000 && policy.allow_ping_frame(0.001 * allowed)) ++allowed;
  EXPECT_GE(allowed, static_cast<int>(kMaxHeartbeatsPerSecond));
  EXPECT_LT(allowed, 2 * static_cast<int>(kMaxHeartbeatsPerSecond));
  // Heartbeat messages draw from the same bucket: it is empty now.
  protocol::ClientMessage message;
  std::vector<uint8_t> ping;
  protocol::encode_message(protocol::Heartbeat{false, 1}, ping);
  EXPECT_EQ(policy.check(false, ping, 0.001 * allowed, message).kick,
            protocol::KickReason::input_rate);
}

}  // namespace
}  // namespace omega::zone
