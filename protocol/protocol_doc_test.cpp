// docs/PROTOCOL.md's examples are golden tests read from the document itself: every fenced
// block whose info string is `hex golden:NAME` is checked here. Each test builds the values the
// document gives, encodes them and compares with the block byte for byte, then decodes the block
// back through the entry point the receiving side uses. A block this file does not check fails
// EveryGoldenBlockOfTheDocumentIsChecked, so the document and the code cannot drift apart.
#include <gtest/gtest.h>

#include <array>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <string_view>

#include "protocol/snapshot.hpp"
#include "protocol/test_util.hpp"
#include "protocol/ticket.hpp"

namespace omega::protocol {
namespace {

using testing::hex;

// The golden blocks this file checks: exactly those of the document.
const std::set<std::string> kCheckedExamples = {
    "dev-public-key",  "ticket", "hello", "welcome",    "input-move", "input-attack",
    "reject",          "ping",   "pong",  "game-event", "kick",       "snapshot-enter",
    "snapshot-update",
};

using Examples = std::map<std::string, std::vector<uint8_t>, std::less<>>;

Examples read_examples() {
  std::ifstream file("docs/PROTOCOL.md");
  EXPECT_TRUE(file.is_open()) << "cannot read docs/PROTOCOL.md (tests run in the source root)";
  std::stringstream text;
  text << file.rdbuf();
  const std::string doc = text.str();
  constexpr std::string_view kOpen = "\n```hex golden:";  // a fence opens a line
  Examples examples;
  size_t at = 0;
  while ((at = doc.find(kOpen, at)) != std::string::npos) {
    const size_t name_start = at + kOpen.size();
    const size_t body_start = doc.find('\n', name_start);
    const size_t body_end = doc.find("\n```", body_start);
    if (body_start == std::string::npos || body_end == std::string::npos) break;
    const std::string name = doc.substr(name_start, body_start - name_start);
    const bool unique =
        examples.emplace(name, testing::unhex(doc.substr(body_start, body_end - body_start)))
            .second;
    EXPECT_TRUE(unique) << "two golden blocks named " << name;
    at = body_end + 4;
  }
  return examples;
}

const Examples& examples() {
  static const Examples parsed = read_examples();
  return parsed;
}

std::vector<uint8_t> example(std::string_view name) {
  const auto it = examples().find(name);
  if (it == examples().end()) {
    ADD_FAILURE() << "docs/PROTOCOL.md has no ```hex golden:" << name << " block";
    return {};
  }
  return it->second;
}

// ---- the values the document describes -----------------------------------------------------

// The fixed, public dev seed of scripts/run-local: 32 bytes of 0x0d.
std::array<uint8_t, 32> dev_seed() {
  std::array<uint8_t, 32> seed;
  seed.fill(0x0d);
  return seed;
}

JoinTicket doc_ticket() {
  JoinTicket ticket{.account_id = 1,
                    .character_id = 7,
                    .zone = "hub",
                    .instance_id = 7,
                    .lease_epoch = 1,
                    .expires_at_unix = 1'800'000'000};
  for (uint8_t i = 0; i < kTicketNonceBytes; ++i) ticket.nonce[i] = i;
  return ticket;
}

std::string signed_doc_ticket() {
  return sign_ticket(doc_ticket(), ticket_key_from_seed(dev_seed()));
}

EntityState ayla() {
  EntityState e;
  e.id = 7;
  e.kind = EntityKind::player;
  e.archetype = 2;
  e.x = 3200;
  e.y = 1600;
  e.facing = 64;
  e.hp = e.max_hp = 120;
  e.mana = e.max_mana = 80;
  e.level = 3;
  e.name.assign("Ayla");
  return e;
}

// ---- checks ----------------------------------------------------------------------------------

template <class Message>
constexpr bool kSentByClients =
    std::is_same_v<Message, Hello> || std::is_same_v<Message, PlayerInput>;

// Decodes through decode_client_message or decode_server_message, as the receiver would.
template <class Message>
DecodeError decode_as_receiver(std::span<const uint8_t> bytes, Message& out) {
  auto take = [&out](auto& variant, DecodeError error) {
    if (error != DecodeError::none) return error;
    const Message* message = std::get_if<Message>(&variant);
    if (message == nullptr) return DecodeError::unexpected_type;
    out = *message;
    return DecodeError::none;
  };
  if constexpr (kSentByClients<Message>) {
    ClientMessage variant;
    return take(variant, decode_client_message(bytes, variant));
  } else {
    ServerMessage variant;
    return take(variant, decode_server_message(bytes, variant));
  }
}

template <class Message>
void expect_golden(std::string_view name, const Message& message) {
  SCOPED_TRACE(std::string(name));
  const std::vector<uint8_t> bytes = example(name);
  std::vector<uint8_t> encoded;
  encode_message(message, encoded);
  EXPECT_EQ(hex(encoded), hex(bytes));
  EXPECT_EQ(measure_message(message), bytes.size());
  Message decoded;
  ASSERT_EQ(decode_as_receiver(bytes, decoded), DecodeError::none);
  EXPECT_EQ(decoded, message);
}

TEST(ProtocolDoc, EveryGoldenBlockOfTheDocumentIsChecked) {
  std::set<std::string> found;
  for (const auto& [name, bytes] : examples()) {
    found.insert(name);
    EXPECT_FALSE(bytes.empty()) << name;
  }
  EXPECT_EQ(found, kCheckedExamples);
}

TEST(ProtocolDoc, DevKeyIsTheEd25519KeyPairOfItsSeed) {
  const TicketSigningKey key = ticket_key_from_seed(dev_seed());
  EXPECT_EQ(hex({key.public_key.begin(), key.public_key.end()}), hex(example("dev-public-key")));
  // The hex that scripts/run-local passes around (any case is accepted).
  EXPECT_EQ(from_hex<32>("0D0D0D0D0D0D0D0D0D0D0D0D0D0D0D0D0D0D0D0D0D0D0D0D0D0D0D0D0D0D0D0D"),
            dev_seed());
}

TEST(ProtocolDoc, TicketIsItsZeroPaddedPayloadThenTheSignature) {
  const std::vector<uint8_t> bytes = example("ticket");
  const std::string ticket = signed_doc_ticket();  // Ed25519 signatures are deterministic
  EXPECT_EQ(hex({ticket.begin(), ticket.end()}), hex(bytes));
  // 422 + 8 × 3 bits of payload: 56 bytes, the last one with 2 zero padding bits on top.
  ASSERT_EQ(bytes.size(), 56u + kTicketSignatureBytes);
  EXPECT_EQ(bytes[55] & 0xc0, 0);
  JoinTicket decoded;
  const TicketPublicKey public_key = ticket_key_from_seed(dev_seed()).public_key;
  ASSERT_EQ(verify_ticket({reinterpret_cast<const char*>(bytes.data()), bytes.size()}, public_key,
                          1'700'000'000, decoded),
            TicketError::none);
  EXPECT_EQ(decoded, doc_ticket());
}

TEST(ProtocolDoc, HelloCarriesTheTicket) {
  expect_golden("hello", Hello{1, 1, signed_doc_ticket()});
}

TEST(ProtocolDoc, Welcome) {
  expect_golden("welcome", Welcome{1, 42, "hub", 7, 30, 15, 1000});
}

TEST(ProtocolDoc, PlayerInputs) {
  expect_golden("input-move", PlayerInput{5, true, 64, 64, 0, 0});
  expect_golden("input-attack", PlayerInput{6, false, 0, 64, 1, 9});
}

TEST(ProtocolDoc, ActionReject) {
  expect_golden("reject", ActionReject{6, 1, RejectReason::out_of_range});
}

TEST(ProtocolDoc, Heartbeats) {
  expect_golden("ping", Heartbeat{false, 123'456});
  expect_golden("pong", Heartbeat{true, 123'456});
}

TEST(ProtocolDoc, GameEvent) {
  GameEvent event;
  event.server_tick = 1010;
  event.count = 2;
  event.events[0] = {GameEventType::damage, 42, 9, 12, 0xffff, false};  // a basic attack
  event.events[1] = {GameEventType::loot, 0, 42, 25, 0xffff, false};    // 25 gold
  expect_golden("game-event", event);
}

TEST(ProtocolDoc, Kick) {
  expect_golden("kick", Kick{KickReason::protocol_error, to_string(KickReason::protocol_error)});
}

TEST(ProtocolDoc, StateUpdatesEncodeAndDecodeAsDocumented) {
  const std::vector<uint8_t> enter_bytes = example("snapshot-enter");
  const std::vector<uint8_t> update_bytes = example("snapshot-update");
  EntityState entity = ayla();
  SnapshotEncoder encoder(1000);
  std::vector<uint8_t> encoded;
  encoder.encode({1002, 3, {&entity, 1}, {}, {}}, encoded);
  EXPECT_EQ(hex(encoded), hex(enter_bytes));
  entity.x += 11;
  entity.y += 5;
  encoded.clear();
  encoder.encode({1004, 4, {}, {&entity, 1}, {}}, encoded);
  EXPECT_EQ(hex(encoded), hex(update_bytes));

  WorldView view(1000);
  ASSERT_EQ(view.apply(enter_bytes), DecodeError::none);
  EXPECT_EQ(view.header(), (SnapshotHeader{1, 1002, 3}));
  ASSERT_NE(view.find(7), nullptr);
  EXPECT_EQ(*view.find(7), ayla());
  EXPECT_FLOAT_EQ(dequantize_position(view.find(7)->x), 100.0f);
  EXPECT_FLOAT_EQ(dequantize_position(view.find(7)->y), 50.0f);
  ASSERT_EQ(view.apply(update_bytes), DecodeError::none);
  EXPECT_EQ(view.header(), (SnapshotHeader{2, 1004, 4}));
  EXPECT_EQ(*view.find(7), entity);
}

}  // namespace
}  // namespace omega::protocol
