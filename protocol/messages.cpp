#include "protocol/messages.hpp"

namespace omega::protocol {

const char* to_string(KickReason reason) {
  switch (reason) {
    case KickReason::none:
      return "none";
    case KickReason::protocol_error:
      return "protocol error";
    case KickReason::message_too_large:
      return "message too large";
    case KickReason::text_frame:
      return "text frames are not part of the protocol";
    case KickReason::input_rate:
      return "too many inputs per second";
    case KickReason::too_many_connections:
      return "too many connections from this address";
    case KickReason::ticket_invalid:
      return "invalid join ticket";
    case KickReason::ticket_expired:
      return "join ticket expired";
    case KickReason::ticket_wrong_instance:
      return "join ticket is for another instance";
    case KickReason::ticket_replayed:
      return "join ticket already used";
    case KickReason::version_unsupported:
      return "protocol version not supported";
    case KickReason::slow_client:
      return "client too slow: outgoing queue full";
    case KickReason::idle_timeout:
      return "idle timeout";
    case KickReason::shutting_down:
      return "shutting down";
    case KickReason::session_replaced:
      return "session replaced by a new connection";
    case KickReason::server_full:
      return "server full";
    case KickReason::hello_timeout:
      return "no Hello in time";
    case KickReason::lease_conflict:
      return "the character is in play elsewhere";
    case KickReason::service_unavailable:
      return "character service unavailable";
    case KickReason::match_over:
      return "match over";
    case KickReason::banned:
      return "banned by a moderator";
    case KickReason::kicked:
      return "removed by a moderator";
  }
  return "unknown";
}

const char* kick_label(KickReason reason) {
  switch (reason) {
    case KickReason::none:
      return "none";
    case KickReason::protocol_error:
      return "protocol_error";
    case KickReason::message_too_large:
      return "message_too_large";
    case KickReason::text_frame:
      return "text_frame";
    case KickReason::input_rate:
      return "input_rate";
    case KickReason::too_many_connections:
      return "too_many_connections";
    case KickReason::ticket_invalid:
      return "ticket_invalid";
    case KickReason::ticket_expired:
      return "ticket_expired";
    case KickReason::ticket_wrong_instance:
      return "ticket_wrong_instance";
    case KickReason::ticket_replayed:
      return "ticket_replayed";
    case KickReason::version_unsupported:
      return "version_unsupported";
    case KickReason::slow_client:
      return "slow_client";
    case KickReason::idle_timeout:
      return "idle_timeout";
    case KickReason::shutting_down:
      return "shutting_down";
    case KickReason::session_replaced:
      return "session_replaced";
    case KickReason::server_full:
      return "server_full";
    case KickReason::hello_timeout:
      return "hello_timeout";
    case KickReason::lease_conflict:
      return "lease_conflict";
    case KickReason::service_unavailable:
      return "service_unavailable";
    case KickReason::match_over:
      return "match_over";
    case KickReason::banned:
      return "banned";
    case KickReason::kicked:
      return "kicked";
  }
  return "unknown";
}

const char* to_string(ChatChannel channel) {
  switch (channel) {
    case ChatChannel::say:
      return "say";
    case ChatChannel::party:
      return "party";
    case ChatChannel::whisper:
      return "whisper";
    case ChatChannel::world:
      return "world";
    case ChatChannel::system:
      return "system";
  }
  return "unknown";
}

bool parse_open_chat_channel(std::string_view name, ChatChannel& out) {
  for (const ChatChannel channel : {ChatChannel::say, ChatChannel::party, ChatChannel::world})
    if (name == to_string(channel)) {
      out = channel;
      return true;
    }
  return false;
}

const char* to_string(ItemVerb verb) {
  switch (verb) {
    case ItemVerb::equip:
      return "equip";
    case ItemVerb::unequip:
      return "unequip";
    case ItemVerb::use:
      return "use";
  }
  return "unknown";
}

const char* to_string(ItemRefusal refusal) {
  switch (refusal) {
    case ItemRefusal::none:
      return "done";
    case ItemRefusal::not_carried:
      return "you do not carry that";
    case ItemRefusal::not_equipment:
      return "that is not equipment";
    case ItemRefusal::not_equipped:
      return "you are not wearing that";
    case ItemRefusal::not_usable:
      return "that cannot be used";
    case ItemRefusal::dead:
      return "you are dead";
    case ItemRefusal::on_cooldown:
      return "not ready yet";
    case ItemRefusal::nothing_to_restore:
      return "you are already at full health and mana";
  }
  return "refused";
}

bool valid_chat_text(std::string_view text) {
  if (text.empty() || text.size() > kMaxChatTextBytes) return false;
  size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<uint8_t>(text[i]);
    uint32_t code = 0;
    size_t length = 0;
    if (lead < 0x80) {
      code = lead;
      length = 1;
    } else if ((lead & 0xe0) == 0xc0) {
      code = lead & 0x1f;
      length = 2;
    } else if ((lead & 0xf0) == 0xe0) {
      code = lead & 0x0f;
      length = 3;
    } else if ((lead & 0xf8) == 0xf0) {
      code = lead & 0x07;
      length = 4;
    } else {
      return false;  // a continuation byte or 0xf8..0xff cannot start a character
    }
    if (i + length > text.size()) return false;
    for (size_t k = 1; k < length; ++k) {
      const auto next = static_cast<uint8_t>(text[i + k]);
      if ((next & 0xc0) != 0x80) return false;
      code = (code << 6) | (next & 0x3f);
    }
    // Overlong forms, surrogates and code points past U+10FFFF are not UTF-8.
    static constexpr uint32_t kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code < kSmallest[length] || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff))
      return false;
    // C0 and C1 controls and DEL: a line is one line of plain text.
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return false;
    i += length;
  }
  return true;
}

DecodeError peek_type(std::span<const uint8_t> message, MessageType& type) {
  if (message.empty()) return DecodeError::empty;
  const uint8_t raw = message[0];
  if (raw == 0 || raw > kMaxMessageType) return DecodeError::unknown_type;
  type = static_cast<MessageType>(raw);
  return DecodeError::none;
}

namespace {

// Decodes into the variant alternative whose kType matches, if `Variant` has one.
template <class Variant, size_t I = 0>
DecodeError decode_into(MessageType type, std::span<const uint8_t> body, Variant& out) {
  if constexpr (I == std::variant_size_v<Variant>) {
    return DecodeError::unexpected_type;
  } else {
    using Alternative = std::variant_alternative_t<I, Variant>;
    if (Alternative::kType != type) return decode_into<Variant, I + 1>(type, body, out);
    Alternative& message = out.template emplace<I>();
    return decode_body(body, message);
  }
}

template <class Variant>
DecodeError decode_message(std::span<const uint8_t> message, Variant& out) {
  MessageType type{};
  if (DecodeError error = peek_type(message, type); error != DecodeError::none) return error;
  return decode_into(type, message.subspan(1), out);
}

}  // namespace

DecodeError decode_client_message(std::span<const uint8_t> message, ClientMessage& out) {
  return decode_message(message, out);
}

DecodeError decode_server_message(std::span<const uint8_t> message, ServerMessage& out) {
  return decode_message(message, out);
}

}  // namespace omega::protocol
