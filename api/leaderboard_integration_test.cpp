// Leaderboards against a real PostgreSQL and a private Redis (these tests FLUSHALL).
#include <gtest/gtest.h>

#include <cstdio>
#include <pqxx/pqxx>

#include "api/integration_test_support.hpp"
#include "api/leaderboard_keys.hpp"
#include "api/redis_pool.hpp"

namespace omega::api::testing {
namespace {

class ApiLeaderboardsIT : public ::testing::Test {
 protected:
  void SetUp() override {
    database_url_ = create_database(services_.urls());
    api_ = std::make_unique<TestApi>(database_url_, services_.urls().redis_url,
                                     [](Config& config) { config.leaderboard_cache_ms = 0; });
    token_ = api_->register_and_login("ranker")["access_token"];
  }

  long long create(const std::string& name) {
    const auto result =
        api_->post("/v1/characters", {{"name", name}, {"class", "warrior"}}, token_);
    EXPECT_EQ(result.status, 201) << result.body;
    return result.json()["character"]["id"];
  }

  HttpResult submit(const std::string& board, long long character, long long score,
                    const std::string& key = "") {
    nlohmann::json body = {{"entries", {{{"character_id", character}, {"score", score}}}}};
    if (!key.empty()) body["idempotency_key"] = key;
    return api_->post("/internal/v1/leaderboards/" + board, body, TestApi::kServiceToken);
  }

  // "Name:score" in rank order.
  std::vector<std::string> top(const std::string& query) {
    const auto result = api_->get("/v1/leaderboards/" + query);
    EXPECT_EQ(result.status, 200) << result.body;
    std::vector<std::string> out;
    long long expected_rank = 1;
    const auto body = result.json();
    for (const auto& entry : body["entries"]) {
      EXPECT_EQ(entry["rank"], expected_rank++);
      out.push_back(entry["name"].get<std::string>() + ":" +
                    std::to_string(entry["score"].get<long long>()));
    }
    return out;
  }

  PrivateServices services_;
  std::string database_url_;
  std::unique_ptr<TestApi> api_;
  std::string token_;
};

using Ranking = std::vector<std::string>;

TEST_F(ApiLeaderboardsIT, TopNTiesAggregatesPeriodsAndAroundMe) {
  const auto a = create("Anna"), b = create("Bert"), c = create("Cleo"), d = create("Dirk"),
             e = create("Emma");
  for (auto [id, score] : {std::pair{a, 10LL}, {b, 20LL}, {c, 20LL}, {d, 5LL}, {e, 15LL}})
    ASSERT_EQ(submit("level", id, score).status, 200);
  // Bert reached 20 before Cleo: Bert ranks first.
  const Ranking expected = {"Bert:20", "Cleo:20", "Emma:15", "Anna:10", "Dirk:5"};
  EXPECT_EQ(top("level"), expected);
  EXPECT_EQ(top("level?period=all&limit=2"), (Ranking{"Bert:20", "Cleo:20"}));
  EXPECT_EQ(top("level?period=weekly"), expected);
  // "max": a lower level does not replace a higher one, nor change who reached it first.
  ASSERT_EQ(submit("level", b, 7).status, 200);
  ASSERT_EQ(submit("level", c, 20).status, 200);
  EXPECT_EQ(top("level?limit=2"), (Ranking{"Bert:20", "Cleo:20"}));
  // "sum" adds, "latest" replaces.
  submit("monster_kills", a, 3);
  submit("monster_kills", a, 4);
  submit("arena_rating", a, 1500);
  submit("arena_rating", a, 1400);
  EXPECT_EQ(top("monster_kills"), (Ranking{"Anna:7"}));
  EXPECT_EQ(top("arena_rating"), (Ranking{"Anna:1400"}));
  // An idempotency key makes a retried submission count once.
  EXPECT_EQ(submit("monster_kills", a, 10, "zone-1:batch-77").json()["duplicate"], false);
  EXPECT_EQ(submit("monster_kills", a, 10, "zone-1:batch-77").json()["duplicate"], true);
  EXPECT_EQ(top("monster_kills"), (Ranking{"Anna:17"}));

  // Around me: my best character (Bert, rank 1), or a chosen one (Dirk, rank 5).
  auto around = api_->get("/v1/leaderboards/level?around=me&limit=3", token_).json();
  EXPECT_EQ(around["me"]["rank"], 1);
  around =
      api_->get("/v1/leaderboards/level?around=me&limit=3&character=" + std::to_string(d), token_)
          .json();
  EXPECT_EQ(around["me"]["rank"], 5);
  ASSERT_EQ(around["entries"].size(), 2u);
  EXPECT_EQ(around["entries"][0]["rank"], 4);
  EXPECT_EQ(around["entries"][1]["name"], "Dirk");
  EXPECT_EQ(api_->get("/v1/leaderboards/level?around=me").status, 401);
  const std::string other = api_->register_and_login("unranked")["access_token"];
  EXPECT_EQ(api_->get("/v1/leaderboards/level?around=me", other).status, 404);

  // Deleting a character removes it from the boards.
  EXPECT_EQ(api_->del("/v1/characters/" + std::to_string(b), token_).status, 204);
  EXPECT_EQ(top("level"), (Ranking{"Cleo:20", "Emma:15", "Anna:10", "Dirk:5"}));
  EXPECT_EQ(api_->get("/v1/leaderboards/nonexistent").status, 404);
  EXPECT_EQ(api_->get("/v1/leaderboards/level?limit=0").status, 400);
  EXPECT_EQ(api_->get("/v1/leaderboards/level?limit=101").status, 400);
  EXPECT_EQ(api_->get("/v1/leaderboards").json()["boards"].size(), 4u);
}

TEST_F(ApiLeaderboardsIT, CorrectAfterRedisFlushAllAndAfterApiRestart) {
  const auto a = create("Anna"), b = create("Bert"), c = create("Cleo");
  for (auto [id, score] : {std::pair{a, 30LL}, {b, 10LL}, {c, 30LL}})
    ASSERT_EQ(submit("level", id, score).status, 200);
  const Ranking expected = {"Anna:30", "Cleo:30", "Bert:10"};
  ASSERT_EQ(top("level"), expected);
  ASSERT_EQ(top("level?period=weekly"), expected);

  RedisPool redis(services_.urls().redis_url, 1, std::chrono::milliseconds(1000));
  const auto key = api_->config().redis_prefix + "lb:level:all";
  ASSERT_EQ(redis.command({"EXISTS", key}).integer, 1);
  ASSERT_EQ(redis.command({"FLUSHALL"}).text, "OK");
  ASSERT_EQ(redis.command({"EXISTS", key}).integer, 0);
  EXPECT_EQ(top("level"), expected);
  EXPECT_EQ(top("level?period=weekly"), expected);
  EXPECT_EQ(redis.command({"ZCARD", key}).integer, 3) << "rebuilt from PostgreSQL";
  // Scores written after the flush land on the rebuilt board.
  ASSERT_EQ(submit("level", b, 40).status, 200);
  EXPECT_EQ(top("level"), (Ranking{"Bert:40", "Anna:30", "Cleo:30"}));

  api_->restart();
  EXPECT_EQ(top("level"), (Ranking{"Bert:40", "Anna:30", "Cleo:30"}));
  redis.command({"FLUSHALL"});
  api_->restart();
  EXPECT_EQ(top("level"), (Ranking{"Bert:40", "Anna:30", "Cleo:30"}));
  const auto around =
      api_->get("/v1/leaderboards/level?around=me&character=" + std::to_string(c), token_).json();
  EXPECT_EQ(around["me"]["rank"], 3);
}

// Shares the suite's Redis: keys are counted under this test's own prefix.
using ApiLeaderboardBoundsIT = FreshDatabaseTest;

TEST_F(ApiLeaderboardBoundsIT, ReadsOfOldWeeksComeFromPostgresAndLeaveNoRedisKeys) {
  auto api = start_api([](Config& config) { config.leaderboard_cache_ms = 0; });
  const std::string token = api->register_and_login("historian")["access_token"];
  const auto created = api->post("/v1/characters", {{"name", "Anna"}, {"class", "warrior"}}, token);
  ASSERT_EQ(created.status, 201) << created.body;
  const long long anna = created.json()["character"]["id"];
  ASSERT_EQ(
      api->post("/internal/v1/leaderboards/level",
                {{"entries", {{{"character_id", anna}, {"score", 7}}}}}, TestApi::kServiceToken)
          .status,
      200);
  // An old season, as PostgreSQL keeps it.
  count(
      "INSERT INTO leaderboard_scores (board, period, character_id, score, reached_at) VALUES "
      "('level', '2020-W05', " +
      std::to_string(anna) + ", 42, now()) RETURNING 1");
  RedisPool redis(shared_services().redis_url, 1, std::chrono::milliseconds(1000));
  auto redis_keys = [&] {
    return redis.command({"KEYS", api->config().redis_prefix + "lb:*"}).elements.size();
  };
  ASSERT_EQ(api->get("/v1/leaderboards/level").status, 200);
  ASSERT_EQ(api->get("/v1/leaderboards/level?period=weekly").status, 200);
  const auto cached_keys = redis_keys();
  EXPECT_GT(cached_keys, 0u);

  // 101 anonymous reads of 101 different past weeks.
  for (int i = 0; i <= 100; ++i) {
    char week[16];
    std::snprintf(week, sizeof week, "%04d-W%02d", 2017 + i / 50, 1 + i % 50);
    const auto result = api->get(std::string("/v1/leaderboards/level?period=") + week +
                                 "&limit=" + std::to_string(1 + i % 100));
    ASSERT_EQ(result.status, 200) << week << ": " << result.body;
  }
  EXPECT_EQ(redis_keys(), cached_keys) << "old weeks are not cached in Redis";

  // They are still served, from PostgreSQL, including around=me.
  const auto old = api->get("/v1/leaderboards/level?period=2020-W05").json();
  ASSERT_EQ(old["entries"].size(), 1u) << old;
  EXPECT_EQ(old["entries"][0]["name"], "Anna");
  EXPECT_EQ(old["entries"][0]["score"], 42);
  const auto mine = api->get("/v1/leaderboards/level?period=2020-W05&around=me", token).json();
  EXPECT_EQ(mine["me"]["rank"], 1) << mine;
  EXPECT_EQ(mine["entries"][0]["score"], 42);
  EXPECT_EQ(redis_keys(), cached_keys);

  // Last week is the one other week kept in Redis: at most its set and its marks.
  const auto last_week = iso_week(std::chrono::system_clock::now() - std::chrono::hours(24 * 7));
  ASSERT_EQ(api->get("/v1/leaderboards/level?period=" + last_week).status, 200);
  EXPECT_LE(redis_keys(), cached_keys + 3);
}

}  // namespace
}  // namespace omega::api::testing
