#include "zone/connection.hpp"

#include "zone/limits.hpp"

namespace omega::zone {

ConnectionPolicy::ConnectionPolicy(double inputs_per_second, double input_burst)
    : inputs_(inputs_per_second, input_burst),
      heartbeats_(kMaxHeartbeatsPerSecond, kMaxHeartbeatsPerSecond) {}

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
  if (std::holds_alternative<protocol::PlayerInput>(out)) {
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
