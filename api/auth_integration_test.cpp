// Auth against a real PostgreSQL and Redis: the whole flow, races, limits, hostile input.
#include <gtest/gtest.h>

#include <algorithm>
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
  expect_error(
      api->post("/v1/auth/register", {{"username", "ALICE_1"}, {"password", "another pw 2"}}), 409,
      "username_taken");
  expect_error(
      api->post("/v1/auth/login", {{"username", "alice_1"}, {"password", "wrong password"}}), 401,
      "invalid_credentials");
  expect_error(
      api->post("/v1/auth/login", {{"username", "nobody_here"}, {"password", "whatever1"}}), 401,
      "invalid_credentials");

  // Login is case-insensitive on the name.
  const auto login =
      api->post("/v1/auth/login", {{"username", "alice_1"}, {"password", "correct horse 1"}});
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
  expect_error(api->post("/v1/auth/refresh", {{"refresh_token", "made-up"}}), 401,
               "invalid_refresh_token");

  // Logout revokes one session.
  const auto session_a = api->post("/v1/auth/login", credentials).json();
  const auto session_b = api->post("/v1/auth/login", credentials).json();
  EXPECT_EQ(api->post("/v1/auth/logout", {{"refresh_token", session_a["refresh_token"]}}).status,
            204);
  expect_error(api->post("/v1/auth/refresh", {{"refresh_token", session_a["refresh_token"]}}), 401);
  const auto session_b2 =
      api->post("/v1/auth/refresh", {{"refresh_token", session_b["refresh_token"]}}).json();
  ASSERT_TRUE(session_b2.contains("access_token"));

  // Logout-all revokes every access and refresh token at once, including in-flight ones.
  EXPECT_EQ(
      api->post("/v1/auth/logout-all", nlohmann::json::object(), session_b2["access_token"]).status,
      204);
  expect_error(api->get("/v1/characters", session_b2["access_token"]), 401, "token_revoked");
  expect_error(api->get("/v1/characters", second["access_token"]), 401, "token_revoked");
  expect_error(api->post("/v1/auth/refresh", {{"refresh_token", session_b2["refresh_token"]}}),
               401);
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
      const auto result =
          api->post("/v1/auth/register", {{"username", i % 2 ? "racer_name" : "RACER_NAME"},
                                          {"password", "password " + std::to_string(i)}});
      if (result.status == 201)
        ++created;
      else if (result.status == 409)
        ++conflicts;
      else
        ++other;
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(created, 1);
  EXPECT_EQ(conflicts, kRequests - 1);
  EXPECT_EQ(other, 0);
  EXPECT_EQ(count("SELECT count(*) FROM accounts WHERE lower(username) = 'racer_name'"), 1);
}

// A login from `client`, as a load balancer at 127.0.0.1 (a trusted proxy in these tests)
// would forward it.
HttpResult login_from(const TestApi& api, const std::string& client, const std::string& user,
                      const std::string& password) {
  return http_request(api.port(), "POST", "/v1/auth/login",
                      nlohmann::json{{"username", user}, {"password", password}}.dump(),
                      {{"Content-Type", "application/json"}, {"X-Forwarded-For", client}});
}

int retry_after(const HttpResult& result) {
  const auto header = result.headers.find("retry-after");
  return header == result.headers.end() ? -1 : std::stoi(header->second);
}

void behind_local_proxy(Config& config) {
  config.trusted_proxies = "127.0.0.1";
  config.login_free_failures = 3;
  config.login_delay_base_s = 1;
  config.login_delay_cap_s = 4;
  config.login_failure_memory_s = 3600;
}

TEST_F(ApiAuthIT, AGuesserIsDelayedExponentiallyButTheOwnerLogsInFromAnotherClient) {
  auto api = start_api(behind_local_proxy);
  api->register_and_login("victim_01", "right password");
  const std::string attacker = "203.0.113.5", owner = "198.51.100.7";
  for (int i = 0; i < 3; ++i)
    expect_error(login_from(*api, attacker, "victim_01", "wrong"), 401, "invalid_credentials");
  // Three failures: the attacker's next attempt for this account waits, right password or not.
  const auto delayed = login_from(*api, attacker, "victim_01", "right password");
  expect_error(delayed, 429, "too_many_attempts");
  EXPECT_EQ(retry_after(delayed), 1);
  // The owner, from their own client, is not locked out; a typo of theirs changes nothing.
  EXPECT_EQ(login_from(*api, owner, "victim_01", "right password").status, 200);
  expect_error(login_from(*api, owner, "victim_01", "wrong"), 401, "invalid_credentials");
  EXPECT_EQ(login_from(*api, owner, "victim_01", "right password").status, 200);

  // Waits are counted from the start of an attempt, and a Retry-After is rounded up, so one
  // second less than the nominal wait may show. After each wait one more guess is admitted;
  // the next wait doubles, up to the cap.
  auto expect_wait = [&](int nominal_seconds) {
    const auto result = login_from(*api, attacker, "victim_01", "wrong");
    expect_error(result, 429, "too_many_attempts");
    EXPECT_GE(retry_after(result), nominal_seconds - 1);
    EXPECT_LE(retry_after(result), nominal_seconds);
  };
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  expect_error(login_from(*api, attacker, "victim_01", "wrong"), 401, "invalid_credentials");
  // Delayed again at once: the owner's successes did not reset the attacker's count.
  expect_wait(2);
  // A burst while waiting gets nowhere: no attempt is admitted, none is counted.
  for (int i = 0; i < 20; ++i)
    EXPECT_EQ(login_from(*api, attacker, "victim_01", "right password").status, 429);
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  expect_error(login_from(*api, attacker, "victim_01", "wrong"), 401);
  expect_wait(4);
  std::this_thread::sleep_for(std::chrono::milliseconds(4100));
  expect_error(login_from(*api, attacker, "victim_01", "wrong"), 401);
  expect_wait(4);  // login_delay_cap_s, not 8
  // Other accounts are not delayed for that client.
  api->register_and_login("bystander", "their password");
  EXPECT_EQ(login_from(*api, attacker, "bystander", "their password").status, 200);
}

TEST_F(ApiAuthIT, ConcurrentGuessesCannotSlipPastTheDelay) {
  auto api = start_api(behind_local_proxy);
  api->register_and_login("victim_02", "right password");
  std::atomic<int> wrong{0}, delayed{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 12; ++i) {
    threads.emplace_back([&] {
      const auto status = login_from(*api, "203.0.113.77", "victim_02", "wrong").status;
      if (status == 401)
        ++wrong;
      else if (status == 429)
        ++delayed;
      else
        ++other;
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(wrong, 3) << "only the free failures are admitted, however many arrive at once";
  EXPECT_EQ(delayed, 9);
  EXPECT_EQ(other, 0);
}

TEST_F(ApiAuthIT, SprayingManyAccountsFromOneAddressSlowsOnlyThatAddress) {
  auto api = start_api([](Config& config) {
    behind_local_proxy(config);
    config.login_client_burst = 5;
    config.login_client_failures_per_hour = 60;
  });
  api->register_and_login("target_01", "right password");
  for (int i = 0; i < 5; ++i)
    expect_error(login_from(*api, "192.0.2.7", "someone_" + std::to_string(i), "x"), 401);
  // The sprayer's budget is spent: it waits a refill (one minute here) for any account.
  const auto slowed = login_from(*api, "192.0.2.7", "target_01", "right password");
  expect_error(slowed, 429, "too_many_attempts");
  EXPECT_GE(retry_after(slowed), 1);
  EXPECT_LE(retry_after(slowed), 60);
  // Nobody else is: not another client, not the targeted owner.
  expect_error(login_from(*api, "192.0.2.8", "someone_9", "x"), 401, "invalid_credentials");
  EXPECT_EQ(login_from(*api, "192.0.2.8", "target_01", "right password").status, 200);
  // Good passwords do not spend a client's budget (many players behind one NAT).
  for (int i = 0; i < 10; ++i)
    EXPECT_EQ(login_from(*api, "192.0.2.9", "target_01", "right password").status, 200);
  expect_error(login_from(*api, "192.0.2.9", "someone_0", "x"), 401, "invalid_credentials");
}

// A registration from `client`, through the trusted local proxy.
HttpResult register_from(const TestApi& api, const std::string& client, const std::string& user) {
  return http_request(api.port(), "POST", "/v1/auth/register",
                      nlohmann::json{{"username", user}, {"password", "a long password"}}.dump(),
                      {{"Content-Type", "application/json"}, {"X-Forwarded-For", client}});
}

TEST_F(ApiAuthIT, OneAddressCreatesAccountsOnlyAtTheRegistrationRateAndFailuresCostNothing) {
  auto api = start_api([](Config& config) {
    behind_local_proxy(config);
    config.register_client_burst = 3;
    config.registrations_per_hour = 60;
  });
  // Three racing registrations of one name: one account, and the two that lost the race
  // (admitted, then refused by the unique index) are given back.
  std::vector<int> statuses(3);
  std::vector<std::thread> racers;
  for (int i = 0; i < 3; ++i)
    racers.emplace_back(
        [&, i] { statuses[i] = register_from(*api, "192.0.2.7", "farm_race").status; });
  for (auto& racer : racers) racer.join();
  std::sort(statuses.begin(), statuses.end());
  EXPECT_EQ(statuses, (std::vector<int>{201, 409, 409}));
  // A taken name and a bad body cost nothing either: two more accounts fit the burst of three.
  expect_error(register_from(*api, "192.0.2.7", "farm_race"), 409, "username_taken");
  expect_error(register_from(*api, "192.0.2.7", "x"), 422, "invalid_username");
  EXPECT_EQ(register_from(*api, "192.0.2.7", "farm_1").status, 201);
  EXPECT_EQ(register_from(*api, "192.0.2.7", "farm_2").status, 201);
  // The budget is spent: the next account waits for the refill (one a minute here).
  const auto refused = register_from(*api, "192.0.2.7", "farm_3");
  expect_error(refused, 429, "too_many_registrations");
  EXPECT_GE(retry_after(refused), 1);
  EXPECT_LE(retry_after(refused), 60);
  EXPECT_EQ(count("SELECT count(*) FROM accounts WHERE username LIKE 'farm%'"), 3);
  // Another address is not affected, and the farm's accounts still log in.
  EXPECT_EQ(register_from(*api, "192.0.2.8", "farm_3").status, 201);
  EXPECT_EQ(login_from(*api, "192.0.2.7", "farm_1", "a long password").status, 200);
}

TEST_F(ApiAuthIT, ForwardedForIsHonouredOnlyFromATrustedProxyAndOnlyItsRightmostUntrustedHop) {
  // No trusted proxy, or only one that is not our loopback peer: X-Forwarded-For is the
  // client's own claim and changes nothing.
  for (const std::string proxies : {"", "10.0.0.0/8"}) {
    SCOPED_TRACE("trusted proxies: '" + proxies + "'");
    auto api = start_api([&](Config& config) {
      behind_local_proxy(config);
      config.trusted_proxies = proxies;
    });
    const auto victim = "victim_" + unique_suffix();
    api->register_and_login(victim, "right password");
    for (int i = 0; i < 3; ++i)
      expect_error(login_from(*api, "10.1.1." + std::to_string(i), victim, "wrong"), 401);
    expect_error(login_from(*api, "10.1.1.9", victim, "right password"), 429, "too_many_attempts");
  }
  // Behind a trusted proxy the hop it appended counts: what the client wrote further left
  // does not let it pose as new clients.
  auto api = start_api(behind_local_proxy);
  api->register_and_login("victim_05", "right password");
  for (int i = 0; i < 3; ++i)
    expect_error(
        login_from(*api, "1.1.1." + std::to_string(i) + ", 203.0.113.9", "victim_05", "wrong"),
        401);
  expect_error(login_from(*api, "1.1.1.99, 203.0.113.9", "victim_05", "right password"), 429,
               "too_many_attempts");
  EXPECT_EQ(login_from(*api, "203.0.113.9, 198.51.100.1", "victim_05", "right password").status,
            200)
      << "a different client, whatever it claims further left";
}

TEST_F(ApiAuthIT, RefreshTokenReuseEndsTheSessionsAccessTokensAtOnceOnEveryReplica) {
  auto api = start_api();
  // A second replica: the real binary on the same PostgreSQL, Redis and key prefix.
  const int port = free_loopback_port();
  ApiProcess replica(
      {"DATABASE_URL=" + database_url_, "REDIS_URL=" + shared_services().redis_url,
       "OMEGA_API_LISTEN=127.0.0.1", "OMEGA_API_PORT=" + std::to_string(port),
       "OMEGA_JWT_SECRET=" + api->config().jwt_secret,
       "OMEGA_REDIS_PREFIX=" + api->config().redis_prefix, "OMEGA_TOURNAMENT_INTERVAL_MS=0",
       "OMEGA_LOG_LEVEL=warn", "PATH=/usr/bin:/bin"},
      port);
  ASSERT_TRUE(replica.healthy());
  auto on_replica = [&](const std::string& token) {
    return http_request(port, "GET", "/v1/characters", "", {{"Authorization", "Bearer " + token}});
  };
  const auto first = api->register_and_login("session_owner");
  const auto other_session =
      api->post("/v1/auth/login", {{"username", "session_owner"}, {"password", "correct horse 1"}})
          .json();
  const auto rotated =
      api->post("/v1/auth/refresh", {{"refresh_token", first["refresh_token"]}}).json();
  ASSERT_TRUE(rotated.contains("access_token")) << rotated;
  // Both replicas have seen (and cached) both access tokens as valid.
  for (const auto& token : {first["access_token"], rotated["access_token"]}) {
    ASSERT_EQ(api->get("/v1/characters", token).status, 200);
    ASSERT_EQ(on_replica(token).status, 200);
  }
  // The rotated-away refresh token comes back: someone holds a copy.
  expect_error(api->post("/v1/auth/refresh", {{"refresh_token", first["refresh_token"]}}), 401,
               "refresh_token_reused");
  const auto reused_at = std::chrono::steady_clock::now();
  // On the replica that saw the reuse, every access token of the session dies at once...
  expect_error(api->get("/v1/characters", first["access_token"]), 401, "session_revoked");
  expect_error(api->get("/v1/characters", rotated["access_token"]), 401, "session_revoked");
  // ...and on the other replica within its cache time (auth.token_version_cache_ms, 1 s).
  int replica_status = 0;
  while (std::chrono::steady_clock::now() - reused_at < std::chrono::seconds(3)) {
    replica_status = on_replica(rotated["access_token"]).status;
    if (replica_status == 401) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(replica_status, 401);
  EXPECT_LE(std::chrono::steady_clock::now() - reused_at, std::chrono::milliseconds(1500));
  expect_error(on_replica(first["access_token"]), 401, "session_revoked");
  // The account's other session is untouched, on both replicas.
  EXPECT_EQ(api->get("/v1/characters", other_session["access_token"]).status, 200);
  EXPECT_EQ(on_replica(other_session["access_token"]).status, 200);
  // Logging out ends a session's access tokens the same way.
  EXPECT_EQ(
      api->post("/v1/auth/logout", {{"refresh_token", other_session["refresh_token"]}}).status,
      204);
  expect_error(api->get("/v1/characters", other_session["access_token"]), 401, "session_revoked");
  // A fresh replica (cold caches) agrees.
  api->restart();
  expect_error(api->get("/v1/characters", rotated["access_token"]), 401, "session_revoked");
  EXPECT_EQ(
      api->post("/v1/auth/login", {{"username", "session_owner"}, {"password", "correct horse 1"}})
          .status,
      200);
}

TEST_F(ApiAuthIT, AByteOrderMarkOrADuplicateKeyIsInvalidJson) {
  auto api = start_api();
  const auto token = api->register_and_login("json_strict")["access_token"].get<std::string>();
  auto raw = [&](const std::string& path, const std::string& body, const std::string& bearer = "") {
    std::vector<std::pair<std::string, std::string>> headers{{"Content-Type", "application/json"}};
    if (!bearer.empty()) headers.emplace_back("Authorization", "Bearer " + bearer);
    return http_request(api->port(), "POST", path, body, headers);
  };
  expect_error(raw("/v1/auth/login",
                   "\xEF\xBB\xBF{\"username\":\"json_strict\",\"password\":\"correct horse 1\"}"),
               400, "invalid_json");
  expect_error(
      raw("/v1/auth/login",
          R"({"username":"json_strict","password":"wrong one","password":"correct horse 1"})"),
      400, "invalid_json");
  expect_error(
      raw("/v1/characters", R"({"name":"Harmless","class":"warrior","name":"Other"})", token), 400,
      "invalid_json");
  EXPECT_EQ(count("SELECT count(*) FROM characters"), 0);
  EXPECT_EQ(raw("/v1/characters", R"({"name":"Harmless","class":"warrior"})", token).status, 201);
}

TEST_F(ApiAuthIT, HostileInputGets4xxJsonErrorsAndStoresNothing) {
  auto api = start_api([](Config& config) { config.body_limit_bytes = 64 * 1024; });
  auto raw = [&](const std::string& path, const std::string& body,
                 const std::string& type = "application/json", const std::string& token = "") {
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
  expect_error(raw("/v1/auth/register", R"({"username": 123, "password": "long enough"})"), 422,
               "invalid_field");
  expect_error(raw("/v1/auth/register", R"({"username": "valid_name", "password": ["a"]})"), 422,
               "invalid_field");
  expect_error(raw("/v1/auth/register", R"({"username": "valid_name", "password": "short"})"), 422,
               "invalid_field");
  expect_error(raw("/v1/auth/register", R"({"username": null, "password": "long enough"})"), 422);
  expect_error(raw("/v1/auth/register", std::string(10 * 1024 * 1024, ' ')), 413,
               "payload_too_large");
  expect_error(
      raw("/v1/auth/register", "{\"username\":\"" + std::string(10 * 1024 * 1024, 'a') + "\"}"),
      413);
  for (const std::string name :
       {"x'; DROP TABLE accounts;--", "admin' OR '1'='1", "Robert\"); --", "Ζεύς", "名前です",
        "alice\u200b", "e\u0301mile", "ab", "a b c", "tab\tname"}) {
    expect_error(raw("/v1/auth/register",
                     nlohmann::json{{"username", name}, {"password", "long enough"}}.dump()),
                 422, "invalid_username");
  }
  expect_error(
      raw("/v1/auth/register", "{\"username\":\"ok_name\",\"password\":\"\xff\xfe\xfd long\"}"),
      400);
  const auto login = api->register_and_login("legit_user");
  const std::string token = login["access_token"];
  const std::vector<std::string> character_names = {"Robert'); DROP TABLE characters;--",
                                                    "1' OR '1'='1",
                                                    "Ærwyn",
                                                    "Λέων",
                                                    "名前",
                                                    "Zoë",
                                                    std::string("Bob\0by", 6),
                                                    "ab",
                                                    "ThisNameIsWayTooLong"};
  for (const auto& name : character_names) {
    expect_error(raw("/v1/characters", nlohmann::json{{"name", name}, {"class", "warrior"}}.dump(),
                     "application/json", token),
                 422, "invalid_name");
  }
  expect_error(raw("/v1/characters", R"({"name": "Valid", "class": "warrior'; --"})",
                   "application/json", token),
               422, "unknown_class");
  expect_error(raw("/v1/characters", R"({"name": ["Valid"], "class": "warrior"})",
                   "application/json", token),
               422);
  expect_error(api->get("/v1/characters/1%20OR%201=1", token), 404);
  expect_error(api->get("/v1/characters/-1", token), 404);
  expect_error(api->get("/v1/leaderboards/level'%3B--"), 404);
  expect_error(api->get("/v1/leaderboards/level?limit=1;DROP"), 400, "invalid_limit");
  expect_error(api->get("/v1/leaderboards/level?period=1'OR'1"), 400, "invalid_period");
  expect_error(api->get("/v1/nothing/here"), 404, "not_found");
  expect_error(http_request(api->port(), "PUT", "/v1/characters", "{}",
                            {{"Content-Type", "application/json"}}),
               405);

  EXPECT_EQ(count("SELECT count(*) FROM accounts"), 1) << "only legit_user";
  EXPECT_EQ(count("SELECT count(*) FROM characters"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM pg_tables WHERE tablename IN ('accounts', 'characters')"),
            2);
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

namespace omega::api::testing {
namespace {

// Housekeeping (api/housekeeping.hpp) on its own thread, every second: what expired more than
// a day ago or is older than the login history's retention goes; everything live stays.
TEST_F(ApiAuthIT, HousekeepingDeletesLongExpiredSessionsAndOldLoginsAndKeepsLiveOnes) {
  auto api = start_api([](Config& config) {
    config.housekeeping_interval_s = 1;
    config.login_history_days = 30;
  });
  const auto stale = api->register_and_login("stale_player");  // family A, to be all expired
  const auto live = api->register_and_login("live_player");    // family B
  const std::string live_refresh = live["refresh_token"];
  // Family B also holds a long-expired token: the family stays whole while one token lives.
  const auto rotated = api->post("/v1/auth/refresh", {{"refresh_token", live_refresh}});
  ASSERT_EQ(rotated.status, 200) << rotated.body;
  const std::string live_access = rotated.json()["access_token"];
  api->create_admin("keeper_1", "staff password 1", AdminRole::viewer);
  for (int i = 0; i < 2; ++i)
    ASSERT_EQ(
        api->post("/admin/v1/login", {{"username", "keeper_1"}, {"password", "staff password 1"}})
            .status,
        200);
  {
    pqxx::connection connection(database_url_);
    pqxx::work work(connection);
    work.exec(
        "UPDATE refresh_tokens SET expires_at = now() - interval '2 days' WHERE account_id = "
        "(SELECT id FROM accounts WHERE username = 'stale_player')");
    work.exec(
        "UPDATE refresh_tokens SET expires_at = now() - interval '2 days' WHERE used_at IS NOT "
        "NULL AND account_id = (SELECT id FROM accounts WHERE username = 'live_player')");
    // Expired, but not a day ago yet: kept for now.
    work.exec(
        "UPDATE admin_sessions SET expires_at = now() - interval '3 days' WHERE token_hash = "
        "(SELECT min(token_hash) FROM admin_sessions)");
    work.exec(
        "INSERT INTO login_history (account_id, client, at) SELECT id, '198.51.100.7', now() - "
        "interval '31 days' FROM accounts WHERE username = 'stale_player'");
    // Counted before the commit: the housekeeping thread may run the moment it lands.
    ASSERT_EQ(work.exec("SELECT count(*) FROM refresh_tokens")[0][0].as<int>(), 3);
    ASSERT_EQ(work.exec("SELECT count(*) FROM login_history")[0][0].as<int>(), 3);
    work.commit();
  }

  for (int i = 0; i < 50 && count("SELECT count(*) FROM login_history") > 2; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(count("SELECT count(*) FROM login_history"), 2) << "the 31-day-old login went";
  EXPECT_EQ(count("SELECT count(*) FROM login_history WHERE at > now() - interval '1 hour'"), 2);
  EXPECT_EQ(count("SELECT count(*) FROM refresh_tokens t JOIN accounts a ON a.id = t.account_id "
                  "WHERE a.username = 'stale_player'"),
            0);
  EXPECT_EQ(count("SELECT count(*) FROM refresh_tokens t JOIN accounts a ON a.id = t.account_id "
                  "WHERE a.username = 'live_player'"),
            2)
      << "a family with a live token is kept whole";
  EXPECT_EQ(count("SELECT count(*) FROM admin_sessions"), 1);

  // The live session still works, and presenting its old, used token still ends it.
  EXPECT_EQ(api->get("/v1/characters", live_access).status, 200);
  EXPECT_EQ(api->post("/v1/auth/refresh", {{"refresh_token", live_refresh}}).status, 401);
  const std::string successor = rotated.json()["refresh_token"];
  EXPECT_EQ(api->post("/v1/auth/refresh", {{"refresh_token", successor}}).status, 401)
      << "reuse of a used token revoked the family";
  (void)stale;
}

}  // namespace
}  // namespace omega::api::testing
