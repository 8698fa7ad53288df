#include "protocol/messages.hpp"

#include <gtest/gtest.h>

#include <random>
#include <set>

#include "protocol/test_util.hpp"

namespace omega::protocol {
namespace {

using testing::hex;

class Random {
 public:
  explicit Random(uint32_t seed) : rng_(seed) {}
  uint32_t range(uint32_t lo, uint32_t hi) {
    return lo + static_cast<uint32_t>(uint64_t(rng_()) % (uint64_t(hi) - lo + 1));
  }
  bool coin() { return rng_() & 1; }
  std::string bytes(uint32_t max) {
    std::string s(range(0, max), '\0');
    for (char& c : s) c = static_cast<char>(range(0, 255));
    return s;
  }
  template <class E>
  E enumeration(E lo, E hi) {
    return static_cast<E>(range(uint32_t(lo), uint32_t(hi)));
  }

 private:
  std::mt19937 rng_;
};

Hello random_hello(Random& r) {
  Hello m;
  m.min_version = static_cast<uint16_t>(r.range(0, 100));
  m.max_version = static_cast<uint16_t>(r.range(m.min_version, 0xffff));
  m.ticket = r.bytes(kMaxTicketBytes);
  return m;
}
Welcome random_welcome(Random& r) {
  Welcome m;
  m.version = static_cast<uint16_t>(r.range(0, 0xffff));
  m.entity_id = r.range(1, kMaxEntityId);
  m.zone = r.bytes(kMaxZoneNameBytes);
  m.instance_id = r.range(0, 0xffffffffu);
  m.tick_hz = static_cast<uint8_t>(r.range(1, 255));
  m.snapshot_hz = static_cast<uint8_t>(r.range(1, 255));
  m.server_tick = r.range(0, 0xffffffffu);
  return m;
}
PlayerInput random_input(Random& r) {
  PlayerInput m;
  m.seq = static_cast<uint16_t>(r.range(0, 0xffff));
  m.moving = r.coin();
  if (m.moving) m.move_direction = static_cast<uint8_t>(r.range(0, 255));
  m.facing = static_cast<uint8_t>(r.range(0, 255));
  m.action = static_cast<uint8_t>(r.coin() ? 0 : r.range(1, kMaxActionSlot));
  if (m.action && r.coin()) m.target = r.range(1, kMaxEntityId);
  return m;
}
GameEvent random_events(Random& r) {
  GameEvent m;
  m.server_tick = r.range(0, 0xffffffffu);
  m.count = r.range(1, kMaxEventsPerMessage);
  for (uint32_t i = 0; i < m.count; ++i) {
    GameEventEntry& e = m.events[i];
    e.type = r.enumeration(GameEventType::damage, kMaxGameEventType);
    e.source = r.range(0, kMaxEntityId);
    e.target = r.range(1, kMaxEntityId);
    e.amount = r.coin() ? r.range(0, 200) : r.range(0, kMaxStat);
    e.detail = static_cast<uint16_t>(r.range(0, 0xffff));
    e.critical = r.coin();
  }
  return m;
}
ActionConfirm random_confirm(Random& r) {
  return {static_cast<uint16_t>(r.range(0, 0xffff)), static_cast<uint8_t>(r.range(1, 15))};
}
ActionReject random_reject(Random& r) {
  return {static_cast<uint16_t>(r.range(0, 0xffff)), static_cast<uint8_t>(r.range(1, 15)),
          r.enumeration(RejectReason::unknown_action, kMaxRejectReason)};
}
Heartbeat random_heartbeat(Random& r) {
  return {r.coin(), r.range(0, 0xffffffffu)};
}
Transfer random_transfer(Random& r) {
  return {r.bytes(kMaxAddressBytes), r.bytes(kMaxZoneNameBytes), r.bytes(kMaxTicketBytes)};
}
Kick random_kick(Random& r) {
  return {r.enumeration(KickReason::protocol_error, kMaxKickReason), r.bytes(kMaxKickDetailBytes)};
}

ChatSend random_chat_send(Random& r) {
  ChatSend m;
  m.channel = r.enumeration(ChatChannel::say, ChatChannel::world);
  if (m.channel == ChatChannel::whisper) m.to = "x" + r.bytes(kMaxChatNameBytes - 1);
  m.text = "t" + r.bytes(kMaxChatTextBytes - 1);
  return m;
}
ChatMessage random_chat_message(Random& r) {
  ChatMessage m;
  m.channel = r.enumeration(ChatChannel::say, kMaxChatChannel);
  m.from = r.bytes(kMaxChatNameBytes);
  if (m.channel == ChatChannel::whisper) m.to = r.bytes(kMaxChatNameBytes);
  m.text = r.bytes(2 * kMaxChatTextBytes);
  return m;
}

ItemAction random_item_action(Random& r) {
  return {r.enumeration(ItemVerb::equip, kMaxItemVerb), static_cast<uint16_t>(r.range(0, 0xfffe))};
}
Inventory random_inventory(Random& r) {
  Inventory m;
  m.gold = r.range(0, 0xffffffffu);
  m.stacks.resize(r.range(0, kMaxInventoryStacks));
  for (InventoryStack& stack : m.stacks)
    stack = {static_cast<uint16_t>(r.range(0, 0xfffe)),
             r.coin() ? r.range(0, 50) : r.range(0, kMaxStat)};
  for (uint16_t& worn : m.equipped)
    worn = r.coin() ? kNoItem : static_cast<uint16_t>(r.range(0, 0xfffe));
  if (r.coin()) {
    m.answered = static_cast<uint16_t>(r.range(0, 0xfffe));
    m.refusal = r.enumeration(ItemRefusal::none, kMaxItemRefusal);
  }
  return m;
}

template <class Variant, class Message>
void expect_round_trip(const Message& message,
                       DecodeError (*decode)(std::span<const uint8_t>, Variant&)) {
  std::vector<uint8_t> bytes;
  encode_message(message, bytes);
  EXPECT_EQ(bytes.size(), measure_message(message));
  Variant decoded;
  ASSERT_EQ(decode(bytes, decoded), DecodeError::none) << hex(bytes);
  ASSERT_TRUE(std::holds_alternative<Message>(decoded));
  EXPECT_EQ(std::get<Message>(decoded), message);
}

TEST(Messages, EveryMessageRoundTripsOverThousandsOfRandomValues) {
  Random r(20261124);
  for (int i = 0; i < 3000; ++i) {
    expect_round_trip(random_hello(r), decode_client_message);
    expect_round_trip(random_input(r), decode_client_message);
    expect_round_trip(random_heartbeat(r), decode_client_message);
    expect_round_trip(random_welcome(r), decode_server_message);
    expect_round_trip(random_events(r), decode_server_message);
    expect_round_trip(random_confirm(r), decode_server_message);
    expect_round_trip(random_reject(r), decode_server_message);
    expect_round_trip(random_heartbeat(r), decode_server_message);
    expect_round_trip(random_transfer(r), decode_server_message);
    expect_round_trip(random_kick(r), decode_server_message);
    expect_round_trip(random_chat_send(r), decode_client_message);
    expect_round_trip(random_chat_message(r), decode_server_message);
    expect_round_trip(random_item_action(r), decode_client_message);
    expect_round_trip(random_inventory(r), decode_server_message);
  }
}

template <class Message>
std::string golden(const Message& message) {
  std::vector<uint8_t> bytes;
  encode_message(message, bytes);
  return hex(bytes);
}

// Golden bytes pin the encoding: a change here is a protocol change (bump kProtocolVersion and
// docs/PROTOCOL.md).
TEST(Messages, GoldenBytes) {
  EXPECT_EQ(golden(Hello{1, 1, "tk"}), "01 01 00 01 00 02 d0 ad 01");
  Welcome welcome;
  welcome.version = 1;
  welcome.entity_id = 42;
  welcome.zone = "hub";
  welcome.instance_id = 7;
  welcome.tick_hz = 30;
  welcome.snapshot_hz = 15;
  welcome.server_tick = 1000;
  EXPECT_EQ(golden(welcome), "02 01 00 29 00 00 03 5a 9d d8 01 00 00 40 87 03 fa 00 00 00");
  EXPECT_EQ(golden(PlayerInput{300, true, 64, 64, 1, 42}), "03 2c 01 81 80 62 0a 00 00");
  EXPECT_EQ(golden(PlayerInput{7, false, 0, 128, 0, 0}), "03 07 00 00 01");
  GameEvent event;
  event.server_tick = 1000;
  event.count = 1;
  event.events[0] = {GameEventType::damage, 42, 43, 25, 3, true};
  EXPECT_EQ(golden(event), "05 e8 03 00 00 00 2a 00 00 2a 00 00 32 03 00 01");
  EXPECT_EQ(golden(ActionConfirm{300, 2}), "06 2c 01 01");
  EXPECT_EQ(golden(ActionReject{300, 2, RejectReason::on_cooldown}), "07 2c 01 11");
  EXPECT_EQ(golden(Heartbeat{true, 0x01020304}), "08 09 06 04 02 00");
  EXPECT_EQ(golden(Transfer{"ws://a", "z", "t"}), "09 06 77 73 3a 2f 2f 61 81 5e 00 74");
  // Kick.reason is 5 bits since lease_conflict/service_unavailable (range 1..31).
  EXPECT_EQ(golden(Kick{KickReason::slow_client, "q"}), "0a 2a 20 0e");
}

TEST(Messages, ItemMessagesGoldenBytesAndRefusals) {
  EXPECT_EQ(golden(ItemAction{ItemVerb::use, 5}), "0d 16 00 00");
  Inventory bag;
  bag.gold = 3;
  bag.stacks = {{7, 2}};
  bag.equipped = {0, kNoItem, kNoItem};
  EXPECT_EQ(golden(bag), "0e 03 00 00 00 81 03 00 82 00 00 00");
  bag.answered = 7;
  bag.refusal = ItemRefusal::on_cooldown;
  EXPECT_EQ(golden(bag), "0e 03 00 00 00 81 03 00 82 00 00 3c 00 30");
  Inventory decoded;
  // A verb past kMaxItemVerb, an item of 0xffff (kNoItem is never an item), more stacks than
  // a bag holds, and a refusal past the last are all refused.
  ItemAction action;
  EXPECT_EQ(decode_body(std::vector<uint8_t>{0x03, 0x00, 0x00}, action), DecodeError::out_of_range);
  EXPECT_EQ(decode_body(std::vector<uint8_t>{0xfe, 0xff, 0x07}, action), DecodeError::out_of_range);
  std::vector<uint8_t> too_many{0, 0, 0, 0, 0x41};
  EXPECT_EQ(decode_body(too_many, decoded), DecodeError::out_of_range);
}

std::vector<uint8_t> encoded_input() {
  std::vector<uint8_t> bytes;
  encode_message(PlayerInput{300, true, 64, 64, 1, 42}, bytes);
  return bytes;
}

TEST(Messages, KickReasonsOfTheWorldContractRoundTrip) {
  for (KickReason reason : {KickReason::lease_conflict, KickReason::service_unavailable,
                            KickReason::match_over, KickReason::banned, KickReason::kicked}) {
    std::vector<uint8_t> bytes;
    encode_message(Kick{reason, to_string(reason)}, bytes);
    ServerMessage out;
    ASSERT_EQ(decode_server_message(bytes, out), DecodeError::none);
    EXPECT_EQ(std::get<Kick>(out).reason, reason);
  }
  EXPECT_EQ(golden(Kick{KickReason::lease_conflict, ""}), "0a 10 00");
  EXPECT_EQ(golden(Kick{KickReason::service_unavailable, ""}), "0a 11 00");
  EXPECT_EQ(golden(Kick{KickReason::match_over, ""}), "0a 12 00");
  EXPECT_EQ(golden(Kick{KickReason::banned, ""}), "0a 13 00");
  EXPECT_EQ(golden(Kick{KickReason::kicked, ""}), "0a 14 00");
  EXPECT_STREQ(to_string(KickReason::lease_conflict), "the character is in play elsewhere");
}

TEST(Messages, RefusesKickReasonsBeyondTheKnownOnes) {
  // 5 bits of reason 22 (raw 21) and an empty detail: inside the wire range, not a reason.
  const std::vector<uint8_t> bytes{0x0a, 0x15, 0x00};
  ServerMessage out;
  EXPECT_EQ(decode_server_message(bytes, out), DecodeError::out_of_range);
}

// A chat line the zone could not deliver is refused when read: no text, a whisper without a
// name, a client claiming the system channel, a text above the limit.
TEST(Messages, ChatSendRefusesEmptyLinesNamelessWhispersAndTheSystemChannel) {
  ClientMessage out;
  auto decode = [&](const ChatSend& m) {
    std::vector<uint8_t> bytes;
    encode_message(m, bytes);
    return decode_client_message(bytes, out);
  };
  EXPECT_EQ(decode({ChatChannel::world, "", "hello all"}), DecodeError::none);
  EXPECT_EQ(std::get<ChatSend>(out).text, "hello all");
  EXPECT_EQ(decode({ChatChannel::say, "", ""}), DecodeError::out_of_range);
  EXPECT_EQ(decode({ChatChannel::whisper, "", "psst"}), DecodeError::out_of_range);
  // The channel is range(say, world): two bits, so a client cannot even write the system
  // channel (4).
  ChatSend longest{ChatChannel::say, "", std::string(kMaxChatTextBytes, 'a')};
  EXPECT_EQ(decode(longest), DecodeError::none);  // a longer one cannot even be written
  // The whisper's name travels only on the whisper channel.
  EXPECT_EQ(golden(ChatSend{ChatChannel::whisper, "Bo", "hi"}), "0b 0a a1 37 01 b4 34");
}

TEST(Messages, EveryKickReasonHasItsOwnSnakeCaseLabel) {
  std::set<std::string> seen;
  for (int i = 0; i <= static_cast<int>(kMaxKickReason); ++i) {
    const std::string label = kick_label(static_cast<KickReason>(i));
    EXPECT_NE(label, "unknown") << i;
    EXPECT_EQ(label.find_first_not_of("abcdefghijklmnopqrstuvwxyz_"), std::string::npos) << label;
    EXPECT_TRUE(seen.insert(label).second) << label << " twice";
  }
  EXPECT_STREQ(kick_label(KickReason::slow_client), "slow_client");
  EXPECT_STREQ(kick_label(KickReason::kicked), "kicked");
}

TEST(Messages, OpenChatChannelsParseByNameAndOthersDoNot) {
  ChatChannel channel = ChatChannel::system;
  for (const ChatChannel open : {ChatChannel::say, ChatChannel::party, ChatChannel::world}) {
    EXPECT_TRUE(parse_open_chat_channel(to_string(open), channel)) << to_string(open);
    EXPECT_EQ(channel, open);
  }
  channel = ChatChannel::say;
  for (const char* name : {"whisper", "system", "", "World", "worlds"})
    EXPECT_FALSE(parse_open_chat_channel(name, channel)) << name;
  EXPECT_EQ(channel, ChatChannel::say) << "a refused name leaves the channel alone";
}

TEST(Messages, ChatTextIsOneLineOfValidUtf8UpToTheLimit) {
  EXPECT_TRUE(valid_chat_text("hello"));
  EXPECT_TRUE(valid_chat_text("caf\xc3\xa9 \xe2\x80\x94 \xf0\x9f\x90\xba"));  // é — 🐺
  EXPECT_TRUE(valid_chat_text(std::string(kMaxChatTextBytes, 'x')));
  EXPECT_FALSE(valid_chat_text(""));
  EXPECT_FALSE(valid_chat_text(std::string(kMaxChatTextBytes + 1, 'x')));
  EXPECT_FALSE(valid_chat_text("two\nlines"));
  EXPECT_FALSE(valid_chat_text("bell\x07"));
  EXPECT_FALSE(valid_chat_text("c1 \xc2\x85"));             // U+0085, a C1 control
  EXPECT_FALSE(valid_chat_text("cut \xe2\x80"));            // truncated sequence
  EXPECT_FALSE(valid_chat_text("overlong \xc0\xaf"));       // '/' in two bytes
  EXPECT_FALSE(valid_chat_text("surrogate \xed\xa0\x80"));  // U+D800
  EXPECT_FALSE(valid_chat_text("\xff"));
}

TEST(Messages, RejectsEmptyAndUnknownTypes) {
  ClientMessage out;
  EXPECT_EQ(decode_client_message({}, out), DecodeError::empty);
  for (uint8_t type : {0, kMaxMessageType + 1, 200, 255}) {
    const std::vector<uint8_t> bytes{type, 0, 0};
    EXPECT_EQ(decode_client_message(bytes, out), DecodeError::unknown_type);
  }
}

TEST(Messages, RejectsMessagesThisSideNeverReceives) {
  std::vector<uint8_t> bytes;
  encode_message(Kick{}, bytes);
  ClientMessage client;
  EXPECT_EQ(decode_client_message(bytes, client), DecodeError::unexpected_type);
  ServerMessage server;
  EXPECT_EQ(decode_server_message(encoded_input(), server), DecodeError::unexpected_type);
}

TEST(Messages, RejectsEveryTruncation) {
  Random r(5);
  for (int i = 0; i < 200; ++i) {
    std::vector<uint8_t> bytes;
    encode_message(random_hello(r), bytes);
    for (size_t len = 1; len < bytes.size(); ++len) {
      ClientMessage out;
      const DecodeError error = decode_client_message(std::span(bytes).first(len), out);
      EXPECT_EQ(error, DecodeError::truncated) << len << " of " << hex(bytes);
    }
  }
  const auto input = encoded_input();
  for (size_t len = 1; len < input.size(); ++len) {
    ClientMessage out;
    EXPECT_EQ(decode_client_message(std::span(input).first(len), out), DecodeError::truncated);
  }
}

TEST(Messages, RejectsTrailingBytesAndDirtyPadding) {
  auto bytes = encoded_input();
  bytes.push_back(0);
  ClientMessage out;
  EXPECT_EQ(decode_client_message(bytes, out), DecodeError::trailing_bytes);

  std::vector<uint8_t> heartbeat;
  encode_message(Heartbeat{false, 5}, heartbeat);  // 33 bits: 7 padding bits in the last byte
  heartbeat.back() |= 0x80;
  EXPECT_EQ(decode_client_message(heartbeat, out), DecodeError::trailing_bytes);
}

TEST(Messages, RejectsOutOfRangeFields) {
  ClientMessage client;
  ServerMessage server;
  // Hello whose max version is below its min version.
  std::vector<uint8_t> hello;
  encode_message(Hello{5, 5, ""}, hello);
  hello[3] = 4;  // max_version low byte
  EXPECT_EQ(decode_client_message(hello, client), DecodeError::out_of_range);
  // Hello whose ticket length is above kMaxTicketBytes (10-bit field holds up to 1023).
  std::vector<uint8_t> long_ticket{1, 1, 0, 1, 0, 0xff, 0x03};
  EXPECT_EQ(decode_client_message(long_ticket, client), DecodeError::out_of_range);
  // Welcome whose 24-bit entity id field holds 0xffffff: ids are sent as (id - 1), so that is
  // id 2^24, above kMaxEntityId.
  std::vector<uint8_t> welcome{2, 1, 0, 0xff, 0xff, 0xff};
  EXPECT_EQ(decode_server_message(welcome, server), DecodeError::out_of_range);
  // ActionReject whose 4-bit reason field holds 15 (reasons end at kMaxRejectReason).
  std::vector<uint8_t> reject{7, 0x2c, 0x01, 0xf1};
  EXPECT_EQ(decode_server_message(reject, server), DecodeError::out_of_range);
  // GameEvent with one event whose target field is beyond kMaxEntityId.
  std::vector<uint8_t> events{5, 0, 0, 0, 0, 0x00, 0xff, 0xff, 0xff};
  EXPECT_EQ(decode_server_message(events, server), DecodeError::out_of_range);
}

}  // namespace
}  // namespace omega::protocol
