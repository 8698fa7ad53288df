#include "bots/api_flow.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace omega::bots {
namespace {

ApiOutcome ok() {
  return {true, 200, ""};
}
ApiOutcome refused(int status, const char* code) {
  return {false, status, code};
}

PlayAnswer granted(const char* ws_url = "ws://zone-3:8081/play") {
  PlayAnswer answer;
  answer.outcome = ok();
  answer.grant.ws_url = ws_url;
  answer.grant.ticket = "ticket-bytes";
  answer.grant.zone = "arena_1";
  return answer;
}

PlayAnswer refused_play(int status, const char* code) {
  PlayAnswer answer;
  answer.outcome = refused(status, code);
  return answer;
}

TEST(ApiFlowAccounts, NamesFollowThePrefixAndClassesTakeTurns) {
  ApiFlowSettings settings;
  settings.account_prefix = "load";
  settings.character_classes = {"warrior", "mage"};
  const ApiAccount third = bot_account(settings, 3);
  EXPECT_EQ(third.username, "load_3");
  EXPECT_EQ(third.character_name, "loadc3");
  EXPECT_EQ(third.character_class, "mage");
  EXPECT_EQ(bot_account(settings, 4).character_class, "warrior");
  settings.character_classes.clear();  // the API's default class
  EXPECT_EQ(bot_account(settings, 4).character_class, "warrior");
}

TEST(ApiFlowPlay, AGrantConnectsWithItsTicket) {
  ReplayBackoff replay;
  const ApiStep step = step_after_play(granted(), replay, 10.0);
  ASSERT_EQ(step.kind, ApiStep::Kind::connect);
  EXPECT_EQ(step.target.host, "zone-3");
  EXPECT_EQ(step.target.port, 8081);
  EXPECT_EQ(step.target.path, "/play");
  EXPECT_FALSE(step.target.tls);
  EXPECT_EQ(step.ticket, "ticket-bytes");
  EXPECT_TRUE(step.api_error.empty());
}

TEST(ApiFlowPlay, AGrantWithABadAddressGivesUpWithoutAnApiError) {
  ReplayBackoff replay;
  const ApiStep step = step_after_play(granted("http://not-a-websocket"), replay, 10.0);
  ASSERT_EQ(step.kind, ApiStep::Kind::give_up);
  EXPECT_EQ(step.reason, "api:play: bad ws_url http://not-a-websocket");
  EXPECT_TRUE(step.api_error.empty());  // the API answered; the last refusal stays as it was
}

TEST(ApiFlowPlay, TransientRefusalsAreRetriedOnTheBackoff) {
  for (const PlayAnswer& answer :
       {refused_play(503, "no_capacity"), refused_play(409, "zone_full"),
        refused_play(0, "connection refused"), refused_play(500, "http_500")}) {
    ReplayBackoff replay;
    replay.start(10.0, 30.0);
    const ApiStep step = step_after_play(answer, replay, 10.0);
    ASSERT_EQ(step.kind, ApiStep::Kind::retry_play) << answer.outcome.status;
    EXPECT_DOUBLE_EQ(step.at_s, 10.0 + ReplayBackoff::kStartSeconds);
    EXPECT_EQ(step.api_error, "play: " + describe(answer.outcome));
  }
}

TEST(ApiFlowPlay, OtherRefusalsGiveUpAtOnce) {
  ReplayBackoff replay;
  replay.start(10.0, 30.0);
  const ApiStep step = step_after_play(refused_play(403, "not_your_character"), replay, 10.0);
  ASSERT_EQ(step.kind, ApiStep::Kind::give_up);
  EXPECT_EQ(step.api_error, "play: 403 not_your_character");
  EXPECT_EQ(step.reason, "api:play: 403 not_your_character");
}

TEST(ApiFlowPlay, TransientRefusalsGiveUpOnceTheReplayTimeoutRunsOut) {
  ReplayBackoff replay;
  replay.start(0.0, 1.0);
  double now = 0.0;
  ApiStep step;
  int retries = 0;
  for (;;) {
    step = step_after_play(refused_play(503, "no_capacity"), replay, now);
    if (step.kind != ApiStep::Kind::retry_play) break;
    ++retries;
    now = step.at_s;
  }
  EXPECT_EQ(retries, 2);  // at 0.25 and 0.75; the next pause (1 s) would cross t = 1
  EXPECT_EQ(step.kind, ApiStep::Kind::give_up);
  EXPECT_EQ(step.reason, "api:play: 503 no_capacity");
}

TEST(ApiFlowEnter, ATransientFailureStartsOverASecondLaterUntilTheJoinTimeout) {
  ApiFlowSettings settings;
  settings.join_timeout_s = 60.0;
  ReplayBackoff replay;
  EnterAnswer answer;
  answer.outcome = refused(0, "connection refused");
  ApiStep step = step_after_enter(answer, replay, 5.0, settings);
  ASSERT_EQ(step.kind, ApiStep::Kind::retry_enter);
  EXPECT_DOUBLE_EQ(step.at_s, 5.0 + kEnterRetrySeconds);
  EXPECT_EQ(step.api_error, "enter: 0 connection refused");
  step = step_after_enter(answer, replay, 60.0, settings);
  ASSERT_EQ(step.kind, ApiStep::Kind::give_up);
  EXPECT_EQ(step.reason, "api:enter: 0 connection refused");
}

TEST(ApiFlowEnter, ARefusedAccountGivesUpAtOnce) {
  ReplayBackoff replay;
  EnterAnswer answer;
  answer.outcome = refused(400, "bad_username");
  const ApiStep step = step_after_enter(answer, replay, 1.0, ApiFlowSettings{});
  ASSERT_EQ(step.kind, ApiStep::Kind::give_up);
  EXPECT_EQ(step.reason, "api:enter: 400 bad_username");
}

TEST(ApiFlowEnter, WithoutAPlayTheBotWaitsForItsParty) {
  ReplayBackoff replay;
  EnterAnswer answer;
  answer.outcome = ok();
  EXPECT_EQ(step_after_enter(answer, replay, 1.0, ApiFlowSettings{}).kind,
            ApiStep::Kind::wait_for_party);
}

TEST(ApiFlowEnter, ThePlayThatCameWithItStartsAReplayRound) {
  ApiFlowSettings settings;
  settings.replay_timeout_s = 30.0;
  ReplayBackoff replay;  // never started: its deadline is t = 0
  EnterAnswer answer;
  answer.outcome = ok();
  answer.play = granted();
  EXPECT_EQ(step_after_enter(answer, replay, 100.0, settings).kind, ApiStep::Kind::connect);
  answer.play = refused_play(503, "no_capacity");
  const ApiStep step = step_after_enter(answer, replay, 100.0, settings);
  ASSERT_EQ(step.kind, ApiStep::Kind::retry_play);  // the round started at t = 100
  EXPECT_DOUBLE_EQ(step.at_s, 100.0 + ReplayBackoff::kStartSeconds);
}

TEST(ApiFlowParty, AFormedPartyPlaysEachMemberAndNamesTheParty) {
  PartyAnswer answer;
  answer.outcome = ok();
  answer.party_id = 42;
  answer.plays = {granted(), refused_play(409, "zone_full")};
  ReplayBackoff first, second;
  const ApiStep leader = step_after_party(answer, 0, first, 10.0, ApiFlowSettings{});
  EXPECT_EQ(leader.kind, ApiStep::Kind::connect);
  EXPECT_EQ(leader.party_id, 42u);
  const ApiStep member = step_after_party(answer, 1, second, 10.0, ApiFlowSettings{});
  EXPECT_EQ(member.kind, ApiStep::Kind::retry_play);
  EXPECT_EQ(member.party_id, 42u);
  EXPECT_EQ(member.api_error, "play: 409 zone_full");
}

TEST(ApiFlowParty, APartyThatDidNotFormGivesEveryMemberUp) {
  PartyAnswer answer;
  answer.outcome = refused(404, "no_such_character");
  answer.plays.resize(3);
  for (size_t i = 0; i < 3; ++i) {
    ReplayBackoff replay;
    const ApiStep step = step_after_party(answer, i, replay, 10.0, ApiFlowSettings{});
    ASSERT_EQ(step.kind, ApiStep::Kind::give_up);
    EXPECT_EQ(step.reason, "api:party: 404 no_such_character");
    EXPECT_EQ(step.api_error, "party: 404 no_such_character");
    EXPECT_EQ(step.party_id, 0u);
  }
}

TEST(ApiFlowParties, ConsecutiveGroupsFormOnceNoMemberIsStillEntering) {
  using S = PartyStanding;
  const std::vector<S> standing = {
      S::ready, S::ready,   S::ready,  // a full party
      S::ready, S::pending, S::ready,  // waits for its middle member
      S::gone,  S::ready,   S::gone,   // forms without the members that gave up
      S::gone,  S::gone,    S::gone,   // nobody left
      S::ready,                        // the last, shorter group
  };
  const auto parties = parties_to_form(standing, 3);
  ASSERT_EQ(parties.size(), 3u);
  EXPECT_EQ(parties[0], (std::vector<size_t>{0, 1, 2}));
  EXPECT_EQ(parties[1], (std::vector<size_t>{7}));
  EXPECT_EQ(parties[2], (std::vector<size_t>{12}));
}

TEST(ApiFlowParties, NoPartiesBelowTwo) {
  const std::vector<PartyStanding> standing(4, PartyStanding::ready);
  EXPECT_TRUE(parties_to_form(standing, 0).empty());
  EXPECT_TRUE(parties_to_form(standing, 1).empty());
}

TEST(ApiFlowQueue, AMatchNamesTheArenaAndItsTicket) {
  const MatchStep match = step_after_queue(granted("wss://arena.example:443/"));
  ASSERT_TRUE(match.matched);
  EXPECT_EQ(match.status, "matched");
  EXPECT_EQ(match.arena.host, "arena.example");
  EXPECT_TRUE(match.arena.tls);
  EXPECT_EQ(match.zone, "arena_1");
  EXPECT_EQ(match.ticket, "ticket-bytes");
}

TEST(ApiFlowQueue, ErrorsAreReportedAsTheTournamentStatus) {
  EXPECT_EQ(step_after_queue(refused_play(200, "not_matched")).status, "error: 200 not_matched");
  const MatchStep bad = step_after_queue(granted("nowhere"));
  EXPECT_FALSE(bad.matched);
  EXPECT_EQ(bad.status, "error: bad ws_url nowhere");
}

TEST(ApiFlowReplay, OnlyDeliberateRemovalsEndTheRetries) {
  using protocol::KickReason;
  EXPECT_FALSE(replays_after(KickReason::session_replaced));
  EXPECT_FALSE(replays_after(KickReason::banned));
  EXPECT_FALSE(replays_after(KickReason::kicked));
  EXPECT_TRUE(replays_after(KickReason::none));  // a crash: the connection just dropped
  EXPECT_TRUE(replays_after(KickReason::match_over));
  EXPECT_TRUE(replays_after(KickReason::protocol_error));
}

}  // namespace
}  // namespace omega::bots
