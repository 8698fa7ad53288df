// Mints join tickets (protocol/ticket.hpp): Ed25519-signed permission for one character to
// enter one zone instance under one lease epoch, valid for tickets.ttl_s. The signing key
// comes from tickets.signing_seed; zone servers verify with its public key. Immutable after
// construction: thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "protocol/ticket.hpp"

namespace omega::api {

struct MintedTicket {
  std::string hex;  // signed ticket bytes as hex text (the /v1/play "ticket" field)
  std::uint64_t expires_at_unix = 0;
};

class TicketMinter {
 public:
  // seed_hex: 64 hex chars, or empty (then minting is disabled). Throws std::invalid_argument
  // for any other text.
  TicketMinter(const std::string& seed_hex, std::chrono::seconds ttl);

  bool enabled() const { return key_.has_value(); }
  std::chrono::seconds ttl() const { return ttl_; }
  // Requires enabled(). `now_unix` is passed in so tests can pin time.
  MintedTicket mint(std::uint64_t account_id, std::uint64_t character_id, const std::string& zone,
                    std::uint32_t instance, std::uint64_t lease_epoch,
                    std::uint64_t now_unix) const;
  // The key zones must be configured with, as hex; empty when disabled.
  std::string public_key_hex() const;

 private:
  std::optional<protocol::TicketSigningKey> key_;
  std::chrono::seconds ttl_;
};

}  // namespace omega::api
