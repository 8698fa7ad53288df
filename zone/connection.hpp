// What crosses between the network thread (transport) and the simulation thread: connection
// ids, inbound events and outbound messages, and the per-connection checks the network thread
// applies before anything reaches the simulation (ConnectionPolicy).
//
// Thread safety: Inbox is safe for any number of producers and one consumer. ConnectionPolicy
// belongs to one connection on the network thread.
#pragma once

#include <atomic>
#include <bitset>
#include <cstdint>
#include <mutex>
#include <span>
#include <vector>

#include "protocol/messages.hpp"
#include "protocol/ticket.hpp"
#include "zone/outgoing_message.hpp"
#include "zone/token_bucket.hpp"

namespace omega::zone {

using ConnectionId = uint64_t;  // assigned by the transport, never reused in a process

struct InboundEvent {
  enum class Kind : uint8_t { connected, message, disconnected };
  Kind kind = Kind::message;
  ConnectionId connection = 0;
  uint32_t instance = 0;   // the InstanceHost handle the upgrade path routed to
  int64_t arrival_ns = 0;  // steady clock when the network thread received it
  // A Hello whose ticket signature the network thread verified (ConnectionPolicy): the
  // simulation reads the ticket without checking the signature again.
  bool ticket_signature_verified = false;
  protocol::ClientMessage message;
};

// A message for one connection; `close` != none means: send it, then close with that reason.
struct Outgoing {
  ConnectionId connection = 0;
  MessageRef message;
  protocol::KickReason close = protocol::KickReason::none;
};

// Network thread → simulation thread. Bounded: message events beyond kCapacity are dropped
// (and counted); connect/disconnect events are never dropped so bookkeeping stays exact. Per
// connection rate limits keep an honest process far below the bound.
class Inbox {
 public:
  static constexpr size_t kCapacity = 1 << 18;

  // `dropped` (optional, e.g. ZoneMetrics::inbound_dropped) counts the refused message events.
  explicit Inbox(std::atomic<uint64_t>* dropped = nullptr, size_t capacity = kCapacity)
      : dropped_(dropped), capacity_(capacity) {}

  // False when a message event was dropped.
  bool push(InboundEvent&& event) {
    std::lock_guard lock(mutex_);
    if (event.kind == InboundEvent::Kind::message && events_.size() >= capacity_) {
      if (dropped_) dropped_->fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    events_.push_back(std::move(event));
    return true;
  }
  // Swaps the pending events into `out` (which should be empty; its capacity is reused).
  void drain(std::vector<InboundEvent>& out) {
    std::lock_guard lock(mutex_);
    events_.swap(out);
  }

 private:
  std::atomic<uint64_t>* dropped_;
  size_t capacity_;
  std::mutex mutex_;
  std::vector<InboundEvent> events_;
};

// The network thread's checks on each received WebSocket message, before anything reaches
// the simulation: decoding, rate limits, one Hello per connection and that Hello's ticket
// signature (a forged ticket costs the network thread one signature check and the forger its
// connection; the simulation thread never sees it).
class ConnectionPolicy {
 public:
  ConnectionPolicy(double inputs_per_second, double input_burst,
                   const protocol::TicketPublicKey& ticket_key);

  struct Verdict {
    protocol::KickReason kick = protocol::KickReason::none;  // != none: close with it
    bool answer_ping = false;  // a client ping: answer at once with this timestamp
    uint32_t ping_timestamp_ms = 0;
    bool ticket_signature_verified = false;  // `out` is a Hello with a genuine ticket
  };
  // Decodes `bytes` into `out`. Text frames, malformed messages, rate violations, a second
  // Hello (protocol_error) and a Hello whose ticket is not signed by `ticket_key`
  // (ticket_invalid) give a kick reason; `now_s` is any monotonic clock in seconds.
  Verdict check(bool is_text, std::span<const uint8_t> bytes, double now_s,
                protocol::ClientMessage& out);
  // A WebSocket ping frame arrived: it shares the heartbeat budget. False = over the limit
  // (kick input_rate).
  bool allow_ping_frame(double now_s) { return heartbeats_.take(now_s); }

 private:
  // Takes from the budget of `rate` (for `once`, marks `type` seen); false = over it.
  bool allow(protocol::RateClass rate, protocol::MessageType type, double now_s);

  TokenBucket inputs_;
  TokenBucket heartbeats_;
  TokenBucket chat_;
  protocol::TicketPublicKey ticket_key_;
  std::bitset<256> seen_once_;  // by MessageType: the `once` messages this connection sent
};

}  // namespace omega::zone
