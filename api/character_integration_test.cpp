// Characters and content against a real PostgreSQL and Redis.
#include <gtest/gtest.h>

#include <atomic>
#include <pqxx/pqxx>
#include <thread>

#include "api/integration_test_support.hpp"

namespace omega::api::testing {
namespace {

using ApiCharactersIT = FreshDatabaseTest;

TEST_F(ApiCharactersIT, CreateListGetDeleteOnlyByTheOwner) {
  auto api = start_api();
  const std::string owner = api->register_and_login("owner_one")["access_token"];
  const std::string stranger = api->register_and_login("stranger_two")["access_token"];

  const auto created =
      api->post("/v1/characters", {{"name", "Brakka"}, {"class", "warrior"}}, owner);
  ASSERT_EQ(created.status, 201) << created.body;
  const auto character = created.json()["character"];
  EXPECT_EQ(character["name"], "Brakka");
  EXPECT_EQ(character["class"], "warrior");
  EXPECT_EQ(character["level"], 1);
  EXPECT_EQ(character["zone"], "hub_city_1");
  EXPECT_EQ(character["stats"]["max_hp"], 160);
  ASSERT_EQ(character["inventory"].size(), 3u);
  EXPECT_EQ(character["inventory"][0]["item"], "rusty_sword");
  EXPECT_TRUE(character["inventory"][0]["equipped"].get<bool>());
  const auto id = std::to_string(character["id"].get<long long>());

  const auto listed = api->get("/v1/characters", owner).json();
  ASSERT_EQ(listed["characters"].size(), 1u);
  EXPECT_EQ(api->get("/v1/characters", stranger).json()["characters"].size(), 0u);

  for (int i = 0; i < 2; ++i) {  // the second read is served from the cache
    const auto read = api->get("/v1/characters/" + id, owner);
    ASSERT_EQ(read.status, 200) << read.body;
    EXPECT_EQ(read.json()["character"]["inventory"].size(), 3u);
    EXPECT_EQ(api->get("/v1/characters/" + id, stranger).status, 404);
  }
  EXPECT_EQ(api->del("/v1/characters/" + id, stranger).status, 404);
  EXPECT_EQ(api->get("/v1/characters/" + id, owner).status, 200);
  EXPECT_EQ(api->del("/v1/characters/" + id, owner).status, 204);
  EXPECT_EQ(api->get("/v1/characters/" + id, owner).status, 404);
  EXPECT_EQ(api->del("/v1/characters/" + id, owner).status, 404);
  EXPECT_EQ(count("SELECT count(*) FROM inventory_items"), 0);
  // The name is free again.
  EXPECT_EQ(api->post("/v1/characters", {{"name", "brakka"}, {"class", "mage"}}, stranger).status,
            201);
}

TEST_F(ApiCharactersIT, NamesAreUniqueIgnoringCaseEvenUnderConcurrency) {
  auto api = start_api();
  const std::string first = api->register_and_login("namer_one")["access_token"];
  const std::string second = api->register_and_login("namer_two")["access_token"];
  std::atomic<int> created{0}, taken{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 20; ++i) {
    threads.emplace_back([&, i] {
      const auto result = api->post("/v1/characters",
                                    {{"name", i % 2 ? "Legolas" : "LEGOLAS"}, {"class", "ranger"}},
                                    i % 2 ? first : second);
      if (result.status == 201) ++created;
      if (result.status == 409 && result.json()["error"]["code"] == "name_taken") ++taken;
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(created, 1);
  EXPECT_EQ(taken, 19);
  EXPECT_EQ(count("SELECT count(*) FROM characters"), 1);
}

TEST_F(ApiCharactersIT, AccountMaximumHoldsUnderConcurrency) {
  auto api = start_api([](Config& config) { config.max_characters_per_account = 3; });
  const std::string token = api->register_and_login("collector")["access_token"];
  std::atomic<int> created{0}, limited{0};
  std::vector<std::thread> threads;
  const char* names[] = {"Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot"};
  for (const char* name : names) {
    threads.emplace_back([&, name] {
      const auto result = api->post("/v1/characters", {{"name", name}, {"class", "mage"}}, token);
      if (result.status == 201) ++created;
      if (result.status == 409 && result.json()["error"]["code"] == "character_limit") ++limited;
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(created, 3);
  EXPECT_EQ(limited, 3);
  EXPECT_EQ(api->get("/v1/characters", token).json()["characters"].size(), 3u);
}

TEST_F(ApiCharactersIT, ContentHealthAndMetrics) {
  auto api = start_api();
  const auto content = api->get("/v1/content");
  ASSERT_EQ(content.status, 200);
  ASSERT_TRUE(content.headers.count("etag"));
  const auto document = content.json();
  EXPECT_EQ(document["classes"].size(), 3u);
  for (const char* section : {"items", "abilities", "zones", "leaderboards"})
    EXPECT_TRUE(document.contains(section));
  const auto cached = http_request(api->port(), "GET", "/v1/content", "",
                                   {{"If-None-Match", content.headers.at("etag")}});
  EXPECT_EQ(cached.status, 304);
  EXPECT_TRUE(cached.body.empty());
  EXPECT_EQ(
      http_request(api->port(), "GET", "/v1/content", "", {{"If-None-Match", "\"stale\""}}).status,
      200);
  const auto head = http_request(api->port(), "HEAD", "/v1/content");
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());

  EXPECT_EQ(api->get("/healthz").status, 200);
  const auto ready = api->get("/readyz");
  EXPECT_EQ(ready.status, 200) << ready.body;
  EXPECT_EQ(api->get("/metrics").status, 401) << "metrics are for the service credential";
  const auto metrics = api->get("/metrics", TestApi::kServiceToken);
  EXPECT_EQ(metrics.status, 200);
  // What the alerting rules read (deployment/prometheus/alerts.yml).
  for (const char* series : {"\nomega_api_postgresql_up 1\n", "\nomega_api_redis_up 1\n",
                             "\nprocess_cpu_seconds_total ", "\nprocess_resident_memory_bytes "})
    EXPECT_NE(metrics.body.find(series), std::string::npos) << series << metrics.body;
  EXPECT_NE(metrics.body.find(
                "omega_api_requests_total{method=\"GET\",route=\"/v1/content\",status=\"304\"} 1"),
            std::string::npos)
      << metrics.body;
  EXPECT_NE(metrics.body.find("omega_api_request_duration_seconds_bucket"), std::string::npos);
}

}  // namespace
}  // namespace omega::api::testing
