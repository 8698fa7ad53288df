// Tournaments against a real PostgreSQL and Redis: queueing, the matchmaker thread forming a
// match and opening its arena, tickets for the arena, exactly-once results with Elo and the
// leaderboard, the widening rating window, leaving the queue, and refusals.
//
// The arena's zone process is FakeZoneControl (api/world_test_support.hpp), as in the world
// suite: this suite builds without omega-zone, and the assertions are about the API's side
// (what it asks the zone to open, what it mints, what it stores).
#include <gtest/gtest.h>

#include <chrono>
#include <thread>
#include <tuple>
#include <vector>

#include "api/integration_test_support.hpp"
#include "api/world_test_support.hpp"

namespace omega::api::testing {
namespace {

// The matchmaker passes ten times a second here, so a test waits little for it.
constexpr int kTestIntervalMs = 100;
constexpr auto kMatchDeadline = std::chrono::seconds(10);

class ApiTournamentIT : public FreshDatabaseTest {
 protected:
  void SetUp() override {
    FreshDatabaseTest::SetUp();
    api_ = start_api([](Config& config) {
      config.ticket_signing_seed = kSeed;
      config.tournament_interval_ms = kTestIntervalMs;
      // ±100 at once, +100 per second waited: 300 apart match after two seconds.
      config.tournament_window_base = 100;
      config.tournament_window_step = 100;
      config.tournament_window_step_ms = 1000;
    });
    registry_ =
        std::make_unique<RegistryWriter>(shared_services().redis_url, api_->config().redis_prefix);
  }

  Player player(const std::string& name) { return make_player(*api_, name); }

  HttpResult queue(const Player& who, const std::string& tournament = "arena_1v1") {
    return api_->post("/v1/tournaments/" + tournament + "/queue",
                      {{"character_id", who.character_id}}, who.token);
  }
  HttpResult status(const Player& who, const std::string& tournament = "arena_1v1") {
    return api_->get(
        "/v1/tournaments/" + tournament + "/queue?character_id=" + std::to_string(who.character_id),
        who.token);
  }
  HttpResult leave(const Player& who, const std::string& tournament = "arena_1v1") {
    return api_->del(
        "/v1/tournaments/" + tournament + "/queue?character_id=" + std::to_string(who.character_id),
        who.token);
  }
  HttpResult report(std::int64_t match_id, int winner_team) {
    return api_->post("/internal/v1/matches/" + std::to_string(match_id) + "/result",
                      {{"winner_team", winner_team}}, TestApi::kServiceToken);
  }

  // Polls the status until it is `wanted` or the deadline passes; returns the last body.
  nlohmann::json wait_for(const Player& who, const std::string& wanted,
                          std::chrono::milliseconds deadline = kMatchDeadline) {
    const auto until = std::chrono::steady_clock::now() + deadline;
    nlohmann::json body;
    do {
      body = status(who).json();
      if (body["status"] == wanted) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    } while (std::chrono::steady_clock::now() < until);
    return body;
  }

  void set_rating(const Player& who, int rating) {
    count(
        "INSERT INTO tournament_ratings (tournament, character_id, rating) VALUES ('arena_1v1', " +
        std::to_string(who.character_id) + ", " + std::to_string(rating) + ") RETURNING 1");
  }
  long long rating(const Player& who) {
    return count(
        "SELECT rating FROM tournament_ratings WHERE tournament = 'arena_1v1' AND character_id = " +
        std::to_string(who.character_id));
  }

  std::unique_ptr<TestApi> api_;
  std::unique_ptr<RegistryWriter> registry_;
};

TEST_F(ApiTournamentIT, TwoQueuedCharactersAreMatchedAndAResultChangesRatingsOnce) {
  FakeZoneControl zone_control(*registry_);
  registry_->process("arena-proc", zone_control.url(), {"arena_1"});
  const auto anna = player("Anna");
  const auto bert = player("Bert");

  const auto queued = queue(anna);
  ASSERT_EQ(queued.status, 201) << queued.body;
  EXPECT_EQ(queued.json()["status"], "queued");
  EXPECT_EQ(queued.json()["rating"], 1500);
  EXPECT_EQ(queued.json()["window"]["width"], 100);
  EXPECT_EQ(queue(anna).status, 200);  // queueing again changes nothing
  ASSERT_EQ(queue(bert).status, 201);

  const auto a = wait_for(anna, "matched");
  const auto b = wait_for(bert, "matched");
  ASSERT_EQ(a["status"], "matched") << a.dump();
  ASSERT_EQ(b["status"], "matched") << b.dump();
  EXPECT_EQ(a["match_id"], b["match_id"]);
  EXPECT_NE(a["team"], b["team"]);
  EXPECT_EQ(a["zone"], "arena_1");
  EXPECT_EQ(a["instance"], b["instance"]);
  EXPECT_EQ(a["ws_url"],
            "ws://127.0.0.1:8081/z/arena_1/" + std::to_string(a["instance"].get<int>()));

  // One arena opened, told who plays on which team and for how long.
  const auto opened = zone_control.opened();
  ASSERT_EQ(opened.size(), 1u);
  EXPECT_EQ(opened[0]["kind"], "arena");
  EXPECT_EQ(opened[0]["zone"], "arena_1");
  EXPECT_EQ(opened[0]["match"]["id"], a["match_id"]);
  EXPECT_EQ(opened[0]["match"]["time_limit_s"], 180);
  EXPECT_EQ(opened[0]["match"]["teams"].size(), 2u);
  EXPECT_EQ(zone_control.authorizations()[0], std::string("Bearer ") + TestApi::kServiceToken);

  // The ticket is for the arena under the character's current lease epoch: the arena claims
  // the lease like any instance does.
  const auto ticket = verified(a);
  EXPECT_EQ(ticket.zone, "arena_1");
  EXPECT_EQ(ticket.instance_id, a["instance"].get<std::uint32_t>());
  EXPECT_EQ(ticket.character_id, static_cast<std::uint64_t>(anna.character_id));
  EXPECT_EQ(ticket.lease_epoch, a["lease_epoch"].get<std::uint64_t>());
  const auto claimed = api_->post("/internal/v1/leases/claim",
                                  {{"character_id", anna.character_id},
                                   {"account_id", anna.account_id},
                                   {"zone", "arena_1"},
                                   {"instance", a["instance"]},
                                   {"ticket_epoch", a["lease_epoch"]}},
                                  TestApi::kServiceToken);
  EXPECT_EQ(claimed.status, 200) << claimed.body;
  EXPECT_EQ(queue(anna).status, 409);  // in a match: no second queue

  const auto match_id = a["match_id"].get<std::int64_t>();
  const int anna_team = a["team"];
  const auto first = report(match_id, anna_team);
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(rating(anna), 1516);
  EXPECT_EQ(rating(bert), 1484);
  const auto again = report(match_id, anna_team);
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.json(), first.json());  // a retried report: the same answer…
  EXPECT_EQ(rating(anna), 1516);          // …and nothing changed
  EXPECT_EQ(rating(bert), 1484);
  EXPECT_EQ(count("SELECT wins FROM tournament_ratings WHERE character_id = " +
                  std::to_string(anna.character_id)),
            1);
  EXPECT_EQ(report(match_id, 3 - anna_team).status, 409);  // another winner for a finished match

  const auto board = api_->get("/v1/leaderboards/arena_rating").json();
  ASSERT_EQ(board["entries"].size(), 2u) << board.dump();
  EXPECT_EQ(board["entries"][0]["name"], "Anna");
  EXPECT_EQ(board["entries"][0]["score"], 1516);
  EXPECT_EQ(board["entries"][1]["score"], 1484);

  // The match is over: the status tells each player how it went (the client's result screen),
  // and they may queue again, starting from their new rating.
  const auto after = status(anna).json();
  EXPECT_EQ(after["status"], "none");
  EXPECT_EQ(after["last_match"], (nlohmann::json{{"match_id", match_id},
                                                 {"team", anna_team},
                                                 {"winner_team", anna_team},
                                                 {"outcome", "win"},
                                                 {"rating_before", 1500},
                                                 {"rating_after", 1516}}));
  EXPECT_EQ(status(bert).json()["last_match"]["outcome"], "loss");
  EXPECT_EQ(status(bert).json()["last_match"]["rating_after"], 1484);
  const auto requeued = queue(anna);
  EXPECT_EQ(requeued.status, 201);
  EXPECT_EQ(requeued.json()["rating"], 1516);
}

TEST_F(ApiTournamentIT, FarApartRatingsMatchOnlyAfterTheWindowHasWidened) {
  FakeZoneControl zone_control(*registry_);
  registry_->process("arena-proc", zone_control.url(), {"arena_1"});
  const auto low = player("Lowe");
  const auto high = player("Hugh");
  set_rating(low, 1500);
  set_rating(high, 1800);
  const auto started = std::chrono::steady_clock::now();
  ASSERT_EQ(queue(low).status, 201);
  ASSERT_EQ(queue(high).status, 201);
  // 300 apart: ±100 at once, +100 per second, so not before two seconds of waiting.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto waiting = status(low).json();
  EXPECT_EQ(waiting["status"], "queued") << waiting.dump();
  EXPECT_EQ(waiting["window"]["width"], 100);
  EXPECT_EQ(waiting["window"]["min"], 1400);
  EXPECT_EQ(waiting["window"]["max"], 1600);
  EXPECT_TRUE(zone_control.opened().empty());
  const auto matched = wait_for(low, "matched");
  EXPECT_EQ(matched["status"], "matched") << matched.dump();
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));

  // The favourite loses: the upset moves ratings by 27 (E = 0.849).
  const int high_team = 3 - matched["team"].get<int>();
  ASSERT_EQ(report(matched["match_id"], 3 - high_team).status, 200);
  EXPECT_EQ(rating(low), 1527);
  EXPECT_EQ(rating(high), 1773);
}

TEST_F(ApiTournamentIT, LeavingTheQueueAndNoArenaHostKeepPlayersOutOfMatches) {
  const auto anna = player("Anna");
  const auto bert = player("Bert");
  ASSERT_EQ(queue(anna).status, 201);
  ASSERT_EQ(queue(bert).status, 201);
  // No zone process hosts arena_1 yet: both stay queued, their wait kept.
  std::this_thread::sleep_for(std::chrono::milliseconds(5 * kTestIntervalMs));
  EXPECT_EQ(status(anna).json()["status"], "queued");
  EXPECT_EQ(count("SELECT count(*) FROM tournament_matches"), 0);

  EXPECT_EQ(leave(anna).status, 204);
  EXPECT_EQ(leave(anna).status, 404);
  EXPECT_EQ(status(anna).json()["status"], "none");
  FakeZoneControl zone_control(*registry_);
  registry_->process("arena-proc", zone_control.url(), {"arena_1"});
  std::this_thread::sleep_for(std::chrono::milliseconds(5 * kTestIntervalMs));
  EXPECT_EQ(status(bert).json()["status"], "queued");  // alone: nobody to play
  EXPECT_TRUE(zone_control.opened().empty());

  // Queued for 1v1, a 2v2 queue is refused until the character leaves.
  EXPECT_EQ(queue(bert, "arena_2v2").status, 409);
  EXPECT_EQ(leave(bert).status, 204);
  EXPECT_EQ(queue(bert, "arena_2v2").status, 201);
}

TEST_F(ApiTournamentIT, BadRequestsAreRefused) {
  const auto anna = player("Anna");
  const auto bert = player("Bert");
  const auto list = api_->get("/v1/tournaments");
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.json()["tournaments"].size(), 2u);
  EXPECT_EQ(list.json()["tournaments"][1]["team_size"], 2);

  EXPECT_EQ(queue(anna, "no_such_arena").status, 404);
  EXPECT_EQ(
      api_->post("/v1/tournaments/arena_1v1/queue", {{"character_id", anna.character_id}}).status,
      401);
  // Anonymous callers are refused before anything of the request is looked at: no 404 for
  // the tournament, no 400/422 for the body or query.
  for (const auto& [method, target, body] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"POST", "/v1/tournaments/arena_1v1/queue", "{}"},
           {"POST", "/v1/tournaments/arena_1v1/queue", "{\"character_id\":"},
           {"POST", "/v1/tournaments/no_such_arena/queue", "{\"character_id\":1}"},
           {"GET", "/v1/tournaments/no_such_arena/queue", ""},
           {"GET", "/v1/tournaments/arena_1v1/queue?character_id=x", ""},
           {"DELETE", "/v1/tournaments/arena_1v1/queue", ""}}) {
    const auto result =
        http_request(api_->port(), method, target, body, {{"Content-Type", "application/json"}});
    EXPECT_EQ(result.status, 401) << method << " " << target << ": " << result.body;
    EXPECT_EQ(result.json()["error"]["code"], "missing_token") << result.body;
  }
  // Someone else's character, an unknown one, a malformed body.
  EXPECT_EQ(api_->post("/v1/tournaments/arena_1v1/queue", {{"character_id", anna.character_id}},
                       bert.token)
                .status,
            404);
  EXPECT_EQ(
      api_->post("/v1/tournaments/arena_1v1/queue", {{"character_id", 999999}}, anna.token).status,
      404);
  EXPECT_EQ(
      api_->post("/v1/tournaments/arena_1v1/queue", {{"character_id", "one"}}, anna.token).status,
      422);
  EXPECT_EQ(api_->get("/v1/tournaments/arena_1v1/queue", anna.token).status, 400);
  EXPECT_EQ(api_->get("/v1/tournaments/arena_1v1/queue?character_id=x", anna.token).status, 400);
  EXPECT_EQ(status(anna).json()["status"], "none");
  EXPECT_EQ(leave(anna).status, 404);

  // Results: service token only, a known and open match, a winner of 0-2.
  EXPECT_EQ(api_->post("/internal/v1/matches/1/result", {{"winner_team", 1}}, anna.token).status,
            401);
  EXPECT_EQ(report(424242, 1).status, 404);
  EXPECT_EQ(
      api_->post("/internal/v1/matches/abc/result", {{"winner_team", 1}}, TestApi::kServiceToken)
          .status,
      404);
  const auto match_id =
      count("INSERT INTO tournament_matches (tournament) VALUES ('arena_1v1') RETURNING id");
  EXPECT_EQ(report(match_id, 3).status, 422);
  EXPECT_EQ(report(match_id, 1).status, 409);  // still allocating: not open
}

}  // namespace
}  // namespace omega::api::testing
