#include "bots/command_line.hpp"

#include <gtest/gtest.h>

namespace omega::bots {
namespace {

const char* kSeed = "0101010101010101010101010101010101010101010101010101010101010101";

std::string parse(std::vector<const char*> args, CommandLine& out) {
  args.insert(args.begin(), "omega-bots");
  std::string help;
  return parse_command_line(int(args.size()), args.data(), out, help);
}

TEST(CommandLine, ContractFlags) {
  CommandLine cl;
  ASSERT_EQ(parse({"--url", "ws://127.0.0.1:9000/", "--count", "5", "--zone", "open", "--instance",
                   "3", "--dev-key-seed", kSeed, "--first-character-id", "100", "--behaviour",
                   "follow", "--input-hz", "20", "--seconds", "7"},
                  cl),
            "");
  EXPECT_EQ(cl.swarm.host, "127.0.0.1");
  EXPECT_EQ(cl.swarm.port, 9000);
  EXPECT_EQ(cl.swarm.path, "/");
  EXPECT_EQ(cl.swarm.zone, "open");
  EXPECT_EQ(cl.swarm.instance_id, 3u);
  EXPECT_EQ(cl.swarm.first_character_id, 100u);
  EXPECT_EQ(cl.swarm.seconds, 7.0);
  ASSERT_EQ(cl.swarm.bots.size(), 5u);
  for (const BotOptions& b : cl.swarm.bots) {
    EXPECT_EQ(b.behaviour, Behaviour::follow);
    EXPECT_EQ(b.input_hz, 20.0);
    EXPECT_EQ(b.misbehaviour, Misbehaviour::none);
  }
  const auto key = protocol::ticket_key_from_seed(*protocol::from_hex<32>(kSeed));
  EXPECT_EQ(cl.swarm.key.public_key, key.public_key);
}

TEST(CommandLine, GroupsOfMisbehavingAndReconnectingBots) {
  CommandLine cl;
  ASSERT_EQ(parse({"--count", "6", "--dev-key-seed", kSeed, "--misbehave", "garbage:1",
                   "--misbehave", "flood:2", "--reconnect-after", "2.5:1"},
                  cl),
            "");
  const auto& bots = cl.swarm.bots;
  EXPECT_EQ(bots[0].misbehaviour, Misbehaviour::garbage);
  EXPECT_EQ(bots[1].misbehaviour, Misbehaviour::flood);
  EXPECT_EQ(bots[2].misbehaviour, Misbehaviour::flood);
  EXPECT_EQ(bots[3].misbehaviour, Misbehaviour::none);
  EXPECT_EQ(bots[4].reconnect_after_s, 0.0);
  EXPECT_EQ(bots[5].reconnect_after_s, 2.5);
}

TEST(CommandLine, ConnectTimeout) {
  CommandLine cl;
  ASSERT_EQ(parse({"--dev-key-seed", kSeed, "--connect-timeout", "2.5"}, cl), "");
  EXPECT_DOUBLE_EQ(cl.swarm.connect_timeout_s, 2.5);
  EXPECT_EQ(parse({"--dev-key-seed", kSeed, "--connect-timeout", "0"}, cl),
            "--connect-timeout: must be > 0");
}

TEST(CommandLine, MisbehaveWithoutCountMeansEveryBot) {
  CommandLine cl;
  ASSERT_EQ(parse({"--count", "3", "--dev-key-seed", kSeed, "--misbehave", "speedhack"}, cl), "");
  for (const BotOptions& b : cl.swarm.bots) EXPECT_EQ(b.misbehaviour, Misbehaviour::speedhack);
}

TEST(CommandLine, TournamentFlags) {
  CommandLine cl;
  ASSERT_EQ(parse({"--api", "http://127.0.0.1:8080", "--tournament", "arena_1v1",
                   "--tournament-after", "2", "--tournament-wait", "40"},
                  cl),
            "");
  EXPECT_EQ(cl.swarm.tournament, "arena_1v1");
  EXPECT_DOUBLE_EQ(cl.swarm.tournament_after_s, 2.0);
  EXPECT_DOUBLE_EQ(cl.swarm.tournament_wait_s, 40.0);
  CommandLine dev;
  EXPECT_NE(parse({"--dev-key-seed", kSeed, "--tournament", "arena_1v1"}, dev), "")
      << "--tournament needs --api";
}

TEST(CommandLine, RefusesBadInput) {
  CommandLine cl;
  EXPECT_NE(parse({"--dev-key-seed", "abc"}, cl), "");
  EXPECT_NE(parse({"--dev-key-seed", kSeed, "--url", "http://x:1/"}, cl), "");
  EXPECT_NE(parse({"--dev-key-seed", kSeed, "--behaviour", "dance"}, cl), "");
  EXPECT_NE(parse({"--dev-key-seed", kSeed, "--misbehave", "nap:1"}, cl), "");
  EXPECT_NE(parse({"--count", "2"}, cl), "") << "--dev-key-seed is required";
}

}  // namespace
}  // namespace omega::bots
