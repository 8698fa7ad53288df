// LocalCharacterService: what a standalone zone's claims, checkpoints, transfers and match
// reports are answered (ZoneFixture in zone_server_test.cpp drives a ZoneServer with it).
#include "zone/local_character_service.hpp"

#include <gtest/gtest.h>

namespace omega::zone {
namespace {

struct LocalService : testing::Test {
  game::CombatContent content = load_content();
  ServiceResults results;
  LocalCharacterService service{results, content};

  static game::CombatContent load_content() {
    game::CombatContent c;
    std::string error;
    EXPECT_TRUE(c.load("content", 30, error)) << error;
    return c;
  }
  // The one answer queued since the last call, for `instance`.
  template <class Answer>
  Answer answer(uint32_t instance) {
    std::vector<ServiceResult> queued;
    results.drain(queued);
    EXPECT_EQ(queued.size(), 1u);
    if (queued.size() != 1) return {};
    EXPECT_EQ(queued[0].instance, instance);
    const Answer* found = std::get_if<Answer>(&queued[0].payload);
    EXPECT_NE(found, nullptr);
    return found ? *found : Answer{};
  }
};

TEST_F(LocalService, AClaimIsGrantedAtOnceWithAFreshCharacterDealtByItsId) {
  ASSERT_GE(content.classes.size(), 3u);
  service.claim(2, ClaimRequest{7, 107, "hub_city_1", 1, 9});
  const ClaimResult granted = answer<ClaimResult>(2);
  EXPECT_EQ(granted.character_id, 7u);
  EXPECT_EQ(granted.status, ServiceStatus::ok);
  EXPECT_EQ(granted.lease_epoch, 9u);  // the ticket's
  EXPECT_FALSE(granted.banned);
  const ClaimedCharacter& c = granted.character;
  EXPECT_EQ(c.name, "Player7");
  EXPECT_EQ(c.class_id, content.classes[7 % 3].id);
  EXPECT_EQ(c.zone, "hub_city_1");
  EXPECT_EQ(c.level, 1u);
  EXPECT_EQ(c.experience, 0u);
  EXPECT_FALSE(c.x || c.y || c.hp || c.mana);  // the default spawn, full health
  EXPECT_TRUE(c.spawn.empty());
  EXPECT_EQ(c.gold, 0);
  EXPECT_TRUE(c.items.empty());
  EXPECT_TRUE(c.equipped.empty());
  EXPECT_EQ(c.party_id, 0u);
  EXPECT_EQ(c.muted_until, 0u);

  service.claim(2, ClaimRequest{9, 109, "hub_city_1", 1, 0});
  EXPECT_EQ(answer<ClaimResult>(2).character.class_id, content.classes[0].id);
}

// Without combat content there is no class to name; ZoneServer deals it by id itself.
TEST_F(LocalService, WithoutContentTheClassIsLeftToTheZone) {
  LocalCharacterService bare(results, game::CombatContent{});
  bare.claim(1, ClaimRequest{5, 5, "open", 1, 0});
  const ClaimResult granted = answer<ClaimResult>(1);
  EXPECT_EQ(granted.status, ServiceStatus::ok);
  EXPECT_EQ(granted.character.name, "Player5");
  EXPECT_TRUE(granted.character.class_id.empty());
}

TEST_F(LocalService, EveryCheckpointRecordIsAcceptedWithItsSeqAndEpoch) {
  auto record = [](uint64_t character, uint64_t epoch, uint64_t seq) {
    CheckpointRecord r;
    r.character_id = character;
    r.lease_epoch = epoch;
    r.seq = seq;
    return r;
  };
  service.checkpoint(
      4, CheckpointBatch{CheckpointReason::shutdown, {record(7, 9, 3), record(8, 2, 1)}});
  const CheckpointResult accepted = answer<CheckpointResult>(4);
  EXPECT_FALSE(accepted.request_failed);
  ASSERT_EQ(accepted.entries.size(), 2u);
  EXPECT_EQ(accepted.entries[0].character_id, 7u);
  EXPECT_EQ(accepted.entries[0].seq, 3u);
  EXPECT_EQ(accepted.entries[0].lease_epoch, 9u);
  EXPECT_EQ(accepted.entries[0].status, ServiceStatus::ok);
  EXPECT_EQ(accepted.entries[1].character_id, 8u);
  EXPECT_EQ(accepted.entries[1].seq, 1u);
  EXPECT_EQ(accepted.entries[1].lease_epoch, 2u);
  EXPECT_EQ(accepted.entries[1].status, ServiceStatus::ok);
}

// No API places the character in another zone: portals stay inert (can_transfer), and a
// transfer asked all the same is refused.
TEST_F(LocalService, TransfersAreRefused) {
  EXPECT_FALSE(service.can_transfer());
  TransferRequest request;
  request.checkpoint.character_id = 7;
  request.target_zone = "forest";
  service.transfer(3, request);
  const TransferResult refused = answer<TransferResult>(3);
  EXPECT_EQ(refused.character_id, 7u);
  EXPECT_EQ(refused.status, ServiceStatus::refused);
  EXPECT_TRUE(refused.ticket.empty());
}

TEST_F(LocalService, AMatchReportIsAcceptedSoTheArenaStopsSendingIt) {
  service.report_match(5, MatchReport{41, 2});
  const MatchReportResult accepted = answer<MatchReportResult>(5);
  EXPECT_EQ(accepted.match_id, 41u);
  EXPECT_EQ(accepted.status, ServiceStatus::ok);
}

}  // namespace
}  // namespace omega::zone
