// Auth against a real PostgreSQL and Redis: the whole flow, races, limits, hostile input.
#include <gtest/gtest.h>

#include <atomic>
#include <pqxx/pqxx>
#include <thread>

#include "api/integration_test_support.hpp"

namespace omega::api::testing {
namespace {

using ApiAuthIT = FreshDatabaseTest;

void expect_error(const HttpResult& result, int status, const std::string& code = "") {
  EXPECT_EQ(result.status, status) << result.body;
  const auto body = result.json();
  ASSERT_TRUE(body.is_object()) << result.body;
  ASSERT_TRUE(body.contains("error")) << result.body;
  EXPECT_TRUE(body["error"]["code"].is_string());
  EXPECT_TRUE(body["error"]["message"].is_string());
  if (!code.empty()) {
    EXPECT_EQ(body["error"]["code"], code) << result.body;
  }
}

TEST_F(ApiAuthIT, FullFlowWithRefreshRotationReuseDetectionAndLogoutAll) {
  auto api = start_api();
  const nlohmann::json credentials = {{"username", "Alice_1"}, {"password", "correct horse 1"}};
  const auto registered = api->post("/v1/auth/register", credentials);
  ASSERT_EQ(registered.status, 201) << registered.body;
  EXPECT_EQ(registered.json()["account"]["username"], "Alice_1");
  expect_error(api->post("/v1/auth/register", {{"username", "ALICE_1"}, {"password", "another pw 2"}}), 409,
               "username_taken");
  expect_error(api->post("/v1/auth/login", {{"username", "alice_1"}, {"password", "wrong password"}}), 401,
               "invalid_credentials");
  expect_error(api->post("/v1/auth/login", {{"username", "nobody_here"}, {"password", "whatever1"}}), 401,
               "invalid_credentials");

  // Login is case-insensitive on the name.
  const auto login = api->post("/v1/auth/login", {{"username", "alice_1"}, {"password", "correct horse 1"}});
  ASSERT_EQ(login.status, 200) << login.body;
  const auto first = login.json();
  EXPECT_EQ(first["token_type"], "Bearer");
  EXPECT_EQ(first["expires_in"], 900);
  EXPECT_EQ(api->get("/v1/characters", first["access_token"]).status, 200);
  expect_error(api->get("/v1/characters"), 401, "missing_token");
  expect_error(api->get("/v1/characters", "not.a.token"), 401, "invalid_token");

  // Rotation: each refresh token works once.
  const auto rotated = api->post("/v1/auth/refresh", {{"refresh_token", first["refresh_token"]}});
  ASSERT_EQ(rotated.status, 200) << rotated.body;
  const auto second = rotated.json();
  EXPECT_NE(second["refresh_token"], first["refresh_token"]);
  EXPECT_EQ(api->get("/v1/characters", second["access_token"]).status, 200);

  // Reuse of the first token: refused, and the whole family (including the second) revoked.
  expect_error(api->post("/v1/auth/refresh", {{"refresh_token", first["refresh_token"]}}), 401,
               "refresh_token_reused");
  expect_error(api->post("/v1/auth/refresh", {{"refresh_token", second["refresh_token"]}}), 401,
               "refresh_token_revoked");
  expect_error(api->post("/v1/auth/refresh", {{"refresh_token", "made-up"}}), 401, "invalid_refresh_token");

  // Logout revokes one session.
  const auto session_a = api->post("/v1/auth/login", credentials).json();
  const auto session_b = api->post("/v1/auth/login", credentials).json();
  EXPECT_EQ(api->post("/v1/auth/logout", {{"refresh_token", session_a["refresh_token"]}}).status, 204);
  expect_error(api->post("/v1/auth/refresh", {{"refresh_token", session_a["refresh_token"]}}), 401);
  const auto session_b2 = api->post("/v1/auth/refresh", {{"refresh_token", session_b["refresh_token"]}}).json();
  ASSERT_TRUE(session_b2.contains("access_token"));

  // Logout-all revokes every access and refresh token at once, including in-flight ones.
  EXPECT_EQ(api->post("/v1/auth/logout-all", nlohmann::json::object(), session_b2["access_token"]).status, 204);
  expect_error(api->get("/v1/characters", session_b2["access_token"]), 401, "token_revoked");
  expect_error(api->get("/v1/characters", second["access_token"]), 401, "token_revoked");
  expect_error(api->post("/v1/auth/refresh", {{"refresh_token", session_b2["refresh_token"]}}), 401);
  // Revocation also holds for a fresh API process (a replica with a cold cache).
  api->restart();
  expect_error(api->get("/v1/characters", session_b2["access_token"]), 401, "token_revoked");
  // And a new login works.
  const auto fresh = api->post("/v1/auth/login", credentials).json();
  EXPECT_EQ(api->get("/v1/characters", fresh["access_token"]).status, 200);
  EXPECT_EQ(count("SELECT count(*) FROM refresh_tokens WHERE revoked_at IS NULL"), 1);
}

TEST_F(ApiAuthIT, FiftyConcurrentRegistrationsOfOneNameGiveExactlyOneCreated) {
  auto api = start_api();
  constexpr int kRequests = 50;
  std::atomic<int> created{0}, conflicts{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kRequests; ++i) {
    threads.emplace_back([&, i] {
      const auto result = api->post("/v1/auth/register",
                                    {{"username", i % 2 ? "racer_name" : "RACER_NAME"}, {"password", "password " + std::to_string(i)}});
      if (result.status == 201) ++created;
      else if (result.status == 409) ++conflicts;
      else ++other;
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(created, 1);
  EXPECT_EQ(conflicts, kRequests - 1);
  EXPECT_EQ(other, 0);
  EXPECT_EQ(count("SELECT count(*) FROM accounts WHERE lower(username) = 'racer_name'"), 1);
}

TEST_F(ApiAuthIT, FailedLoginsAreLimitedPerAccountAndPerIp) {
  auto api = start_api([](Config& config) {
    config.login_failures_per_account = 3;
    config.login_failures_per_ip = 5;
    config.trust_forwarded_for = true;
  });
  api->register_and_login("victim_01", "right password");
  auto attempt = [&](const std::string& user, const std::string& password, const std::string& ip) {
    return http_request(api->port(), "POST", "/v1/auth/login",
                        nlohmann::json{{"username", user}, {"password", password}}.dump(),
                        {{"Content-Type", "application/json"}, {"X-Forwarded-For", ip}});
  };
  for (int i = 0; i < 3; ++i) EXPECT_EQ(attempt("victim_01", "wrong", "10.0.0." + std::to_string(i)).status, 401);
  // The account is locked for everyone, even with the right password, until the window ends.
  const auto limited = attempt("victim_01", "right password", "10.0.0.9");
  expect_error(limited, 429, "too_many_attempts");
  ASSERT_TRUE(limited.headers.count("retry-after"));
  EXPECT_GE(std::stoi(limited.headers.at("retry-after")), 1);

  // One IP trying many accounts is stopped too; other IPs are not.
  for (int i = 0; i < 5; ++i) EXPECT_EQ(attempt("someone_" + std::to_string(i), "x", "192.0.2.7").status, 401);
  expect_error(attempt("someone_9", "x", "192.0.2.7"), 429, "too_many_attempts");
  EXPECT_EQ(attempt("someone_9", "x", "192.0.2.8").status, 401);
}

TEST_F(ApiAuthIT, HostileInputGets4xxJsonErrorsAndStoresNothing) {
  auto api = start_api([](Config& config) { config.body_limit_bytes = 64 * 1024; });
  auto raw = [&](const std::string& path, const std::string& body, const std::string& type = "application/json",
                 const std::string& token = "") {
    std::vector<std::pair<std::string, std::string>> headers{{"Content-Type", type}};
    if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + token);
    return http_request(api->port(), "POST", path, body, headers);
  };
  for (const char* path : {"/v1/auth/register", "/v1/auth/login", "/v1/auth/refresh"}) {
    expect_error(raw(path, "{\"username\": \"abc\", "), 400, "invalid_json");
    expect_error(raw(path, "[]"), 400, "invalid_json");
    expect_error(raw(path, ""), 400, "invalid_json");
    expect_error(raw(path, "{}"), 422, "missing_field");
    expect_error(raw(path, "{\"username\":\"abc\"}", "text/plain"), 415);
  }
  expect_error(raw("/v1/auth/register", R"({"username": 123, "password": "long enough"})"), 422, "invalid_field");
  expect_error(raw("/v1/auth/register", R"({"username": "valid_name", "password": ["a"]})"), 422, "invalid_field");
  expect_error(raw("/v1/auth/register", R"({"username": "valid_name", "password": "short"})"), 422, "invalid_field");
  expect_error(raw("/v1/auth/register", R"({"username": null, "password": "long enough"})"), 422);
  expect_error(raw("/v1/auth/register", std::string(10 * 1024 * 1024, ' ')), 413, "payload_too_large");
  expect_error(raw("/v1/auth/register", "{\"username\":\"" + std::string(10 * 1024 * 1024, 'a') + "\"}"), 413);
  for (const std::string name : {"x'; DROP TABLE accounts;--", "admin' OR '1'='1", "Robert\"); --", "Ζεύς",
                                 "名前です", "alice\u200b", "e\u0301mile", "ab", "a b c", "tab\tname"}) {
    expect_error(raw("/v1/auth/register", nlohmann::json{{"username", name}, {"password", "long enough"}}.dump()),
                 422, "invalid_username");
  }
  expect_error(raw("/v1/auth/register", "{\"username\":\"ok_name\",\"password\":\"\xff\xfe\xfd long\"}"), 400);
  const auto login = api->register_and_login("legit_user");
  const std::string token = login["access_token"];
  const std::vector<std::string> character_names = {
      "Robert'); DROP TABLE characters;--", "1' OR '1'='1", "Ærwyn", "Λέων", "名前", "Zoë",
      std::string("Bob\0by", 6), "ab", "ThisNameIsWayTooLong"};
  for (const auto& name : character_names) {
    expect_error(raw("/v1/characters", nlohmann::json{{"name", name}, {"class", "warrior"}}.dump(),
                     "application/json", token),
                 422, "invalid_name");
  }
  expect_error(raw("/v1/characters", R"({"name": "Valid", "class": "warrior'; --"})", "application/json", token),
               422, "unknown_class");
  expect_error(raw("/v1/characters", R"({"name": ["Valid"], "class": "warrior"})", "application/json", token), 422);
  expect_error(api->get("/v1/characters/1%20OR%201=1", token), 404);
  expect_error(api->get("/v1/characters/-1", token), 404);
  expect_error(api->get("/v1/leaderboards/level'%3B--"), 404);
  expect_error(api->get("/v1/leaderboards/level?limit=1;DROP"), 400, "invalid_limit");
  expect_error(api->get("/v1/leaderboards/level?period=1'OR'1"), 400, "invalid_period");
  expect_error(api->get("/v1/nothing/here"), 404, "not_found");
  expect_error(http_request(api->port(), "PUT", "/v1/characters", "{}", {{"Content-Type", "application/json"}}), 405);

  EXPECT_EQ(count("SELECT count(*) FROM accounts"), 1) << "only legit_user";
  EXPECT_EQ(count("SELECT count(*) FROM characters"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM pg_tables WHERE tablename IN ('accounts', 'characters')"), 2);
}

TEST_F(ApiAuthIT, InternalRoutesNeedTheServiceCredential) {
  auto api = start_api();
  const auto user = api->register_and_login("plain_user");
  const nlohmann::json scores = {{"entries", {{{"character_id", 1}, {"score", 5}}}}};
  expect_error(api->post("/internal/v1/leaderboards/level", scores), 401, "invalid_service_token");
  expect_error(api->post("/internal/v1/leaderboards/level", scores, user["access_token"]), 401,
               "invalid_service_token");
  expect_error(api->post("/internal/v1/leaderboards/level", scores, "wrong-service-token"), 401);
  expect_error(api->post("/internal/v1/leaderboards/level", scores, TestApi::kServiceToken), 422,
               "unknown_character");
}

}  // namespace
}  // namespace omega::api::testing
