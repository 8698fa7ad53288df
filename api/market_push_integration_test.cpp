// The trading post and the zones (world contract, "Market pushes"): a trade on a character
// held by a zone is pushed on Redis as deltas, and the zone's later checkpoints — which carry
// deltas too — can never bring a sold item back. Uses the real lease-claim and checkpoint
// endpoints of the world API. Staff grants and removals (admin console) share the push.
#include <gtest/gtest.h>

#include <chrono>
#include <pqxx/pqxx>

#include "api/admin_service.hpp"
#include "api/integration_test_support.hpp"

namespace omega::api::testing {
namespace {

class ApiMarketPushIT : public FreshDatabaseTest {
 protected:
  HttpResult mutate(const std::string& method, const std::string& target,
                    const nlohmann::json& body, const std::string& token) {
    static int next_key = 0;
    return http_request(api_->port(), method, target, body.dump(),
                        {{"Content-Type", "application/json"},
                         {"Authorization", "Bearer " + token},
                         {"Idempotency-Key", "push-" + std::to_string(++next_key)}});
  }
  std::int64_t character(const std::string& token, const std::string& name) {
    const auto created = api_->post("/v1/characters", {{"name", name}, {"class", "ranger"}}, token);
    return created.json()["character"]["id"].get<std::int64_t>();
  }
  long long pelts(std::int64_t id) {
    return count(
        "SELECT coalesce(sum(quantity), 0) FROM inventory_items WHERE item_id = 'wolf_pelt' AND "
        "character_id = " +
        std::to_string(id));
  }
  void sql_exec(const std::string& statements) {
    pqxx::connection connection(database_url_);
    pqxx::nontransaction run(connection);
    run.exec(statements);
  }
  nlohmann::json checkpoint(std::int64_t id, std::int64_t epoch, std::int64_t seq,
                            const nlohmann::json& items_delta) {
    const nlohmann::json record = {{"character_id", id},
                                   {"lease_epoch", epoch},
                                   {"seq", seq},
                                   {"zone", "hub_city_1"},
                                   {"x", 3.0},
                                   {"y", 4.0},
                                   {"hp", 50},
                                   {"mana", 10},
                                   {"level", 1},
                                   {"experience", 0},
                                   {"kills", 0},
                                   {"gold_delta", 0},
                                   {"items_delta", items_delta},
                                   {"release", false}};
    return api_
        ->post("/internal/v1/checkpoints", {{"reason", "periodic"}, {"characters", {record}}},
               TestApi::kServiceToken)
        .json();
  }

  // Starts the API with one logged-in player; returns its access token and account id.
  std::pair<std::string, long long> start_with_player(const std::string& username) {
    api_ = start_api();
    const auto login = api_->register_and_login(username);
    return {login["access_token"].get<std::string>(),
            count("SELECT id FROM accounts WHERE username = '" + username + "'")};
  }
  // A zone claims the character's lease (epoch 0 → 1, released = false); returns the epoch.
  std::int64_t claim_lease(std::int64_t id, long long account_id) {
    const auto claimed = api_->post("/internal/v1/leases/claim",
                                    {{"character_id", id},
                                     {"account_id", account_id},
                                     {"zone", "hub_city_1"},
                                     {"instance", 1},
                                     {"ticket_epoch", 0}},
                                    TestApi::kServiceToken);
    EXPECT_EQ(claimed.status, 200) << claimed.body;
    return claimed.json().value("lease_epoch", std::int64_t{0});
  }

  std::unique_ptr<TestApi> api_;
};

TEST_F(ApiMarketPushIT, TradesOnALeasedCharacterArePushedAndALateCheckpointCannotUndoThem) {
  const auto [token, account_id] = start_with_player("market_push");
  const auto seller = character(token, "Pusher"), buyer = character(token, "Puller");
  sql_exec("INSERT INTO inventory_items (character_id, slot, item_id, quantity) VALUES (" +
           std::to_string(seller) +
           ", 9, 'wolf_pelt', 5); UPDATE characters SET gold = 1000 WHERE id = " +
           std::to_string(buyer));

  // The seller enters a zone.
  const auto epoch = claim_lease(seller, account_id);
  ASSERT_EQ(epoch, 1);

  Subscriber events(shared_services().redis_url, api_->config().redis_prefix + "character_events");
  const auto listed = mutate(
      "POST", "/v1/market/listings",
      {{"character_id", seller}, {"item_id", "wolf_pelt"}, {"quantity", 5}, {"price", 100}}, token);
  ASSERT_EQ(listed.status, 201) << listed.body;
  const auto listing = listed.json()["listing"]["id"].get<std::int64_t>();
  const auto on_listing = events.next();
  EXPECT_EQ(on_listing,
            (nlohmann::json{{"character_id", seller},
                            {"gold_delta", 0},
                            {"items_delta", {{{"item_id", "wolf_pelt"}, {"delta", -5}}}}}));
  ASSERT_EQ(mutate("POST", "/v1/market/listings/" + std::to_string(listing) + "/buy",
                   {{"character_id", buyer}}, token)
                .status,
            200);
  // The buyer holds no lease: only the seller's proceeds are pushed.
  EXPECT_EQ(events.next(), (nlohmann::json{{"character_id", seller},
                                           {"gold_delta", 95},
                                           {"items_delta", nlohmann::json::array()}}));

  // The zone's checkpoint, built before it saw the pushes: the pelts were in its inventory,
  // but it sends only what changed in the zone (one more pelt looted) — the sale stands.
  const auto result = checkpoint(seller, epoch, 1, {{{"item_id", "wolf_pelt"}, {"delta", 1}}});
  EXPECT_EQ(result["results"][0]["status"], "ok") << result;
  EXPECT_EQ(pelts(seller), 1);
  EXPECT_EQ(pelts(buyer), 5);
  EXPECT_EQ(count("SELECT gold FROM characters WHERE id = " + std::to_string(seller)), 95);
  // Even a zone that consumed the pelts in its own view cannot take them from the buyer.
  const auto late = checkpoint(seller, epoch, 2, {{{"item_id", "wolf_pelt"}, {"delta", -5}}});
  EXPECT_EQ(late["results"][0]["status"], "ok") << late;
  EXPECT_EQ(pelts(seller), 0) << "removal clamped at zero";
  EXPECT_EQ(pelts(buyer), 5);
}

// The admin console's grants and removals take the market's push path: the zone holding the
// lease hears of them, and its later checkpoint (deltas) keeps them.
TEST_F(ApiMarketPushIT, AStaffGrantOrRemovalOnALeasedCharacterIsPushedToItsZone) {
  const auto [token, account_id] = start_with_player("grant_push");
  const auto leased = character(token, "Granted"), idle = character(token, "Idle");
  const auto epoch = claim_lease(leased, account_id);
  ASSERT_EQ(epoch, 1);
  api_->create_admin("Boss_1", "staff password 1", AdminRole::admin);
  const auto staff =
      api_->post("/admin/v1/login", {{"username", "Boss_1"}, {"password", "staff password 1"}});
  ASSERT_EQ(staff.status, 200) << staff.body;
  const std::string admin = staff.json()["access_token"];
  auto change = [&](std::int64_t id, const std::string& action, const nlohmann::json& what) {
    auto body = what;
    body["reason"] = "support ticket 42";
    const auto answer =
        api_->post("/admin/v1/characters/" + std::to_string(id) + "/" + action, body, admin);
    EXPECT_EQ(answer.status, 200) << answer.body;
  };

  Subscriber events(shared_services().redis_url, api_->config().redis_prefix + "character_events");
  change(idle, "grant", {{"gold", 7}});  // no lease: nothing is pushed
  change(leased, "grant", {{"item_id", "wolf_pelt"}, {"quantity", 2}});
  EXPECT_EQ(events.next(),
            (nlohmann::json{{"character_id", leased},
                            {"gold_delta", 0},
                            {"items_delta", {{{"item_id", "wolf_pelt"}, {"delta", 2}}}}}));
  change(leased, "grant", {{"gold", 50}});
  EXPECT_EQ(events.next(), (nlohmann::json{{"character_id", leased},
                                           {"gold_delta", 50},
                                           {"items_delta", nlohmann::json::array()}}));
  change(leased, "remove", {{"gold", 20}});
  EXPECT_EQ(events.next(), (nlohmann::json{{"character_id", leased},
                                           {"gold_delta", -20},
                                           {"items_delta", nlohmann::json::array()}}));

  // The zone's checkpoint, built before it saw the pushes, carries only its own deltas.
  const auto result = checkpoint(leased, epoch, 1, nlohmann::json::array());
  EXPECT_EQ(result["results"][0]["status"], "ok") << result;
  EXPECT_EQ(pelts(leased), 2);
  EXPECT_EQ(count("SELECT gold FROM characters WHERE id = " + std::to_string(leased)), 30);
}

// Chat (issue 16): the zone holding a character learns its party and its account's mute with
// the lease claim, and every later change on the same channel as the market's pushes.
TEST_F(ApiMarketPushIT, PartyChangesAndMutesArePushedAndTheClaimCarriesThem) {
  const auto [token, account_id] = start_with_player("chatter");
  const auto talker = character(token, "Talker");
  Subscriber events(shared_services().redis_url, api_->config().redis_prefix + "character_events");

  const auto party = api_->post("/v1/parties", {{"character_id", talker}}, token);
  ASSERT_EQ(party.status, 201) << party.body;
  const auto party_id = party.json()["id"].get<std::int64_t>();
  EXPECT_EQ(events.next(),
            (nlohmann::json{{"kind", "party"}, {"character_id", talker}, {"party_id", party_id}}));

  api_->create_admin("Mod_1", "e2e staff password", AdminRole::moderator);
  const auto staff =
      api_->post("/admin/v1/login", {{"username", "Mod_1"}, {"password", "e2e staff password"}});
  ASSERT_EQ(staff.status, 200) << staff.body;
  const auto staff_token = staff.json()["access_token"].get<std::string>();
  const auto before = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  const auto muted = api_->post("/admin/v1/accounts/" + std::to_string(account_id) + "/mute",
                                {{"reason", "spam"}, {"duration_s", 600}}, staff_token);
  ASSERT_EQ(muted.status, 200) << muted.body;
  const auto mute = events.next();
  ASSERT_TRUE(mute.is_object()) << "no mute pushed";
  EXPECT_EQ(mute["kind"], "mute");
  EXPECT_EQ(mute["account_id"], account_id);
  EXPECT_NEAR(mute["muted_until"].get<double>(), static_cast<double>(before + 600), 5.0);

  // A zone claiming the character now gets both.
  const auto claimed = api_->post("/internal/v1/leases/claim",
                                  {{"character_id", talker},
                                   {"account_id", account_id},
                                   {"zone", "hub_city_1"},
                                   {"instance", 1},
                                   {"ticket_epoch", 0}},
                                  TestApi::kServiceToken);
  ASSERT_EQ(claimed.status, 200) << claimed.body;
  EXPECT_EQ(claimed.json()["character"]["party_id"], party_id);
  EXPECT_EQ(claimed.json()["character"]["muted_until"], mute["muted_until"]);

  // Unmuting and leaving the party are pushed as well.
  ASSERT_EQ(api_->post("/admin/v1/accounts/" + std::to_string(account_id) + "/mute",
                       {{"reason", "served"}, {"duration_s", 0}}, staff_token)
                .status,
            200);
  EXPECT_EQ(events.next(),
            (nlohmann::json{{"kind", "mute"}, {"account_id", account_id}, {"muted_until", 0}}));
  ASSERT_EQ(api_->post("/v1/parties/" + std::to_string(party_id) + "/leave",
                       {{"character_id", talker}}, token)
                .status,
            204);
  EXPECT_EQ(events.next(),
            (nlohmann::json{{"kind", "party"}, {"character_id", talker}, {"party_id", 0}}));
}

}  // namespace
}  // namespace omega::api::testing
