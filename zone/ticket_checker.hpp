// TicketChecker: admits a join ticket for this zone instance, or names the Kick reason.
//
// Order of checks: signature (public key only) and format → ticket_invalid; expiry →
// ticket_expired; zone name and instance → ticket_wrong_instance; nonce seen before →
// ticket_replayed. A nonce is remembered from its first successful use until the ticket's
// expiry (after that the ticket is refused as expired anyway), so memory is bounded by the
// tickets the API issued for this instance in one ticket lifetime. Time is passed in.
//
// Thread safety: none; used by the simulation thread.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "protocol/messages.hpp"
#include "protocol/ticket.hpp"

namespace omega::zone {

class TicketChecker {
 public:
  TicketChecker(const protocol::TicketPublicKey& key, std::string zone, uint32_t instance_id);

  // KickReason::none when admitted (the nonce is then remembered); `out` is the ticket.
  // `signature_verified`: the network thread has verified the signature already
  // (ConnectionPolicy), so only the payload is read here.
  protocol::KickReason check(std::string_view bytes, uint64_t now_unix, protocol::JoinTicket& out,
                             bool signature_verified = false);

  // Forgets nonces whose tickets have expired.
  void prune(uint64_t now_unix);
  size_t remembered_nonces() const { return seen_.size(); }

 private:
  using Nonce = std::array<uint8_t, protocol::kTicketNonceBytes>;
  struct NonceHash {
    size_t operator()(const Nonce& n) const;
  };

  protocol::TicketPublicKey key_;
  std::string zone_;
  uint32_t instance_id_;
  std::unordered_map<Nonce, uint64_t, NonceHash> seen_;  // nonce -> expiry (unix seconds)
};

}  // namespace omega::zone
