// The admin console against a real PostgreSQL and Redis: its web pages served at /admin/
// (Content-Type, no way out of admin.static_dir), the live world view read from the instance
// registry (with the load zone processes report) and the tournaments view, and who may read
// the views.
#include <gtest/gtest.h>

#include "api/integration_test_support.hpp"
#include "api/world_test_support.hpp"

namespace omega::api::testing {
namespace {

using ApiAdminConsoleIT = FreshDatabaseTest;

constexpr const char* kStaffPassword = "staff password 1";

std::string staff_token(TestApi& api, AdminRole role) {
  api.create_admin("View_1", kStaffPassword, role);
  const auto login =
      api.post("/admin/v1/login", {{"username", "View_1"}, {"password", kStaffPassword}});
  EXPECT_EQ(login.status, 200) << login.body;
  return login.json().value("access_token", "");
}

TEST_F(ApiAdminConsoleIT, ServesThePagesWithTheirContentTypeAndNothingOutsideTheirFolder) {
  auto api = start_api();
  const auto index = api->get("/admin/");
  ASSERT_EQ(index.status, 200) << index.body;
  EXPECT_EQ(index.headers.at("content-type"), "text/html; charset=utf-8");
  EXPECT_NE(index.body.find("id=\"login-username\""), std::string::npos);
  EXPECT_NE(index.body.find("id=\"login-password\""), std::string::npos);
  EXPECT_NE(index.body.find("id=\"login-submit\""), std::string::npos);
  EXPECT_NE(index.headers.at("content-security-policy").find("frame-ancestors 'none'"),
            std::string::npos);
  const auto script = api->get("/admin/app.js");
  ASSERT_EQ(script.status, 200);
  EXPECT_EQ(script.headers.at("content-type"), "application/javascript; charset=utf-8");
  EXPECT_EQ(api->get("/admin/style.css").headers.at("content-type"), "text/css; charset=utf-8");
  EXPECT_EQ(api->get("/admin/index.html").body, index.body);
  const auto redirect = api->get("/admin");
  EXPECT_EQ(redirect.status, 308);
  EXPECT_EQ(redirect.headers.at("location"), "/admin/");

  // Out of the folder, hidden or not a served type: a JSON 404, never a file.
  for (const char* target :
       {"/admin/../x", "/admin/%2e%2e/x", "/admin/%2e%2e", "/admin/..", "/admin/%2e%2e%2fREADME.md",
        "/admin/..%2f..%2fapi%2fconfig.cpp", "/admin/%2fetc%2fpasswd", "/admin/.hidden.js",
        "/admin/missing.js", "/admin/README.md", "/admin/app.js%00.html"}) {
    const auto refused = api->get(target);
    EXPECT_EQ(refused.status, 404) << target << ": " << refused.body;
    EXPECT_EQ(refused.headers.at("content-type"), "application/json") << target;
    EXPECT_EQ(refused.body.find("omega"), std::string::npos) << target;
  }
}

TEST_F(ApiAdminConsoleIT, TheWorldViewListsTheRegistrysProcessesWithTheirLoad) {
  auto api = start_api();
  const auto token = staff_token(*api, AdminRole::viewer);
  RegistryWriter registry(shared_services().redis_url, api->config().redis_prefix);
  // zone-a reports its load (a zone of this version); zone-b is an older zone without it.
  const nlohmann::json loaded = {{"id", "zone-a"},
                                 {"ws_url", "ws://127.0.0.1:8081"},
                                 {"control_url", "http://127.0.0.1:9081"},
                                 {"zones", {"forest", "hub_city_1"}},
                                 {"tick_p99_ms", 3.5},
                                 {"bytes_out_per_player_s", 2500},
                                 {"expires_ms", now_ms() + 10'000}};
  registry.command({"HSET", registry.prefix() + "zoneprocs", "zone-a", loaded.dump()});
  registry.process("zone-b", "http://127.0.0.1:9082", {"forest"});
  registry.instance("forest", 1, 7, 0, std::nullopt, "zone-a");
  registry.instance("hub_city_1", 1, 3, 0, std::nullopt, "zone-a");
  registry.instance("forest", 2, 2, 0, std::nullopt, "zone-b");

  const auto world = api->get("/admin/v1/world", token);
  ASSERT_EQ(world.status, 200) << world.body;
  const auto body = world.json();
  ASSERT_EQ(body["processes"].size(), 2u) << world.body;
  const auto& a = body["processes"][0];
  EXPECT_EQ(a["id"], "zone-a");
  EXPECT_EQ(a["control_url"], "http://127.0.0.1:9081");
  EXPECT_EQ(a["zones"], nlohmann::json({"forest", "hub_city_1"}));
  EXPECT_EQ(a["instances"], 2);
  EXPECT_EQ(a["players"], 10);
  EXPECT_EQ(a["capacity"], 600);
  EXPECT_EQ(a["tick_p99_ms"], 3.5);
  EXPECT_EQ(a["kb_per_player_s"], 2.5);
  const auto& b = body["processes"][1];
  EXPECT_EQ(b["id"], "zone-b");
  EXPECT_EQ(b["players"], 2);
  EXPECT_TRUE(b["tick_p99_ms"].is_null());
  EXPECT_TRUE(b["kb_per_player_s"].is_null());
  ASSERT_EQ(body["instances"].size(), 3u);
  EXPECT_EQ(body["instances"][0]["zone"], "forest");
  EXPECT_EQ(body["instances"][0]["instance"], 1);
  EXPECT_EQ(body["instances"][0]["process_id"], "zone-a");
  EXPECT_EQ(body["instances"][0]["capacity"], 100);
  EXPECT_EQ(body["totals"], nlohmann::json({{"processes", 2}, {"instances", 3}, {"players", 12}}));
}

TEST_F(ApiAdminConsoleIT, TheTournamentsViewListsQueuesLiveMatchesAndResults) {
  auto api = start_api([](Config& config) { config.tournament_interval_ms = 0; });
  const auto token = staff_token(*api, AdminRole::viewer);
  const auto empty = api->get("/admin/v1/tournaments", token);
  ASSERT_EQ(empty.status, 200) << empty.body;
  ASSERT_EQ(empty.json()["queues"].size(), 2u) << "every tournament of content/arenas.json";
  EXPECT_EQ(empty.json()["queues"][0]["tournament"], "arena_1v1");
  EXPECT_EQ(empty.json()["queues"][0]["waiting"], 0);
  EXPECT_TRUE(empty.json()["queues"][0]["longest_wait_ms"].is_null());
  EXPECT_TRUE(empty.json()["live_matches"].empty());
  EXPECT_TRUE(empty.json()["recent_results"].empty());

  const auto waiting = make_player(*api, "Waiter");
  const auto winner = make_player(*api, "Winner");
  const auto loser = make_player(*api, "Loser");
  count("INSERT INTO tournament_queue (character_id, tournament, rating) VALUES (" +
        std::to_string(waiting.character_id) + ", 'arena_2v2', 1000) RETURNING 1");
  const auto finished = count(
      "INSERT INTO tournament_matches (tournament, state, zone, instance, opened_at, finished_at, "
      "winner_team) VALUES ('arena_1v1', 'finished', 'arena_1', 4, now(), now(), 1) RETURNING id");
  count(
      "INSERT INTO tournament_match_players (match_id, character_id, team, queued_at, "
      "rating_before, rating_after) VALUES (" +
      std::to_string(finished) + ", " + std::to_string(winner.character_id) +
      ", 1, now(), 1000, 1016), (" + std::to_string(finished) + ", " +
      std::to_string(loser.character_id) + ", 2, now(), 1000, 984) RETURNING 1");
  const auto open = count(
      "INSERT INTO tournament_matches (tournament, state) VALUES ('arena_1v1', 'allocating') "
      "RETURNING id");

  const auto view = api->get("/admin/v1/tournaments", token);
  ASSERT_EQ(view.status, 200) << view.body;
  const auto body = view.json();
  EXPECT_EQ(body["queues"][1]["tournament"], "arena_2v2");
  EXPECT_EQ(body["queues"][1]["team_size"], 2);
  EXPECT_EQ(body["queues"][1]["waiting"], 1);
  EXPECT_TRUE(body["queues"][1]["longest_wait_ms"].is_number_integer());
  ASSERT_EQ(body["live_matches"].size(), 1u);
  EXPECT_EQ(body["live_matches"][0]["id"], open);
  EXPECT_EQ(body["live_matches"][0]["state"], "allocating");
  EXPECT_TRUE(body["live_matches"][0]["zone"].is_null());
  ASSERT_EQ(body["recent_results"].size(), 1u);
  const auto& result = body["recent_results"][0];
  EXPECT_EQ(result["id"], finished);
  EXPECT_EQ(result["winner_team"], 1);
  EXPECT_EQ(result["zone"], "arena_1");
  ASSERT_EQ(result["players"].size(), 2u);
  EXPECT_EQ(result["players"][0]["name"], "Winner");
  EXPECT_EQ(result["players"][0]["rating_after"], 1016);
  EXPECT_EQ(result["players"][1]["team"], 2);
}

TEST_F(ApiAdminConsoleIT, TheViewsNeedAStaffToken) {
  auto api = start_api();
  const auto player = api->register_and_login("Player_1", "correct horse 1");
  const auto player_token = player["access_token"].get<std::string>();
  for (const char* view : {"/admin/v1/world", "/admin/v1/tournaments"}) {
    EXPECT_EQ(api->get(view).status, 401) << view;
    EXPECT_EQ(api->get(view, player_token).status, 401) << view;
    EXPECT_EQ(api->get(view, "oa_" + std::string(43, 'A')).status, 401) << view;
  }
  const auto token = staff_token(*api, AdminRole::viewer);
  EXPECT_EQ(api->get("/admin/v1/world", token).status, 200);
  EXPECT_EQ(api->get("/admin/v1/tournaments", token).status, 200);
}

}  // namespace
}  // namespace omega::api::testing
