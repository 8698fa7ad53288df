#include "api/auth_service.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "api/client_address.hpp"
#include "api/errors.hpp"
#include "api/request_body.hpp"
#include "common/structured_log.hpp"

namespace omega::api {

namespace {

// Long enough for passphrases, short enough that hashing cost stays bounded per request.
constexpr std::size_t kMinPasswordBytes = 8;
constexpr std::size_t kMaxPasswordBytes = 256;
// Refresh tokens are 43 characters; anything much longer is not ours.
constexpr std::size_t kMaxRefreshTokenBytes = 128;
// How long Redis keeps a published token version; PostgreSQL remains the truth.
constexpr int kTokenVersionRedisTtlSeconds = 600;
// Bounds the token-version cache; a miss costs one Redis round trip.
constexpr std::size_t kTokenVersionCacheEntries = 100'000;
// Verified access tokens kept; a miss costs one signature check (a few microseconds).
constexpr std::size_t kVerifiedTokenEntries = 100'000;
constexpr auto kVerifiedTokenTtl = std::chrono::seconds(60);
// Bounds the session-state cache; a miss costs one Redis round trip.
constexpr std::size_t kSessionStateEntries = 100'000;
// An ended session's mark outlives its last access token by this much, covering clock
// differences between the replica that issued the token and the one checking it.
constexpr int kSessionMarkSlackSeconds = 60;

ApiError unauthorized(const std::string& code, const std::string& message) {
  ApiError error(401, code, message);
  error.header_name = "WWW-Authenticate";
  error.header_value = "Bearer";
  return error;
}

ApiError session_ended() {
  return unauthorized("session_revoked", "the session of this access token has ended");
}

}  // namespace

TrustedProxies trusted_proxies_of(const Config& config) {
  std::string error;
  auto proxies = TrustedProxies::parse(config.trusted_proxies, error);
  if (!proxies)
    throw std::invalid_argument("server.trusted_proxies: " + error);  // validate() checks first
  return std::move(*proxies);
}

LoginThrottlePolicy login_policy_of(const Config& config) {
  LoginThrottlePolicy policy;
  policy.free_failures = config.login_free_failures;
  policy.delay_base = std::chrono::seconds(config.login_delay_base_s);
  policy.delay_cap = std::chrono::seconds(config.login_delay_cap_s);
  policy.failure_memory = std::chrono::seconds(config.login_failure_memory_s);
  policy.client_burst = config.login_client_burst;
  policy.client_failures_per_hour = config.login_client_failures_per_hour;
  return policy;
}

namespace {

// Whether the account row `a` is banned now: a ban with a duration ends by itself.
constexpr std::string_view kBanIsActive =
    "(a.banned_at IS NOT NULL AND (a.banned_until IS NULL OR a.banned_until > now()))";

std::string lower_ascii(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

}  // namespace

AuthService::AuthService(ServiceContext context)
    : context_(context),
      trusted_proxies_(trusted_proxies_of(context.config)),
      login_throttle_(context.redis, context.redis_key("login:"), login_policy_of(context.config)),
      registration_throttle_(context.redis, context.redis_key("register:"),
                             context.config.register_client_burst,
                             context.config.registrations_per_hour),
      token_versions_(std::chrono::milliseconds(context.config.token_version_cache_ms),
                      kTokenVersionCacheEntries),
      session_states_(std::chrono::milliseconds(context.config.token_version_cache_ms),
                      kSessionStateEntries),
      verified_tokens_(kVerifiedTokenTtl, kVerifiedTokenEntries) {}

void AuthService::register_routes(Router& router) {
  // Logout needs no access token: the refresh token it revokes is the credential.
  router.add(
      Method::post, "/v1/auth/register",
      [this](const HttpRequest& r) { return register_account(r); }, {}, Access::anonymous);
  router.add(
      Method::post, "/v1/auth/login", [this](const HttpRequest& r) { return login(r); }, {},
      Access::anonymous);
  router.add(
      Method::post, "/v1/auth/refresh", [this](const HttpRequest& r) { return refresh(r); }, {},
      Access::anonymous);
  router.add(
      Method::post, "/v1/auth/logout", [this](const HttpRequest& r) { return logout(r); }, {},
      Access::anonymous);
  router.add(Method::post, "/v1/auth/logout-all",
             [this](const HttpRequest& r) { return logout_all(r); });
}

HttpResponse AuthService::register_account(const HttpRequest& request) {
  const auto body = parse_object_body(request);
  const auto username = require_string(body, "username", 1, 64);
  const auto password = require_string(body, "password", kMinPasswordBytes, kMaxPasswordBytes);
  if (!valid_username(username))
    throw ApiError(422, "invalid_username", "username must be 3-24 characters of A-Z, a-z, 0-9, _");
  auto name_taken = [&] { return ApiError(409, "username_taken", "that username is taken"); };
  // Cheap early answer for the common case; the unique index decides races.
  const bool exists = context_.database.run([&](pqxx::connection& connection) {
    pqxx::read_transaction read(connection);
    return !read.exec_params("SELECT 1 FROM accounts WHERE lower(username) = lower($1)", username)
                .empty();
  });
  if (exists) throw name_taken();
  // Only an account about to be created costs the client's budget (a taken name does not).
  const auto client = client_address(request, trusted_proxies_);
  const auto subscriber = client_subscriber(request, trusted_proxies_);
  if (const auto wait = registration_throttle_.admit(subscriber); wait.count() > 0) {
    common::log_event(spdlog::level::info, "registration_refused",
                      {{"username", username}, {"client", client}, {"reason", "too_many"}});
    ApiError error(429, "too_many_registrations",
                   "too many accounts were created from this address; try again later");
    error.header_name = "Retry-After";
    error.header_value = std::to_string(wait.count());
    throw error;
  }
  std::optional<std::int64_t> account_id;
  try {
    // Hash with no database connection held: it takes tens of milliseconds.
    const auto password_hash = context_.passwords.hash(password);
    account_id =
        context_.database.run([&](pqxx::connection& connection) -> std::optional<std::int64_t> {
          pqxx::work transaction(connection);
          const auto rows = transaction.exec_params(
              "INSERT INTO accounts (username, password_hash) VALUES ($1, $2) "
              "ON CONFLICT DO NOTHING RETURNING id",
              username, password_hash);
          transaction.commit();
          if (rows.empty()) return std::nullopt;
          return rows[0][0].as<std::int64_t>();
        });
  } catch (...) {
    registration_throttle_.refund(subscriber);
    throw;
  }
  if (!account_id) {
    registration_throttle_.refund(subscriber);
    throw name_taken();
  }
  common::log_event(spdlog::level::info, "account_registered",
                    {{"account_id", *account_id}, {"username", username}, {"client", client}});
  return json_response(201, {{"account", {{"id", *account_id}, {"username", username}}}});
}

HttpResponse AuthService::login(const HttpRequest& request) {
  const auto body = parse_object_body(request);
  const auto username = require_string(body, "username", 1, 64);
  const auto password = require_string(body, "password", 1, kMaxPasswordBytes);
  const auto client = client_address(request, trusted_proxies_);
  // Audit trail: who tried which account from where, and why it was refused.
  auto log_failure = [&](std::string_view reason, std::optional<std::int64_t> account_id) {
    nlohmann::json fields = {{"username", username}, {"client", client}, {"reason", reason}};
    if (account_id) fields["account_id"] = *account_id;
    common::log_event(spdlog::level::info, "login_failed", fields);
  };
  const auto attempt =
      login_throttle_.begin(lower_ascii(username), client_subscriber(request, trusted_proxies_));
  if (!attempt.admitted) {
    log_failure("too_many_attempts", std::nullopt);
    ApiError error(429, "too_many_attempts",
                   "too many failed logins from this client; try again later");
    error.header_name = "Retry-After";
    error.header_value = std::to_string(attempt.retry_after.count());
    throw error;
  }
  std::optional<AccountRow> account;
  bool password_ok = false;
  try {
    account = find_account(username);
    password_ok = account ? context_.passwords.verify(password, account->password_hash)
                          : (context_.passwords.burn_equivalent_time(password), false);
  } catch (...) {
    login_throttle_.abandoned(attempt);  // undecided: an outage must not count against the owner
    throw;
  }
  // A wrong password stays counted: the throttle recorded it when it admitted the attempt.
  if (!password_ok) {
    log_failure(account ? "wrong_password" : "unknown_username",
                account ? std::optional(account->id) : std::nullopt);
    throw unauthorized("invalid_credentials", "wrong username or password");
  }
  login_throttle_.succeeded(attempt);
  if (account->banned) {
    log_failure("account_banned", account->id);
    throw ApiError(403, "account_banned", "this account is banned");
  }
  const auto refresh_token = new_refresh_token();
  const auto session_id = start_session(*account, refresh_token, client);
  common::log_event(spdlog::level::info, "login",
                    {{"account_id", account->id},
                     {"username", username},
                     {"client", client},
                     {"session_id", session_id}});
  return json_response(200,
                       token_pair(account->id, account->token_version, session_id, refresh_token));
}

std::optional<AuthService::AccountRow> AuthService::find_account(const std::string& username) {
  return context_.database.run([&](pqxx::connection& connection) -> std::optional<AccountRow> {
    pqxx::read_transaction read(connection);
    const auto rows = read.exec_params("SELECT a.id, a.password_hash, a.token_version, " +
                                           std::string(kBanIsActive) +
                                           " FROM accounts a WHERE lower(a.username) = lower($1)",
                                       username);
    if (rows.empty()) return std::nullopt;
    return AccountRow{rows[0][0].as<std::int64_t>(), rows[0][1].as<std::string>(),
                      rows[0][2].as<std::int64_t>(), rows[0][3].as<bool>()};
  });
}

std::string AuthService::start_session(const AccountRow& account, const std::string& refresh_token,
                                       const std::string& client) {
  return context_.database.run([&](pqxx::connection& connection) {
    pqxx::work transaction(connection);
    const auto rows = transaction.exec_params(
        "INSERT INTO refresh_tokens (account_id, family_id, token_hash, token_version, expires_at) "
        "VALUES ($1, gen_random_uuid(), $2, $3, now() + make_interval(secs => $4)) RETURNING "
        "family_id::text",
        account.id, token_digest(refresh_token), account.token_version,
        context_.config.refresh_token_ttl_s);
    // For the admin console's player lookup (recent logins).
    transaction.exec_params(
        "INSERT INTO login_history (account_id, client, session_id) VALUES ($1, $2, $3::uuid)",
        account.id, client, rows[0][0].as<std::string>());
    transaction.commit();
    return rows[0][0].as<std::string>();
  });
}

HttpResponse AuthService::refresh(const HttpRequest& request) {
  const auto body = parse_object_body(request);
  const auto presented = require_string(body, "refresh_token", 1, kMaxRefreshTokenBytes);
  const auto successor = new_refresh_token();
  // Either the new pair, or the error to answer after the transaction has committed (a
  // detected reuse must commit its family revocation before we refuse).
  struct Outcome {
    std::int64_t account_id = 0;
    std::int64_t version = 0;
    std::string session_id;
    std::optional<ApiError> refusal;
  };
  const auto outcome = context_.database.run([&](pqxx::connection& connection) {
    pqxx::work transaction(connection);
    Outcome result;
    const auto rows = transaction.exec_params(
        "SELECT t.account_id, t.family_id, t.token_version, t.expires_at < now(), "
        "       t.used_at IS NOT NULL, t.revoked_at IS NOT NULL, a.token_version, " +
            std::string(kBanIsActive) +
            " FROM refresh_tokens t JOIN accounts a ON a.id = t.account_id "
            "WHERE t.token_hash = $1 FOR UPDATE OF t",
        token_digest(presented));
    if (rows.empty()) {
      result.refusal = unauthorized("invalid_refresh_token", "unknown refresh token");
      return result;
    }
    const auto& row = rows[0];
    const auto family = row[1].as<std::string>();
    result.session_id = family;
    auto revoke_family = [&] {
      transaction.exec_params(
          "UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS "
          "NULL",
          family);
    };
    if (row[4].as<bool>()) {
      // A rotated-away token came back: someone holds a copy. End every session it spawned.
      revoke_family();
      transaction.commit();
      result.refusal =
          unauthorized("refresh_token_reused", "refresh token already used; session revoked");
      return result;
    }
    if (row[5].as<bool>() || row[3].as<bool>() ||
        row[2].as<std::int64_t>() != row[6].as<std::int64_t>() || row[7].as<bool>()) {
      revoke_family();
      transaction.commit();
      result.refusal = unauthorized("refresh_token_revoked", "refresh token expired or revoked");
      return result;
    }
    result.account_id = row[0].as<std::int64_t>();
    result.version = row[6].as<std::int64_t>();
    transaction.exec_params("UPDATE refresh_tokens SET used_at = now() WHERE token_hash = $1",
                            token_digest(presented));
    transaction.exec_params(
        "INSERT INTO refresh_tokens (account_id, family_id, token_hash, token_version, expires_at) "
        "VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))",
        result.account_id, family, token_digest(successor), result.version,
        context_.config.refresh_token_ttl_s);
    transaction.commit();
    return result;
  });
  if (outcome.refusal) {
    // The family is revoked in PostgreSQL; its access tokens must stop working too, on every
    // replica, not only when they expire.
    if (!outcome.session_id.empty()) revoke_session(outcome.session_id);
    common::log_event(spdlog::level::info, "refresh_refused",
                      {{"reason", outcome.refusal->code()},
                       {"session_id", outcome.session_id},
                       {"client", client_address(request, trusted_proxies_)}});
    throw *outcome.refusal;
  }
  return json_response(
      200, token_pair(outcome.account_id, outcome.version, outcome.session_id, successor));
}

HttpResponse AuthService::logout(const HttpRequest& request) {
  const auto body = parse_object_body(request);
  const auto presented = require_string(body, "refresh_token", 1, kMaxRefreshTokenBytes);
  const auto session_id = context_.database.run([&](pqxx::connection& connection)
                                                    -> std::optional<std::string> {
    pqxx::work transaction(connection);
    const auto rows = transaction.exec_params(
        "UPDATE refresh_tokens SET revoked_at = now() WHERE revoked_at IS NULL AND family_id = "
        "(SELECT family_id FROM refresh_tokens WHERE token_hash = $1) RETURNING family_id::text",
        token_digest(presented));
    transaction.commit();
    if (rows.empty()) return std::nullopt;
    return rows[0][0].as<std::string>();
  });
  if (session_id) {
    revoke_session(*session_id);
    common::log_event(spdlog::level::info, "logout", {{"session_id", *session_id}});
  }
  return no_content();
}

HttpResponse AuthService::logout_all(const HttpRequest& request) {
  const auto account_id = authenticate(request);
  const auto version = context_.database.run([&](pqxx::connection& connection) {
    pqxx::work transaction(connection);
    const auto rows = transaction.exec_params(
        "UPDATE accounts SET token_version = token_version + 1 WHERE id = $1 RETURNING "
        "token_version",
        account_id);
    transaction.exec_params(
        "UPDATE refresh_tokens SET revoked_at = now() WHERE account_id = $1 AND revoked_at IS NULL",
        account_id);
    transaction.commit();
    return rows[0][0].as<std::int64_t>();
  });
  publish_token_version(account_id, version);
  common::log_event(spdlog::level::info, "logout_all", {{"account_id", account_id}});
  return no_content();
}

AccessClaims AuthService::verify_bearer(const HttpRequest& request) const {
  const auto header = request.header("authorization");
  if (!header) throw unauthorized("missing_token", "an access token is required");
  const auto token = bearer_token(*header);
  if (!token) throw unauthorized("invalid_token", "expected Authorization: Bearer <token>");
  const std::string text(*token);
  auto claims = verified_tokens_.get(text);
  if (!claims) {
    claims = context_.tokens.verify_access(text);
    if (claims) verified_tokens_.put(text, *claims);
  }
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  if (!claims || claims->expires_at <= now)
    throw unauthorized("invalid_token", "access token invalid or expired");
  return *claims;
}

std::int64_t AuthService::authenticate(const HttpRequest& request) {
  const auto claims = verify_bearer(request);
  if (claims.token_version != token_version(claims.account_id))
    throw unauthorized("token_revoked", "access token has been revoked");
  if (session_revoked(claims.session_id)) throw session_ended();
  return claims.account_id;
}

std::optional<std::int64_t> AuthService::authenticate_cached(const HttpRequest& request) const {
  const auto claims = verify_bearer(request);
  const auto version = token_versions_.get(claims.account_id);
  if (!version) return std::nullopt;
  if (claims.token_version != *version)
    throw unauthorized("token_revoked", "access token has been revoked");
  if (!claims.session_id.empty()) {
    const auto revoked = session_states_.get(claims.session_id);
    if (!revoked) return std::nullopt;
    if (*revoked) throw session_ended();
  }
  return claims.account_id;
}

bool AuthService::session_revoked(const std::string& session_id) {
  if (session_id.empty()) return false;
  if (const auto cached = session_states_.get(session_id)) return *cached;
  bool revoked = false;
  try {
    revoked =
        context_.redis.command({"EXISTS", context_.redis_key("session_revoked:" + session_id)})
            .integer == 1;
  } catch (const ServiceUnavailable&) {
    // Redis only mirrors it: a session ended when its refresh tokens were revoked.
    revoked = context_.database.run([&](pqxx::connection& connection) {
      pqxx::read_transaction read(connection);
      const auto rows = read.exec_params(
          "SELECT 1 FROM refresh_tokens WHERE family_id = $1::uuid AND revoked_at IS NOT NULL "
          "LIMIT 1",
          session_id);
      return !rows.empty();
    });
  }
  session_states_.put(session_id, revoked);
  return revoked;
}

void AuthService::revoke_session(const std::string& session_id) {
  session_states_.put(session_id, true);
  try {
    context_.redis.command(
        {"SET", context_.redis_key("session_revoked:" + session_id), "1", "EX",
         std::to_string(context_.config.access_token_ttl_s + kSessionMarkSlackSeconds)});
  } catch (const ServiceUnavailable& error) {
    // PostgreSQL has the revocation; replicas that can reach Redis will not see it until
    // the session's access tokens expire (docs/OPERATIONS.md).
    spdlog::error("session {} revoked in PostgreSQL but not marked in Redis: {}", session_id,
                  error.what());
  }
}

std::int64_t AuthService::token_version(std::int64_t account_id) {
  if (const auto cached = token_versions_.get(account_id)) return *cached;
  const auto key = context_.redis_key("token_version:" + std::to_string(account_id));
  std::optional<std::int64_t> version;
  try {
    const auto reply = context_.redis.command({"GET", key});
    if (reply.type == RedisValue::Type::string) version = std::stoll(reply.text);
  } catch (const ServiceUnavailable&) {
    // Redis is only a cache of the version: fall through to PostgreSQL.
  }
  if (!version) {
    version = context_.database.run([&](pqxx::connection& connection) -> std::int64_t {
      pqxx::read_transaction read(connection);
      const auto rows = read.exec_params("SELECT a.token_version, " + std::string(kBanIsActive) +
                                             " FROM accounts a WHERE a.id = $1",
                                         account_id);
      // A deleted or banned account has no valid version.
      if (rows.empty() || rows[0][1].as<bool>()) return -1;
      return rows[0][0].as<std::int64_t>();
    });
    try {
      context_.redis.command({"SET", key, std::to_string(*version), "EX",
                              std::to_string(kTokenVersionRedisTtlSeconds)});
    } catch (const ServiceUnavailable&) {
    }
  }
  token_versions_.put(account_id, *version);
  return *version;
}

void AuthService::end_account_sessions(std::int64_t account_id, std::int64_t version,
                                       const std::vector<std::string>& session_ids) {
  publish_token_version(account_id, version);
  for (const auto& session_id : session_ids) revoke_session(session_id);
}

void AuthService::publish_token_version(std::int64_t account_id, std::int64_t version) {
  token_versions_.put(account_id, version);
  context_.redis.command({"SET", context_.redis_key("token_version:" + std::to_string(account_id)),
                          std::to_string(version), "EX",
                          std::to_string(kTokenVersionRedisTtlSeconds)});
}

nlohmann::json AuthService::token_pair(std::int64_t account_id, std::int64_t version,
                                       const std::string& session_id,
                                       const std::string& refresh_token) const {
  return {{"access_token", context_.tokens.issue_access(account_id, version, session_id)},
          {"token_type", "Bearer"},
          {"expires_in", context_.tokens.access_ttl().count()},
          {"refresh_token", refresh_token},
          {"refresh_expires_in", context_.config.refresh_token_ttl_s},
          {"account_id", account_id}};
}

void AuthService::require_service(const HttpRequest& request) const {
  const auto header = request.header("authorization");
  const auto token = header ? bearer_token(*header) : std::nullopt;
  if (context_.config.service_token.empty() || !token ||
      !credentials_equal(*token, context_.config.service_token))
    throw unauthorized("invalid_service_token", "a valid service credential is required");
}

}  // namespace omega::api
