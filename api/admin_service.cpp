#include "api/admin_service.hpp"

#include <cctype>
#include <climits>
#include <functional>
#include <set>
#include <stdexcept>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "api/character_events.hpp"
#include "api/directory.hpp"
#include "api/errors.hpp"
#include "api/presence.hpp"
#include "api/zone_control.hpp"
#include "api/request_body.hpp"
#include "common/structured_log.hpp"

namespace omega::api {

namespace {

constexpr std::string_view kAdminTokenPrefix = "oa_";
// new_refresh_token(): 32 random bytes, unpadded base64url.
constexpr std::size_t kAdminTokenRandomChars = 43;
// A staff shift: long enough not to interrupt moderation, short enough that a token left on a
// shared machine dies the same day. Every request re-reads the session, so logout, disabling
// the account or a role change act at once.
constexpr int kAdminSessionTtlSeconds = 8 * 3600;
constexpr std::size_t kMinPasswordBytes = 12;  // staff passwords guard every player account
constexpr std::size_t kMaxPasswordBytes = 256;
// Ten years: "permanent" is 0; anything longer is a typo.
constexpr std::int64_t kMaxSanctionSeconds = 10LL * 365 * 24 * 3600;
// Audit log pages: enough for a screen, bounded per request.
constexpr std::int64_t kDefaultAuditPage = 50;
constexpr std::int64_t kMaxAuditPage = 200;
// Player lookup: the recent logins shown.
constexpr int kRecentLogins = 20;

const char* const kUtcTimestamp = "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'";

// The end of a sanction of `seconds` (a bigint parameter such as "$4") from now; NULL for 0.
std::string sanction_end(const std::string& seconds) {
  return "CASE WHEN " + seconds + "::bigint = 0 THEN NULL ELSE now() + make_interval(secs => " +
         seconds + "::double precision) END";
}

ApiError unauthorized(const std::string& code, const std::string& message) {
  ApiError error(401, code, message);
  error.header_name = "WWW-Authenticate";
  error.header_value = "Bearer";
  return error;
}

nlohmann::json nullable_text(const pqxx::field& field) {
  return field.is_null() ? nlohmann::json() : nlohmann::json(field.as<std::string>());
}

std::int64_t account_id_of(const HttpRequest& request) {
  return admin_path_id(request, "account");
}

}  // namespace

std::string sql_utc_text(const std::string& column) {
  return "to_char(" + column + " AT TIME ZONE 'UTC', " + kUtcTimestamp + ")";
}

std::int64_t admin_path_id(const HttpRequest& request, std::string_view what) {
  const auto id = parse_id(request.path_params.at("id"));
  if (!id) throw ApiError(404, "not_found", "no such " + std::string(what));
  return *id;
}

std::optional<AdminRole> parse_admin_role(std::string_view name) {
  if (name == "viewer") return AdminRole::viewer;
  if (name == "moderator") return AdminRole::moderator;
  if (name == "admin") return AdminRole::admin;
  return std::nullopt;
}

std::string_view admin_role_name(AdminRole role) {
  switch (role) {
    case AdminRole::viewer:
      return "viewer";
    case AdminRole::moderator:
      return "moderator";
    case AdminRole::admin:
      return "admin";
  }
  return "viewer";
}

bool looks_like_admin_token(std::string_view token) {
  if (token.size() != kAdminTokenPrefix.size() + kAdminTokenRandomChars ||
      token.substr(0, kAdminTokenPrefix.size()) != kAdminTokenPrefix)
    return false;
  for (const char c : token.substr(kAdminTokenPrefix.size()))
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  return true;
}

std::optional<std::int64_t> create_admin_account(DbPool& database, PasswordHasher& passwords,
                                                 const std::string& username,
                                                 const std::string& password, AdminRole role) {
  if (!valid_username(username))
    throw std::invalid_argument("username must be 3-24 characters of A-Z, a-z, 0-9, _");
  if (password.size() < kMinPasswordBytes || password.size() > kMaxPasswordBytes)
    throw std::invalid_argument("the password must be 12-256 bytes");
  const auto password_hash = passwords.hash(password);
  return database.run([&](pqxx::connection& connection) -> std::optional<std::int64_t> {
    pqxx::work transaction(connection);
    const auto rows = transaction.exec_params(
        "INSERT INTO admin_accounts (username, password_hash, role) VALUES ($1, $2, $3) "
        "ON CONFLICT DO NOTHING RETURNING id",
        username, password_hash, std::string(admin_role_name(role)));
    transaction.commit();
    if (rows.empty()) return std::nullopt;
    return rows[0][0].as<std::int64_t>();
  });
}

AdminService::AdminService(ServiceContext context, AuthService& auth, InstanceRegistry& registry,
                           const ArenaCatalog& arenas)
    : context_(context),
      auth_(auth),
      registry_(registry),
      arenas_(arenas),
      trusted_proxies_(trusted_proxies_of(context.config)),
      login_throttle_(context.redis, context.redis_key("admin_login:"),
                      login_policy_of(context.config)) {}

void AdminService::register_routes(Router& router) {
  auto add = [&](Method method, const char* pattern,
                 HttpResponse (AdminService::*handler)(const HttpRequest&),
                 Access access = Access::admin) {
    router.add(
        method, pattern, [this, handler](const HttpRequest& r) { return (this->*handler)(r); }, {},
        access);
  };
  add(Method::post, "/admin/v1/login", &AdminService::login, Access::anonymous);
  add(Method::post, "/admin/v1/logout", &AdminService::logout);
  add(Method::get, "/admin/v1/players", &AdminService::find_player);
  add(Method::get, "/admin/v1/accounts/{id}", &AdminService::account);
  add(Method::post, "/admin/v1/accounts/{id}/ban", &AdminService::ban);
  add(Method::post, "/admin/v1/accounts/{id}/unban", &AdminService::unban);
  add(Method::post, "/admin/v1/accounts/{id}/mute", &AdminService::mute);
  add(Method::post, "/admin/v1/accounts/{id}/kick", &AdminService::kick);
  add(Method::get, "/admin/v1/audit", &AdminService::audit);
  add(Method::get, "/admin/v1/characters/{id}/ledger", &AdminService::character_ledger);
  add(Method::post, "/admin/v1/characters/{id}/grant", &AdminService::grant);
  add(Method::post, "/admin/v1/characters/{id}/remove", &AdminService::remove);
  add(Method::post, "/admin/v1/listings/{id}/cancel", &AdminService::cancel_listing);
  register_view_routes(router);
}

void AdminService::require_admin_token_shape(const HttpRequest& request) const {
  const auto header = request.header("authorization");
  if (!header) throw unauthorized("missing_token", "an admin token is required");
  const auto token = bearer_token(*header);
  if (!token || !looks_like_admin_token(*token))
    throw unauthorized("invalid_token", "expected Authorization: Bearer <admin token>");
}

std::int64_t AdminService::write_audit(pqxx::work& transaction, const Caller& caller,
                                       std::string_view action, std::string_view target_type,
                                       std::int64_t target_id, const std::string& reason,
                                       const nlohmann::json& details) {
  const auto rows = transaction.exec_params(
      "INSERT INTO admin_audit (admin_id, admin_username, role, action, target_type, target_id, "
      "reason, details, request_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9) RETURNING "
      "id",
      caller.id, caller.username, std::string(admin_role_name(caller.role)), std::string(action),
      std::string(target_type), target_id, reason, details.dump(), common::current_request_id());
  return rows[0][0].as<std::int64_t>();
}

AdminService::Caller AdminService::authorize(const HttpRequest& request, AdminRole needed) {
  require_admin_token_shape(request);
  const std::string token(*bearer_token(*request.header("authorization")));
  const auto caller =
      context_.database.run([&](pqxx::connection& connection) -> std::optional<Caller> {
        pqxx::read_transaction read(connection);
        const auto rows = read.exec_params(
            "SELECT a.id, a.username, a.role FROM admin_sessions s JOIN admin_accounts a ON a.id = "
            "s.admin_id "
            "WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > now() AND NOT "
            "a.disabled",
            token_digest(token));
        if (rows.empty()) return std::nullopt;
        return Caller{rows[0][0].as<std::int64_t>(), rows[0][1].as<std::string>(),
                      parse_admin_role(rows[0][2].as<std::string>()).value_or(AdminRole::viewer)};
      });
  if (!caller) throw unauthorized("invalid_token", "admin token invalid, expired or revoked");
  if (static_cast<int>(caller->role) < static_cast<int>(needed))
    throw ApiError(403, "forbidden",
                   "this action needs the " + std::string(admin_role_name(needed)) + " role");
  return *caller;
}

HttpResponse AdminService::login(const HttpRequest& request) {
  const auto body = parse_object_body(request);
  const auto username = require_string(body, "username", 1, 64);
  const auto password = require_string(body, "password", 1, kMaxPasswordBytes);
  const auto client = client_address(request, trusted_proxies_);
  auto log_failure = [&](std::string_view reason) {
    common::log_event(spdlog::level::warn, "admin_login_failed",
                      {{"username", username}, {"client", client}, {"reason", reason}});
  };
  std::string throttled_name = username;  // names are unique without regard to case
  for (auto& c : throttled_name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const auto attempt =
      login_throttle_.begin(throttled_name, client_subscriber(request, trusted_proxies_));
  if (!attempt.admitted) {
    log_failure("too_many_attempts");
    ApiError error(429, "too_many_attempts",
                   "too many failed logins from this client; try again later");
    error.header_name = "Retry-After";
    error.header_value = std::to_string(attempt.retry_after.count());
    throw error;
  }
  struct Staff {
    Caller caller;
    std::string password_hash;
    bool disabled = false;
  };
  std::optional<Staff> staff;
  bool password_ok = false;
  try {
    staff = context_.database.run([&](pqxx::connection& connection) -> std::optional<Staff> {
      pqxx::read_transaction read(connection);
      const auto rows = read.exec_params(
          "SELECT id, username, role, password_hash, disabled FROM admin_accounts WHERE "
          "lower(username) = lower($1)",
          username);
      if (rows.empty()) return std::nullopt;
      return Staff{{rows[0][0].as<std::int64_t>(), rows[0][1].as<std::string>(),
                    parse_admin_role(rows[0][2].as<std::string>()).value_or(AdminRole::viewer)},
                   rows[0][3].as<std::string>(),
                   rows[0][4].as<bool>()};
    });
    password_ok = staff ? context_.passwords.verify(password, staff->password_hash)
                        : (context_.passwords.burn_equivalent_time(password), false);
  } catch (...) {
    login_throttle_.abandoned(attempt);
    throw;
  }
  // A disabled account answers like a wrong password: no hint that the name is staff.
  if (!password_ok || staff->disabled) {
    log_failure(!staff ? "unknown_username" : staff->disabled ? "disabled" : "wrong_password");
    throw unauthorized("invalid_credentials", "wrong username or password");
  }
  login_throttle_.succeeded(attempt);
  const auto token = std::string(kAdminTokenPrefix) + new_refresh_token();
  context_.database.run([&](pqxx::connection& connection) {
    pqxx::work transaction(connection);
    transaction.exec_params(
        "INSERT INTO admin_sessions (token_hash, admin_id, expires_at) "
        "VALUES ($1, $2, now() + make_interval(secs => $3))",
        token_digest(token), staff->caller.id, kAdminSessionTtlSeconds);
    transaction.commit();
  });
  common::log_event(spdlog::level::info, "admin_login",
                    {{"admin_id", staff->caller.id},
                     {"admin", staff->caller.username},
                     {"role", admin_role_name(staff->caller.role)},
                     {"client", client}});
  return json_response(200, {{"access_token", token},
                             {"token_type", "Bearer"},
                             {"expires_in", kAdminSessionTtlSeconds},
                             {"admin",
                              {{"id", staff->caller.id},
                               {"username", staff->caller.username},
                               {"role", admin_role_name(staff->caller.role)}}}});
}

HttpResponse AdminService::logout(const HttpRequest& request) {
  const auto caller = authorize(request, AdminRole::viewer);
  const std::string token(*bearer_token(*request.header("authorization")));
  context_.database.run([&](pqxx::connection& connection) {
    pqxx::work transaction(connection);
    transaction.exec_params("UPDATE admin_sessions SET revoked_at = now() WHERE token_hash = $1",
                            token_digest(token));
    transaction.commit();
  });
  common::log_event(spdlog::level::info, "admin_logout",
                    {{"admin_id", caller.id}, {"admin", caller.username}});
  return no_content();
}

AdminService::Moderation AdminService::read_moderation(const HttpRequest& request) {
  Moderation moderation;
  moderation.caller = authorize(request, AdminRole::moderator);
  moderation.account_id = account_id_of(request);
  moderation.body = parse_object_body(request);
  moderation.reason = require_string(moderation.body, "reason", 1, kMaxAdminReasonBytes);
  return moderation;
}

HttpResponse AdminService::commit_moderation(const Moderation& moderation,
                                             const ModerationStep& step) {
  const auto effect =
      context_.database.run([&](pqxx::connection& connection) -> std::optional<ModerationEffect> {
        pqxx::work transaction(connection);
        auto result = step(transaction);
        if (!result) return std::nullopt;
        result->audit_id = write_audit(transaction, moderation.caller, result->action, "account",
                                       moderation.account_id, moderation.reason, result->details);
        transaction.commit();
        return result;
      });
  if (!effect) throw ApiError(404, "not_found", "no such account");
  if (effect->token_version)
    auth_.end_account_sessions(moderation.account_id, *effect->token_version, effect->sessions);
  nlohmann::json kicked;
  if (effect->kick) kicked = kick_everywhere(moderation.account_id, *effect->kick);
  nlohmann::json fields = {{"admin_id", moderation.caller.id},
                           {"admin", moderation.caller.username},
                           {"account_id", moderation.account_id},
                           {"reason", moderation.reason},
                           {"audit_id", effect->audit_id}};
  fields.update(effect->details);
  if (!kicked.is_null()) fields["kicked_sessions"] = kicked["sessions"];
  common::log_event(spdlog::level::info, "admin_" + effect->action, fields);
  auto document = player_document(moderation.account_id);
  document["audit_id"] = effect->audit_id;
  if (!kicked.is_null()) document["kicked"] = kicked;
  return json_response(200, document);
}

nlohmann::json AdminService::kick_everywhere(std::int64_t account_id, const std::string& reason) {
  nlohmann::json result = {{"sessions", 0}, {"unreachable", nlohmann::json::array()}};
  std::vector<ZoneProcessEntry> processes;
  try {
    processes = registry_.snapshot("", now_ms()).processes;
  } catch (const std::exception& error) {
    // The ban itself is committed (logins and tokens are refused); only the live kick failed.
    spdlog::warn("admin kick of account {}: the zone registry is unreachable: {}", account_id,
                 error.what());
    result["unreachable"].push_back("registry");
    return result;
  }
  const std::string body = nlohmann::json{{"account_id", account_id}, {"reason", reason}}.dump();
  for (const auto& process : processes) {
    const auto endpoint = common::parse_http_url(process.control_url);
    const auto response =
        endpoint ? post_zone_control(*endpoint, "/kicks", body, context_.config.service_token)
                 : common::HttpResponse{0, "", "no usable control_url"};
    const auto answer = nlohmann::json::parse(response.body, nullptr, false);
    if (response.status != 200 || !answer.is_object() || !answer.contains("kicked") ||
        !answer["kicked"].is_number_unsigned()) {
      spdlog::warn("admin kick of account {}: zone process {} answered {} {}", account_id,
                   process.id, response.status, response.error);
      result["unreachable"].push_back(process.id);
      continue;
    }
    result["sessions"] =
        result["sessions"].get<std::uint64_t>() + answer["kicked"].get<std::uint64_t>();
  }
  return result;
}

HttpResponse AdminService::ban(const HttpRequest& request) {
  const auto moderation = read_moderation(request);
  const auto duration = require_integer(moderation.body, "duration_s", 0, kMaxSanctionSeconds);
  return commit_moderation(
      moderation, [&](pqxx::work& transaction) -> std::optional<ModerationEffect> {
        // Bumping the token version kills every access token of the account (AuthService).
        const auto rows = transaction.exec_params(
            "UPDATE accounts SET banned_at = now(), ban_reason = $2, banned_by = $3, banned_until "
            "= " +
                sanction_end("$4") +
                ", token_version = token_version + 1 WHERE id = $1 RETURNING token_version",
            moderation.account_id, moderation.reason, moderation.caller.id, duration);
        if (rows.empty()) return std::nullopt;
        ModerationEffect effect{"ban"};
        effect.kick = "banned";
        effect.token_version = rows[0][0].as<std::int64_t>();
        std::set<std::string> families;
        for (const auto& row :
             transaction.exec_params("UPDATE refresh_tokens SET revoked_at = now() WHERE "
                                     "account_id = $1 AND revoked_at IS NULL "
                                     "RETURNING family_id::text",
                                     moderation.account_id))
          families.insert(row[0].as<std::string>());
        effect.sessions.assign(families.begin(), families.end());
        effect.details = {{"duration_s", duration}, {"sessions_revoked", effect.sessions.size()}};
        return effect;
      });
}

HttpResponse AdminService::unban(const HttpRequest& request) {
  const auto moderation = read_moderation(request);
  // Replicas trust a cached "banned" token version for auth.token_version_cache_ms at most;
  // login reads the row itself.
  return commit_moderation(moderation,
                           [&](pqxx::work& transaction) -> std::optional<ModerationEffect> {
                             const auto rows = transaction.exec_params(
                                 "UPDATE accounts SET banned_at = NULL, banned_until = NULL, "
                                 "ban_reason = NULL, banned_by = NULL "
                                 "WHERE id = $1 RETURNING id",
                                 moderation.account_id);
                             if (rows.empty()) return std::nullopt;
                             return ModerationEffect{"unban"};
                           });
}

HttpResponse AdminService::mute(const HttpRequest& request) {
  const auto moderation = read_moderation(request);
  // 0 lifts the mute. The zones holding the account's characters hear of it at once (their
  // claims read it when the characters join later).
  const auto duration = require_integer(moderation.body, "duration_s", 0, kMaxSanctionSeconds);
  std::int64_t muted_until_unix = 0;
  auto response = commit_moderation(
      moderation, [&](pqxx::work& transaction) -> std::optional<ModerationEffect> {
        const auto rows = transaction.exec_params(
            "UPDATE accounts SET muted_until = " + sanction_end("$2") +
                ", mute_reason = CASE WHEN $2::bigint = 0 THEN NULL ELSE "
                "$3 END WHERE id = $1 RETURNING "
                "coalesce(ceil(extract(epoch FROM muted_until))::bigint, 0)",
            moderation.account_id, duration, moderation.reason);
        if (rows.empty()) return std::nullopt;
        muted_until_unix = duration == 0 ? 0 : rows[0][0].as<std::int64_t>();
        ModerationEffect effect{duration == 0 ? "unmute" : "mute"};
        effect.details = {{"duration_s", duration}};
        return effect;
      });
  publish_mute(context_, moderation.account_id, muted_until_unix);
  return response;
}

HttpResponse AdminService::kick(const HttpRequest& request) {
  const auto moderation = read_moderation(request);
  // The player may come back at once (a ban keeps them out): the kick is a warning, or ends a
  // stuck session.
  return commit_moderation(
      moderation, [&](pqxx::work& transaction) -> std::optional<ModerationEffect> {
        if (transaction.exec_params("SELECT 1 FROM accounts WHERE id = $1", moderation.account_id)
                .empty())
          return std::nullopt;
        ModerationEffect effect{"kick"};
        effect.kick = "kicked";
        return effect;
      });
}

HttpResponse AdminService::account(const HttpRequest& request) {
  authorize(request, AdminRole::viewer);
  return json_response(200, player_document(account_id_of(request)));
}

HttpResponse AdminService::find_player(const HttpRequest& request) {
  authorize(request, AdminRole::viewer);
  const auto username = request.query_param("username");
  if (!username || !valid_username(*username))
    throw ApiError(422, "invalid_username", "username must be 3-24 characters of A-Z, a-z, 0-9, _");
  const auto account_id =
      context_.database.run([&](pqxx::connection& connection) -> std::optional<std::int64_t> {
        pqxx::read_transaction read(connection);
        const auto rows = read.exec_params(
            "SELECT id FROM accounts WHERE lower(username) = lower($1)", *username);
        if (rows.empty()) return std::nullopt;
        return rows[0][0].as<std::int64_t>();
      });
  if (!account_id) throw ApiError(404, "not_found", "no such account");
  return json_response(200, player_document(*account_id));
}

nlohmann::json AdminService::player_document(std::int64_t account_id) {
  return context_.database.run([&](pqxx::connection& connection) {
    pqxx::read_transaction read(connection);
    const auto account = read.exec_params(
        "SELECT a.id, a.username, " + sql_utc_text("a.created_at") +
            ", (a.banned_at IS NOT NULL AND (a.banned_until IS NULL OR a.banned_until > now())), " +
            sql_utc_text("a.banned_at") + ", " + sql_utc_text("a.banned_until") +
            ", a.ban_reason, " + sql_utc_text("a.muted_until") +
            ", a.mute_reason, (a.muted_until IS NOT NULL AND a.muted_until > now()) FROM accounts "
            "a WHERE a.id = $1",
        account_id);
    if (account.empty()) throw ApiError(404, "not_found", "no such account");
    const auto& row = account[0];
    nlohmann::json document = {{"account",
                                {{"id", row[0].as<std::int64_t>()},
                                 {"username", row[1].as<std::string>()},
                                 {"created_at", row[2].as<std::string>()},
                                 {"banned", row[3].as<bool>()},
                                 {"banned_at", nullable_text(row[4])},
                                 {"banned_until", nullable_text(row[5])},
                                 {"ban_reason", nullable_text(row[6])},
                                 {"muted", row[9].as<bool>()},
                                 {"muted_until", nullable_text(row[7])},
                                 {"mute_reason", nullable_text(row[8])}}},
                               {"characters", nlohmann::json::array()},
                               {"recent_logins", nlohmann::json::array()}};
    // Where a character is now: the zone holding its lease, if one does and is alive.
    for (const auto& c : read.exec_params(
             "SELECT id, name, class, level, gold, zone, " +
                 live_lease_sql("characters", context_.config.lease_stale_s) +
                 ", lease_zone, lease_instance FROM characters WHERE account_id = $1 ORDER BY id",
             account_id)) {
      nlohmann::json location;
      if (c[6].as<bool>() && !c[7].is_null())
        location = {{"zone", c[7].as<std::string>()},
                    {"instance", c[8].is_null() ? 0 : c[8].as<std::int64_t>()}};
      document["characters"].push_back({{"id", c[0].as<std::int64_t>()},
                                        {"name", c[1].as<std::string>()},
                                        {"class", c[2].as<std::string>()},
                                        {"level", c[3].as<std::int64_t>()},
                                        {"gold", c[4].as<std::int64_t>()},
                                        {"zone", c[5].as<std::string>()},
                                        {"online_in", location}});
    }
    for (const auto& l :
         read.exec_params("SELECT " + sql_utc_text("at") +
                              ", client, session_id::text FROM login_history WHERE account_id = $1 "
                              "ORDER BY at DESC, id DESC LIMIT $2",
                          account_id, kRecentLogins))
      document["recent_logins"].push_back({{"at", l[0].as<std::string>()},
                                           {"client", l[1].as<std::string>()},
                                           {"session_id", nullable_text(l[2])}});
    return document;
  });
}

HttpResponse AdminService::audit(const HttpRequest& request) {
  authorize(request, AdminRole::viewer);
  const auto limit = query_integer(request, "limit", kDefaultAuditPage, 1, kMaxAuditPage);
  const auto before_id = query_integer(request, "before_id", 0, 0, INT64_MAX);
  const auto target_id = query_integer(request, "account_id", 0, 0, INT64_MAX);
  return context_.database.run([&](pqxx::connection& connection) {
    pqxx::read_transaction read(connection);
    nlohmann::json entries = nlohmann::json::array();
    for (const auto& row : read.exec_params("SELECT id, admin_id, admin_username, role, action, "
                                            "target_type, target_id, reason, details::text, "
                                            "request_id, " +
                                                sql_utc_text("at") +
                                                " FROM admin_audit WHERE ($1 = 0 OR id < $1) AND "
                                                "($2 = 0 OR (target_type = 'account' AND "
                                                "target_id = $2)) ORDER BY id DESC LIMIT $3",
                                            before_id, target_id, limit))
      entries.push_back(
          {{"id", row[0].as<std::int64_t>()},
           {"admin_id", row[1].as<std::int64_t>()},
           {"admin_username", row[2].as<std::string>()},
           {"role", row[3].as<std::string>()},
           {"action", row[4].as<std::string>()},
           {"target_type", row[5].as<std::string>()},
           {"target_id",
            row[6].is_null() ? nlohmann::json() : nlohmann::json(row[6].as<std::int64_t>())},
           {"reason", row[7].as<std::string>()},
           {"details", nlohmann::json::parse(row[8].as<std::string>())},
           {"request_id", row[9].as<std::string>()},
           {"at", row[10].as<std::string>()}});
    return json_response(200, {{"entries", entries}});
  });
}

}  // namespace omega::api
