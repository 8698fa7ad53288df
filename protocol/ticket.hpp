// Join tickets: the API's signed permission for one character to enter one zone instance.
//
// The API holds the Ed25519 secret key and mints tickets; zone servers hold only the public key
// and verify offline. A ticket is a bit-packed payload (same streams as the wire protocol)
// followed by a 64-byte detached Ed25519 signature over the payload. The zone, not this file,
// checks the instance and refuses replays (the nonce is unique per ticket).
//
// Thread safety: the functions are pure; libsodium is initialised once, thread-safely.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace omega::protocol {

inline constexpr uint8_t kTicketFormatVersion = 1;
inline constexpr size_t kTicketSignatureBytes = 64;
inline constexpr size_t kTicketNonceBytes = 16;

struct JoinTicket {
  uint64_t account_id = 0;
  uint64_t character_id = 0;
  std::string zone;  // e.g. "hub_city_1"
  uint32_t instance_id = 0;
  uint64_t lease_epoch = 0;      // fencing token for the character's session lease
  uint64_t expires_at_unix = 0;  // seconds since the epoch
  std::array<uint8_t, kTicketNonceBytes> nonce{};  // random, for replay detection

  bool operator==(const JoinTicket&) const = default;
};

struct TicketSigningKey {
  std::array<uint8_t, 64> secret{};  // libsodium's Ed25519 secret key (seed + public key)
  std::array<uint8_t, 32> public_key{};
};
using TicketPublicKey = std::array<uint8_t, 32>;

enum class TicketError { none, malformed, bad_signature, expired };
const char* to_string(TicketError error);

// A fresh random key pair.
TicketSigningKey generate_ticket_key();
// The key pair derived from a 32-byte seed (deterministic: dev keys, tests).
TicketSigningKey ticket_key_from_seed(const std::array<uint8_t, 32>& seed);

// Fills a random nonce in `ticket`.
void randomize_nonce(JoinTicket& ticket);

// Payload + signature, as the bytes that go into Hello.ticket and Transfer.ticket.
std::string sign_ticket(const JoinTicket& ticket, const TicketSigningKey& key);

// Verifies the signature and the expiry (`now_unix` passed in, never read here).
TicketError verify_ticket(std::string_view bytes, const TicketPublicKey& key, uint64_t now_unix,
                          JoinTicket& out);
// The two halves of verify_ticket, for a zone that checks signatures on its network thread
// and reads the payload on its simulation thread: the signature alone (none, malformed or
// bad_signature), and the payload and expiry of bytes whose signature was verified.
TicketError verify_ticket_signature(std::string_view bytes, const TicketPublicKey& key);
TicketError read_verified_ticket(std::string_view bytes, uint64_t now_unix, JoinTicket& out);

// Hex text for keys in config files and environment variables.
std::string to_hex(const uint8_t* data, size_t size);
template <size_t N>
std::string to_hex(const std::array<uint8_t, N>& bytes) {
  return to_hex(bytes.data(), N);
}
// Parses hex text of any even length into bytes (tickets travel as hex in the API's JSON);
// nullopt when it is not hex.
std::optional<std::string> bytes_from_hex(std::string_view text);
// Parses exactly N bytes of hex; nullopt on any other input.
template <size_t N>
std::optional<std::array<uint8_t, N>> from_hex(std::string_view text);

}  // namespace omega::protocol
