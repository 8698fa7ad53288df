// The admin console's backend against a real PostgreSQL and Redis: staff login, roles,
// moderation (ban, unban, mute) and its effect on the player's login and sessions, the audit
// trail, the player lookup, the separation of staff and player credentials, and the economy
// (grants, removals, listing cancels and a character's ledger).
#include <gtest/gtest.h>

#include <thread>

#include "api/integration_test_support.hpp"

namespace omega::api::testing {
namespace {

using ApiAdminIT = FreshDatabaseTest;

constexpr const char* kStaffPassword = "staff password 1";
constexpr const char* kPlayerPassword = "correct horse 1";

void expect_error(const HttpResult& result, int status, const std::string& code) {
  EXPECT_EQ(result.status, status) << result.body;
  const auto body = result.json();
  ASSERT_TRUE(body.is_object() && body.contains("error")) << result.body;
  EXPECT_EQ(body["error"]["code"], code) << result.body;
}

std::string admin_login(const TestApi& api, const std::string& username) {
  const auto login =
      api.post("/admin/v1/login", {{"username", username}, {"password", kStaffPassword}});
  EXPECT_EQ(login.status, 200) << login.body;
  return login.json().value("access_token", "");
}

HttpResult player_login(const TestApi& api, const std::string& username) {
  return api.post("/v1/auth/login", {{"username", username}, {"password", kPlayerPassword}});
}

// A running API with one staff member of `role` (Mod_1) logged in and one player.
struct Scene {
  std::unique_ptr<TestApi> api;
  std::string staff_token;
  nlohmann::json player;  // the player's login answer
  std::string account;    // the player's account id, as a path segment
};

Scene scene(std::unique_ptr<TestApi> api, AdminRole role, const std::string& player_name) {
  Scene result;
  result.api = std::move(api);
  result.api->create_admin("Mod_1", kStaffPassword, role);
  result.staff_token = admin_login(*result.api, "Mod_1");
  result.player = result.api->register_and_login(player_name, kPlayerPassword);
  result.account = std::to_string(result.player["account_id"].get<std::int64_t>());
  return result;
}

TEST_F(ApiAdminIT, StaffLogInWithTheirRoleAndBadCredentialsAreRefused) {
  auto api = start_api();
  api->create_admin("Mod_1", kStaffPassword, AdminRole::moderator);
  const auto login =
      api->post("/admin/v1/login", {{"username", "mod_1"}, {"password", kStaffPassword}});
  ASSERT_EQ(login.status, 200) << login.body;
  EXPECT_EQ(login.json()["admin"]["role"], "moderator");
  EXPECT_EQ(login.json()["admin"]["username"], "Mod_1");
  EXPECT_EQ(login.json()["token_type"], "Bearer");
  expect_error(
      api->post("/admin/v1/login", {{"username", "Mod_1"}, {"password", "wrong password"}}), 401,
      "invalid_credentials");
  expect_error(api->post("/admin/v1/login", {{"username", "nobody"}, {"password", kStaffPassword}}),
               401, "invalid_credentials");
  expect_error(api->post("/admin/v1/login", {{"username", "Mod_1"}}), 422, "missing_field");
  // A player account is no staff account, whatever its name.
  api->register_and_login("Player_1", kPlayerPassword);
  expect_error(
      api->post("/admin/v1/login", {{"username", "Player_1"}, {"password", kPlayerPassword}}), 401,
      "invalid_credentials");

  // Logout ends the token at once; a disabled account's tokens stop too.
  const auto token = login.json()["access_token"].get<std::string>();
  EXPECT_EQ(api->get("/admin/v1/audit", token).status, 200);
  EXPECT_EQ(api->post("/admin/v1/logout", nlohmann::json::object(), token).status, 204);
  expect_error(api->get("/admin/v1/audit", token), 401, "invalid_token");
  const auto second = admin_login(*api, "Mod_1");
  EXPECT_EQ(api->get("/admin/v1/audit", second).status, 200);
  EXPECT_EQ(count("UPDATE admin_accounts SET disabled = true RETURNING 1"), 1);
  expect_error(api->get("/admin/v1/audit", second), 401, "invalid_token");
  expect_error(api->post("/admin/v1/login", {{"username", "Mod_1"}, {"password", kStaffPassword}}),
               401, "invalid_credentials");
}

TEST_F(ApiAdminIT, PlayerTokensAreRefusedOnAdminRoutesAndAdminTokensOnPlayerRoutes) {
  auto api = start_api();
  api->create_admin("Boss_1", kStaffPassword, AdminRole::admin);
  const auto staff = admin_login(*api, "Boss_1");
  const auto player = api->register_and_login("Player_1", kPlayerPassword);
  const auto player_token = player["access_token"].get<std::string>();
  const auto account_id = player["account_id"].get<std::int64_t>();
  expect_error(api->get("/admin/v1/audit", player_token), 401, "invalid_token");
  expect_error(api->get("/admin/v1/accounts/" + std::to_string(account_id), player_token), 401,
               "invalid_token");
  expect_error(api->post("/admin/v1/accounts/" + std::to_string(account_id) + "/ban",
                         {{"reason", "x"}, {"duration_s", 0}}, player_token),
               401, "invalid_token");
  expect_error(api->get("/admin/v1/audit"), 401, "missing_token");
  expect_error(api->get("/v1/characters", staff), 401, "invalid_token");
  expect_error(api->post("/v1/auth/logout-all", nlohmann::json::object(), staff), 401,
               "invalid_token");
  EXPECT_EQ(api->get("/v1/characters", player_token).status, 200);
  EXPECT_EQ(api->get("/admin/v1/audit", staff).status, 200);
}

TEST_F(ApiAdminIT, AModeratorBansAPlayerWhoCanNoLongerLogInOrRefreshAndTheAuditHasIt) {
  auto api = start_api();
  api->create_admin("View_1", kStaffPassword, AdminRole::viewer);
  api->create_admin("Mod_1", kStaffPassword, AdminRole::moderator);
  const auto viewer = admin_login(*api, "View_1");
  const auto moderator = admin_login(*api, "Mod_1");
  const auto player = api->register_and_login("Cheater_1", kPlayerPassword);
  const auto account = std::to_string(player["account_id"].get<std::int64_t>());
  const nlohmann::json ban = {{"reason", "speed hacking"}, {"duration_s", 0}};

  expect_error(api->post("/admin/v1/accounts/" + account + "/ban", ban, viewer), 403, "forbidden");
  EXPECT_EQ(count("SELECT count(*) FROM admin_audit"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM accounts WHERE banned_at IS NOT NULL"), 0);

  const auto banned =
      http_request(api->port(), "POST", "/admin/v1/accounts/" + account + "/ban", ban.dump(),
                   {{"Content-Type", "application/json"},
                    {"Authorization", "Bearer " + moderator},
                    {"X-Request-Id", "ban-request-1"}});
  ASSERT_EQ(banned.status, 200) << banned.body;
  EXPECT_TRUE(banned.json()["account"]["banned"].get<bool>());
  EXPECT_EQ(banned.json()["account"]["ban_reason"], "speed hacking");
  EXPECT_TRUE(banned.json()["account"]["banned_until"].is_null());

  expect_error(player_login(*api, "Cheater_1"), 403, "account_banned");
  expect_error(api->post("/v1/auth/refresh", {{"refresh_token", player["refresh_token"]}}), 401,
               "refresh_token_revoked");
  EXPECT_EQ(api->get("/v1/characters", player["access_token"]).status, 401);

  const auto audit = api->get("/admin/v1/audit?account_id=" + account, viewer);
  ASSERT_EQ(audit.status, 200) << audit.body;
  const auto entries = audit.json()["entries"];
  ASSERT_EQ(entries.size(), 1u) << audit.body;
  EXPECT_EQ(entries[0]["action"], "ban");
  EXPECT_EQ(entries[0]["reason"], "speed hacking");
  EXPECT_EQ(entries[0]["request_id"], "ban-request-1");
  EXPECT_EQ(entries[0]["admin_username"], "Mod_1");
  EXPECT_EQ(entries[0]["role"], "moderator");
  EXPECT_EQ(entries[0]["details"]["duration_s"], 0);
  EXPECT_EQ(entries[0]["details"]["sessions_revoked"], 1);

  expect_error(
      api->post("/admin/v1/accounts/" + account + "/unban", {{"reason", "appeal"}}, viewer), 403,
      "forbidden");
  const auto unbanned = api->post("/admin/v1/accounts/" + account + "/unban",
                                  {{"reason", "appeal accepted"}}, moderator);
  ASSERT_EQ(unbanned.status, 200) << unbanned.body;
  EXPECT_FALSE(unbanned.json()["account"]["banned"].get<bool>());
  // The token-version cache may hold "banned" for auth.token_version_cache_ms; login reads
  // the row itself.
  const auto again = player_login(*api, "Cheater_1");
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(
      count(
          "SELECT count(*) FROM admin_audit WHERE action = 'unban' AND reason = 'appeal accepted'"),
      1);
}

TEST_F(ApiAdminIT, ABanWithADurationEndsByItself) {
  const auto [api, moderator, player, account] =
      scene(start_api(), AdminRole::moderator, "Player_1");
  const auto banned = api->post("/admin/v1/accounts/" + account + "/ban",
                                {{"reason", "cool down"}, {"duration_s", 2}}, moderator);
  ASSERT_EQ(banned.status, 200) << banned.body;
  EXPECT_TRUE(banned.json()["account"]["banned_until"].is_string());
  expect_error(player_login(*api, "Player_1"), 403, "account_banned");
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  const auto after = player_login(*api, "Player_1");
  ASSERT_EQ(after.status, 200) << after.body;
  EXPECT_EQ(api->get("/v1/characters", after.json()["access_token"]).status, 200);
}

TEST_F(ApiAdminIT, MuteIsStoredAndAudited) {
  const auto [api, moderator, player, account] = scene(start_api(), AdminRole::moderator, "Loud_1");
  const auto muted = api->post("/admin/v1/accounts/" + account + "/mute",
                               {{"reason", "spam"}, {"duration_s", 3600}}, moderator);
  ASSERT_EQ(muted.status, 200) << muted.body;
  EXPECT_TRUE(muted.json()["account"]["muted"].get<bool>());
  EXPECT_EQ(muted.json()["account"]["mute_reason"], "spam");
  // A mute is not a ban.
  EXPECT_EQ(player_login(*api, "Loud_1").status, 200);
  const auto lifted = api->post("/admin/v1/accounts/" + account + "/mute",
                                {{"reason", "served"}, {"duration_s", 0}}, moderator);
  ASSERT_EQ(lifted.status, 200) << lifted.body;
  EXPECT_FALSE(lifted.json()["account"]["muted"].get<bool>());
  EXPECT_EQ(count("SELECT count(*) FROM admin_audit WHERE action IN ('mute', 'unmute')"), 2);
}

TEST_F(ApiAdminIT, PlayerLookupShowsAccountCharactersAndRecentLogins) {
  const auto [api, viewer, player, account] = scene(start_api(), AdminRole::viewer, "Player_1");
  const auto created =
      api->post("/v1/characters", {{"name", "Hero"}, {"class", "warrior"}}, player["access_token"]);
  ASSERT_EQ(created.status, 201) << created.body;

  const auto by_name = api->get("/admin/v1/players?username=player_1", viewer);
  ASSERT_EQ(by_name.status, 200) << by_name.body;
  const auto document = by_name.json();
  EXPECT_EQ(document["account"]["username"], "Player_1");
  ASSERT_EQ(document["characters"].size(), 1u);
  EXPECT_EQ(document["characters"][0]["name"], "Hero");
  EXPECT_TRUE(document["characters"][0]["online_in"].is_null());
  ASSERT_EQ(document["recent_logins"].size(), 1u);
  EXPECT_EQ(document["recent_logins"][0]["client"], "127.0.0.1");

  // Online while a zone holds the lease and writes it; a zone that stopped (crashed) longer
  // than world.lease_stale_s ago holds it in name only.
  const auto hero_id = std::to_string(created.json()["character"]["id"].get<std::int64_t>());
  count(
      "UPDATE characters SET lease_released = false, lease_zone = 'forest', lease_instance = 3, "
      "lease_heartbeat_at = now() WHERE id = " +
      hero_id + " RETURNING 1");
  const auto online = api->get("/admin/v1/players?username=player_1", viewer).json();
  EXPECT_EQ(online["characters"][0]["online_in"],
            nlohmann::json({{"zone", "forest"}, {"instance", 3}}))
      << online;
  count("UPDATE characters SET lease_heartbeat_at = now() - interval '" +
        std::to_string(api->config().lease_stale_s + 1) + " seconds' WHERE id = " + hero_id +
        " RETURNING 1");
  const auto crashed = api->get("/admin/v1/players?username=player_1", viewer).json();
  EXPECT_TRUE(crashed["characters"][0]["online_in"].is_null()) << crashed;

  const auto by_id = api->get("/admin/v1/accounts/" + account, viewer);
  ASSERT_EQ(by_id.status, 200) << by_id.body;
  EXPECT_EQ(by_id.json(), document);

  expect_error(api->get("/admin/v1/players?username=nobody", viewer), 404, "not_found");
  expect_error(api->get("/admin/v1/players?username=a", viewer), 422, "invalid_username");
  expect_error(api->get("/admin/v1/accounts/999999", viewer), 404, "not_found");
}

TEST_F(ApiAdminIT, BadModerationInputGetsClientErrors) {
  const auto [api, moderator, player, account] =
      scene(start_api(), AdminRole::moderator, "Player_1");
  const auto target = "/admin/v1/accounts/" + account + "/ban";
  expect_error(api->post(target, {{"duration_s", 0}}, moderator), 422, "missing_field");
  expect_error(api->post(target, {{"reason", ""}, {"duration_s", 0}}, moderator), 422,
               "invalid_field");
  expect_error(api->post(target, {{"reason", "x"}, {"duration_s", -1}}, moderator), 422,
               "invalid_field");
  expect_error(api->post(target, {{"reason", "x"}, {"duration_s", "1"}}, moderator), 422,
               "invalid_field");
  expect_error(
      api->post("/admin/v1/accounts/999999/ban", {{"reason", "x"}, {"duration_s", 0}}, moderator),
      404, "not_found");
  expect_error(api->get("/admin/v1/audit?limit=0", moderator), 422, "invalid_query");
  expect_error(api->get("/admin/v1/audit?limit=x", moderator), 422, "invalid_query");
  EXPECT_EQ(count("SELECT count(*) FROM admin_audit"), 0);
  EXPECT_EQ(player_login(*api, "Player_1").status, 200);
}

// A new warrior of the scene's player; returns its id.
std::int64_t hero(const Scene& scene, const std::string& name) {
  const auto created = scene.api->post("/v1/characters", {{"name", name}, {"class", "warrior"}},
                                       scene.player["access_token"]);
  EXPECT_EQ(created.status, 201) << created.body;
  return created.json()["character"]["id"].get<std::int64_t>();
}

long long held(const nlohmann::json& character, const std::string& item) {
  long long total = 0;
  for (const auto& stack : character["inventory"])
    if (stack["item"] == item) total += stack["quantity"].get<long long>();
  return total;
}

TEST_F(ApiAdminIT, AnAdminGrantsAndRemovesGoldAndItemsAndTheLedgerShowsWhoAndWhy) {
  auto staged = scene(start_api(), AdminRole::admin, "Player_1");
  auto& api = staged.api;
  const auto& admin = staged.staff_token;
  const auto character = std::to_string(hero(staged, "Hero"));
  const auto base = "/admin/v1/characters/" + character;

  const auto gold = api->post(base + "/grant", {{"gold", 500}, {"reason", "lost to a bug"}}, admin);
  ASSERT_EQ(gold.status, 200) << gold.body;
  EXPECT_EQ(gold.json()["character"]["gold"], 500);
  EXPECT_TRUE(gold.json()["ledger_id"].is_number_integer());
  const auto pelts =
      api->post(base + "/grant",
                {{"item_id", "wolf_pelt"}, {"quantity", 3}, {"reason", "event prize"}}, admin);
  ASSERT_EQ(pelts.status, 200) << pelts.body;
  EXPECT_EQ(held(pelts.json()["character"], "wolf_pelt"), 3);
  EXPECT_EQ(count("SELECT count(*) FROM admin_audit WHERE action = 'grant' AND target_type = "
                  "'character' AND target_id = " +
                  character + " AND admin_username = 'Mod_1'"),
            2);
  EXPECT_EQ(count("SELECT count(*) FROM admin_audit WHERE id = " +
                  std::to_string(pelts.json()["audit_id"].get<std::int64_t>()) +
                  " AND reason = 'event prize'"),
            1);

  const auto ledger = api->get(base + "/ledger", admin);
  ASSERT_EQ(ledger.status, 200) << ledger.body;
  const auto entries = ledger.json()["entries"];
  ASSERT_EQ(entries.size(), 2u) << ledger.body;
  EXPECT_EQ(entries[0]["id"], pelts.json()["ledger_id"]);
  EXPECT_EQ(entries[0]["asset"], "item");
  EXPECT_EQ(entries[0]["item_id"], "wolf_pelt");
  EXPECT_EQ(entries[0]["amount"], 3);
  EXPECT_EQ(entries[0]["direction"], "in");
  EXPECT_EQ(entries[0]["from"]["kind"], "admin");
  EXPECT_EQ(entries[0]["to"],
            (nlohmann::json{{"kind", "character"}, {"id", std::stoll(character)}}));
  EXPECT_EQ(entries[0]["reason"], "event prize");
  EXPECT_EQ(entries[0]["staff"], "Mod_1");
  EXPECT_EQ(entries[0]["audit_id"], pelts.json()["audit_id"]);
  EXPECT_TRUE(entries[0]["listing_id"].is_null());
  EXPECT_EQ(entries[1]["asset"], "gold");
  EXPECT_EQ(entries[1]["amount"], 500);
  EXPECT_EQ(entries[1]["reason"], "lost to a bug");
  EXPECT_TRUE(ledger.json()["next_before"].is_null());

  // More than held: 409 and nothing written, not even the audit row.
  const auto ledger_rows = count("SELECT count(*) FROM market_ledger");
  const auto audit_rows = count("SELECT count(*) FROM admin_audit");
  expect_error(api->post(base + "/remove", {{"gold", 501}, {"reason", "duplicated gold"}}, admin),
               409, "insufficient");
  expect_error(api->post(base + "/remove",
                         {{"item_id", "wolf_pelt"}, {"quantity", 4}, {"reason", "duped"}}, admin),
               409, "insufficient");
  EXPECT_EQ(count("SELECT count(*) FROM market_ledger"), ledger_rows);
  EXPECT_EQ(count("SELECT count(*) FROM admin_audit"), audit_rows);
  EXPECT_EQ(count("SELECT gold FROM characters WHERE id = " + character), 500);

  const auto removed =
      api->post(base + "/remove", {{"gold", 200}, {"reason", "duplicated gold"}}, admin);
  ASSERT_EQ(removed.status, 200) << removed.body;
  EXPECT_EQ(removed.json()["character"]["gold"], 300);
  const auto taken = api->post(
      base + "/remove", {{"item_id", "wolf_pelt"}, {"quantity", 2}, {"reason", "duped"}}, admin);
  ASSERT_EQ(taken.status, 200) << taken.body;
  EXPECT_EQ(held(taken.json()["character"], "wolf_pelt"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM admin_audit WHERE action = 'remove'"), 2);

  // Newest first, in pages.
  const auto first = api->get(base + "/ledger?limit=3", admin);
  ASSERT_EQ(first.status, 200) << first.body;
  ASSERT_EQ(first.json()["entries"].size(), 3u);
  EXPECT_EQ(first.json()["entries"][0]["direction"], "out");
  EXPECT_EQ(first.json()["entries"][0]["to"]["kind"], "admin");
  EXPECT_EQ(first.json()["entries"][0]["amount"], 2);
  const auto cursor = first.json()["next_before"];
  ASSERT_TRUE(cursor.is_number_integer()) << first.body;
  const auto rest = api->get(base + "/ledger?limit=3&before=" + cursor.dump(), admin);
  ASSERT_EQ(rest.status, 200) << rest.body;
  ASSERT_EQ(rest.json()["entries"].size(), 1u);
  EXPECT_EQ(rest.json()["entries"][0]["amount"], 500);
  EXPECT_TRUE(rest.json()["next_before"].is_null());
}

TEST_F(ApiAdminIT, BadEconomyInputGetsClientErrorsAndWritesNothing) {
  auto staged = scene(start_api(), AdminRole::admin, "Player_1");
  auto& api = staged.api;
  const auto& admin = staged.staff_token;
  const auto base = "/admin/v1/characters/" + std::to_string(hero(staged, "Hero"));
  expect_error(api->post(base + "/grant",
                         {{"item_id", "excalibur"}, {"quantity", 1}, {"reason", "x"}}, admin),
               422, "unknown_item");
  expect_error(api->post(base + "/grant", {{"gold", 1}}, admin), 422, "missing_field");
  expect_error(api->post(base + "/grant", {{"gold", 1}, {"reason", ""}}, admin), 422,
               "invalid_field");
  expect_error(api->post(base + "/grant", {{"gold", 0}, {"reason", "x"}}, admin), 422,
               "invalid_field");
  expect_error(api->post(base + "/grant", {{"gold", 1000000001}, {"reason", "x"}}, admin), 422,
               "invalid_field");
  expect_error(
      api->post(base + "/grant",
                {{"gold", 1}, {"item_id", "wolf_pelt"}, {"quantity", 1}, {"reason", "x"}}, admin),
      422, "invalid_field");
  expect_error(api->post(base + "/grant", {{"reason", "x"}}, admin), 422, "invalid_field");
  expect_error(api->post(base + "/grant",
                         {{"item_id", "wolf_pelt"}, {"quantity", 10001}, {"reason", "x"}}, admin),
               422, "invalid_field");
  expect_error(
      api->post("/admin/v1/characters/999999/grant", {{"gold", 1}, {"reason", "x"}}, admin), 404,
      "not_found");
  expect_error(api->get("/admin/v1/characters/999999/ledger", admin), 404, "not_found");
  expect_error(api->get(base + "/ledger?limit=0", admin), 422, "invalid_query");
  expect_error(api->get(base + "/ledger?before=x", admin), 422, "invalid_query");
  EXPECT_EQ(count("SELECT count(*) FROM admin_audit"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM market_ledger"), 0);
}

TEST_F(ApiAdminIT, OnlyAdminsChangeGoldAndItemsAndViewersReadTheLedger) {
  auto staged = scene(start_api(), AdminRole::moderator, "Player_1");
  auto& api = staged.api;
  api->create_admin("View_1", kStaffPassword, AdminRole::viewer);
  const auto viewer = admin_login(*api, "View_1");
  const auto base = "/admin/v1/characters/" + std::to_string(hero(staged, "Hero"));
  const nlohmann::json gold = {{"gold", 10}, {"reason", "x"}};
  expect_error(api->post(base + "/grant", gold, staged.staff_token), 403, "forbidden");
  expect_error(api->post(base + "/remove", gold, staged.staff_token), 403, "forbidden");
  expect_error(api->post(base + "/grant", gold, viewer), 403, "forbidden");
  expect_error(api->post("/admin/v1/listings/1/cancel", {{"reason", "x"}}, viewer), 403,
               "forbidden");
  expect_error(api->get(base + "/ledger", staged.player["access_token"]), 401, "invalid_token");
  const auto ledger = api->get(base + "/ledger", viewer);
  ASSERT_EQ(ledger.status, 200) << ledger.body;
  EXPECT_TRUE(ledger.json()["entries"].empty());
  EXPECT_EQ(count("SELECT count(*) FROM admin_audit"), 0);
}

TEST_F(ApiAdminIT, AModeratorCancelsAListingAndTheEscrowGoesBackToTheSeller) {
  auto staged = scene(start_api(), AdminRole::moderator, "Seller_1");
  auto& api = staged.api;
  const auto& moderator = staged.staff_token;
  const auto seller = hero(staged, "Seller");
  const auto seller_text = std::to_string(seller);
  EXPECT_EQ(count("WITH i AS (INSERT INTO inventory_items (character_id, slot, item_id, quantity) "
                  "VALUES (" +
                  seller_text + ", 9, 'wolf_pelt', 5) RETURNING 1) SELECT count(*) FROM i"),
            1);
  const auto listed = http_request(
      api->port(), "POST", "/v1/market/listings",
      nlohmann::json{
          {"character_id", seller}, {"item_id", "wolf_pelt"}, {"quantity", 5}, {"price", 100}}
          .dump(),
      {{"Content-Type", "application/json"},
       {"Authorization", "Bearer " + staged.player["access_token"].get<std::string>()},
       {"Idempotency-Key", "list-1"}});
  ASSERT_EQ(listed.status, 201) << listed.body;
  const auto listing = std::to_string(listed.json()["listing"]["id"].get<std::int64_t>());
  EXPECT_EQ(count("SELECT coalesce(sum(quantity), 0) FROM inventory_items WHERE item_id = "
                  "'wolf_pelt' AND character_id = " +
                  seller_text),
            0);

  const auto target = "/admin/v1/listings/" + listing + "/cancel";
  expect_error(api->post(target, nlohmann::json::object(), moderator), 422, "missing_field");
  const auto cancelled = api->post(target, {{"reason", "price manipulation"}}, moderator);
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(cancelled.json()["listing"]["status"], "cancelled");
  EXPECT_EQ(count("SELECT coalesce(sum(quantity), 0) FROM inventory_items WHERE item_id = "
                  "'wolf_pelt' AND character_id = " +
                  seller_text),
            5);
  EXPECT_EQ(count("SELECT count(*) FROM admin_audit WHERE action = 'cancel_listing' AND "
                  "target_type = 'listing' AND target_id = " +
                  listing + " AND reason = 'price manipulation'"),
            1);
  const auto ledger = api->get("/admin/v1/characters/" + seller_text + "/ledger", moderator);
  ASSERT_EQ(ledger.status, 200) << ledger.body;
  const auto entries = ledger.json()["entries"];
  ASSERT_EQ(entries.size(), 2u) << ledger.body;
  EXPECT_EQ(entries[0]["from"]["kind"], "escrow");
  EXPECT_EQ(entries[0]["direction"], "in");
  EXPECT_EQ(entries[0]["listing_id"], std::stoll(listing));
  EXPECT_EQ(entries[0]["reason"], "price manipulation");
  EXPECT_EQ(entries[0]["staff"], "Mod_1");
  EXPECT_EQ(entries[1]["direction"], "out");
  EXPECT_TRUE(entries[1]["staff"].is_null());

  expect_error(api->post(target, {{"reason", "again"}}, moderator), 409, "listing_closed");
  expect_error(api->post("/admin/v1/listings/999999/cancel", {{"reason", "x"}}, moderator), 404,
               "not_found");
  EXPECT_EQ(count("SELECT count(*) FROM admin_audit"), 1);
}

}  // namespace
}  // namespace omega::api::testing
