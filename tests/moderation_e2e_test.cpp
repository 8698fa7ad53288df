// Moderation end to end (issue 17) with real processes: PostgreSQL, Redis, omega-api, an
// omega-zone and a swarm of bots in API mode. A moderator finds a bot that is online, bans it
// through the admin API: the zone kicks that bot (Kick banned) within 1 s of the ban's answer,
// the bot does not come back, its login is refused, the other bot plays on, and the audit log
// holds the ban. A viewer cannot ban. A kick (not a ban) removes a player who may come back.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "bots/api_session.hpp"
#include "bots/http_client.hpp"
#include "tests/bot_run.hpp"
#include "tests/world_stack.hpp"

namespace omega::e2e {
namespace {

constexpr const char* kStaffPassword = "e2e staff password";

struct Answer {
  int status = 0;
  nlohmann::json body;
};

Answer call(const WorldStack& stack, const std::string& method, const std::string& target,
            const nlohmann::json& body = nullptr, const std::string& bearer = "") {
  bots::HttpRequest request;
  request.method = method;
  request.target = target;
  if (!body.is_null()) request.body = body.dump();
  if (!bearer.empty()) request.headers.emplace_back("Authorization", "Bearer " + bearer);
  const bots::HttpResponse response = bots::http_call(*bots::parse_http_url(stack.api_url()), request);
  return {response.status, nlohmann::json::parse(response.body, nullptr, false)};
}

std::string staff_login(const WorldStack& stack, const std::string& username) {
  const Answer login = call(stack, "POST", "/admin/v1/login",
                            {{"username", username}, {"password", kStaffPassword}});
  EXPECT_EQ(login.status, 200) << login.body.dump();
  return login.body.is_object() ? login.body.value("access_token", "") : "";
}

// The last time the bot's own entity was seen, or -1.
double last_seen(BotRun& run, size_t bot) {
  const auto track = run.track(bot);
  return track.empty() ? -1.0 : track.back().t;
}

TEST(ModerationE2e, ABannedPlayerIsKickedWithinASecondAndCannotLogInAgain) {
  if (sanitizer_build())
    GTEST_SKIP() << "moderation e2e runs in the release preset only (timing: kicked within 1 s)";
  WorldStack stack;
  ASSERT_EQ(stack.start_all({{"zone-a", "hub_city_1", "hub_city_1:1", {}}}), "") << stack.logs();
  ASSERT_EQ(stack.create_admin("Mod_1", kStaffPassword, "moderator"), "");
  ASSERT_EQ(stack.create_admin("View_1", kStaffPassword, "viewer"), "");

  constexpr size_t kBots = 3;
  BotRun run(api_swarm_config(stack.api_url(), "mod", kBots, bots::Behaviour::wander));
  ASSERT_TRUE(all_seen(run, kBots, 60.0)) << bots::report_json(run.stop(), true) << stack.logs();

  const std::string moderator = staff_login(stack, "Mod_1");
  const std::string viewer = staff_login(stack, "View_1");

  // Find the player who is online: the lookup says where its character is.
  const Answer found = call(stack, "GET", "/admin/v1/players?username=mod_0", nullptr, viewer);
  ASSERT_EQ(found.status, 200) << found.body.dump();
  const int64_t account = found.body["account"]["id"].get<int64_t>();
  ASSERT_EQ(found.body["characters"].size(), 1u) << found.body.dump();
  EXPECT_EQ(found.body["characters"][0]["online_in"]["zone"], "hub_city_1") << found.body.dump();
  const std::string moderate = "/admin/v1/accounts/" + std::to_string(account);

  // A viewer may look, not ban.
  const Answer refused = call(stack, "POST", moderate + "/ban",
                              {{"reason", "viewer tries"}, {"duration_s", 0}}, viewer);
  EXPECT_EQ(refused.status, 403) << refused.body.dump();
  ASSERT_TRUE(run.wait(3.0, [&] { return last_seen(run, 0) > run.now() - 0.5; }))
      << "the viewer's refused ban must not have kicked anyone";

  // The ban: answered once every zone process has queued the kick.
  const Answer banned = call(stack, "POST", moderate + "/ban",
                             {{"reason", "e2e: botting"}, {"duration_s", 0}}, moderator);
  const double banned_at = run.now();
  ASSERT_EQ(banned.status, 200) << banned.body.dump();
  EXPECT_EQ(banned.body["account"]["banned"], true);
  EXPECT_EQ(banned.body["kicked"]["sessions"], 1) << banned.body.dump();
  EXPECT_TRUE(banned.body["kicked"]["unreachable"].empty()) << banned.body.dump();

  // Give the others time to prove they play on, then judge.
  std::this_thread::sleep_for(std::chrono::seconds(4));
  const double last_banned = last_seen(run, 0);
  const double last_other = last_seen(run, 1);
  const bots::SwarmReport& report = run.stop();
  EXPECT_LE(last_banned, banned_at + 1.0) << "the banned bot was still in the world";
  EXPECT_GT(last_other, banned_at + 2.0) << "the other bots play on";
  EXPECT_EQ(report.per_bot[0].disconnect, "kick:banned") << bots::report_json(report, true);
  EXPECT_EQ(report.per_bot[0].replays, 0u) << "a banned bot does not come back";
  EXPECT_TRUE(report.per_bot[1].disconnect.empty()) << bots::report_json(report, true);

  // The player cannot log in, and the ban is in the audit log with its reason.
  const Answer login = call(stack, "POST", "/v1/auth/login",
                            {{"username", "mod_0"}, {"password", bots::kBotPassword}});
  EXPECT_EQ(login.status, 403) << login.body.dump();
  EXPECT_EQ(login.body["error"]["code"], "account_banned") << login.body.dump();
  const Answer audit =
      call(stack, "GET", "/admin/v1/audit?account_id=" + std::to_string(account), nullptr, viewer);
  ASSERT_EQ(audit.status, 200) << audit.body.dump();
  ASSERT_FALSE(audit.body["entries"].empty()) << audit.body.dump();
  EXPECT_EQ(audit.body["entries"][0]["action"], "ban");
  EXPECT_EQ(audit.body["entries"][0]["reason"], "e2e: botting");
  EXPECT_EQ(audit.body["entries"][0]["admin_username"], "Mod_1");

  // A kick of a player who is not banned: mod_1 is removed, and may log in again.
  const Answer other = call(stack, "GET", "/admin/v1/players?username=mod_1", nullptr, viewer);
  ASSERT_EQ(other.status, 200);
  // The swarm above stopped: start mod_1 again to have it online.
  BotRun again(api_swarm_config(stack.api_url(), "mod", 2, bots::Behaviour::wander));
  // Bot 0 (mod_0) is banned and gives up; bot 1 (mod_1) joins.
  ASSERT_TRUE(again.wait(60.0, [&] { return !again.track(1).empty(); })) << stack.logs();
  const Answer kicked = call(stack, "POST",
                             "/admin/v1/accounts/" +
                                 std::to_string(other.body["account"]["id"].get<int64_t>()) + "/kick",
                             {{"reason", "e2e: warning"}}, moderator);
  ASSERT_EQ(kicked.status, 200) << kicked.body.dump();
  EXPECT_EQ(kicked.body["kicked"]["sessions"], 1) << kicked.body.dump();
  const bots::SwarmReport& second = again.stop();
  EXPECT_EQ(second.per_bot[1].disconnect, "kick:kicked") << bots::report_json(second, true);
  EXPECT_EQ(call(stack, "POST", "/v1/auth/login",
                 {{"username", "mod_1"}, {"password", bots::kBotPassword}})
                .status,
            200);
}

}  // namespace
}  // namespace omega::e2e
