#include "api/ticket_minter.hpp"

#include <stdexcept>

namespace omega::api {

TicketMinter::TicketMinter(const std::string& seed_hex, std::chrono::seconds ttl) : ttl_(ttl) {
  if (seed_hex.empty()) return;
  const auto seed = protocol::from_hex<32>(seed_hex);
  if (!seed) throw std::invalid_argument("tickets.signing_seed must be 64 hex characters");
  key_ = protocol::ticket_key_from_seed(*seed);
}

MintedTicket TicketMinter::mint(std::uint64_t account_id, std::uint64_t character_id,
                                const std::string& zone, std::uint32_t instance,
                                std::uint64_t lease_epoch, std::uint64_t now_unix) const {
  if (!key_) throw std::logic_error("ticket minting is disabled");
  protocol::JoinTicket ticket;
  ticket.account_id = account_id;
  ticket.character_id = character_id;
  ticket.zone = zone;
  ticket.instance_id = instance;
  ticket.lease_epoch = lease_epoch;
  ticket.expires_at_unix = now_unix + static_cast<std::uint64_t>(ttl_.count());
  protocol::randomize_nonce(ticket);
  const auto bytes = protocol::sign_ticket(ticket, *key_);
  return {protocol::to_hex(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()),
          ticket.expires_at_unix};
}

std::string TicketMinter::public_key_hex() const {
  return key_ ? protocol::to_hex(key_->public_key) : std::string();
}

}  // namespace omega::api
