// Helpers shared by the zone's tests (signed tickets, inbound events). Tests only.
#pragma once

#include <string>

#include "protocol/ticket.hpp"
#include "zone/connection.hpp"

namespace omega::zone::testing_support {

struct TicketFields {
  uint64_t account_id = 0;  // 0 = the character id
  uint64_t character_id = 0;
  std::string zone = "open";
  uint32_t instance = 1;
  uint64_t lease_epoch = 0;
  uint64_t expires_at_unix = 0;
  uint8_t nonce = 0;  // every nonce byte
};

inline std::string signed_ticket(const protocol::TicketSigningKey& key, const TicketFields& f) {
  protocol::JoinTicket t;
  t.account_id = f.account_id != 0 ? f.account_id : f.character_id;
  t.character_id = f.character_id;
  t.zone = f.zone;
  t.instance_id = f.instance;
  t.lease_epoch = f.lease_epoch;
  t.expires_at_unix = f.expires_at_unix;
  t.nonce.fill(f.nonce);
  return protocol::sign_ticket(t, key);
}

inline InboundEvent inbound(InboundEvent::Kind kind, ConnectionId connection, int64_t arrival_ns,
                            protocol::ClientMessage message = {}) {
  InboundEvent e;
  e.kind = kind;
  e.connection = connection;
  e.arrival_ns = arrival_ns;
  e.message = std::move(message);
  return e;
}

}  // namespace omega::zone::testing_support
