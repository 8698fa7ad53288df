#include "zone/connection.hpp"

#include "zone/limits.hpp"

#include <utility>

namespace omega::zone {

ConnectionPolicy::ConnectionPolicy(double inputs_per_second, double input_burst,
                                   const protocol::TicketPublicKey& ticket_key)
    : inputs_(inputs_per_second, input_burst),
      heartbeats_(kMaxHeartbeatsPerSecond, kMaxHeartbeatsPerSecond),
      ticket_key_(ticket_key) {}

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
  if (const auto* hello = std::get_if<protocol::Hello>(&out)) {
    // One Hello per connection: a second one is a broken or probing client, and verifying it
    // would be a signature check per message.
    if (std::exchange(hello_seen_, true)) {
      verdict.kick = KickReason::protocol_error;
    } else if (protocol::verify_ticket_signature(hello->ticket, ticket_key_) !=
               protocol::TicketError::none) {
      verdict.kick = KickReason::ticket_invalid;
    } else {
      verdict.ticket_signature_verified = true;
    }
  } else if (std::holds_alternative<protocol::PlayerInput>(out)) {
    if (!inputs_.take(now_s)) verdict.kick = KickReason::input_rate;
  } else if (const auto* heartbeat = std::get_if<protocol::Heartbeat>(&out)) {
    if (!heartbeats_.take(now_s)) {
      verdict.kick = KickReason::input_rate;
    } else if (!heartbeat->pong) {
      verdict.answer_ping = true;
      verdict.ping_timestamp_ms = heartbeat->timestamp_ms;
    }
  }
  return verdict;
}

}  // namespace omega::zone
