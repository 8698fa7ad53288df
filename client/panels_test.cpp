// The window panels' API flows against a fake PanelHost: what each action asks of the API and
// what each answer leaves in the panel. No ImGui: draw() is not called.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "client/market_panel.hpp"
#include "client/panel_host.hpp"
#include "client/party_panel.hpp"
#include "client/tournament_panel.hpp"

namespace omega::client {
namespace {

// Records the calls; the test answers them in order.
class FakeHost : public PanelHost {
 public:
  struct Call {
    HttpRequestSpec request;
    ApiAnswerHandler on_answer;
  };

  void call_api(HttpRequestSpec request, ApiAnswerHandler on_answer) override {
    calls.push_back({std::move(request), std::move(on_answer)});
  }
  bool busy() const override { return !calls.empty(); }
  bool signed_in() const override { return true; }
  bool dev_character() const override { return false; }
  int64_t character_id() const override { return 4; }
  ZoneSession* session() override { return nullptr; }
  double now() const override { return clock; }
  const ContentCatalog& content() const override { return catalog; }
  void join_arena(const PlayGrant& arena) override { joined.push_back(arena); }

  // Answers the oldest call with `status` and `body`; returns its request.
  HttpRequestSpec answer(int status, const std::string& body) {
    EXPECT_FALSE(calls.empty());
    Call call = std::move(calls.front());
    calls.erase(calls.begin());
    call.on_answer({status, body, status >= 200 && status < 300 ? "" : "refused"});
    return call.request;
  }

  std::vector<Call> calls;
  std::vector<PlayGrant> joined;
  double clock = 100.0;
  ContentCatalog catalog;
};

// GET /v1/tournaments/{id}/queue for a matched character (api/tournament_service.cpp).
constexpr const char* kMatched =
    R"({"tournament":"arena_1v1","character_id":4,"rating":1500,"status":"matched","match_id":12,"team":2,)"
    R"("zone":"arena_1","instance":33,"ws_url":"ws://127.0.0.1:7101/z/arena_1/33","ticket":"0a0b0c",)"
    R"("lease_epoch":5,"expires_at":1800000000})";
constexpr const char* kAfterMatch =
    R"({"tournament":"arena_1v1","character_id":4,"rating":1516,"status":"none","last_match":)"
    R"({"match_id":12,"team":2,"winner_team":2,"outcome":"win","rating_before":1500,)"
    R"("rating_after":1516}})";

TEST(TournamentPanel, AMatchedAnswerJoinsTheArenaOnceAndTheResultIsAskedAfterTheMatch) {
  FakeHost host;
  TournamentPanel panel(host);
  panel.queue("arena_1v1");
  ASSERT_EQ(host.calls.size(), 1u);
  EXPECT_EQ(host.calls[0].request.method, "POST");
  EXPECT_EQ(host.calls[0].request.target, "/v1/tournaments/arena_1v1/queue");
  host.answer(200, kMatched);
  ASSERT_EQ(host.joined.size(), 1u);
  EXPECT_EQ(host.joined[0].zone, "arena_1");
  panel.poll_status();
  EXPECT_EQ(host.answer(200, kMatched).target, "/v1/tournaments/arena_1v1/queue?character_id=4");
  EXPECT_EQ(host.joined.size(), 1u);  // the same match: joined once

  EXPECT_TRUE(panel.end_match(host.clock));
  EXPECT_FALSE(panel.status());
  EXPECT_FALSE(panel.end_match(host.clock));  // no status left: nothing to end
  panel.ask_match_result();
  ASSERT_EQ(host.calls.size(), 1u);
  EXPECT_EQ(host.answer(200, kAfterMatch).target, "/v1/tournaments/arena_1v1/queue?character_id=4");
  ASSERT_TRUE(panel.match_result());
  EXPECT_EQ(panel.match_result()->outcome, "win");
  host.clock += 5.0;
  panel.ask_match_result();  // answered: no more asking
  EXPECT_TRUE(host.calls.empty());
}

TEST(PartyPanel, AnAnswerWithoutThePartyReadsItBackAndLeavingForgetsIt) {
  FakeHost host;
  PartyPanel panel(host);
  panel.create();
  host.answer(201, R"({"id":7,"leader":4,"members":[{"character_id":4,"name":"Ann"}]})");
  ASSERT_TRUE(panel.party());
  EXPECT_EQ(panel.party()->id, 7);
  panel.invite("Cy");
  EXPECT_EQ(host.answer(202, "{}").target, "/v1/parties/7/invite");
  ASSERT_EQ(host.calls.size(), 1u);  // the invite's answer has no party: read it back
  EXPECT_EQ(host.calls[0].request.method, "GET");
  EXPECT_EQ(host.calls[0].request.target, "/v1/parties/7");
  host.answer(500, "");
  panel.leave();
  host.answer(404, "");  // already gone counts as left
  EXPECT_FALSE(panel.party());
}

TEST(MarketPanel, ATradeSearchesAgainWithTheLastQuery) {
  FakeHost host;
  MarketPanel panel(host);
  panel.search("wolf pelt");
  EXPECT_EQ(host.answer(200, R"({"listings":[]})").target,
            "/v1/market/listings?limit=20&sort=price&q=wolf%20pelt");
  panel.buy(3);
  ASSERT_EQ(host.calls.size(), 1u);
  EXPECT_FALSE(host.calls[0].request.idempotency_key.empty());
  EXPECT_EQ(host.answer(200, "{}").target, "/v1/market/listings/3/buy");
  ASSERT_EQ(host.calls.size(), 1u);
  EXPECT_EQ(host.calls[0].request.target, "/v1/market/listings?limit=20&sort=price&q=wolf%20pelt");
  host.answer(200, R"({"listings":[]})");
  panel.cancel(3);
  host.answer(409, "");  // refused: no new search
  EXPECT_TRUE(host.calls.empty());
}

}  // namespace
}  // namespace omega::client
