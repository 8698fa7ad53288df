// Moderation end to end (issue 17) with real processes: PostgreSQL, Redis, omega-api, an
// omega-zone and a swarm of bots in API mode. A moderator finds a bot that is online, bans it
// through the admin API: the zone kicks that bot (Kick banned) within 1 s of the ban's answer,
// the bot does not come back, its login is refused, the other bot plays on, and the audit log
// holds the ban. A viewer cannot ban. A kick (not a ban) removes a player who may come back.
// AdminConsoleBrowser does it from the web console in a real headless Chromium
// (tests/browser/admin_console.mjs), with a grant the bot receives in the game.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

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
  const bots::HttpResponse response =
      bots::http_call(*bots::parse_http_url(stack.api_url()), request);
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
  const Answer kicked = call(
      stack, "POST",
      "/admin/v1/accounts/" + std::to_string(other.body["account"]["id"].get<int64_t>()) + "/kick",
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

// What one stage of tests/browser/admin_console.mjs showed: its last stdout line (JSON), or
// {"error": …} when it could not run. `env` is passed to it besides the test's environment.
nlohmann::json run_console_stage(const std::string& stage,
                                 const std::map<std::string, std::string>& env) {
  std::string command = "env";
  for (const auto& [name, value] : env) command += " " + name + "='" + value + "'";
  command += " .tools/bin/node tests/browser/admin_console.mjs " + stage + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return {{"error", "popen failed"}};
  std::string output, last;
  static char buffer[1 << 16];
  while (fgets(buffer, sizeof buffer, pipe) != nullptr) {
    output += buffer;
    if (buffer[0] == '{') last = buffer;  // its JSON line is short: one fgets
  }
  const int status = pclose(pipe);
  nlohmann::json shown = nlohmann::json::parse(last, nullptr, false);
  if (!shown.is_object()) shown = {{"error", "no JSON line: " + output}};
  if (status != 0 && !shown.contains("error"))
    shown["error"] = "exit status " + std::to_string(status);
  return shown;
}

// The index of `item` in content/items.json (the loot events' detail), or -1.
int item_index(const std::string& item) {
  std::ifstream file("content/items.json");
  const nlohmann::json items = nlohmann::json::parse(file, nullptr, false);
  const nlohmann::json& list = items.is_object() ? items["items"] : items;
  for (size_t i = 0; i < list.size(); ++i)
    if (list[i].value("id", "") == item) return static_cast<int>(i);
  return -1;
}

// The console in a real browser: an admin sees the bots in the live world, grants an item the
// bot then receives in the game (and the ledger shows), and bans a bot that is kicked and
// cannot log in again; a viewer's ban is refused; a moderator mutes a player and unbans the
// banned one, who can log in again. Screenshots: <build>/screenshots/admin-console.
TEST(AdminConsoleBrowser, StaffGrantBanMuteAndRestoreFromTheConsoleAndAViewerCannotBan) {
  if (sanitizer_build()) GTEST_SKIP() << "the browser test runs in the release preset only";
  WorldStack stack;
  ASSERT_EQ(stack.start_all({{"zone-a", "hub_city_1", "hub_city_1:1", {}}}), "") << stack.logs();
  ASSERT_EQ(stack.create_admin("Admin_1", kStaffPassword, "admin"), "");
  ASSERT_EQ(stack.create_admin("Mod_1", kStaffPassword, "moderator"), "");
  ASSERT_EQ(stack.create_admin("View_1", kStaffPassword, "viewer"), "");
  const int pelt = item_index("wolf_pelt");
  ASSERT_GE(pelt, 0) << "content/items.json has no wolf_pelt";

  constexpr size_t kBots = 3;
  BotRun run(api_swarm_config(stack.api_url(), "con", kBots, bots::Behaviour::wander));
  ASSERT_TRUE(all_seen(run, kBots, 60.0)) << bots::report_json(run.stop(), true) << stack.logs();

  const std::string screenshots = build_dir() + "/screenshots/admin-console";
  std::filesystem::remove_all(screenshots);  // only this run's pictures
  const std::map<std::string, std::string> common{{"CONSOLE_URL", stack.api_url() + "/admin/"},
                                                  {"STAFF_PASSWORD", kStaffPassword},
                                                  {"SCREENSHOT_DIR", screenshots}};
  auto with = [&common](std::map<std::string, std::string> more) {
    more.insert(common.begin(), common.end());
    return more;
  };

  const int64_t pelts_before = run.received(1, static_cast<uint16_t>(pelt));
  const nlohmann::json admin = run_console_stage("admin", with({{"STAFF_USER", "Admin_1"},
                                                                {"GRANT_PLAYER", "con_1"},
                                                                {"GRANT_ITEM", "wolf_pelt"},
                                                                {"GRANT_QUANTITY", "2"},
                                                                {"BAN_PLAYER", "con_0"}}));
  const double banned_at = run.now();
  ASSERT_FALSE(admin.contains("error")) << admin.dump() << stack.logs();
  EXPECT_EQ(admin["role"], "admin");

  // The grant reached the bot's character in the zone: its client was told (loot event).
  EXPECT_TRUE(run.wait(
      5.0, [&] { return run.received(1, static_cast<uint16_t>(pelt)) >= pelts_before + 2; }))
      << "con_1 never received the granted wolf pelts; " << admin.dump();

  // A viewer cannot ban (the server refuses whatever the page offers).
  const Answer target =
      call(stack, "GET", "/admin/v1/players?username=con_2", nullptr, staff_login(stack, "View_1"));
  ASSERT_EQ(target.status, 200) << target.body.dump();
  const nlohmann::json viewer = run_console_stage(
      "viewer",
      with({{"STAFF_USER", "View_1"},
            {"BAN_TRY_PLAYER", "con_2"},
            {"BAN_TRY_ACCOUNT", std::to_string(target.body["account"]["id"].get<int64_t>())}}));
  ASSERT_FALSE(viewer.contains("error")) << viewer.dump();
  EXPECT_EQ(viewer["role"], "viewer");
  if (viewer["ban_button"] != "enabled") {
    EXPECT_EQ(viewer["ban_status"], 403) << viewer.dump();
  }

  const bots::SwarmReport& report = run.stop();
  EXPECT_LE(last_seen(run, 0), banned_at + 1.0) << "the banned bot was still in the world";
  EXPECT_EQ(report.per_bot[0].disconnect, "kick:banned") << bots::report_json(report, true);
  EXPECT_TRUE(report.per_bot[2].disconnect.empty())
      << "the viewer's ban must not kick: " << bots::report_json(report, true);
  const Answer login = call(stack, "POST", "/v1/auth/login",
                            {{"username", "con_0"}, {"password", bots::kBotPassword}});
  EXPECT_EQ(login.status, 403) << login.body.dump();

  // A moderator mutes one player and restores the banned one from the console.
  const nlohmann::json restore = run_console_stage(
      "restore",
      with({{"STAFF_USER", "Mod_1"}, {"MUTE_PLAYER", "con_2"}, {"UNBAN_PLAYER", "con_0"}}));
  ASSERT_FALSE(restore.contains("error")) << restore.dump();
  EXPECT_EQ(restore["role"], "moderator");
  EXPECT_EQ(call(stack, "POST", "/v1/auth/login",
                 {{"username", "con_0"}, {"password", bots::kBotPassword}})
                .status,
            200)
      << "the unbanned player logs in again";
  const Answer muted =
      call(stack, "GET", "/admin/v1/players?username=con_2", nullptr, staff_login(stack, "View_1"));
  EXPECT_EQ(muted.body["account"]["muted"], true) << muted.body.dump();
}

}  // namespace
}  // namespace omega::e2e
