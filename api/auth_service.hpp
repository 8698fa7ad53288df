// Accounts and sessions: register (throttled per client address), login (throttled per account
// and client address; both in login_throttle.hpp), refresh-token rotation with reuse detection,
// logout, logout-all; and authentication of access tokens and of the service credential for the
// other services' handlers. A session is one refresh-token family; its access tokens name it
// (`sid`), so ending the session (logout, reuse of a rotated refresh token) ends them at once.
// Thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "api/client_address.hpp"
#include "api/login_throttle.hpp"
#include "api/router.hpp"
#include "api/service_context.hpp"
#include "api/ttl_cache.hpp"

namespace omega::api {

// The configured trusted proxies (server.trusted_proxies, checked by validate()).
TrustedProxies trusted_proxies_of(const Config& config);
// The login throttle's policy from the auth.login_* settings.
LoginThrottlePolicy login_policy_of(const Config& config);

class AuthService {
 public:
  explicit AuthService(ServiceContext context);
  AuthService(const AuthService&) = delete;
  AuthService& operator=(const AuthService&) = delete;

  void register_routes(Router& router);

  // The account of the request's valid access token; ApiError 401 otherwise. May block on
  // Redis/PostgreSQL to check the token version: worker threads only.
  std::int64_t authenticate(const HttpRequest& request);
  // Non-blocking variant for fast paths: the account when the token, a cached token version
  // and a cached session state prove it, ApiError 401 when the token is bad, nullopt when
  // only a blocking check can tell.
  std::optional<std::int64_t> authenticate_cached(const HttpRequest& request) const;
  // ApiError 401 unless the request carries a well-formed, signed, unexpired access token.
  // Does no I/O (revocation is checked by authenticate): safe on I/O threads.
  AccessClaims verify_bearer(const HttpRequest& request) const;
  // ApiError 401 unless the request carries the service credential (zone servers).
  void require_service(const HttpRequest& request) const;
  // After a transaction set the account's token version to `version` and revoked the
  // refresh-token families `session_ids` (a ban): tells every replica, through Redis, that
  // the account's access tokens and those sessions are dead.
  void end_account_sessions(std::int64_t account_id, std::int64_t version,
                            const std::vector<std::string>& session_ids);

 private:
  HttpResponse register_account(const HttpRequest& request);
  HttpResponse login(const HttpRequest& request);
  HttpResponse refresh(const HttpRequest& request);
  HttpResponse logout(const HttpRequest& request);
  HttpResponse logout_all(const HttpRequest& request);

  struct AccountRow {
    std::int64_t id = 0;
    std::string password_hash;
    std::int64_t token_version = 0;
    bool banned = false;
  };
  std::optional<AccountRow> find_account(const std::string& username);
  // Starts a session (refresh-token family) holding `refresh_token` and records the login
  // from `client` in login_history; returns the session id.
  std::string start_session(const AccountRow& account, const std::string& refresh_token,
                            const std::string& client);

  std::int64_t token_version(std::int64_t account_id);
  void publish_token_version(std::int64_t account_id, std::int64_t version);
  // Whether the session was ended; false for tokens without one. May block on Redis or
  // PostgreSQL (when Redis is down).
  bool session_revoked(const std::string& session_id);
  // Marks the session ended for every replica (Redis, for the access-token lifetime).
  void revoke_session(const std::string& session_id);
  nlohmann::json token_pair(std::int64_t account_id, std::int64_t version,
                            const std::string& session_id, const std::string& refresh_token) const;

  ServiceContext context_;
  TrustedProxies trusted_proxies_;
  LoginThrottle login_throttle_;
  RegistrationThrottle registration_throttle_;
  TtlCache<std::int64_t, std::int64_t> token_versions_;
  // Session id → ended? Trusted for auth.token_version_cache_ms, like token versions.
  TtlCache<std::string, bool> session_states_;
  // Tokens whose signature was already checked, by their exact text: a cache hit costs a
  // hash lookup instead of base64 + JSON + HMAC. Expiry is still checked on every use.
  mutable TtlCache<std::string, AccessClaims> verified_tokens_;  // mutable: a cache, thread-safe
};

}  // namespace omega::api
