// World endpoints (directory, tickets, leases, checkpoints, transfers, parties) against a
// real PostgreSQL and Redis.
//
// Zone processes are simulated (api/world_test_support.hpp): tests write registry entries straight
// into Redis, as a zone would, and FakeZoneControl stands in for a zone's control port.
// A real omega-zone is not used here: this suite runs in the API's build alone, without the
// zone binary, and a real zone would also claim and checkpoint on its own schedule, which
// would make these exact-state checks racy. The zone side is covered by the e2e suite.
#include <gtest/gtest.h>

#include <set>

#include "api/integration_test_support.hpp"
#include "api/world_test_support.hpp"

namespace omega::api::testing {
namespace {

class ApiWorldIT : public FreshDatabaseTest {
 protected:
  void SetUp() override {
    FreshDatabaseTest::SetUp();
    api_ = start_api([](Config& config) { config.ticket_signing_seed = kSeed; });
    registry_ =
        std::make_unique<RegistryWriter>(shared_services().redis_url, api_->config().redis_prefix);
  }

  Player player(const std::string& name) { return make_player(*api_, name); }

  HttpResult play(const Player& who, const std::optional<std::string>& zone = std::nullopt) {
    nlohmann::json body = {{"character_id", who.character_id}};
    if (zone) body["zone"] = *zone;
    return api_->post("/v1/play", body, who.token);
  }

  HttpResult claim(const Player& who, const nlohmann::json& seat, std::int64_t ticket_epoch) {
    return api_->post("/internal/v1/leases/claim",
                      {{"character_id", who.character_id},
                       {"account_id", who.account_id},
                       {"zone", seat["zone"]},
                       {"instance", seat["instance"]},
                       {"ticket_epoch", ticket_epoch}},
                      TestApi::kServiceToken);
  }

  // Plays and claims: the character is live in a zone with the returned lease epoch.
  std::int64_t enter(const Player& who, const std::optional<std::string>& zone = std::nullopt) {
    const auto seat = play(who, zone);
    if (seat.status != 200) throw std::runtime_error(seat.body);
    const auto claimed = claim(who, seat.json(), seat.json()["lease_epoch"]);
    if (claimed.status != 200) throw std::runtime_error(claimed.body);
    return claimed.json()["lease_epoch"];
  }

  static nlohmann::json record(const Player& who, std::int64_t epoch, std::int64_t seq) {
    return {{"character_id", who.character_id},
            {"lease_epoch", epoch},
            {"seq", seq},
            {"zone", "hub_city_1"},
            {"x", 12.5},
            {"y", 7.25},
            {"hp", 90},
            {"mana", 20},
            {"level", 2},
            {"experience", 150},
            {"kills", 1},
            {"gold_delta", 0},
            {"items_delta", nlohmann::json::array()},
            {"release", false}};
  }

  HttpResult checkpoint(const std::vector<nlohmann::json>& records) {
    return api_->post("/internal/v1/checkpoints", {{"reason", "periodic"}, {"characters", records}},
                      TestApi::kServiceToken);
  }

  long long column(const Player& who, const std::string& expression) {
    return count("SELECT " + expression +
                 " FROM characters WHERE id = " + std::to_string(who.character_id));
  }

  std::unique_ptr<TestApi> api_;
  std::unique_ptr<RegistryWriter> registry_;
};

// The zone holding the character wrote it within the last minute (claim or checkpoint).
constexpr const char* kHeartbeatJustNow =
    "COALESCE(lease_heartbeat_at > now() - interval '1 minute', false)::int";

TEST_F(ApiWorldIT, PlayAssignsAnInstanceAndMintsAVerifiableTicket) {
  registry_->process("p1", "http://127.0.0.1:1", {"hub_city_1"});
  registry_->instance("hub_city_1", 1, 10);
  const auto hero = player("Hero");
  const auto seat = play(hero);
  ASSERT_EQ(seat.status, 200) << seat.body;
  const auto body = seat.json();
  EXPECT_EQ(body["zone"], "hub_city_1");
  EXPECT_EQ(body["instance"], 1);
  EXPECT_EQ(body["ws_url"], "ws://127.0.0.1:8081/z/hub_city_1/1");
  EXPECT_EQ(body["lease_epoch"], 0);
  const auto ticket = verified(body);
  EXPECT_EQ(ticket.account_id, static_cast<std::uint64_t>(hero.account_id));
  EXPECT_EQ(ticket.character_id, static_cast<std::uint64_t>(hero.character_id));
  EXPECT_EQ(ticket.zone, "hub_city_1");
  EXPECT_EQ(ticket.instance_id, 1u);
  EXPECT_EQ(ticket.lease_epoch, 0u);
  EXPECT_EQ(ticket.expires_at_unix, body["expires_at"].get<std::uint64_t>());
  // The seat is reserved until the claim arrives.
  EXPECT_EQ(registry_->command({"ZCARD", registry_->prefix() + "reserve:hub_city_1:1"}).integer, 1);

  const auto stranger = player("Stranger");
  EXPECT_EQ(api_->post("/v1/play", {{"character_id", hero.character_id}}, stranger.token).status,
            404);
  EXPECT_EQ(api_->post("/v1/play", {{"character_id", hero.character_id}}).status, 401);
  const auto unknown = play(hero, "atlantis");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(unknown.json()["error"]["code"], "unknown_zone");
}

TEST_F(ApiWorldIT, ClaimBumpsTheEpochAndAnOlderTicketIsRefused) {
  registry_->instance("hub_city_1", 1, 10);
  const auto hero = player("Hero");
  const auto seat = play(hero).json();
  const auto claimed = claim(hero, seat, 0);
  ASSERT_EQ(claimed.status, 200) << claimed.body;
  const auto body = claimed.json();
  EXPECT_EQ(body["lease_epoch"], 1);
  EXPECT_EQ(body["character"]["name"], "Hero");
  EXPECT_EQ(body["character"]["zone"], "hub_city_1");
  EXPECT_TRUE(body["character"]["x"].is_null());
  EXPECT_TRUE(body["character"]["hp"].is_null());
  EXPECT_EQ(body["character"]["items"].size(), 3u);
  EXPECT_EQ(column(hero, "lease_epoch"), 1);
  EXPECT_EQ(column(hero, "lease_released::int"), 0);
  EXPECT_EQ(column(hero, kHeartbeatJustNow), 1);  // presence: the claim is the first heartbeat
  EXPECT_EQ(registry_->command({"ZCARD", registry_->prefix() + "reserve:hub_city_1:1"}).integer, 0);

  const auto again = claim(hero, seat, 0);
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(again.json()["error"]["code"], "stale_ticket");
  EXPECT_EQ(column(hero, "lease_epoch"), 1);

  // A second play resumes the held instance with the current epoch.
  registry_->instance("hub_city_1", 1, 11);
  const auto resumed = play(hero).json();
  EXPECT_EQ(resumed["instance"], 1);
  EXPECT_EQ(resumed["lease_epoch"], 1);

  auto other = hero;
  other.account_id += 1000;  // a ticket for someone else's character
  EXPECT_EQ(claim(other, seat, 1).status, 404);
  EXPECT_EQ(
      api_->post("/internal/v1/leases/claim", {{"character_id", hero.character_id}}, "").status,
      401);
}

TEST_F(ApiWorldIT, AStaleEpochCheckpointIsRefusedAndACurrentOneApplies) {
  registry_->instance("hub_city_1", 1, 10);
  const auto hero = player("Hero");
  const auto old_epoch = enter(hero);
  const auto current = enter(hero);  // a newer session took the character over
  ASSERT_EQ(current, old_epoch + 1);

  auto stale = record(hero, old_epoch, 1);
  stale["gold_delta"] = 100;
  const auto refused = checkpoint({stale});
  EXPECT_EQ(refused.status, 409);
  EXPECT_EQ(refused.json()["results"][0]["status"], "stale_epoch");
  EXPECT_EQ(column(hero, "level"), 1);
  EXPECT_EQ(column(hero, "gold"), 0);
  EXPECT_EQ(column(hero, "checkpoint_seq"), 0);
  EXPECT_EQ(column(hero, "(position_x IS NULL)::int"), 1);

  // Only an applied checkpoint is a heartbeat of the lease (api/presence.hpp).
  count("UPDATE characters SET lease_heartbeat_at = now() - interval '1 hour' WHERE id = " +
        std::to_string(hero.character_id) + " RETURNING 1");
  EXPECT_EQ(column(hero, kHeartbeatJustNow), 0);
  const auto applied = checkpoint({record(hero, current, 1)});
  ASSERT_EQ(applied.status, 200) << applied.body;
  EXPECT_EQ(applied.json()["results"][0]["status"], "ok");
  EXPECT_EQ(column(hero, kHeartbeatJustNow), 1);
  EXPECT_EQ(column(hero, "level"), 2);
  EXPECT_EQ(column(hero, "experience"), 150);
  EXPECT_EQ(column(hero, "hp"), 90);
  EXPECT_EQ(column(hero, "(position_x * 100)::int"), 1250);
  EXPECT_EQ(column(hero, "checkpoint_seq"), 1);
}

TEST_F(ApiWorldIT, ARepeatedSeqIsADuplicateWithNoSecondEffect) {
  registry_->instance("hub_city_1", 1, 10);
  const auto hero = player("Hero");
  const auto epoch = enter(hero);
  auto first = record(hero, epoch, 1);
  first["gold_delta"] = 50;
  first["items_delta"] = {{{"item_id", "wolf_pelt"}, {"delta", 3}},
                          {{"item_id", "minor_health_potion"}, {"delta", -1}}};
  for (const char* expected :
       {"ok", "duplicate"}) {  // the zone retries a request it got no answer to
    const auto result = checkpoint({first});
    ASSERT_EQ(result.status, 200) << result.body;
    EXPECT_EQ(result.json()["results"][0]["status"], expected);
  }
  EXPECT_EQ(column(hero, "gold"), 50);
  EXPECT_EQ(count("SELECT coalesce(sum(quantity), 0) FROM inventory_items WHERE item_id = "
                  "'wolf_pelt' AND character_id = " +
                  std::to_string(hero.character_id)),
            3);

  // Gold never goes below zero; the delta is clamped.
  auto second = record(hero, epoch, 2);
  second["gold_delta"] = -500;
  second["release"] = true;
  EXPECT_EQ(checkpoint({second}).json()["results"][0]["status"], "ok");
  EXPECT_EQ(column(hero, "gold"), 0);
  EXPECT_EQ(column(hero, "lease_released::int"), 1);
  // After the release only a retry of the releasing checkpoint is accepted (as a duplicate).
  EXPECT_EQ(checkpoint({second}).json()["results"][0]["status"], "duplicate");
  const auto late = checkpoint({record(hero, epoch, 3)});
  EXPECT_EQ(late.status, 409);
  EXPECT_EQ(late.json()["results"][0]["status"], "stale_epoch");
  EXPECT_EQ(checkpoint({record(hero, epoch, 0)}).status, 422);
}

// The claim says what the character wears; a checkpoint's `equipped` (after its item deltas)
// moves the equipped mark, and the next claim reads it back.
TEST_F(ApiWorldIT, CheckpointsKeepWhatTheCharacterWearsAndTheClaimReturnsIt) {
  registry_->instance("hub_city_1", 1, 10);
  const auto hero = player("Hero");
  const auto seat = play(hero);
  ASSERT_EQ(seat.status, 200) << seat.body;
  const auto claimed = claim(hero, seat.json(), seat.json()["lease_epoch"]);
  ASSERT_EQ(claimed.status, 200) << claimed.body;
  // A new warrior wears its starting sword and armour (content/classes.json).
  EXPECT_EQ(claimed.json()["character"]["equipped"],
            (nlohmann::json{"leather_armor", "rusty_sword"}));
  const std::int64_t epoch = claimed.json()["lease_epoch"];
  auto first = record(hero, epoch, 1);
  first["items_delta"] = {{{"item_id", "iron_sword"}, {"delta", 1}}};
  first["equipped"] = {"iron_sword", "leather_armor"};
  const auto result = checkpoint({first});
  ASSERT_EQ(result.status, 200) << result.body;
  EXPECT_EQ(result.json()["results"][0]["status"], "ok");
  const std::string of_hero = " AND character_id = " + std::to_string(hero.character_id);
  EXPECT_EQ(count("SELECT count(*) FROM inventory_items WHERE equipped" + of_hero), 2);
  EXPECT_EQ(count("SELECT count(*) FROM inventory_items WHERE equipped AND item_id = "
                  "'iron_sword'" +
                  of_hero),
            1);
  EXPECT_EQ(count("SELECT count(*) FROM inventory_items WHERE NOT equipped AND item_id = "
                  "'rusty_sword'" +
                  of_hero),
            1);
  // Bad records are refused whole: an unknown item, more than three.
  auto bad = record(hero, epoch, 2);
  bad["equipped"] = {"no_such_item"};
  EXPECT_EQ(checkpoint({bad}).status, 422);
  bad["equipped"] = {"iron_sword", "leather_armor", "rusty_sword", "chain_mail"};
  EXPECT_EQ(checkpoint({bad}).status, 422);

  auto release = record(hero, epoch, 2);
  release["release"] = true;  // no `equipped`: the marks stay as they are
  ASSERT_EQ(checkpoint({release}).json()["results"][0]["status"], "ok");
  const auto again = play(hero);
  ASSERT_EQ(again.status, 200) << again.body;
  const auto reclaimed = claim(hero, again.json(), again.json()["lease_epoch"]);
  ASSERT_EQ(reclaimed.status, 200) << reclaimed.body;
  EXPECT_EQ(reclaimed.json()["character"]["equipped"],
            (nlohmann::json{"iron_sword", "leather_armor"}));
}

TEST_F(ApiWorldIT, CheckpointKillsAddUpOnMonsterKillsAndTheLevelBoardShowsTheLevel) {
  registry_->instance("hub_city_1", 1, 10);
  const auto hero = player("Hero");
  const auto old_epoch = enter(hero);
  const auto epoch = enter(hero);
  const auto score = [&](const std::string& board) {
    return count(
        "SELECT coalesce(sum(score), 0) FROM leaderboard_scores WHERE period = 'all' AND board = "
        "'" +
        board + "' AND character_id = " + std::to_string(hero.character_id));
  };
  const auto top = [&](const std::string& board) {
    const auto page = api_->get("/v1/leaderboards/" + board);
    if (page.status != 200) throw std::runtime_error(page.body);
    const auto entries = page.json()["entries"];
    return entries.empty() ? std::int64_t{-1} : entries[0]["score"].get<std::int64_t>();
  };

  auto first = record(hero, epoch, 1);
  first["kills"] = 3;
  ASSERT_EQ(checkpoint({first}).json()["results"][0]["status"], "ok");
  EXPECT_EQ(checkpoint({first}).json()["results"][0]["status"],
            "duplicate");  // a retry adds nothing
  auto stale = record(hero, old_epoch, 2);
  stale["kills"] = 100;
  stale["level"] = 9;
  EXPECT_EQ(checkpoint({stale}).status, 409);  // a fenced-off zone adds nothing
  auto second = record(hero, epoch, 2);
  second["kills"] = 4;
  second["level"] = 3;
  ASSERT_EQ(checkpoint({second}).json()["results"][0]["status"], "ok");
  auto third = record(hero, epoch, 3);
  third["kills"] = 0;
  third["level"] = 3;
  ASSERT_EQ(checkpoint({third}).json()["results"][0]["status"], "ok");

  EXPECT_EQ(score("monster_kills"), 7);
  EXPECT_EQ(score("level"), 3);
  // The public boards (served from the Redis mirror) agree.
  EXPECT_EQ(top("monster_kills"), 7);
  EXPECT_EQ(top("level"), 3);

  auto negative = record(hero, epoch, 4);
  negative["kills"] = -1;
  EXPECT_EQ(checkpoint({negative}).status, 422);
  EXPECT_EQ(score("monster_kills"), 7);
}

TEST_F(ApiWorldIT, ATransferReleasesTheLeaseAndReturnsATicketForTheTarget) {
  registry_->process("p1", "http://127.0.0.1:1", {"hub_city_1", "forest"});
  registry_->instance("hub_city_1", 1, 10);
  registry_->instance("forest", 1, 10);
  const auto hero = player("Hero");
  const auto epoch = enter(hero);
  auto leaving = record(hero, epoch, 1);
  leaving["gold_delta"] = 7;
  const nlohmann::json transfer = {
      {"checkpoint", leaving}, {"target_zone", "forest"}, {"target_spawn", "from_hub"}};
  const auto moved = api_->post("/internal/v1/transfers", transfer, TestApi::kServiceToken);
  ASSERT_EQ(moved.status, 200) << moved.body;
  const auto seat = moved.json();
  EXPECT_EQ(seat["zone"], "forest");
  EXPECT_EQ(seat["instance"], 1);
  EXPECT_EQ(seat["lease_epoch"], epoch);
  EXPECT_EQ(verified(seat).zone, "forest");
  EXPECT_EQ(column(hero, "lease_released::int"), 1);
  EXPECT_EQ(column(hero, "gold"), 7);
  EXPECT_EQ(count("SELECT count(*) FROM characters WHERE zone = 'forest' AND spawn = 'from_hub' "
                  "AND position_x IS NULL"),
            1);

  // A retried transfer (the answer was lost) applies nothing twice and still gets a ticket.
  const auto retried = api_->post("/internal/v1/transfers", transfer, TestApi::kServiceToken);
  EXPECT_EQ(retried.status, 200) << retried.body;
  EXPECT_EQ(column(hero, "gold"), 7);

  // The target zone claims; the source zone's late checkpoint is fenced off.
  const auto claimed = claim(hero, seat, epoch);
  ASSERT_EQ(claimed.status, 200) << claimed.body;
  EXPECT_EQ(claimed.json()["character"]["spawn"], "from_hub");
  EXPECT_EQ(checkpoint({record(hero, epoch, 2)}).status, 409);
  EXPECT_EQ(api_->post("/internal/v1/transfers", transfer, TestApi::kServiceToken).status, 409);
}

TEST_F(ApiWorldIT, AZoneAtItsSoftCapMakesPlayOpenANewInstance) {
  FakeZoneControl zone_control(*registry_);
  registry_->process("p1", zone_control.url(), {"forest"});
  registry_->instance("forest", 1, 80);  // 80 % of 100
  const auto hero = player("Hero");
  const auto seat = play(hero, "forest");
  ASSERT_EQ(seat.status, 200) << seat.body;
  EXPECT_EQ(seat.json()["instance"], 2);
  EXPECT_EQ(seat.json()["ws_url"], "ws://127.0.0.1:8081/z/forest/2");
  const auto opened = zone_control.opened();
  ASSERT_EQ(opened.size(), 1u);
  EXPECT_EQ(opened[0]["zone"], "forest");
  EXPECT_EQ(opened[0]["instance"], 2);
  EXPECT_EQ(opened[0]["kind"], "field");
  EXPECT_TRUE(opened[0]["party_id"].is_null());
  EXPECT_EQ(zone_control.authorizations()[0], std::string("Bearer ") + TestApi::kServiceToken);
  EXPECT_EQ(column(hero, "(zone = 'forest')::int"), 1);

  // The next player fills the new instance rather than opening a third.
  const auto next = play(player("Second"), "forest");
  EXPECT_EQ(next.json()["instance"], 2);
  EXPECT_EQ(zone_control.opened().size(), 1u);
}

TEST_F(ApiWorldIT, AtTheHardCapWithMaxInstancesOpenPlayIsRefusedZoneFull) {
  registry_->process("p1", "http://127.0.0.1:1", {"forest"});
  for (std::uint32_t i = 1; i <= 5; ++i) registry_->instance("forest", i, 95);
  const auto hero = player("Hero");
  const auto refused = play(hero, "forest");
  EXPECT_EQ(refused.status, 409);
  EXPECT_EQ(refused.json()["error"]["code"], "zone_full");
  const std::string message = refused.json()["error"]["message"];
  EXPECT_NE(message.find("95% hard cap"), std::string::npos) << message;
  EXPECT_EQ(column(hero, "(zone = 'hub_city_1')::int"), 1);  // a refused zone is not saved

  registry_->instance("forest", 3, 94);  // one seat left below the hard cap
  const auto seated = play(player("Second"), "forest");
  EXPECT_EQ(seated.status, 200) << seated.body;
  EXPECT_EQ(seated.json()["instance"], 3);
}

TEST_F(ApiWorldIT, ADeadInstanceIsNotUsed) {
  registry_->instance("forest", 1, 10, now_ms() - 1000);  // its process stopped refreshing it
  const auto hero = player("Hero");
  const auto refused = play(hero, "forest");
  EXPECT_EQ(refused.status, 503);
  EXPECT_EQ(refused.json()["error"]["code"], "no_capacity");

  FakeZoneControl zone_control(*registry_);
  registry_->process("p2", zone_control.url(), {"forest"});
  const auto seat = play(hero, "forest");
  ASSERT_EQ(seat.status, 200) << seat.body;
  ASSERT_EQ(zone_control.opened().size(), 1u);  // a new instance, not the dead one
  EXPECT_EQ(zone_control.opened()[0]["instance"], 1);
}

TEST_F(ApiWorldIT, ThreePartyMembersEnteringARiftShareOnePrivateInstance) {
  FakeZoneControl zone_control(*registry_);
  registry_->process("p1", zone_control.url(), {"hub_city_1", "rift_d1"});
  const auto leader = player("Leader");
  const auto second = player("Second");
  const auto third = player("Third");
  const auto created =
      api_->post("/v1/parties", {{"character_id", leader.character_id}}, leader.token);
  ASSERT_EQ(created.status, 201) << created.body;
  const auto party = std::to_string(created.json()["id"].get<std::int64_t>());
  for (const auto* member : {&second, &third}) {
    ASSERT_EQ(api_->post("/v1/parties/" + party + "/invite",
                         {{"character_id", leader.character_id}, {"invitee", member->character_id}},
                         leader.token)
                  .status,
              200);
    const auto joined = api_->post("/v1/parties/" + party + "/join",
                                   {{"character_id", member->character_id}}, member->token);
    ASSERT_EQ(joined.status, 200) << joined.body;
  }
  EXPECT_EQ(api_->get("/v1/parties/" + party, third.token).json()["members"].size(), 3u);

  std::set<std::int64_t> instances;
  for (const auto* member : {&leader, &second, &third}) {
    const auto seat = play(*member, "rift_d1");
    ASSERT_EQ(seat.status, 200) << seat.body;
    instances.insert(seat.json()["instance"].get<std::int64_t>());
  }
  EXPECT_EQ(instances.size(), 1u);
  ASSERT_EQ(zone_control.opened().size(), 1u);
  EXPECT_EQ(zone_control.opened()[0]["kind"], "rift");
  EXPECT_EQ(std::to_string(zone_control.opened()[0]["party_id"].get<std::int64_t>()), party);

  // A solo player gets a rift of their own.
  const auto solo = play(player("Loner"), "rift_d1");
  ASSERT_EQ(solo.status, 200) << solo.body;
  EXPECT_FALSE(instances.count(solo.json()["instance"].get<std::int64_t>()));
}

TEST_F(ApiWorldIT, PartyRules) {
  std::vector<Player> players;
  for (const char* name : {"Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot"})
    players.push_back(player(name));
  const auto& leader = players[0];
  const auto party = std::to_string(
      api_->post("/v1/parties", {{"character_id", leader.character_id}}, leader.token)
          .json()["id"]
          .get<std::int64_t>());
  const auto invite = [&](const Player& by, const Player& whom) {
    return api_->post("/v1/parties/" + party + "/invite",
                      {{"character_id", by.character_id}, {"invitee", whom.character_id}},
                      by.token);
  };
  const auto join = [&](const Player& who) {
    return api_->post("/v1/parties/" + party + "/join", {{"character_id", who.character_id}},
                      who.token);
  };
  EXPECT_EQ(join(players[1]).json()["error"]["code"], "not_invited");
  EXPECT_EQ(invite(players[1], players[2]).json()["error"]["code"], "not_leader");
  for (int i = 1; i < 5; ++i) {
    ASSERT_EQ(invite(leader, players[i]).status, 200);
    ASSERT_EQ(join(players[i]).status, 200);
  }
  EXPECT_EQ(invite(leader, players[5]).json()["error"]["code"], "party_full");
  // Already in a party: cannot found another.
  EXPECT_EQ(api_->post("/v1/parties", {{"character_id", players[1].character_id}}, players[1].token)
                .status,
            409);
  EXPECT_EQ(api_->get("/v1/parties/" + party, players[5].token).status, 404);  // not involved

  // The leader leaves: the longest member leads.
  EXPECT_EQ(api_->post("/v1/parties/" + party + "/leave", {{"character_id", leader.character_id}},
                       leader.token)
                .status,
            204);
  const auto after = api_->get("/v1/parties/" + party, players[1].token).json();
  EXPECT_EQ(after["leader"], players[1].character_id);
  EXPECT_EQ(after["members"].size(), 4u);
  for (int i = 1; i < 5; ++i)
    EXPECT_EQ(api_->post("/v1/parties/" + party + "/leave",
                         {{"character_id", players[i].character_id}}, players[i].token)
                  .status,
              204);
  EXPECT_EQ(count("SELECT count(*) FROM parties"), 0);
}

}  // namespace
}  // namespace omega::api::testing
