#include "zone/connection.hpp"

#include "zone/limits.hpp"

#include <utility>

namespace omega::zone {

ConnectionPolicy::ConnectionPolicy(double inputs_per_second, double input_burst,
                                   const protocol::TicketPublicKey& ticket_key)
    : inputs_(inputs_per_second, input_burst),
      heartbeats_(kMaxHeartbeatsPerSecond, kMaxHeartbeatsPerSecond),
      chat_(kChatFloodPerSecond, kChatFloodBurst),
      ticket_key_(ticket_key) {}

bool ConnectionPolicy::allow(protocol::RateClass rate, protocol::MessageType type, double now_s) {
  switch (rate) {
    case protocol::RateClass::once: {
      const auto bit = static_cast<size_t>(type);
      if (seen_once_.test(bit)) return false;
      seen_once_.set(bit);
      return true;
    }
    case protocol::RateClass::input:
      return inputs_.take(now_s);
    case protocol::RateClass::heartbeat:
      return heartbeats_.take(now_s);
    case protocol::RateClass::chat:
      return chat_.take(now_s);
  }
  return false;  // not reached: the switch has every RateClass (and -Wswitch says when not)
}

ConnectionPolicy::Verdict ConnectionPolicy::check(bool is_text, std::span<const uint8_t> bytes,
                                                  double now_s, protocol::ClientMessage& out) {
  using protocol::KickReason;
  Verdict verdict;
  if (is_text) {
    verdict.kick = KickReason::text_frame;
    return verdict;
  }
  if (protocol::decode_client_message(bytes, out) != protocol::DecodeError::none) {
    verdict.kick = KickReason::protocol_error;
    return verdict;
  }
  const protocol::RateClass rate = protocol::rate_class(out);
  if (!allow(rate, protocol::message_type(out), now_s)) {
    // One Hello per connection: a second one is a broken or probing client, and verifying it
    // would be a signature check per message.
    verdict.kick =
        rate == protocol::RateClass::once ? KickReason::protocol_error : KickReason::input_rate;
    return verdict;
  }
  std::visit(protocol::Handlers{
                 [&](const protocol::Hello& hello) {
                   if (protocol::verify_ticket_signature(hello.ticket, ticket_key_) !=
                       protocol::TicketError::none) {
                     verdict.kick = KickReason::ticket_invalid;
                   } else {
                     verdict.ticket_signature_verified = true;
                   }
                 },
                 [](const protocol::PlayerInput&) {},
                 [](const protocol::ChatSend&) {},
                 [](const protocol::ItemAction&) {},
                 [&](const protocol::Heartbeat& heartbeat) {
                   if (!heartbeat.pong) {
                     verdict.answer_ping = true;
                     verdict.ping_timestamp_ms = heartbeat.timestamp_ms;
                   }
                 },
             },
             out);
  return verdict;
}

}  // namespace omega::zone
