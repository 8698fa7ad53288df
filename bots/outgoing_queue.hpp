// A zone connection's outgoing messages not yet written, in a fixed ring of reused buffers (no
// allocation per message once every slot has grown to its message size). Shared by both
// ZoneConnection implementations (bots/zone_connection.cpp, bots/plain_connection.cpp).
//
// Thread safety: none (one connection's, on the swarm's thread).
#pragma once

#include <cstdint>
#include <vector>

#include "bots/fixed_ring.hpp"

namespace omega::bots {

struct OutgoingMessage {
  std::vector<uint8_t> bytes;
  bool text = false;
};

// An honest bot queues at most two messages per scheduler tick (an input and a ping); a
// flooding one ten. 64 slots absorb a socket that stalls for several ticks.
class OutgoingQueue : public FixedRing<OutgoingMessage, 64> {
 public:
  // A cleared buffer at the back to encode the next message into, or nullptr when full.
  std::vector<uint8_t>* add(bool text) {
    OutgoingMessage* slot = push();
    if (slot == nullptr) return nullptr;
    slot->bytes.clear();
    slot->text = text;
    return &slot->bytes;
  }
};

}  // namespace omega::bots
