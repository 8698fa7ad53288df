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
