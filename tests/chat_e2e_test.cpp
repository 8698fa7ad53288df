// Chat end to end (issue 16 item 4) with real processes: PostgreSQL, Redis, omega-api, two
// omega-zone processes (hub_city_1 on zone-a, forest on zone-b) and two swarms of bots in API
// mode that chat on the world channel. Each side hears the other's lines through Redis, a
// joining player gets the history, and a moderator's mute reaches the zone at once: the muted
// bot is told, and nobody hears its lines any more. A friend in the other process hears a
// player log in. A whisper reaches its recipient on the other process, and a whisper to a
// character online nowhere is answered to its sender.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <thread>

#include <nlohmann/json.hpp>

#include "bots/api_session.hpp"
#include "bots/http_client.hpp"
#include "tests/bot_run.hpp"
#include "tests/world_stack.hpp"

namespace omega::e2e {
namespace {

constexpr const char* kStaffPassword = "e2e staff password";

nlohmann::json call(const WorldStack& stack, const std::string& target, const nlohmann::json& body,
                    const std::string& bearer = "") {
  bots::HttpRequest request;
  request.method = body.is_null() ? "GET" : "POST";
  request.target = target;
  if (!body.is_null()) request.body = body.dump();
  if (!bearer.empty()) request.headers.emplace_back("Authorization", "Bearer " + bearer);
  const bots::HttpResponse response =
      bots::http_call(*bots::parse_http_url(stack.api_url()), request);
  nlohmann::json answer = nlohmann::json::parse(response.body, nullptr, false);
  if (answer.is_object()) answer["status"] = response.status;
  return answer;
}

bots::SwarmConfig chatting(const WorldStack& stack, const std::string& prefix,
                           const std::string& zone) {
  bots::SwarmConfig c = api_swarm_config(stack.api_url(), prefix, 2, bots::Behaviour::wander);
  c.play_zone = zone;
  c.chat_every_s = 1.0;
  c.chat_channel = "world";
  c.seconds = 8.0;  // the measured window (chat_delivery_ms) after both joined
  return c;
}

// The lines of `heard` from `from` ("world <from>: bot line <n> t=<unix µs>"), as send times.
std::vector<uint64_t> lines_from(const std::vector<std::string>& heard, const std::string& from) {
  std::vector<uint64_t> sent;
  const std::string prefix = "world " + from + ": ";
  for (const std::string& line : heard)
    if (line.rfind(prefix, 0) == 0)
      sent.push_back(std::strtoull(line.c_str() + line.rfind("t=") + 2, nullptr, 10));
  return sent;
}

uint64_t unix_us() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

bool contains(const std::vector<std::string>& lines, const std::string& line) {
  return std::find(lines.begin(), lines.end(), line) != lines.end();
}

TEST(ChatE2e, WorldChatCrossesZoneProcessesAndAMuteSilencesAPlayerAtOnce) {
  if (sanitizer_build()) GTEST_SKIP() << "chat e2e runs in the release preset only";
  WorldStack stack;
  ASSERT_EQ(stack.start_all({{"zone-a", "hub_city_1", "hub_city_1:1", {}},
                             {"zone-b", "forest", "forest:1", {}}}),
            "")
      << stack.logs();
  ASSERT_EQ(stack.create_admin("Mod_1", kStaffPassword, "moderator"), "");

  BotRun hub(chatting(stack, "cha", "hub_city_1"));
  // The forest's bots stay 4 s longer than the others: the whisperer, who starts after them,
  // whispers to chbc1 only while it is there.
  bots::SwarmConfig in_forest = chatting(stack, "chb", "forest");
  in_forest.seconds = 12.0;
  BotRun forest(in_forest);
  // A quiet player in the forest who stays to the end: chdc0, a friend-to-be.
  bots::SwarmConfig quiet = api_swarm_config(stack.api_url(), "chd", 1, bots::Behaviour::wander);
  quiet.play_zone = "forest";
  BotRun friend_(quiet);
  ASSERT_TRUE(all_seen(hub, 2, 60.0)) << bots::report_json(hub.stop(), true) << stack.logs();
  ASSERT_TRUE(all_seen(forest, 2, 60.0)) << bots::report_json(forest.stop(), true) << stack.logs();
  ASSERT_TRUE(all_seen(friend_, 1, 60.0)) << stack.logs();
  // Whispers from the hub: to chbc1, playing in the forest on the other process, and to a
  // character online nowhere. The whisperer starts once chbc1 is in the forest: a whisper sent
  // before it arrived is rightly answered "not online".
  bots::SwarmConfig to_forest = chatting(stack, "chw", "hub_city_1");
  to_forest.bots.resize(1);
  to_forest.chat_to = "CHBC1";  // names compare without case
  bots::SwarmConfig to_nobody = chatting(stack, "chx", "hub_city_1");
  to_nobody.bots.resize(1);
  to_nobody.chat_to = "nobodyhome";
  BotRun whisperer(to_forest);
  BotRun lonely(to_nobody);
  ASSERT_TRUE(all_seen(whisperer, 1, 60.0)) << stack.logs();
  ASSERT_TRUE(all_seen(lonely, 1, 60.0)) << stack.logs();
  EXPECT_EQ(hub.track(0).back().zone, "hub_city_1");
  EXPECT_EQ(forest.track(0).back().zone, "forest");
  const auto chatting_since = std::chrono::steady_clock::now();
  // Friends across processes: chcc0 (the late joiner's character, made here before its bot
  // plays it) asks chdc0 (in the forest) and chdc0 accepts; when chcc0 logs in to the hub,
  // chdc0 hears of it in the forest, on the other zone process.
  const nlohmann::json late_account = {{"username", "chc_0"}, {"password", bots::kBotPassword}};
  ASSERT_EQ(call(stack, "/v1/auth/register", late_account).value("status", 0), 201);
  const std::string late_token =
      call(stack, "/v1/auth/login", late_account).value("access_token", "");
  const nlohmann::json made =
      call(stack, "/v1/characters", {{"name", "chcc0"}, {"class", "mage"}}, late_token);
  ASSERT_EQ(made.value("status", 0), 201) << made.dump();
  const std::string late_id = std::to_string(made["character"]["id"].get<int64_t>());
  const nlohmann::json asked =
      call(stack, "/v1/characters/" + late_id + "/friends", {{"name", "chdc0"}}, late_token);
  ASSERT_EQ(asked.value("status", 0), 201) << asked.dump();
  const std::string friend_token =
      call(stack, "/v1/auth/login", {{"username", "chd_0"}, {"password", bots::kBotPassword}})
          .value("access_token", "");
  const nlohmann::json own = call(stack, "/v1/characters", nullptr, friend_token);
  ASSERT_EQ(own.value("status", 0), 200) << own.dump();
  const std::string friend_id = std::to_string(own["characters"][0]["id"].get<int64_t>());
  const nlohmann::json accepted =
      call(stack, "/v1/characters/" + friend_id + "/friends/" + late_id + "/accept",
           nlohmann::json::object(), friend_token);
  ASSERT_EQ(accepted.value("status", 0), 200) << accepted.dump();

  std::this_thread::sleep_until(chatting_since + std::chrono::seconds(6));

  // The moderator mutes chb_0 (character chbc0) for 10 minutes.
  const nlohmann::json login =
      call(stack, "/admin/v1/login", {{"username", "Mod_1"}, {"password", kStaffPassword}});
  ASSERT_EQ(login.value("status", 0), 200) << login.dump();
  const std::string token = login.value("access_token", "");
  const nlohmann::json found = call(stack, "/admin/v1/players?username=chb_0", nullptr, token);
  ASSERT_EQ(found.value("status", 0), 200) << found.dump();
  const std::string account = std::to_string(found["account"]["id"].get<int64_t>());
  const nlohmann::json muted = call(stack, "/admin/v1/accounts/" + account + "/mute",
                                    {{"reason", "e2e: spam"}, {"duration_s", 600}}, token);
  ASSERT_EQ(muted.value("status", 0), 200) << muted.dump();
  const uint64_t muted_at_us = unix_us();
  std::this_thread::sleep_for(std::chrono::seconds(5));

  // A player joining now gets the world history (its first lines are old ones).
  BotRun late(chatting(stack, "chc", "hub_city_1"));
  ASSERT_TRUE(all_seen(late, 1, 60.0)) << stack.logs();
  std::this_thread::sleep_for(std::chrono::seconds(1));

  const bots::SwarmReport& a = hub.stop();
  const bots::SwarmReport& b = forest.stop();
  const bots::SwarmReport& c = late.stop();
  const bots::SwarmReport& d = friend_.stop();
  const bots::SwarmReport& w = whisperer.stop();
  const bots::SwarmReport& x = lonely.stop();
  const std::string reports = bots::report_json(a, true) + "\n" + bots::report_json(b, true);

  // Across processes, both ways: the hub's bots heard the forest's and the other way round.
  EXPECT_FALSE(lines_from(a.per_bot[0].chat_heard, "chbc1").empty()) << reports;
  EXPECT_FALSE(lines_from(b.per_bot[1].chat_heard, "chac0").empty()) << reports;
  EXPECT_FALSE(lines_from(a.per_bot[1].chat_heard, "chac0").empty()) << "and their own zone's";
  EXPECT_GT(a.chat_received, 0u);
  EXPECT_GT(a.chat_delivery.count(), 0u) << "delivery latency measured";

  // The mute: chb_0 is told, and no line it sent after the mute (1 s for the push) was heard.
  EXPECT_TRUE(contains(b.per_bot[0].chat_heard,
                       "system : You are muted by a moderator for 10 more minutes."))
      << reports;
  for (const auto* report : {&a, &b})
    for (const auto& bot : report->per_bot)
      for (uint64_t sent : lines_from(bot.chat_heard, "chbc0"))
        EXPECT_LT(sent, muted_at_us + 1'000'000) << "a muted line was delivered\n" << reports;
  EXPECT_FALSE(lines_from(a.per_bot[0].chat_heard, "chbc1").empty()) << "the others still speak";

  // Whispers: chbc1 heard chwc0's across processes, and the forest's zone relayed a receipt,
  // so chwc0 was never told otherwise; chxc0 was told that nobody got its lines.
  const auto heard_prefix = [](const std::vector<std::string>& heard, const std::string& prefix) {
    return std::any_of(heard.begin(), heard.end(),
                       [&](const std::string& line) { return line.rfind(prefix, 0) == 0; });
  };
  EXPECT_TRUE(heard_prefix(b.per_bot[1].chat_heard, "whisper chwc0: bot line "))
      << bots::report_json(b, true);
  EXPECT_FALSE(heard_prefix(b.per_bot[0].chat_heard, "whisper chwc0: ")) << "only to chbc1";
  EXPECT_FALSE(heard_prefix(w.per_bot[0].chat_heard, "system : CHBC1 is not online"))
      << bots::report_json(w, true);
  EXPECT_TRUE(contains(x.per_bot[0].chat_heard,
                       "system : nobodyhome is not online: nobody got your whisper."))
      << bots::report_json(x, true);

  // chdc0 heard its new friend log in on the other process.
  EXPECT_TRUE(contains(d.per_bot[0].chat_heard, "system : chcc0 is online (hub_city_1)."))
      << bots::report_json(d, true);

  // The late joiner's first lines are the history: lines sent before it joined.
  ASSERT_FALSE(c.per_bot[0].chat_heard.empty()) << bots::report_json(c, true);
  const std::vector<std::string>& first = c.per_bot[0].chat_heard;
  bool old_line = false;
  for (const char* from : {"chac0", "chac1", "chbc1"})
    for (uint64_t sent : lines_from(first, from)) old_line = old_line || sent < muted_at_us;
  EXPECT_TRUE(old_line) << "no history line: " << bots::report_json(c, true);
}

}  // namespace
}  // namespace omega::e2e
