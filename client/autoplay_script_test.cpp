#include "client/autoplay_script.hpp"

#include <gtest/gtest.h>

namespace omega::client {
namespace {

TEST(AutoplayScript, ParsesEveryCommand) {
  const auto result = parse_autoplay_script(R"(# a comment line
screenshot login
login alice s3cret-pass      # registers if needed
delete_character Old
character Alice warrior
dev_character 7 Bot7
enter_world 20
walk north 1.5
walk 45 0.5
attack 2
expect_entities 1 10
expect_entities 2
leaderboard level
drop_connection
wait 0.25
quit
)",
                                            "test.autoplay");
  ASSERT_TRUE(result.ok()) << result.error;
  ASSERT_EQ(result.steps.size(), 15u);
  EXPECT_EQ(result.steps[0].command, ScriptCommand::screenshot);
  EXPECT_EQ(result.steps[0].words[0], "login");
  EXPECT_EQ(result.steps[0].line, 2);
  EXPECT_EQ(result.steps[1].words, (std::vector<std::string>{"alice", "s3cret-pass"}));
  EXPECT_EQ(result.steps[4].number, 7);
  EXPECT_EQ(result.steps[5].seconds, 20);
  EXPECT_EQ(result.steps[6].number, 270);
  EXPECT_EQ(result.steps[6].seconds, 1.5);
  EXPECT_EQ(result.steps[7].number, 45);
  EXPECT_EQ(result.steps[9].number, 1);
  EXPECT_EQ(result.steps[9].seconds, 10);
  EXPECT_EQ(result.steps[10].seconds, kDefaultScriptTimeoutSeconds);
  EXPECT_EQ(result.steps[12].seconds, kDefaultScriptTimeoutSeconds);
  EXPECT_EQ(result.steps[14].command, ScriptCommand::quit);
}

TEST(AutoplayScript, ChatJoinsItsWordsIntoOneLine) {
  const auto result = parse_autoplay_script("chat world hello   from the autoplay\n", "s");
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.steps[0].command, ScriptCommand::chat);
  EXPECT_EQ(result.steps[0].words, (std::vector<std::string>{"world", "hello from the autoplay"}));
  EXPECT_EQ(parse_autoplay_script("chat shout hi", "s").error,
            "s:1: chat channel must be say, party or world, got 'shout'");
  EXPECT_FALSE(parse_autoplay_script("chat world", "s").ok());
}

TEST(AutoplayScript, ErrorsNameTheLine) {
  auto result = parse_autoplay_script("wait 1\nfly away\n", "s");
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(result.error, "s:2: unknown command 'fly'");
  EXPECT_TRUE(result.steps.empty());
  EXPECT_EQ(parse_autoplay_script("login onlyuser", "s").error,
            "s:1: login takes 2 argument(s), got 1");
  EXPECT_FALSE(parse_autoplay_script("walk up 1", "s").ok());
  EXPECT_FALSE(parse_autoplay_script("wait -1", "s").ok());
  EXPECT_FALSE(parse_autoplay_script("wait 6000", "s").ok());
  EXPECT_FALSE(parse_autoplay_script("screenshot ../etc", "s").ok());
  EXPECT_FALSE(parse_autoplay_script("dev_character 1.5 X", "s").ok());
  EXPECT_FALSE(parse_autoplay_script("# nothing\n\n", "s").ok());
}

TEST(AutoplayScript, Travel) {
  auto result = parse_autoplay_script("travel forest loading\ntravel hub_city_1 back 90\n", "s");
  ASSERT_TRUE(result.ok()) << result.error;
  ASSERT_EQ(result.steps.size(), 2u);
  EXPECT_EQ(result.steps[0].command, ScriptCommand::travel);
  EXPECT_EQ(result.steps[0].words, (std::vector<std::string>{"forest", "loading"}));
  EXPECT_EQ(result.steps[0].seconds, kDefaultTravelTimeoutSeconds);
  EXPECT_EQ(result.steps[1].seconds, 90.0);
  EXPECT_FALSE(parse_autoplay_script("travel forest", "s").ok());
  EXPECT_FALSE(parse_autoplay_script("travel forest ../x", "s").ok());
  EXPECT_FALSE(parse_autoplay_script("travel forest shot soon", "s").ok());
  EXPECT_EQ(parse_autoplay_script("open_window market", "s").steps.at(0).command,
            ScriptCommand::open_window);
  const auto befriend = parse_autoplay_script("befriend democ0", "s");
  ASSERT_TRUE(befriend.ok()) << befriend.error;
  EXPECT_EQ(befriend.steps.at(0).command, ScriptCommand::befriend);
  EXPECT_EQ(befriend.steps.at(0).words, std::vector<std::string>{"democ0"});
  EXPECT_FALSE(parse_autoplay_script("befriend", "s").ok());
  const auto item = parse_autoplay_script("item equip rusty_sword", "s");
  ASSERT_TRUE(item.ok()) << item.error;
  EXPECT_EQ(item.steps.at(0).command, ScriptCommand::item);
  EXPECT_EQ(item.steps.at(0).words, (std::vector<std::string>{"equip", "rusty_sword"}));
  EXPECT_FALSE(parse_autoplay_script("item wear rusty_sword", "s").ok());
  EXPECT_FALSE(parse_autoplay_script("item equip", "s").ok());
  EXPECT_FALSE(parse_autoplay_script("befriend a b", "s").ok());
  const auto tournament =
      parse_autoplay_script("tournament arena_1v1\ntournament arena_2v2 90", "s");
  ASSERT_TRUE(tournament.ok()) << tournament.error;
  EXPECT_EQ(tournament.steps.at(0).command, ScriptCommand::tournament);
  EXPECT_EQ(tournament.steps.at(0).words, std::vector<std::string>{"arena_1v1"});
  EXPECT_EQ(tournament.steps.at(0).seconds, kDefaultTournamentTimeoutSeconds);
  EXPECT_EQ(tournament.steps.at(1).seconds, 90.0);
  EXPECT_FALSE(parse_autoplay_script("tournament", "s").ok());
}

TEST(AutoplayScript, Directions) {
  EXPECT_EQ(parse_direction_degrees("south"), 90.0);
  EXPECT_EQ(parse_direction_degrees("northwest"), 225.0);
  EXPECT_EQ(parse_direction_degrees("-30"), -30.0);
  EXPECT_FALSE(parse_direction_degrees("up"));
}

}  // namespace
}  // namespace omega::client
