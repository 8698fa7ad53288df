#include "client/arena_flow.hpp"

#include <gtest/gtest.h>

namespace omega::client {
namespace {

using protocol::EntityKind;
using protocol::KickReason;

// The body of GET /v1/tournaments/{id}/queue for a matched character (api/tournament_service.cpp).
constexpr const char* kMatched =
    R"({"tournament":"arena_1v1","character_id":4,"rating":1500,"status":"matched","match_id":12,"team":2,)"
    R"("zone":"arena_1","instance":33,"ws_url":"ws://127.0.0.1:7101/z/arena_1/33","ticket":"0a0b0c",)"
    R"("lease_epoch":5,"expires_at":1800000000})";

TEST(ArenaFlow, AMatchedStatusJoinsTheArenaOncePerMatch) {
  const auto status = parse_tournament_status(kMatched);
  ASSERT_TRUE(status);
  EXPECT_EQ(status->match_id, 12);
  const auto join = arena_to_join(status, -1);
  ASSERT_TRUE(join);
  EXPECT_EQ(join->ws_url, "ws://127.0.0.1:7101/z/arena_1/33");
  EXPECT_EQ(join->zone, "arena_1");
  EXPECT_EQ(join->instance, 33u);
  EXPECT_EQ(join->ticket, std::string("\x0a\x0b\x0c"));
  EXPECT_FALSE(arena_to_join(status, 12));  // already there: a repeated answer does nothing
  EXPECT_TRUE(arena_to_join(status, 11));   // a new match after an old one
}

TEST(ArenaFlow, OtherStatusesJoinNothing) {
  EXPECT_FALSE(arena_to_join(std::nullopt, -1));
  for (
      const char* body :
      {R"({"tournament":"arena_1v1","rating":1500,"status":"queued","waited_s":2.5})",
       R"({"tournament":"arena_1v1","rating":1500,"status":"matching","match_id":12,"team":1})",
       R"({"tournament":"arena_1v1","rating":1500,"status":"none"})",
       // matched without a usable ticket: nothing to present in Hello
       R"({"tournament":"arena_1v1","status":"matched","match_id":12,"ws_url":"ws://a/z/arena_1/1","ticket":""})"})
    EXPECT_FALSE(arena_to_join(parse_tournament_status(body), -1)) << body;
}

TEST(ArenaFlow, ArenaInstancesAreKnownByZoneOrWsPath) {
  EXPECT_TRUE(is_arena("arena_1", ""));
  EXPECT_TRUE(is_arena("", "ws://127.0.0.1:7101/z/arena_1/33"));
  EXPECT_FALSE(is_arena("hub_city_1", "ws://127.0.0.1:7101/z/hub_city_1/1"));
  EXPECT_FALSE(is_arena("forest", "ws://127.0.0.1:7101/"));
  EXPECT_FALSE(is_arena("", "not a url"));
}

TEST(ArenaFlow, TabTargetsMonstersInTheWorldAndTheEnemyInAnArena) {
  const std::vector<TargetCandidate> in_view = {
      {1, EntityKind::player, false, 2.0f}, {2, EntityKind::monster, false, 6.0f},
      {3, EntityKind::loot, false, 0.5f},   {4, EntityKind::monster, true, 1.0f},  // dead
      {5, EntityKind::player, false, 4.0f}, {6, EntityKind::projectile, false, 0.2f}};
  EXPECT_EQ(choose_target(in_view, false), 2u);  // the live monster, though a player is closer
  EXPECT_EQ(choose_target(in_view, true), 1u);   // the nearest other player
  // Nobody else to fight: the arena falls back to whatever lives, the world to players.
  EXPECT_EQ(choose_target({{7, EntityKind::monster, false, 9.0f}}, true), 7u);
  EXPECT_EQ(choose_target({{8, EntityKind::player, false, 9.0f}}, false), 8u);
  EXPECT_EQ(choose_target({{3, EntityKind::loot, false, 0.5f}, {4, EntityKind::player, true, 1.0f}},
                          true),
            0u);
}

TEST(ArenaFlow, MatchOverRePlaysAtOnceAndSaysSo) {
  EXPECT_TRUE(kick_replays_at_once(KickReason::match_over));
  EXPECT_EQ(kick_outcome_text(KickReason::match_over), "Match over");
  for (auto reason :
       {KickReason::lease_conflict, KickReason::shutting_down, KickReason::idle_timeout}) {
    EXPECT_FALSE(kick_replays_at_once(reason));
    EXPECT_EQ(kick_outcome_text(reason), "");
  }
}

TEST(ArenaFlow, ALostArenaConnectionComesBackThroughTheQueueStatus) {
  EXPECT_TRUE(reconnect_through_tournament(true, std::nullopt, true));
  EXPECT_TRUE(reconnect_through_tournament(true, KickReason::shutting_down, true));
  EXPECT_FALSE(reconnect_through_tournament(true, KickReason::match_over, true));  // /v1/play
  EXPECT_FALSE(reconnect_through_tournament(false, std::nullopt, true));           // the world
  EXPECT_FALSE(reconnect_through_tournament(true, std::nullopt, false));
}

}  // namespace
}  // namespace omega::client
