// The message catalogue (docs/PROTOCOL.md documents every bit).
//
// A message on the wire is one WebSocket binary message: a type byte, then the bit-packed body
// written by the message's serialize() (one body for write, read and measure), padded with zero
// bits to a whole byte. StateUpdate is stateful (delta-coded against per-client baselines) and
// lives in snapshot.hpp; everything here is self-contained.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "protocol/serialize.hpp"

namespace omega::protocol {

enum class MessageType : uint8_t {
  hello = 1,           // client → zone
  welcome = 2,         // zone → client
  player_input = 3,    // client → zone
  state_update = 4,    // zone → client (snapshot.hpp)
  game_event = 5,      // zone → client
  action_confirm = 6,  // zone → client
  action_reject = 7,   // zone → client
  heartbeat = 8,       // both ways
  transfer = 9,        // zone → client
  kick = 10,           // zone → client, then the zone closes the connection
  chat_send = 11,      // client → zone (version 2)
  chat_message = 12,   // zone → client (version 2)
  item_action = 13,    // client → zone (version 3)
  inventory = 14,      // zone → client (version 3)
};
inline constexpr uint8_t kMaxMessageType = 14;

// Why a zone closed a connection. Sent in Kick and used as the WebSocket close reason.
enum class KickReason : uint8_t {
  none = 0,
  protocol_error = 1,        // a malformed or unexpected message
  message_too_large = 2,     // above the zone's maximum message size
  text_frame = 3,            // the protocol is binary only
  input_rate = 4,            // more inputs per second than any honest client sends
  too_many_connections = 5,  // per-IP connection limit
  ticket_invalid = 6,        // signature does not verify, or not a ticket at all
  ticket_expired = 7,
  ticket_wrong_instance = 8,
  ticket_replayed = 9,
  version_unsupported = 10,  // no protocol version in common
  slow_client = 11,          // outgoing queue overflowed
  idle_timeout = 12,         // nothing received for too long
  shutting_down = 13,
  session_replaced = 14,  // the same character connected again elsewhere
  server_full = 15,
  hello_timeout = 16,        // connected but never sent Hello
  lease_conflict = 17,       // the character's lease moved on (a newer session holds it)
  service_unavailable = 18,  // the zone could not reach the character service (API)
  match_over = 19,           // the arena match ended: play on through POST /v1/play
  banned = 20,               // a moderator banned the account: no retry (logins are refused)
  kicked = 21,               // a moderator removed the player: no automatic retry
};
inline constexpr KickReason kMaxKickReason = KickReason::kicked;
// The wire range of Kick.reason: wider than today's reasons so that adding one does not
// change the encoding (5 bits); a reason above kMaxKickReason is refused on read.
inline constexpr KickReason kMaxWireKickReason = static_cast<KickReason>(31);
const char* to_string(KickReason reason);
// The reason's name as in docs/PROTOCOL.md (snake_case: "slow_client"), for metric labels, JSON
// keys and the bots' reports; to_string is the sentence a player reads.
const char* kick_label(KickReason reason);

// Why the zone refused an action (ActionReject).
enum class RejectReason : uint8_t {
  none = 0,
  unknown_action = 1,
  on_cooldown = 2,
  not_enough_mana = 3,
  out_of_range = 4,
  no_line_of_sight = 5,
  invalid_target = 6,
  target_dead = 7,
  caster_dead = 8,
  stunned = 9,
  busy_casting = 10,
};
inline constexpr RejectReason kMaxRejectReason = RejectReason::busy_casting;

// How a zone budgets a message a client sends (zone/connection.cpp, ConnectionPolicy): every
// client message names its class as `kRate`, so a new one does not compile until it has one.
enum class RateClass : uint8_t {
  once,       // once per connection; a second one is a protocol error
  input,      // the input budget (--input-rate, --input-burst)
  heartbeat,  // the heartbeat budget, which WebSocket ping frames share
  chat,       // the flood budget of chat lines (the zone's softer chat limit answers first)
};

// Action slots in PlayerInput: 0 = none, 1 = basic attack, 2..15 = ability slots.
inline constexpr uint8_t kMaxActionSlot = 15;

struct Hello {
  static constexpr MessageType kType = MessageType::hello;
  static constexpr RateClass kRate = RateClass::once;
  // The version range this client speaks. These two fields open Hello in every protocol
  // version, so any server can read them and answer with a Kick{version_unsupported}.
  uint16_t min_version = kMinProtocolVersion;
  uint16_t max_version = kProtocolVersion;
  std::string ticket;  // signed join ticket (ticket.hpp), opaque here

  template <class Stream>
  bool serialize(Stream& s) {
    OMEGA_SERIALIZE(serialize_uint(s, min_version, uint16_t{0}, uint16_t{0xffff}));
    OMEGA_SERIALIZE(serialize_uint(s, max_version, uint16_t{0}, uint16_t{0xffff}));
    if constexpr (Stream::kIsReading) {
      if (max_version < min_version) return s.fail(DecodeError::out_of_range);
    }
    return serialize_bytes(s, ticket, kMaxTicketBytes);
  }
  bool operator==(const Hello&) const = default;
};

struct Welcome {
  static constexpr MessageType kType = MessageType::welcome;
  uint16_t version = kProtocolVersion;  // the version both sides now speak
  uint32_t entity_id = 1;               // the client's own entity
  std::string zone;                     // zone name, e.g. "hub_city_1"
  uint32_t instance_id = 0;
  uint8_t tick_hz = 30;
  uint8_t snapshot_hz = 15;
  uint32_t server_tick = 0;  // baseline tick for the first StateUpdate

  template <class Stream>
  bool serialize(Stream& s) {
    OMEGA_SERIALIZE(serialize_uint(s, version, uint16_t{0}, uint16_t{0xffff}));
    OMEGA_SERIALIZE(serialize_uint(s, entity_id, 1u, kMaxEntityId));
    OMEGA_SERIALIZE(serialize_bytes(s, zone, kMaxZoneNameBytes));
    OMEGA_SERIALIZE(serialize_uint(s, instance_id, 0u, 0xffffffffu));
    OMEGA_SERIALIZE(serialize_uint(s, tick_hz, uint8_t{1}, uint8_t{255}));
    OMEGA_SERIALIZE(serialize_uint(s, snapshot_hz, uint8_t{1}, uint8_t{255}));
    return serialize_uint(s, server_tick, 0u, 0xffffffffu);
  }
  bool operator==(const Welcome&) const = default;
};

struct PlayerInput {
  static constexpr MessageType kType = MessageType::player_input;
  static constexpr RateClass kRate = RateClass::input;
  uint16_t seq = 0;  // wraps; the zone acks the last one it applied
  bool moving = false;
  uint8_t move_direction = 0;  // quantize_angle(); only sent when moving
  uint8_t facing = 0;          // quantize_angle()
  uint8_t action = 0;          // 0 none, 1 basic attack, 2..15 ability slot
  uint32_t target = 0;         // target entity, 0 = none; only sent with an action

  template <class Stream>
  bool serialize(Stream& s) {
    OMEGA_SERIALIZE(serialize_uint(s, seq, uint16_t{0}, uint16_t{0xffff}));
    OMEGA_SERIALIZE(serialize_bool(s, moving));
    if (moving) OMEGA_SERIALIZE(serialize_uint(s, move_direction, uint8_t{0}, uint8_t{255}));
    if constexpr (Stream::kIsReading) {
      if (!moving) move_direction = 0;
    }
    OMEGA_SERIALIZE(serialize_uint(s, facing, uint8_t{0}, uint8_t{255}));
    OMEGA_SERIALIZE(serialize_uint(s, action, uint8_t{0}, kMaxActionSlot));
    if (action != 0) {
      bool has_target = target != 0;
      OMEGA_SERIALIZE(serialize_bool(s, has_target));
      if (has_target) OMEGA_SERIALIZE(serialize_uint(s, target, 1u, kMaxEntityId));
      if constexpr (Stream::kIsReading) {
        if (!has_target) target = 0;
      }
    } else if constexpr (Stream::kIsReading) {
      target = 0;
    }
    return true;
  }
  bool operator==(const PlayerInput&) const = default;
};

enum class GameEventType : uint8_t {
  damage = 0,          // source hit target for amount (detail = ability, critical flag)
  heal = 1,            // source healed target for amount (detail = ability)
  death = 2,           // target died; source = killer (0 = none)
  experience = 3,      // target gained amount XP
  level_up = 4,        // target reached level amount
  loot = 5,            // target received amount × item detail
  status_applied = 6,  // effect detail on target for amount ticks
  status_removed = 7,  // effect detail left target
};
inline constexpr GameEventType kMaxGameEventType = GameEventType::status_removed;

// A heal's detail with this bit set names the consumable (its content index) that healed,
// not an ability.
inline constexpr uint16_t kItemDetail = 0x8000;
// A loot event's detail for gold (items use their content index).
inline constexpr uint16_t kGoldDetail = 0xffff;

// Amounts (damage, XP, quantities, durations): most fit 7 bits, all fit kMaxStat.
inline constexpr TierTable kAmountTiers{{7, 11, 20}, 3};

struct GameEventEntry {
  GameEventType type = GameEventType::damage;
  uint32_t source = 0;  // 0 = none
  uint32_t target = 1;
  uint32_t amount = 0;  // 0..kMaxStat
  uint16_t detail = 0;  // ability, item or status effect id (heal: kItemDetail | item for a potion)
  bool critical = false;

  template <class Stream>
  bool serialize(Stream& s) {
    OMEGA_SERIALIZE(serialize_uint(s, type, GameEventType::damage, kMaxGameEventType));
    OMEGA_SERIALIZE(serialize_uint(s, target, 1u, kMaxEntityId));
    OMEGA_SERIALIZE(serialize_uint(s, source, 0u, kMaxEntityId));
    OMEGA_SERIALIZE(serialize_tiered<kAmountTiers>(s, amount, kMaxStat));
    OMEGA_SERIALIZE(serialize_uint(s, detail, uint16_t{0}, uint16_t{0xffff}));
    return serialize_bool(s, critical);
  }
  bool operator==(const GameEventEntry&) const = default;
};

struct GameEvent {
  static constexpr MessageType kType = MessageType::game_event;
  uint32_t server_tick = 0;  // the tick the events happened on
  std::array<GameEventEntry, kMaxEventsPerMessage> events{};
  uint32_t count = 0;

  template <class Stream>
  bool serialize(Stream& s) {
    OMEGA_SERIALIZE(serialize_uint(s, server_tick, 0u, 0xffffffffu));
    OMEGA_SERIALIZE(serialize_uint(s, count, 1u, kMaxEventsPerMessage));
    for (uint32_t i = 0; i < count; ++i) OMEGA_SERIALIZE(events[i].serialize(s));
    return true;
  }
  bool operator==(const GameEvent& other) const {
    if (server_tick != other.server_tick || count != other.count) return false;
    for (uint32_t i = 0; i < count; ++i)
      if (!(events[i] == other.events[i])) return false;
    return true;
  }
};

struct ActionConfirm {
  static constexpr MessageType kType = MessageType::action_confirm;
  uint16_t input_seq = 0;
  uint8_t action = 1;

  template <class Stream>
  bool serialize(Stream& s) {
    OMEGA_SERIALIZE(serialize_uint(s, input_seq, uint16_t{0}, uint16_t{0xffff}));
    return serialize_uint(s, action, uint8_t{1}, kMaxActionSlot);
  }
  bool operator==(const ActionConfirm&) const = default;
};

struct ActionReject {
  static constexpr MessageType kType = MessageType::action_reject;
  uint16_t input_seq = 0;
  uint8_t action = 1;
  RejectReason reason = RejectReason::unknown_action;

  template <class Stream>
  bool serialize(Stream& s) {
    OMEGA_SERIALIZE(serialize_uint(s, input_seq, uint16_t{0}, uint16_t{0xffff}));
    OMEGA_SERIALIZE(serialize_uint(s, action, uint8_t{1}, kMaxActionSlot));
    return serialize_uint(s, reason, RejectReason::unknown_action, kMaxRejectReason);
  }
  bool operator==(const ActionReject&) const = default;
};

// Ping: the sender's clock in ms; pong: the same timestamp echoed, so the pinger gets RTT from
// its own clock alone. Both ends ping; both answer.
struct Heartbeat {
  static constexpr MessageType kType = MessageType::heartbeat;
  static constexpr RateClass kRate = RateClass::heartbeat;  // when a client sends it
  bool pong = false;
  uint32_t timestamp_ms = 0;

  template <class Stream>
  bool serialize(Stream& s) {
    OMEGA_SERIALIZE(serialize_bool(s, pong));
    return serialize_uint(s, timestamp_ms, 0u, 0xffffffffu);
  }
  bool operator==(const Heartbeat&) const = default;
};

// Go to another zone instance: connect to `address` and present `ticket` in Hello.
struct Transfer {
  static constexpr MessageType kType = MessageType::transfer;
  std::string address;
  std::string zone;
  std::string ticket;

  template <class Stream>
  bool serialize(Stream& s) {
    OMEGA_SERIALIZE(serialize_bytes(s, address, kMaxAddressBytes));
    OMEGA_SERIALIZE(serialize_bytes(s, zone, kMaxZoneNameBytes));
    return serialize_bytes(s, ticket, kMaxTicketBytes);
  }
  bool operator==(const Transfer&) const = default;
};

struct Kick {
  static constexpr MessageType kType = MessageType::kick;
  KickReason reason = KickReason::protocol_error;
  std::string detail;  // human-readable, for logs and the client's error screen

  template <class Stream>
  bool serialize(Stream& s) {
    OMEGA_SERIALIZE(serialize_uint(s, reason, KickReason::protocol_error, kMaxWireKickReason));
    if (reason > kMaxKickReason) return s.fail(DecodeError::out_of_range);
    return serialize_bytes(s, detail, kMaxKickDetailBytes);
  }
  bool operator==(const Kick&) const = default;
};

// Where a chat line goes. say: players near the sender in its instance; party: the sender's
// party in any zone; whisper: one character by name in any zone; world: every player online;
// system: the zone speaking to one player (never sent by a client).
enum class ChatChannel : uint8_t { say = 0, party = 1, whisper = 2, world = 3, system = 4 };
inline constexpr ChatChannel kMaxChatChannel = ChatChannel::system;
const char* to_string(ChatChannel channel);
// The channel a line goes to without a recipient, by name: say, party or world (the names of
// the bots' --chat-channel and the client's autoplay `chat`). False for any other name.
bool parse_open_chat_channel(std::string_view name, ChatChannel& out);

// True when `text` is 1..kMaxChatTextBytes of valid UTF-8 without control characters (what the
// zone accepts in a chat line; the client checks the same before sending).
bool valid_chat_text(std::string_view text);

struct ChatSend {
  static constexpr MessageType kType = MessageType::chat_send;
  static constexpr RateClass kRate = RateClass::chat;
  ChatChannel channel = ChatChannel::say;
  std::string to;  // whisper: the character's name; empty otherwise
  std::string text;

  template <class Stream>
  bool serialize(Stream& s) {
    OMEGA_SERIALIZE(serialize_uint(s, channel, ChatChannel::say, ChatChannel::world));
    if (channel == ChatChannel::whisper)
      OMEGA_SERIALIZE(serialize_bytes(s, to, kMaxChatNameBytes));
    else if constexpr (Stream::kIsReading)
      to.clear();
    OMEGA_SERIALIZE(serialize_bytes(s, text, kMaxChatTextBytes));
    if constexpr (Stream::kIsReading) {
      if (text.empty() || (channel == ChatChannel::whisper && to.empty()))
        return s.fail(DecodeError::out_of_range);
    }
    return true;
  }
  bool operator==(const ChatSend&) const = default;
};

struct ChatMessage {
  static constexpr MessageType kType = MessageType::chat_message;
  ChatChannel channel = ChatChannel::say;
  std::string from;  // the sender's character name; empty for system
  std::string to;    // whisper: the recipient's name (the sender's copy shows "to X")
  std::string text;

  template <class Stream>
  bool serialize(Stream& s) {
    OMEGA_SERIALIZE(serialize_uint(s, channel, ChatChannel::say, kMaxChatChannel));
    OMEGA_SERIALIZE(serialize_bytes(s, from, kMaxChatNameBytes));
    if (channel == ChatChannel::whisper)
      OMEGA_SERIALIZE(serialize_bytes(s, to, kMaxChatNameBytes));
    else if constexpr (Stream::kIsReading)
      to.clear();
    // A system line may carry a longer text than a player's (it quotes the player's line).
    return serialize_bytes(s, text, 2 * kMaxChatTextBytes);
  }
  bool operator==(const ChatMessage&) const = default;
};

// What a player does with an item it carries (ItemAction).
enum class ItemVerb : uint8_t { equip = 0, unequip = 1, use = 2 };
inline constexpr ItemVerb kMaxItemVerb = ItemVerb::use;
const char* to_string(ItemVerb verb);

// Why the zone refused an ItemAction (Inventory.refusal; none = applied, or no action answered).
enum class ItemRefusal : uint8_t {
  none = 0,
  not_carried = 1,         // the bag holds none of that item
  not_equipment = 2,       // equip: the item has no equipment slot
  not_equipped = 3,        // unequip: the item is not worn
  not_usable = 4,          // use: the item is not a consumable
  dead = 5,                // the dead use nothing and change nothing
  on_cooldown = 6,         // use: consumables share a cooldown
  nothing_to_restore = 7,  // use: hp and mana the item gives back are already full
};
inline constexpr ItemRefusal kMaxItemRefusal = ItemRefusal::nothing_to_restore;
// Plain words for a refusal ("that is not equipment"), for the client's log.
const char* to_string(ItemRefusal refusal);

// Equip, unequip or use (a potion) one item of the player's bag, named by its content index
// (its place in content/items.json). The zone answers with an Inventory.
struct ItemAction {
  static constexpr MessageType kType = MessageType::item_action;
  static constexpr RateClass kRate = RateClass::input;
  ItemVerb verb = ItemVerb::use;
  uint16_t item = 0;

  template <class Stream>
  bool serialize(Stream& s) {
    OMEGA_SERIALIZE(serialize_uint(s, verb, ItemVerb::equip, kMaxItemVerb));
    return serialize_uint(s, item, uint16_t{0}, uint16_t{0xfffe});
  }
  bool operator==(const ItemAction&) const = default;
};

// Equipment slots in Inventory.equipped: weapon, chest, head (game::ItemSlot's first three).
inline constexpr size_t kEquipSlots = 3;
inline constexpr uint16_t kNoItem = 0xffff;
// Stacks in a bag (zone Inventory::kMaxStacks).
inline constexpr uint32_t kMaxInventoryStacks = 64;

struct InventoryStack {
  uint16_t item = 0;  // content index
  uint32_t quantity = 1;
  bool operator==(const InventoryStack&) const = default;
};

// The player's whole bag: gold, stacks in bag order, what is worn, and the answer to the last
// ItemAction. Sent after Welcome, whenever the bag or the equipment changes (loot, a potion, a
// sale on the trading post), and in answer to every ItemAction (`refusal` says why one was
// refused; `answered` names the item it was about).
struct Inventory {
  static constexpr MessageType kType = MessageType::inventory;
  uint32_t gold = 0;
  std::vector<InventoryStack> stacks;
  std::array<uint16_t, kEquipSlots> equipped{kNoItem, kNoItem, kNoItem};
  ItemRefusal refusal = ItemRefusal::none;
  uint16_t answered = kNoItem;  // the item of the ItemAction answered, kNoItem = none

  template <class Stream>
  bool serialize(Stream& s) {
    OMEGA_SERIALIZE(serialize_uint(s, gold, 0u, 0xffffffffu));
    uint32_t count = static_cast<uint32_t>(stacks.size());
    OMEGA_SERIALIZE(serialize_uint(s, count, 0u, kMaxInventoryStacks));
    if constexpr (Stream::kIsReading) stacks.resize(count);
    for (InventoryStack& stack : stacks) {
      OMEGA_SERIALIZE(serialize_uint(s, stack.item, uint16_t{0}, uint16_t{0xfffe}));
      OMEGA_SERIALIZE(serialize_tiered<kAmountTiers>(s, stack.quantity, kMaxStat));
    }
    for (uint16_t& item : equipped) {
      bool worn = item != kNoItem;
      OMEGA_SERIALIZE(serialize_bool(s, worn));
      if (worn) OMEGA_SERIALIZE(serialize_uint(s, item, uint16_t{0}, uint16_t{0xfffe}));
      if constexpr (Stream::kIsReading) {
        if (!worn) item = kNoItem;
      }
    }
    bool has_answer = answered != kNoItem;
    OMEGA_SERIALIZE(serialize_bool(s, has_answer));
    if (has_answer) {
      OMEGA_SERIALIZE(serialize_uint(s, answered, uint16_t{0}, uint16_t{0xfffe}));
      OMEGA_SERIALIZE(serialize_uint(s, refusal, ItemRefusal::none, kMaxItemRefusal));
    } else if constexpr (Stream::kIsReading) {
      answered = kNoItem;
      refusal = ItemRefusal::none;
    }
    return true;
  }
  bool operator==(const Inventory&) const = default;
};

// What a zone server accepts from a client. Each alternative has a kRate.
using ClientMessage = std::variant<Hello, PlayerInput, Heartbeat, ChatSend, ItemAction>;
// What a client accepts from a zone, except StateUpdate (decoded by WorldView, snapshot.hpp).
using ServerMessage = std::variant<Welcome, GameEvent, ActionConfirm, ActionReject, Heartbeat,
                                   Transfer, Kick, ChatMessage, Inventory>;

// One handler per message type: std::visit(Handlers{[&](const Hello&) {...}, ...}, message).
// A variant alternative without a handler does not compile, so a new message type cannot be
// dropped silently by a side that receives it; handlers take their type by name (no `auto`).
template <class... Handler>
struct Handlers : Handler... {
  using Handler::operator()...;
};
template <class... Handler>
Handlers(Handler...) -> Handlers<Handler...>;

// The type of the message a ClientMessage or ServerMessage holds.
template <class... Message>
MessageType message_type(const std::variant<Message...>& message) {
  return std::visit([](const auto& held) { return std::decay_t<decltype(held)>::kType; }, message);
}

// The rate class of the message a ClientMessage holds (a type without kRate does not compile).
template <class... Message>
RateClass rate_class(const std::variant<Message...>& message) {
  return std::visit([](const auto& held) { return std::decay_t<decltype(held)>::kRate; }, message);
}

// Appends the type byte and the body of `message` to `out`.
template <class Message>
void encode_message(const Message& message, std::vector<uint8_t>& out) {
  out.push_back(static_cast<uint8_t>(Message::kType));
  WriteStream stream(out);
  // serialize() takes a non-const reference because the same body reads; writing never modifies.
  [[maybe_unused]] bool ok = const_cast<Message&>(message).serialize(stream);
  assert(ok);
  stream.flush();
}

// Size in bytes of the encoded message, type byte included.
template <class Message>
size_t measure_message(const Message& message) {
  MeasureStream stream;
  const_cast<Message&>(message).serialize(stream);
  return 1 + static_cast<size_t>((stream.bits() + 7) / 8);
}

// Decodes a body of known type from `body` (the bytes after the type byte).
template <class Message>
DecodeError decode_body(std::span<const uint8_t> body, Message& out) {
  ReadStream stream(body);
  if (!out.serialize(stream)) return stream.error();
  if (!stream.at_end_of_message()) return DecodeError::trailing_bytes;
  return DecodeError::none;
}

// The type byte of a message, or an error for an empty message or an unknown type.
DecodeError peek_type(std::span<const uint8_t> message, MessageType& type);

// Decode a whole message (type byte + body) from an untrusted peer.
DecodeError decode_client_message(std::span<const uint8_t> message, ClientMessage& out);
DecodeError decode_server_message(std::span<const uint8_t> message, ServerMessage& out);

}  // namespace omega::protocol
