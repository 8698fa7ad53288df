#include "protocol/ticket.hpp"

#include <sodium.h>

#include <cstring>
#include <mutex>
#include <span>
#include <vector>

#include "protocol/serialize.hpp"

namespace omega::protocol {

namespace {

void ensure_sodium() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (sodium_init() < 0) std::abort();  // no randomness source: nothing safe can be done
  });
}

template <class Stream>
bool serialize_ticket_payload(Stream& s, JoinTicket& t) {
  uint8_t version = kTicketFormatVersion;
  OMEGA_SERIALIZE(serialize_uint(s, version, kTicketFormatVersion, kTicketFormatVersion));
  OMEGA_SERIALIZE(serialize_uint64(s, t.account_id));
  OMEGA_SERIALIZE(serialize_uint64(s, t.character_id));
  OMEGA_SERIALIZE(serialize_bytes(s, t.zone, kMaxZoneNameBytes));
  OMEGA_SERIALIZE(serialize_uint(s, t.instance_id, 0u, 0xffffffffu));
  OMEGA_SERIALIZE(serialize_uint64(s, t.lease_epoch));
  OMEGA_SERIALIZE(serialize_uint64(s, t.expires_at_unix));
  for (uint8_t& byte : t.nonce) OMEGA_SERIALIZE(serialize_uint(s, byte, uint8_t{0}, uint8_t{255}));
  return true;
}

}  // namespace

const char* to_string(TicketError error) {
  switch (error) {
    case TicketError::none:
      return "none";
    case TicketError::malformed:
      return "malformed ticket";
    case TicketError::bad_signature:
      return "ticket signature does not verify";
    case TicketError::expired:
      return "ticket expired";
  }
  return "unknown";
}

TicketSigningKey generate_ticket_key() {
  ensure_sodium();
  TicketSigningKey key;
  crypto_sign_ed25519_keypair(key.public_key.data(), key.secret.data());
  return key;
}

TicketSigningKey ticket_key_from_seed(const std::array<uint8_t, 32>& seed) {
  ensure_sodium();
  TicketSigningKey key;
  crypto_sign_ed25519_seed_keypair(key.public_key.data(), key.secret.data(), seed.data());
  return key;
}

void randomize_nonce(JoinTicket& ticket) {
  ensure_sodium();
  randombytes_buf(ticket.nonce.data(), ticket.nonce.size());
}

std::string sign_ticket(const JoinTicket& ticket, const TicketSigningKey& key) {
  ensure_sodium();
  std::vector<uint8_t> payload;
  WriteStream stream(payload);
  serialize_ticket_payload(stream, const_cast<JoinTicket&>(ticket));
  stream.flush();
  std::array<uint8_t, kTicketSignatureBytes> signature{};
  crypto_sign_ed25519_detached(signature.data(), nullptr, payload.data(), payload.size(),
                               key.secret.data());
  std::string bytes(payload.begin(), payload.end());
  bytes.append(reinterpret_cast<const char*>(signature.data()), signature.size());
  return bytes;
}

TicketError verify_ticket_signature(std::string_view bytes, const TicketPublicKey& key) {
  ensure_sodium();
  if (bytes.size() <= kTicketSignatureBytes) return TicketError::malformed;
  const size_t payload_size = bytes.size() - kTicketSignatureBytes;
  const auto* payload = reinterpret_cast<const uint8_t*>(bytes.data());
  if (crypto_sign_ed25519_verify_detached(payload + payload_size, payload, payload_size,
                                          key.data()) != 0)
    return TicketError::bad_signature;
  return TicketError::none;
}

TicketError read_verified_ticket(std::string_view bytes, uint64_t now_unix, JoinTicket& out) {
  if (bytes.size() <= kTicketSignatureBytes) return TicketError::malformed;
  const auto* payload = reinterpret_cast<const uint8_t*>(bytes.data());
  ReadStream stream(std::span<const uint8_t>(payload, bytes.size() - kTicketSignatureBytes));
  JoinTicket ticket;
  if (!serialize_ticket_payload(stream, ticket) || !stream.at_end_of_message())
    return TicketError::malformed;
  if (ticket.expires_at_unix <= now_unix) return TicketError::expired;
  out = std::move(ticket);
  return TicketError::none;
}

TicketError verify_ticket(std::string_view bytes, const TicketPublicKey& key, uint64_t now_unix,
                          JoinTicket& out) {
  const TicketError signature = verify_ticket_signature(bytes, key);
  if (signature != TicketError::none) return signature;
  return read_verified_ticket(bytes, now_unix, out);
}

std::string to_hex(const uint8_t* data, size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string text(size * 2, '0');
  for (size_t i = 0; i < size; ++i) {
    text[2 * i] = kDigits[data[i] >> 4];
    text[2 * i + 1] = kDigits[data[i] & 15];
  }
  return text;
}

std::optional<std::string> bytes_from_hex(std::string_view text) {
  if (text.size() % 2 != 0) return std::nullopt;
  auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string bytes(text.size() / 2, '\0');
  for (size_t i = 0; i < bytes.size(); ++i) {
    const int high = digit(text[2 * i]), low = digit(text[2 * i + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    bytes[i] = static_cast<char>(high * 16 + low);
  }
  return bytes;
}

template <size_t N>
std::optional<std::array<uint8_t, N>> from_hex(std::string_view text) {
  if (text.size() != 2 * N) return std::nullopt;
  const std::optional<std::string> decoded = bytes_from_hex(text);
  if (!decoded) return std::nullopt;
  std::array<uint8_t, N> bytes{};
  for (size_t i = 0; i < N; ++i) bytes[i] = static_cast<uint8_t>((*decoded)[i]);
  return bytes;
}

template std::optional<std::array<uint8_t, 32>> from_hex<32>(std::string_view);
template std::optional<std::array<uint8_t, 64>> from_hex<64>(std::string_view);

}  // namespace omega::protocol
