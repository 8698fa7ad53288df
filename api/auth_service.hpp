// Accounts and sessions: register, login (with failed-login limits), refresh-token rotation
// with reuse detection, logout, logout-all; and authentication of access tokens and of the
// service credential for the other services' handlers. Thread-safe.
#pragma once

#include <cstdint>
#include <optional>

#include <nlohmann/json_fwd.hpp>

#include "api/router.hpp"
#include "api/service_context.hpp"
#include "api/ttl_cache.hpp"

namespace omega::api {

class AuthService {
 public:
  explicit AuthService(ServiceContext context);
  AuthService(const AuthService&) = delete;
  AuthService& operator=(const AuthService&) = delete;

  void register_routes(Router& router);

  // The account of the request's valid access token; ApiError 401 otherwise. May block on
  // Redis/PostgreSQL to check the token version: worker threads only.
  std::int64_t authenticate(const HttpRequest& request);
  // Non-blocking variant for fast paths: the account when the token and a cached token
  // version prove it, ApiError 401 when the token is bad, nullopt when only a blocking
  // check can tell.
  std::optional<std::int64_t> authenticate_cached(const HttpRequest& request) const;
  // ApiError 401 unless the request carries the service credential (zone servers).
  void require_service(const HttpRequest& request) const;

 private:
  HttpResponse register_account(const HttpRequest& request);
  HttpResponse login(const HttpRequest& request);
  HttpResponse refresh(const HttpRequest& request);
  HttpResponse logout(const HttpRequest& request);
  HttpResponse logout_all(const HttpRequest& request);

  AccessClaims verify_bearer(const HttpRequest& request) const;
  std::int64_t token_version(std::int64_t account_id);
  void publish_token_version(std::int64_t account_id, std::int64_t version);
  void check_login_limits(const std::string& account_key, const std::string& ip_key);
  void record_login_failure(const std::string& account_key, const std::string& ip_key);
  std::string client_ip(const HttpRequest& request) const;
  nlohmann::json token_pair(std::int64_t account_id, std::int64_t version,
                            const std::string& refresh_token) const;

  ServiceContext context_;
  TtlCache<std::int64_t, std::int64_t> token_versions_;
  // Tokens whose signature was already checked, by their exact text: a cache hit costs a
  // hash lookup instead of base64 + JSON + HMAC. Expiry is still checked on every use.
  mutable TtlCache<std::string, AccessClaims> verified_tokens_;  // mutable: a cache, thread-safe
};

}  // namespace omega::api
