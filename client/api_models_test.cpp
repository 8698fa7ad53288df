#include "client/api_models.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace omega::client {
namespace {

TEST(ApiModels, ErrorsAreReadable) {
  const std::string body =
      R"({"error":{"code":"invalid_credentials","message":"wrong username or password"}})";
  EXPECT_EQ(describe_api_error(401, body), "wrong username or password (invalid_credentials)");
  EXPECT_EQ(api_error_code(body), "invalid_credentials");
  EXPECT_EQ(describe_api_error(502, "<html>"), "the API answered HTTP 502");
  EXPECT_EQ(api_error_code("not json"), "");
}

TEST(ApiModels, TokensAndCharacters) {
  const auto tokens = parse_token_pair(
      R"({"access_token":"a.b.c","token_type":"Bearer","expires_in":900,"refresh_token":"r","account_id":7})");
  ASSERT_TRUE(tokens);
  EXPECT_EQ(tokens->access_token, "a.b.c");
  EXPECT_EQ(tokens->account_id, 7);
  EXPECT_FALSE(parse_token_pair(R"({"token_type":"Bearer"})"));

  const auto list = parse_character_list(
      R"({"characters":[{"id":3,"name":"Ayla","class":"mage","level":4,"experience":10,"zone":"hub_city_1","position":null,"gold":5},
                        {"bogus":true}],"max_characters":5})");
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].name, "Ayla");
  EXPECT_EQ((*list)[0].class_id, "mage");
  EXPECT_EQ((*list)[0].level, 4);
  const auto created =
      parse_created_character(R"({"character":{"id":9,"name":"Bo","class":"warrior"}})");
  ASSERT_TRUE(created);
  EXPECT_EQ(created->id, 9);
}

TEST(ApiModels, LeaderboardAndPlay) {
  const auto rows = parse_leaderboard(
      R"({"board":"level","period":"all","entries":[{"rank":1,"character_id":2,"name":"X","score":40}]})");
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].score, 40);
  const auto hex =
      parse_play_grant(R"({"ws_url":"ws://h:1/","ticket":"00ff41","zone":"forest","instance":2})");
  ASSERT_TRUE(hex);
  EXPECT_EQ(hex->ticket, std::string("\x00\xff\x41", 3));
  EXPECT_EQ(hex->instance, 2u);
  const auto b64 = parse_play_grant(R"({"ws_url":"ws://h:1/","ticket":"SGVsbG8=","zone":"z"})");
  ASSERT_TRUE(b64);
  EXPECT_EQ(b64->ticket, "Hello");
  EXPECT_FALSE(parse_play_grant(R"({"ws_url":"ws://h:1/","ticket":"!!"})"));
}

TEST(ApiModels, BodiesAreJson) {
  EXPECT_EQ(credentials_body("u", "p\"w"), R"({"password":"p\"w","username":"u"})");
  EXPECT_EQ(play_body(12), R"({"character_id":12})");
}

TEST(ApiModels, ReportBodyQuotesTheLine) {
  EXPECT_EQ(nlohmann::json::parse(report_body(5, "Bo", "spam", "buy gold \"now\"")),
            (nlohmann::json{{"character_id", 5},
                            {"reported_name", "Bo"},
                            {"reason", "spam"},
                            {"quoted", "buy gold \"now\""}}));
}

TEST(ApiModels, Party) {
  const auto party = parse_party(
      R"({"id":7,"leader":11,"members":[{"character_id":11,"name":"Ann"},{"character_id":12,"name":"Bo"}],"invites":[13],"invitees":[{"character_id":13,"name":"Cy"}]})");
  ASSERT_TRUE(party);
  EXPECT_EQ(party->id, 7);
  EXPECT_EQ(party->leader, 11);
  ASSERT_EQ(party->members.size(), 2u);
  EXPECT_EQ(party->members[1].name, "Bo");
  EXPECT_EQ(party->invites, (std::vector<int64_t>{13}));
  ASSERT_EQ(party->invitees.size(), 1u);
  EXPECT_EQ(party->invitees[0].character_id, 13);
  EXPECT_EQ(party->invitees[0].name, "Cy");
  EXPECT_FALSE(parse_party(R"({"leader":11})"));
  EXPECT_FALSE(parse_party("[]"));
  EXPECT_EQ(party_invite_body(11, "Cy"), R"({"character_id":11,"invitee_name":"Cy"})");
  EXPECT_EQ(party_member_body(12), R"({"character_id":12})");
  EXPECT_EQ(listing_body(12, "wolf_pelt", 3, 5),
            R"({"character_id":12,"item_id":"wolf_pelt","price":5,"quantity":3})");
}

TEST(ApiModels, Friends) {
  const auto friends = parse_friends(
      R"({"friends":[{"character_id":4,"name":"Ann","class":"mage","level":3,"status":"friend","online":true,"zone":"forest"},)"
      R"({"character_id":5,"name":"Bo","class":"warrior","level":1,"status":"incoming","online":false,"zone":null}]})");
  ASSERT_TRUE(friends);
  ASSERT_EQ(friends->size(), 2u);
  EXPECT_EQ((*friends)[0].name, "Ann");
  EXPECT_EQ((*friends)[0].class_id, "mage");
  EXPECT_EQ((*friends)[0].level, 3);
  EXPECT_TRUE((*friends)[0].online);
  EXPECT_EQ((*friends)[0].zone, "forest");
  EXPECT_EQ((*friends)[1].status, "incoming");
  EXPECT_FALSE((*friends)[1].online);
  EXPECT_EQ((*friends)[1].zone, "");
  EXPECT_FALSE(parse_friends(R"({"party":[]})"));
  EXPECT_EQ(friend_request_body("Cy"), R"({"name":"Cy"})");
}

TEST(ApiModels, MarketAndTournaments) {
  const auto listings = parse_market_listings(
      R"({"listings":[{"id":3,"seller_id":9,"seller_name":"Ann","item_id":"wolf_pelt","quantity":2,"price":40,"fee":2,"status":"active"}],"next_cursor":null})");
  ASSERT_TRUE(listings);
  ASSERT_EQ(listings->size(), 1u);
  EXPECT_EQ((*listings)[0].item_id, "wolf_pelt");
  EXPECT_EQ((*listings)[0].seller_name, "Ann");
  EXPECT_EQ((*listings)[0].price, 40);
  EXPECT_FALSE(parse_market_listings(R"({"entries":[]})"));
  const auto tournaments =
      parse_tournaments(R"({"tournaments":[{"id":"arena_2v2","name":"2v2","team_size":2}]})");
  ASSERT_TRUE(tournaments);
  ASSERT_EQ(tournaments->size(), 1u);
  EXPECT_EQ((*tournaments)[0].team_size, 2);
  const auto status = parse_tournament_status(
      R"({"tournament":"arena_1v1","character_id":4,"rating":1500,"status":"queued","waited_s":2.5})");
  ASSERT_TRUE(status);
  EXPECT_EQ(status->status, "queued");
  EXPECT_EQ(status->rating, 1500);
  EXPECT_DOUBLE_EQ(status->waited_seconds, 2.5);
  EXPECT_FALSE(parse_tournament_status(R"({"tournament":"arena_1v1"})"));
  EXPECT_FALSE(status->last_match);
  const auto after = parse_tournament_status(
      R"({"tournament":"arena_1v1","character_id":4,"rating":1516,"status":"none","last_match":)"
      R"({"match_id":9,"team":1,"winner_team":1,"outcome":"win","rating_before":1500,)"
      R"("rating_after":1516}})");
  ASSERT_TRUE(after && after->last_match);
  EXPECT_EQ(after->last_match->match_id, 9);
  EXPECT_EQ(after->last_match->outcome, "win");
  EXPECT_EQ(after->last_match->rating_before, 1500);
  EXPECT_EQ(after->last_match->rating_after, 1516);
}

}  // namespace
}  // namespace omega::client
