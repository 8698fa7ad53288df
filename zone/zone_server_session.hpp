// ZoneServer::Session, shared by the two files that implement ZoneServer (zone_server.cpp:
// sessions, inputs, snapshots; zone_server_service.cpp: leases, checkpoints, portals).
// Private to them; nothing else includes it.
#pragma once

#include <cstdint>
#include <vector>

#include "zone/zone_server.hpp"

namespace omega::zone {

struct ZoneServer::Session {
  ConnectionId connection = 0;
  bool hello_received = false;  // a connection carries one Hello (a second is protocol_error)
  bool welcomed = false;
  bool closing = false;        // kicked; waiting for the transport's disconnect
  bool claim_pending = false;  // Hello accepted; waiting for the lease claim (no entity yet)
  bool frozen = false;         // its character is being transferred: inputs are ignored
  uint16_t version = 0;        // negotiated in Hello
  int64_t connected_ns = 0;
  int64_t last_received_ns = 0;
  int64_t next_ping_ns = 0;
  uint64_t character_id = 0;
  uint64_t account_id = 0;  // from the accepted ticket (kick_account)
  uint32_t slot = World::kNoSlot;
  uint32_t snapshot_phase = 0;
  protocol::SnapshotEncoder encoder;
  ClientInterest interest;
  uint16_t last_input_seq = 0;  // the last input applied (acknowledged in snapshots)
  bool any_input_received = false;
  uint16_t last_received_seq = 0;  // every later input must be newer (sequence_greater_than)
  bool ack_pending = false;        // an input was applied since the last snapshot
  int64_t oldest_unacked_ns = 0;   // arrival of the oldest input not acknowledged yet
  std::vector<protocol::PlayerInput> inputs;
  std::vector<int64_t> input_arrivals;
  // The bag as last sent in an Inventory message (version 3): a change sends it again.
  Inventory sent_bag;
  bool bag_sent = false;

  void reset(ConnectionId id, int64_t now_ns) {
    connection = id;
    hello_received = welcomed = closing = claim_pending = frozen = false;
    version = 0;
    connected_ns = last_received_ns = next_ping_ns = now_ns;
    character_id = account_id = 0;
    slot = World::kNoSlot;
    interest.clear();
    last_input_seq = 0;
    any_input_received = false;
    last_received_seq = 0;
    ack_pending = false;
    oldest_unacked_ns = 0;
    inputs.clear();
    input_arrivals.clear();
    bag_sent = false;
  }
};

}  // namespace omega::zone
