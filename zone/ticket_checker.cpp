#include "zone/ticket_checker.hpp"

#include <cstring>

namespace omega::zone {

size_t TicketChecker::NonceHash::operator()(const Nonce& n) const {
  // Nonces are random bytes: any 8 of them are already a good hash.
  uint64_t h;
  std::memcpy(&h, n.data(), sizeof h);
  return static_cast<size_t>(h);
}

TicketChecker::TicketChecker(const protocol::TicketPublicKey& key, std::string zone,
                             uint32_t instance_id)
    : key_(key), zone_(std::move(zone)), instance_id_(instance_id) {}

protocol::KickReason TicketChecker::check(std::string_view bytes, uint64_t now_unix,
                                          protocol::JoinTicket& out, bool signature_verified) {
  using protocol::KickReason;
  const auto read = signature_verified ? protocol::read_verified_ticket(bytes, now_unix, out)
                                       : protocol::verify_ticket(bytes, key_, now_unix, out);
  switch (read) {
    case protocol::TicketError::none:
      break;
    case protocol::TicketError::expired:
      return KickReason::ticket_expired;
    default:
      return KickReason::ticket_invalid;
  }
  if (out.zone != zone_ || out.instance_id != instance_id_)
    return KickReason::ticket_wrong_instance;
  auto [it, inserted] = seen_.emplace(out.nonce, out.expires_at_unix);
  if (!inserted) return KickReason::ticket_replayed;
  return KickReason::none;
}

void TicketChecker::prune(uint64_t now_unix) {
  for (auto it = seen_.begin(); it != seen_.end();) {
    if (it->second < now_unix)
      it = seen_.erase(it);
    else
      ++it;
  }
}

}  // namespace omega::zone
