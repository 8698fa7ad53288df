// Names instead of ids and chat reports (issue 16) against a real PostgreSQL and Redis:
// listings carry their seller's name and are found by item name, the party leader invites by
// character name, players report chat lines and staff read the reports.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <thread>
#include <pqxx/pqxx>

#include "api/integration_test_support.hpp"

namespace omega::api::testing {
namespace {

constexpr const char* kStaffPassword = "staff password 1";

struct Player {
  std::string token;
  std::int64_t character_id = 0;
  std::string name;
};

class ApiSocialIT : public FreshDatabaseTest {
 protected:
  void SetUp() override {
    FreshDatabaseTest::SetUp();
    api_ = start_api();
  }

  // A new account with one warrior called `name` + a unique suffix.
  Player player(const std::string& name) {
    Player result;
    result.token = api_->register_and_login(name + "_" + unique_suffix())["access_token"];
    result.name = name + unique_suffix();
    const auto created =
        api_->post("/v1/characters", {{"name", result.name}, {"class", "warrior"}}, result.token);
    EXPECT_EQ(created.status, 201) << created.body;
    result.character_id = created.json()["character"]["id"].get<std::int64_t>();
    return result;
  }

  HttpResult report(const Player& by, const std::string& reported, const std::string& reason,
                    const std::string& quoted = "") const {
    return api_->post("/v1/reports",
                      {{"character_id", by.character_id},
                       {"reported_name", reported},
                       {"reason", reason},
                       {"quoted", quoted}},
                      by.token);
  }

  std::string staff_token(const std::string& username, AdminRole role) {
    api_->create_admin(username, kStaffPassword, role);
    const auto login =
        api_->post("/admin/v1/login", {{"username", username}, {"password", kStaffPassword}});
    EXPECT_EQ(login.status, 200) << login.body;
    return login.json().value("access_token", "");
  }

  std::string friends_of(const Player& who) const {
    return "/v1/characters/" + std::to_string(who.character_id) + "/friends";
  }
  HttpResult befriend(const Player& by, const std::string& name) const {
    return api_->post(friends_of(by), {{"name", name}}, by.token);
  }
  nlohmann::json friends(const Player& who) const {
    const auto listed = api_->get(friends_of(who), who.token);
    EXPECT_EQ(listed.status, 200) << listed.body;
    return listed.json().value("friends", nlohmann::json::array());
  }
  std::int64_t account_of(const Player& who) {
    pqxx::connection connection(database_url_);
    pqxx::nontransaction read(connection);
    return read
        .exec_params("SELECT account_id FROM characters WHERE id = $1", who.character_id)[0][0]
        .as<std::int64_t>();
  }
  // A zone claims the character's lease as a log-in would; true when it answered 200.
  bool claim(const Player& who, std::int64_t ticket_epoch, const std::string& zone) {
    const auto claimed = api_->post("/internal/v1/leases/claim",
                                    {{"character_id", who.character_id},
                                     {"account_id", account_of(who)},
                                     {"zone", zone},
                                     {"instance", 1},
                                     {"ticket_epoch", ticket_epoch}},
                                    TestApi::kServiceToken);
    EXPECT_EQ(claimed.status, 200) << claimed.body;
    return claimed.status == 200;
  }
  // The zone's releasing checkpoint when the player leaves (seq 1 of the epoch).
  void release(const Player& who, std::int64_t epoch, const std::string& zone) {
    const nlohmann::json record = {{"character_id", who.character_id},
                                   {"lease_epoch", epoch},
                                   {"seq", 1},
                                   {"zone", zone},
                                   {"x", 3.0},
                                   {"y", 4.0},
                                   {"hp", 50},
                                   {"mana", 10},
                                   {"level", 1},
                                   {"experience", 0},
                                   {"kills", 0},
                                   {"gold_delta", 0},
                                   {"items_delta", nlohmann::json::array()},
                                   {"release", true}};
    const auto done =
        api_->post("/internal/v1/checkpoints", {{"reason", "logout"}, {"characters", {record}}},
                   TestApi::kServiceToken);
    EXPECT_EQ(done.status, 200) << done.body;
  }

  void sql(const std::string& statement) {
    pqxx::connection connection(database_url_);
    pqxx::nontransaction run(connection);
    run.exec(statement);
  }
  // A live zone holds the character (as its claim and checkpoints leave the row).
  void hold_lease(const Player& who, const std::string& zone, int instance) {
    sql("UPDATE characters SET lease_released = false, lease_zone = '" + zone +
        "', lease_instance = " + std::to_string(instance) +
        ", lease_heartbeat_at = now() WHERE id = " + std::to_string(who.character_id));
  }
  // The zone holding the character crashed: its last write is older than world.lease_stale_s.
  void crash_holder(const Player& who) {
    sql("UPDATE characters SET lease_heartbeat_at = now() - interval '" +
        std::to_string(api_->config().lease_stale_s + 1) +
        " seconds' WHERE id = " + std::to_string(who.character_id));
  }

  std::unique_ptr<TestApi> api_;
};

void expect_error(const HttpResult& result, int status, const std::string& code) {
  EXPECT_EQ(result.status, status) << result.body;
  const auto body = result.json();
  ASSERT_TRUE(body.is_object() && body.contains("error")) << result.body;
  EXPECT_EQ(body["error"]["code"], code) << result.body;
}

TEST_F(ApiSocialIT, ListingsCarryTheSellerNameAndAreFoundByItemName) {
  const auto seller = player("Seller");
  const auto id = std::to_string(seller.character_id);
  sql("INSERT INTO inventory_items (character_id, slot, item_id, quantity) VALUES (" + id +
      ", 90, 'rusty_sword', 1)");
  const auto listed = http_request(api_->port(), "POST", "/v1/market/listings",
                                   nlohmann::json{{"character_id", seller.character_id},
                                                  {"item_id", "rusty_sword"},
                                                  {"quantity", 1},
                                                  {"price", 10}}
                                       .dump(),
                                   {{"Content-Type", "application/json"},
                                    {"Authorization", "Bearer " + seller.token},
                                    {"Idempotency-Key", "social-" + unique_suffix()}});
  ASSERT_EQ(listed.status, 201) << listed.body;
  EXPECT_EQ(listed.json()["listing"]["seller_name"], seller.name);

  const auto found = api_->get("/v1/market/listings?q=rUsTy%20sw", seller.token);
  ASSERT_EQ(found.status, 200) << found.body;
  ASSERT_EQ(found.json()["listings"].size(), 1u) << found.body;
  EXPECT_EQ(found.json()["listings"][0]["seller_name"], seller.name);
  EXPECT_EQ(found.json()["listings"][0]["item_id"], "rusty_sword");
  const auto none = api_->get("/v1/market/listings?q=dragon%20scale%20xyz", seller.token);
  ASSERT_EQ(none.status, 200) << none.body;
  EXPECT_TRUE(none.json()["listings"].empty()) << none.body;
}

TEST_F(ApiSocialIT, TheLeaderInvitesByNameAndTheInvitesListNames) {
  const auto leader = player("Leader");
  const auto friend_ = player("Friend");
  const auto created =
      api_->post("/v1/parties", {{"character_id", leader.character_id}}, leader.token);
  ASSERT_EQ(created.status, 201) << created.body;
  const auto invite =
      "/v1/parties/" + std::to_string(created.json()["id"].get<std::int64_t>()) + "/invite";

  // Any case: names are unique regardless of case.
  std::string shouted = friend_.name;
  for (auto& c : shouted) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  const auto invited = api_->post(
      invite, {{"character_id", leader.character_id}, {"invitee_name", shouted}}, leader.token);
  ASSERT_EQ(invited.status, 200) << invited.body;
  const auto party = invited.json();
  EXPECT_EQ(party["invites"], nlohmann::json::array({friend_.character_id}));
  ASSERT_EQ(party["invitees"].size(), 1u);
  EXPECT_EQ(party["invitees"][0]["name"], friend_.name);
  EXPECT_EQ(party["invitees"][0]["character_id"], friend_.character_id);

  expect_error(
      api_->post(invite, {{"character_id", leader.character_id}, {"invitee_name", "Nobody1"}},
                 leader.token),
      404, "not_found");
  expect_error(api_->post(invite,
                          {{"character_id", leader.character_id},
                           {"invitee", friend_.character_id},
                           {"invitee_name", friend_.name}},
                          leader.token),
               422, "invalid_field");
  expect_error(api_->post(invite, {{"character_id", leader.character_id}}, leader.token), 422,
               "invalid_field");
}

TEST_F(ApiSocialIT, AReportIsStoredAndListedForStaffWithNames) {
  const auto reporter = player("Victim");
  const auto reported = player("Spammer");
  const auto filed = report(reporter, reported.name, "spam", "buy gold at example.com");
  ASSERT_EQ(filed.status, 201) << filed.body;
  const auto report_id = filed.json()["id"].get<std::int64_t>();

  expect_error(report(reporter, reporter.name, "abuse"), 422, "self_report");
  expect_error(report(reporter, "NoSuchName1", "abuse"), 404, "not_found");
  expect_error(report(reporter, reported.name, "rude"), 422, "invalid_field");
  expect_error(report(reporter, reported.name, "spam", std::string(401, 'x')), 422,
               "invalid_field");
  Player impostor = reporter;
  impostor.character_id = reported.character_id;  // not one of the reporter's characters
  expect_error(report(impostor, reporter.name, "spam"), 404, "not_found");

  expect_error(api_->get("/admin/v1/reports", reporter.token), 401, "invalid_token");
  const auto viewer = staff_token("View_1", AdminRole::viewer);
  const auto listed = api_->get("/admin/v1/reports?limit=10", viewer);
  ASSERT_EQ(listed.status, 200) << listed.body;
  const auto reports = listed.json()["reports"];
  ASSERT_EQ(reports.size(), 1u) << listed.body;
  EXPECT_EQ(reports[0]["id"], report_id);
  EXPECT_EQ(reports[0]["reason"], "spam");
  EXPECT_EQ(reports[0]["quoted"], "buy gold at example.com");
  EXPECT_EQ(reports[0]["reporter"]["name"], reporter.name);
  EXPECT_EQ(reports[0]["reporter"]["character_id"], reporter.character_id);
  EXPECT_EQ(reports[0]["reported"]["name"], reported.name);
  EXPECT_EQ(reports[0]["reported"]["character_id"], reported.character_id);
  EXPECT_TRUE(listed.json()["next_before"].is_null());
}

TEST_F(ApiSocialIT, TheTwentyFirstReportWithinAnHourIsRefusedAndStaffPagesThroughThem) {
  const auto reporter = player("Victim");
  const auto reported = player("Spammer");
  for (int i = 0; i < 20; ++i)
    ASSERT_EQ(report(reporter, reported.name, "spam", "line " + std::to_string(i)).status, 201);
  expect_error(report(reporter, reported.name, "spam"), 429, "too_many_reports");
  EXPECT_EQ(count("SELECT count(*) FROM player_reports"), 20);
  // An hour later the budget is back.
  sql("UPDATE player_reports SET created_at = created_at - interval '61 minutes'");
  EXPECT_EQ(report(reporter, reported.name, "other").status, 201);

  const auto viewer = staff_token("View_1", AdminRole::viewer);
  const auto first = api_->get("/admin/v1/reports?limit=15", viewer);
  ASSERT_EQ(first.status, 200) << first.body;
  ASSERT_EQ(first.json()["reports"].size(), 15u);
  EXPECT_EQ(first.json()["reports"][0]["reason"], "other");  // newest first
  const auto before = first.json()["next_before"].get<std::int64_t>();
  const auto second =
      api_->get("/admin/v1/reports?limit=15&before=" + std::to_string(before), viewer);
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(second.json()["reports"].size(), 6u);
  EXPECT_TRUE(second.json()["next_before"].is_null());
}

TEST_F(ApiSocialIT, FriendsAreAskedByNameAcceptedListedWithPresenceAndRemoved) {
  const auto ann = player("Ann");
  const auto bob = player("Bob");
  const auto cat = player("Cat");
  Subscriber events(shared_services().redis_url, api_->config().redis_prefix + "character_events");

  std::string shouted = bob.name;
  for (auto& c : shouted) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  const auto asked = befriend(ann, shouted);
  ASSERT_EQ(asked.status, 201) << asked.body;
  EXPECT_EQ(asked.json()["status"], "outgoing");
  EXPECT_EQ(asked.json()["name"], bob.name);
  EXPECT_EQ(asked.json()["character_id"], bob.character_id);
  // Bob hears of it in chat, should a zone hold him.
  const auto notice = events.next();
  EXPECT_EQ(notice["kind"], "notice") << notice;
  EXPECT_EQ(notice["character_ids"], nlohmann::json::array({bob.character_id})) << notice;
  EXPECT_EQ(notice["text"], ann.name + " wants to be your friend.") << notice;

  expect_error(befriend(ann, bob.name), 409, "already_requested");
  expect_error(befriend(ann, ann.name), 422, "self_friend");
  expect_error(befriend(ann, "Nobody1"), 404, "not_found");
  expect_error(api_->post(friends_of(ann), nlohmann::json::object(), ann.token), 422,
               "missing_field");
  expect_error(api_->get(friends_of(ann), bob.token), 404, "not_found");  // not Bob's character

  auto bobs = friends(bob);
  ASSERT_EQ(bobs.size(), 1u) << bobs;
  EXPECT_EQ(bobs[0]["status"], "incoming");
  EXPECT_EQ(bobs[0]["name"], ann.name);
  const std::string accept = friends_of(bob) + "/" + std::to_string(ann.character_id) + "/accept";
  const auto accepted = api_->post(accept, nlohmann::json::object(), bob.token);
  ASSERT_EQ(accepted.status, 200) << accepted.body;
  EXPECT_EQ(accepted.json()["status"], "friend");
  EXPECT_EQ(events.next()["text"], bob.name + " accepted your friend request.");
  EXPECT_EQ(api_->post(accept, nlohmann::json::object(), bob.token).status, 200);  // again
  expect_error(api_->post(friends_of(ann) + "/" + std::to_string(cat.character_id) + "/accept",
                          nlohmann::json::object(), ann.token),
               404, "not_found");
  expect_error(befriend(ann, bob.name), 409, "already_friends");

  // Presence is the lease: Bob is online while a zone holds him and writes him, and where.
  auto anns = friends(ann);
  ASSERT_EQ(anns.size(), 1u) << anns;
  EXPECT_EQ(anns[0]["online"], false);
  EXPECT_TRUE(anns[0]["zone"].is_null());
  hold_lease(bob, "forest", 2);
  anns = friends(ann);
  EXPECT_EQ(anns[0]["online"], true) << anns;
  EXPECT_EQ(anns[0]["zone"], "forest") << anns;
  // A zone that crashed released nothing: once its last checkpoint of Bob is older than
  // world.lease_stale_s, Bob is offline although the lease is still held.
  crash_holder(bob);
  anns = friends(ann);
  EXPECT_EQ(anns[0]["online"], false) << anns;
  EXPECT_TRUE(anns[0]["zone"].is_null()) << anns;
  hold_lease(bob, "forest", 2);

  // A request shows no presence; asking back is accepting.
  ASSERT_EQ(befriend(cat, ann.name).status, 201);
  hold_lease(cat, "forest", 2);
  anns = friends(ann);
  ASSERT_EQ(anns.size(), 2u) << anns;
  EXPECT_EQ(anns[1]["status"], "incoming");
  EXPECT_EQ(anns[1]["online"], false) << anns;
  EXPECT_TRUE(anns[1]["zone"].is_null()) << anns;
  const auto crossed = befriend(ann, cat.name);
  ASSERT_EQ(crossed.status, 200) << crossed.body;
  EXPECT_EQ(crossed.json()["status"], "friend");
  EXPECT_EQ(crossed.json()["online"], true);

  // Either side unfriends; the row is gone for both.
  const std::string unfriend = friends_of(bob) + "/" + std::to_string(ann.character_id);
  const auto removed = http_request(api_->port(), "DELETE", unfriend, "",
                                    {{"Authorization", "Bearer " + bob.token}});
  EXPECT_EQ(removed.status, 204) << removed.body;
  anns = friends(ann);
  ASSERT_EQ(anns.size(), 1u) << anns;
  EXPECT_EQ(anns[0]["name"], cat.name);
  EXPECT_TRUE(friends(bob).empty());
  expect_error(http_request(api_->port(), "DELETE", unfriend, "",
                            {{"Authorization", "Bearer " + bob.token}}),
               404, "not_found");
}

TEST_F(ApiSocialIT, ALogInAndALogOutTellOnlineFriendsAndAZoneTransferDoesNot) {
  const auto ann = player("Ann");
  const auto bob = player("Bob");
  const auto eve = player("Eve");  // asked, never accepted: hears nothing
  ASSERT_EQ(befriend(ann, bob.name).status, 201);
  ASSERT_EQ(api_->post(friends_of(bob) + "/" + std::to_string(ann.character_id) + "/accept",
                       nlohmann::json::object(), bob.token)
                .status,
            200);
  ASSERT_EQ(befriend(eve, bob.name).status, 201);
  hold_lease(ann, "forest", 1);
  hold_lease(eve, "forest", 1);
  Subscriber events(shared_services().redis_url, api_->config().redis_prefix + "character_events");

  // Bob's first log-in: Ann (online, a friend) hears where he is; Eve does not.
  ASSERT_TRUE(claim(bob, 0, "hub_city_1"));
  auto notice = events.next();
  ASSERT_TRUE(notice.is_object()) << "no notice";
  EXPECT_EQ(notice["kind"], "notice");
  EXPECT_EQ(notice["character_ids"], nlohmann::json::array({ann.character_id})) << notice;
  EXPECT_EQ(notice["text"], bob.name + " is online (hub_city_1).");

  // A zone transfer releases the lease without a log-out: the claim in the next zone (forest)
  // tells no one; a log-out (the zone's releasing checkpoint) and a log-in again (hub_city_1)
  // do. The first notice after all three is the log-out's, to Ann alone. (A fresh subscriber:
  // hiredis gives up on a connection after a read timed out.)
  Subscriber later(shared_services().redis_url, api_->config().redis_prefix + "character_events");
  sql("UPDATE characters SET lease_released = true WHERE id = " + std::to_string(bob.character_id));
  ASSERT_TRUE(claim(bob, 1, "forest"));
  release(bob, 2, "forest");
  ASSERT_TRUE(claim(bob, 2, "hub_city_1"));
  notice = later.next();
  EXPECT_EQ(notice["character_ids"], nlohmann::json::array({ann.character_id})) << notice;
  EXPECT_EQ(notice["text"], bob.name + " went offline.") << notice;
  notice = later.next();
  EXPECT_EQ(notice["text"], bob.name + " is online (hub_city_1).") << notice;

  // The retry of a releasing checkpoint (the API applied it, the zone did not hear the answer)
  // is a duplicate: nobody hears the log-out twice.
  release(bob, 3, "hub_city_1");
  Subscriber retried(shared_services().redis_url, api_->config().redis_prefix + "character_events");
  release(bob, 3, "hub_city_1");
  ASSERT_TRUE(claim(bob, 3, "hub_city_1"));
  notice = retried.next();
  EXPECT_EQ(notice["text"], bob.name + " is online (hub_city_1).") << "no second log-out";

  // hub_city_1's process crashes: the lease stays held, but nothing writes Bob any more. Once
  // that is older than world.lease_stale_s, the presence sweep tells Ann he went offline — a
  // second API replica sweeping every second here, beside the fixture's (every 10 s): only one
  // of them announces it. His next claim is a log-in too.
  const auto replica = start_api([this](Config& config) {
    config.presence_sweep_s = 1;
    config.redis_prefix = api_->config().redis_prefix;  // replicas of one deployment share it
  });
  Subscriber after_crash(shared_services().redis_url,
                         api_->config().redis_prefix + "character_events");
  crash_holder(bob);
  notice = after_crash.next();
  ASSERT_TRUE(notice.is_object()) << "no notice after a crashed zone's lease";
  EXPECT_EQ(notice["character_ids"], nlohmann::json::array({ann.character_id})) << notice;
  EXPECT_EQ(notice["text"], bob.name + " went offline.") << notice;
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // another sweep of the replica
  ASSERT_TRUE(claim(bob, 4, "forest"));
  notice = after_crash.next();
  ASSERT_TRUE(notice.is_object()) << "no notice after a crashed zone's lease";
  EXPECT_EQ(notice["text"], bob.name + " is online (forest).") << "announced once: " << notice;
}

}  // namespace
}  // namespace omega::api::testing
