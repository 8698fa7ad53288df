// Access tokens (JWT HS256 through cpp-jwt) and opaque refresh tokens. Stateless and
// thread-safe: a TokenIssuer holds only its key and settings.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace omega::api {

struct AccessClaims {
  std::int64_t account_id = 0;
  std::int64_t token_version = 0;  // must equal the account's current version to be honoured
  std::int64_t expires_at = 0;     // seconds since the epoch
  // The session (refresh-token family) the token was issued for: revoking the session
  // revokes the token. Empty for tokens issued before sessions were tracked.
  std::string session_id;
};

class TokenIssuer {
 public:
  TokenIssuer(std::string secret, std::string issuer, std::chrono::seconds access_ttl);

  // A signed access token for this account at its current token version, in this session.
  std::string issue_access(std::int64_t account_id, std::int64_t token_version,
                           const std::string& session_id) const;
  // The claims of a token that is well-formed, HS256-signed with our key, from our issuer
  // and not expired; nullopt otherwise (alg=none and other algorithms are refused). Claims
  // are read strictly: `sub` must be the canonical decimal form of an account id.
  std::optional<AccessClaims> verify_access(std::string_view token) const;

  std::chrono::seconds access_ttl() const { return access_ttl_; }

 private:
  std::string secret_;
  std::string issuer_;
  std::chrono::seconds access_ttl_;
};

// 256 random bits, URL-safe base64 without padding: the refresh token the client holds.
std::string new_refresh_token();
// Hex SHA-256 of a token: what the database stores, so a database leak yields no usable token.
std::string token_digest(std::string_view token);
// A session id as we issue them (a PostgreSQL uuid in text form): lower-case hex and dashes.
bool valid_session_id(std::string_view text);
// The account id of a `sub` claim: 1 to 2^63-1 in canonical decimal (digits only, no sign,
// space, leading zero or trailing text); nullopt otherwise.
std::optional<std::int64_t> parse_account_subject(std::string_view text);
// Constant-time comparison for credentials.
bool credentials_equal(std::string_view a, std::string_view b);
// The token in an "Authorization: Bearer <token>" header value, if that is its shape.
std::optional<std::string_view> bearer_token(std::string_view authorization);

}  // namespace omega::api
