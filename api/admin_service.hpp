// The admin console's backend (issue 17 item 1): staff login with opaque admin tokens, role
// checks (viewer < moderator < admin), moderation of player accounts (ban, unban, mute), player
// lookup, the audit log, the economy (a character's ledger, grants and removals of gold and
// items, staff cancels of listings; admin_economy.cpp), the live world and tournaments views
// and the console's web pages (web/admin, served at /admin/; admin_views.cpp). Staff accounts
// are `admin_accounts` rows, never player accounts; an admin token is "oa_" + 43 base64url
// characters and is not a JWT, so it can never pass as a player token on /v1 and a player
// token can never pass as an admin one on /admin. Every mutating action writes an
// `admin_audit` row in the transaction of its effect and logs an audit event. Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "api/auth_service.hpp"
#include "api/client_address.hpp"
#include "api/instance_registry.hpp"
#include "api/login_throttle.hpp"
#include "api/market_store.hpp"
#include "api/router.hpp"
#include "api/service_context.hpp"
#include "api/tournament_arenas.hpp"

namespace omega::api {

enum class AdminRole { viewer = 0, moderator = 1, admin = 2 };

// "viewer", "moderator", "admin"; nullopt for anything else.
std::optional<AdminRole> parse_admin_role(std::string_view name);
std::string_view admin_role_name(AdminRole role);

// A reason is shown to staff and may be shown to the player: one or two sentences.
inline constexpr std::size_t kMaxAdminReasonBytes = 500;

// `to_char(column)` as ISO 8601 UTC text ("2026-12-06T04:17:23Z"), for SELECT lists.
std::string sql_utc_text(const std::string& column);
// The request's {id} path parameter; ApiError 404 "no such <what>" unless it is an id.
std::int64_t admin_path_id(const HttpRequest& request, std::string_view what);

// Whether `token` has the shape of an admin token (no I/O: safe on I/O threads).
bool looks_like_admin_token(std::string_view token);

// Creates a staff account (the `omega-api admin create` command). Returns its id, or nullopt
// when the username is taken. Throws std::invalid_argument for a bad username or password.
std::optional<std::int64_t> create_admin_account(DbPool& database, PasswordHasher& passwords,
                                                 const std::string& username,
                                                 const std::string& password, AdminRole role);

class AdminService {
 public:
  // `registry` lists the live zone processes, whom a ban or kick reaches and the live world
  // view shows; `arenas` are the tournaments whose queues the tournaments view lists.
  AdminService(ServiceContext context, AuthService& auth, InstanceRegistry& registry,
               const ArenaCatalog& arenas);
  AdminService(const AdminService&) = delete;
  AdminService& operator=(const AdminService&) = delete;

  void register_routes(Router& router);

  // ApiError 401 unless the request carries something shaped like an admin token. No I/O:
  // the dispatcher calls it on the I/O thread; handlers check the token itself.
  void require_admin_token_shape(const HttpRequest& request) const;

 private:
  struct Caller {
    std::int64_t id = 0;
    std::string username;
    AdminRole role = AdminRole::viewer;
  };
  // The staff member of the request's live admin token (401) holding at least `needed` (403).
  Caller authorize(const HttpRequest& request, AdminRole needed);

  HttpResponse login(const HttpRequest& request);
  HttpResponse logout(const HttpRequest& request);
  HttpResponse ban(const HttpRequest& request);
  HttpResponse unban(const HttpRequest& request);
  HttpResponse mute(const HttpRequest& request);
  HttpResponse kick(const HttpRequest& request);
  HttpResponse account(const HttpRequest& request);
  HttpResponse find_player(const HttpRequest& request);
  HttpResponse audit(const HttpRequest& request);
  // The economy (admin_economy.cpp): a character's ledger, grants and removals of gold and
  // items, and cancelling a listing.
  HttpResponse character_ledger(const HttpRequest& request);
  HttpResponse grant(const HttpRequest& request);
  HttpResponse remove(const HttpRequest& request);
  HttpResponse cancel_listing(const HttpRequest& request);

  // Writes one admin_audit row in `transaction` (the transaction of the action's effect) and
  // returns its id. The request id ties the row to the request's log lines.
  static std::int64_t write_audit(pqxx::work& transaction, const Caller& caller,
                                  std::string_view action, std::string_view target_type,
                                  std::int64_t target_id, const std::string& reason,
                                  const nlohmann::json& details);
  // A staff change of gold or items: writes its audit row, runs `step` with it and commits
  // only a success, which is then pushed to the zones (character_events) and logged as
  // admin_<action>. `character_id` set: the answer shows that character's gold and inventory.
  using EconomyStep = std::function<MarketOutcome(pqxx::work&, const StaffAction&)>;
  struct EconomyAction {
    Caller caller;
    std::string action;       // the audit row's action
    std::string target_type;  // "character" or "listing"
    std::int64_t target_id = 0;
    std::string reason;
    nlohmann::json details = nlohmann::json::object();
  };
  HttpResponse commit_economy(const EconomyAction& action, const EconomyStep& step,
                              std::optional<std::int64_t> character_id);
  // grant and remove: the body's adjustment of the path's character.
  HttpResponse adjust(const HttpRequest& request, std::string_view action,
                      MarketOutcome (*step)(pqxx::work&, const Adjustment&, const StaffAction&));

  // The console's read-only views and its static files (api/admin_views.cpp).
  void register_view_routes(Router& router);
  HttpResponse world(const HttpRequest& request);
  HttpResponse tournaments(const HttpRequest& request);
  HttpResponse reports(const HttpRequest& request);
  HttpResponse console_file(const HttpRequest& request) const;
  nlohmann::json tournament_queues(pqxx::read_transaction& read) const;

  // A moderation request: a moderator's, on an existing account id, with a reason.
  struct Moderation {
    Caller caller;
    std::int64_t account_id = 0;
    nlohmann::json body;
    std::string reason;
  };
  Moderation read_moderation(const HttpRequest& request);
  // What a moderation step did inside the transaction, for the audit row and the log.
  struct ModerationEffect {
    explicit ModerationEffect(std::string action_name) : action(std::move(action_name)) {}
    std::string action;  // the audit row's action: ban, unban, mute, unmute
    nlohmann::json details = nlohmann::json::object();
    std::optional<std::int64_t> token_version;  // set: the account's tokens and `sessions` end
    std::vector<std::string> sessions;
    // Set: every zone process kicks the account's sessions with this reason ("banned",
    // "kicked") after the commit.
    std::optional<std::string> kick;
    std::int64_t audit_id = 0;
  };
  // Asks every live zone process (POST /kicks) to kick the account's sessions with `reason`.
  // Returns {"sessions": kicked, "unreachable": [process ids that did not answer 200]}.
  nlohmann::json kick_everywhere(std::int64_t account_id, const std::string& reason);
  // Changes the account in the transaction; nullopt when it does not exist (404).
  using ModerationStep = std::function<std::optional<ModerationEffect>(pqxx::work&)>;
  // Runs `step` and writes its audit row in one transaction, then ends sessions if the step
  // says so, logs the admin_<action> event and answers the account's lookup document.
  HttpResponse commit_moderation(const Moderation& moderation, const ModerationStep& step);

  // The player lookup document of one account (404 when there is none).
  nlohmann::json player_document(std::int64_t account_id);

  ServiceContext context_;
  AuthService& auth_;
  InstanceRegistry& registry_;
  const ArenaCatalog& arenas_;
  TrustedProxies trusted_proxies_;
  LoginThrottle login_throttle_;  // its own keys: staff and players never share a budget
};

}  // namespace omega::api
