#include "api/tokens.hpp"

#include <sodium.h>

#include <array>
#include <charconv>
#include <jwt/jwt.hpp>

namespace omega::api {

namespace {
constexpr std::size_t kRefreshTokenBytes = 32;
// Session ids are uuids (36 characters); the bound only keeps a forged claim small.
constexpr std::size_t kMaxSessionIdBytes = 64;
// 2^63 - 1 has 19 digits.
constexpr std::size_t kMaxAccountIdDigits = 19;
}  // namespace

TokenIssuer::TokenIssuer(std::string secret, std::string issuer, std::chrono::seconds access_ttl)
    : secret_(std::move(secret)), issuer_(std::move(issuer)), access_ttl_(access_ttl) {}

std::string TokenIssuer::issue_access(std::int64_t account_id, std::int64_t token_version,
                                      const std::string& session_id) const {
  const auto now = std::chrono::system_clock::now();
  jwt::jwt_object token{jwt::params::algorithm("HS256"), jwt::params::secret(secret_)};
  token.add_claim("iss", issuer_)
      .add_claim("sub", std::to_string(account_id))
      .add_claim("tv", token_version)
      .add_claim("sid", session_id)
      .add_claim("iat", now)
      .add_claim("exp", now + access_ttl_);
  return token.signature();
}

std::optional<AccessClaims> TokenIssuer::verify_access(std::string_view token) const {
  // Tokens are short; anything long is not ours and is not worth parsing.
  constexpr std::size_t kMaxTokenBytes = 2048;
  if (token.empty() || token.size() > kMaxTokenBytes) return std::nullopt;
  try {
    std::error_code error;
    auto decoded = jwt::decode(
        jwt::string_view(token.data(), token.size()), jwt::params::algorithms({"HS256"}), error,
        jwt::params::secret(secret_), jwt::params::issuer(issuer_), jwt::params::verify(true));
    if (error) return std::nullopt;
    const auto& payload = decoded.payload().create_json_obj();
    if (!payload.contains("sub") || !payload["sub"].is_string() || !payload.contains("tv") ||
        !payload["tv"].is_number_integer() || !payload.contains("exp") ||
        !payload["exp"].is_number_integer())
      return std::nullopt;
    const auto account_id = parse_account_subject(payload["sub"].get_ref<const std::string&>());
    if (!account_id) return std::nullopt;
    AccessClaims claims;
    claims.account_id = *account_id;
    claims.token_version = payload["tv"].get<std::int64_t>();
    claims.expires_at = payload["exp"].get<std::int64_t>();
    if (payload.contains("sid")) {
      if (!payload["sid"].is_string() ||
          !valid_session_id(payload["sid"].get_ref<const std::string&>()))
        return std::nullopt;
      claims.session_id = payload["sid"].get<std::string>();
    }
    // cpp-jwt checks exp only when present; we require it.
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    if (claims.expires_at <= now) return std::nullopt;
    return claims;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::string new_refresh_token() {
  std::array<unsigned char, kRefreshTokenBytes> bytes;
  randombytes_buf(bytes.data(), bytes.size());
  std::array<char, sodium_base64_ENCODED_LEN(kRefreshTokenBytes,
                                             sodium_base64_VARIANT_URLSAFE_NO_PADDING)>
      text;
  sodium_bin2base64(text.data(), text.size(), bytes.data(), bytes.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return text.data();
}

std::string token_digest(std::string_view token) {
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest;
  crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(token.data()),
                     token.size());
  std::array<char, crypto_hash_sha256_BYTES * 2 + 1> hex;
  sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
  return hex.data();
}

bool valid_session_id(std::string_view text) {
  if (text.empty() || text.size() > kMaxSessionIdBytes) return false;
  for (const char c : text)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == '-')) return false;
  return true;
}

std::optional<std::int64_t> parse_account_subject(std::string_view text) {
  if (text.empty() || text.size() > kMaxAccountIdDigits || text.front() == '0') return std::nullopt;
  for (const char c : text)
    if (c < '0' || c > '9') return std::nullopt;
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size())
    return std::nullopt;  // beyond 2^63 - 1
  return value;
}

bool credentials_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::optional<std::string_view> bearer_token(std::string_view authorization) {
  constexpr std::string_view kScheme = "Bearer ";
  if (authorization.size() <= kScheme.size()) return std::nullopt;
  for (std::size_t i = 0; i < kScheme.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(authorization[i])) !=
        std::tolower(static_cast<unsigned char>(kScheme[i])))
      return std::nullopt;
  return authorization.substr(kScheme.size());
}

}  // namespace omega::api
