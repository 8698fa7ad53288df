// Names instead of ids and chat reports (issue 16) against a real PostgreSQL and Redis:
// listings carry their seller's name and are found by item name, the party leader invites by
// character name, players report chat lines and staff read the reports.
#include <gtest/gtest.h>

#include <cctype>
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

  void sql(const std::string& statement) {
    pqxx::connection connection(database_url_);
    pqxx::nontransaction run(connection);
    run.exec(statement);
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

}  // namespace
}  // namespace omega::api::testing
