// End-to-end test of tournaments (issue 7) with real processes: PostgreSQL, Redis, omega-api,
// two omega-zone processes and omega-bots swarms in API mode. Two bots, each playing in a
// zone of its own zone process, queue for arena_1v1, are matched into one arena instance and
// fight; the arena reports the result once, ratings and the arena_rating leaderboard change,
// and both characters play on in the zone they came from.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "bots/http_client.hpp"
#include "bots/swarm.hpp"
#include "tests/world_stack.hpp"

namespace omega::e2e {
namespace {

using bots::SwarmConfig;
using bots::SwarmReport;

// One bot on its own thread, the zones of its snapshots recorded in order.
class Duelist {
 public:
  Duelist(const WorldStack& stack, const std::string& prefix, const std::string& zone) {
    config_.api_url = stack.api_url();
    config_.account_prefix = prefix;
    config_.play_zone = zone;
    bots::BotOptions options;
    options.behaviour = bots::Behaviour::fight;
    options.input_hz = 10.0;
    config_.bots.assign(1, options);
    config_.seconds = 300.0;  // the test stops the swarm itself
    config_.join_timeout_s = 60.0;
    config_.api_threads = 2;
    config_.stop_grace_s = 1.0;
    config_.tournament = "arena_1v1";
    config_.tournament_after_s = 2.0;
    config_.tournament_wait_s = 60.0;
    config_.stop_flag = &stop_;
    config_.on_snapshot = [this](const bots::SnapshotObservation& o) {
      std::lock_guard lock(mutex_);
      if (zones_.empty() || zones_.back() != *o.zone) zones_.push_back(*o.zone);
    };
    thread_ = std::thread([this] { report_ = bots::run_swarm(config_); });
  }
  ~Duelist() { stop(); }
  const SwarmReport& stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    return report_;
  }
  std::vector<std::string> zones() {
    std::lock_guard lock(mutex_);
    return zones_;
  }

 private:
  SwarmConfig config_;
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::vector<std::string> zones_;  // guarded by mutex_
  SwarmReport report_;
  std::thread thread_;
};

int as_int(const std::string& text) {
  return text.empty() ? -1 : std::stoi(text);
}

TEST(TournamentE2e, BotsFromTwoZonesAreMatchedFightAndTheResultCountsOnce) {
  if (sanitizer_build())
    GTEST_SKIP() << "tournament e2e runs in the release preset only (timing: a whole world of "
                    "processes and a fight within a minute)";
  WorldStack stack;
  // zone-a hosts the hub and the arenas, zone-b the forest: the two duelists start in zones
  // of different processes, and one of them fights in another process than its own.
  ASSERT_EQ(stack.start_all({{"zone-a", "hub_city_1,arena_1", "hub_city_1:1", {}},
                             {"zone-b", "forest", "forest:1", {}}}),
            "")
      << stack.logs();
  Duelist hub(stack, "duelhub", "hub_city_1");
  Duelist forest(stack, "duelfor", "forest");
  auto came_home = [](const std::vector<std::string>& zones, const std::string& home) {
    return zones.size() >= 3 && zones.front() == home && zones[zones.size() - 2] == "arena_1" &&
           zones.back() == home;
  };
  const bool done = wait_until(55.0, [&] {
    return came_home(hub.zones(), "hub_city_1") && came_home(forest.zones(), "forest");
  });
  const SwarmReport hub_report = hub.stop();
  const SwarmReport forest_report = forest.stop();
  const std::string reports =
      bots::report_json(hub_report, true) + "\n" + bots::report_json(forest_report, true);
  ASSERT_TRUE(done) << "the duel did not happen\n" << reports << "\n" << stack.logs();
  ASSERT_EQ(hub_report.per_bot.size(), 1u);
  ASSERT_EQ(forest_report.per_bot.size(), 1u);
  const bots::BotResult& a = hub_report.per_bot[0];
  const bots::BotResult& b = forest_report.per_bot[0];
  EXPECT_EQ(a.tournament, "played") << reports;
  EXPECT_EQ(b.tournament, "played") << reports;
  EXPECT_GT(a.arena_damage_dealt + b.arena_damage_dealt, 0u) << "nobody hit anybody";
  // Both in one arena instance.
  std::string arena_a, arena_b;
  for (const std::string& v : a.visits)
    if (v.rfind("arena_1/", 0) == 0) arena_a = v;
  for (const std::string& v : b.visits)
    if (v.rfind("arena_1/", 0) == 0) arena_b = v;
  EXPECT_FALSE(arena_a.empty()) << reports;
  EXPECT_EQ(arena_a, arena_b) << reports;

  const std::string ids = std::to_string(a.character_id) + "," + std::to_string(b.character_id);
  // One match, finished with a winner (a draw only at the 180 s time limit: not reached here).
  EXPECT_EQ(stack.sql("SELECT count(*) FROM tournament_matches"), "1");
  EXPECT_EQ(stack.sql("SELECT state FROM tournament_matches"), "finished") << stack.logs();
  const int winner = as_int(stack.sql("SELECT winner_team FROM tournament_matches"));
  EXPECT_TRUE(winner == 1 || winner == 2) << winner;
  const std::string match_id = stack.sql("SELECT id FROM tournament_matches");
  // Ratings: one Elo step, equal and opposite (both started at 1500), recorded per player.
  auto rating = [&](uint64_t character) {
    // (arena_1v1 is the only tournament played here)
    return as_int(stack.sql("SELECT rating FROM tournament_ratings WHERE character_id = " +
                            std::to_string(character)));
  };
  const int ra = rating(a.character_id), rb = rating(b.character_id);
  EXPECT_NE(ra, 1500);
  EXPECT_EQ(ra - 1500, 1500 - rb);
  EXPECT_EQ(
      stack.sql("SELECT count(*) FROM tournament_match_players WHERE rating_after IS NOT NULL "
                "AND character_id IN (" +
                ids + ")"),
      "2");
  EXPECT_EQ(stack.sql("SELECT sum(wins + losses + draws) FROM tournament_ratings"), "2");
  // The leaderboard has both.
  const auto api = bots::parse_http_url(stack.api_url());
  ASSERT_TRUE(api);
  const auto board = nlohmann::json::parse(
      bots::http_get(*api, "/v1/leaderboards/arena_rating").body, nullptr, false);
  ASSERT_TRUE(board.is_object() && board.contains("entries")) << board.dump();
  std::set<int> scores;
  for (const auto& entry : board["entries"]) scores.insert(entry.value("score", 0));
  EXPECT_EQ(scores, (std::set<int>{ra, rb})) << board.dump();
  // A retried report (as the zone would send after a lost answer) changes nothing.
  const auto [status, body] =
      stack.internal_post("/internal/v1/matches/" + match_id + "/result",
                          "{\"winner_team\":" + std::to_string(winner) + "}");
  EXPECT_EQ(status, 200) << body;
  EXPECT_EQ(rating(a.character_id), ra);
  EXPECT_EQ(rating(b.character_id), rb);
  EXPECT_EQ(stack.sql("SELECT sum(wins + losses + draws) FROM tournament_ratings"), "2");
  // Both play on where they came from: the arena never became a saved zone.
  EXPECT_EQ(stack.sql("SELECT zone FROM characters WHERE id = " + std::to_string(a.character_id)),
            "hub_city_1");
  EXPECT_EQ(stack.sql("SELECT zone FROM characters WHERE id = " + std::to_string(b.character_id)),
            "forest");
  // Nobody comes home dead: the arena checkpoints the hp the character came with.
  EXPECT_EQ(stack.sql("SELECT count(*) FROM characters WHERE hp = 0 AND id IN (" + ids + ")"), "0");
}

}  // namespace
}  // namespace omega::e2e
