#include "api/directory.hpp"

#include <gtest/gtest.h>

namespace omega::api {
namespace {

constexpr std::int64_t kNow = 1'700'000'000'000;

// forest: field, 100 players, up to 5 instances; rift_d1: 5 players; hub_city_1: 500 × 1.
WorldTopology world() {
  return load_world("content/world.json");
}

InstanceEntry instance(const std::string& zone, std::uint32_t number, int players,
                       const std::string& process = "p1") {
  InstanceEntry entry;
  entry.zone = zone;
  entry.instance = number;
  entry.process_id = process;
  entry.ws_url = "ws://127.0.0.1:8081/z/" + zone + "/" + std::to_string(number);
  entry.players = players;
  entry.capacity = zone.rfind("rift", 0) == 0 ? 5 : zone.rfind("hub", 0) == 0 ? 500 : 100;
  entry.kind = zone.rfind("rift", 0) == 0  ? ZoneKind::rift
               : zone.rfind("hub", 0) == 0 ? ZoneKind::hub
                                           : ZoneKind::field;
  entry.expires_ms = kNow + 10'000;
  return entry;
}

ZoneProcessEntry process(const std::string& id, std::vector<std::string> zones) {
  return {id, "ws://" + id, "http://" + id, std::move(zones), kNow + 10'000, {}, {}};
}

RegistrySnapshot registry(std::vector<InstanceEntry> instances,
                          std::vector<ZoneProcessEntry> processes = {
                              process("p1", {"forest", "rift_d1", "hub_city_1"})}) {
  return {std::move(instances), std::move(processes)};
}

PlacementRequest to(const std::string& zone) {
  return PlacementRequest{zone, std::nullopt, std::nullopt, {}, {}};
}

TEST(ApiDirectory, ResumesTheHeldInstanceEvenAboveTheHardCap) {
  auto request = to("forest");
  request.held_instance = 2;
  const auto placement = assign_instance(
      world(), registry({instance("forest", 1, 10), instance("forest", 2, 99)}), request);
  EXPECT_EQ(placement.action, Placement::Action::join);
  EXPECT_EQ(placement.rule, PlacementRule::resume);
  EXPECT_EQ(placement.instance.instance, 2u);
}

TEST(ApiDirectory, AHeldInstanceThatDiedIsNotResumed) {
  auto request = to("forest");
  request.held_instance = 3;
  const auto placement = assign_instance(world(), registry({instance("forest", 1, 10)}), request);
  EXPECT_EQ(placement.rule, PlacementRule::below_soft_cap);
  EXPECT_EQ(placement.instance.instance, 1u);
}

TEST(ApiDirectory, JoinsThePartyBelowTheHardCapBeforeTheSoftCapRule) {
  auto request = to("forest");
  request.party_id = 7;
  request.party_instances = {2};
  const auto placement = assign_instance(
      world(), registry({instance("forest", 1, 50), instance("forest", 2, 90)}), request);
  EXPECT_EQ(placement.rule, PlacementRule::party);
  EXPECT_EQ(placement.instance.instance, 2u);

  // At the hard cap the party's instance is no longer an option.
  const auto full = assign_instance(
      world(), registry({instance("forest", 1, 50), instance("forest", 2, 95)}), request);
  EXPECT_EQ(full.rule, PlacementRule::below_soft_cap);
  EXPECT_EQ(full.instance.instance, 1u);
}

TEST(ApiDirectory, SeatsAPlayerWithAFriendBelowTheSoftCapAfterTheParty) {
  auto request = to("forest");
  request.friend_instances = {2};
  // The fullest-below-soft-cap rule alone would pick instance 1.
  const auto placement = assign_instance(
      world(), registry({instance("forest", 1, 70), instance("forest", 2, 30)}), request);
  EXPECT_EQ(placement.rule, PlacementRule::friends);
  EXPECT_EQ(placement.instance.instance, 2u);
  EXPECT_EQ(placement_rule_name(placement.rule), "friends");

  // Above the soft cap a friend's instance is no reason to crowd it further.
  const auto crowded = assign_instance(
      world(), registry({instance("forest", 1, 70), instance("forest", 2, 85)}), request);
  EXPECT_EQ(crowded.rule, PlacementRule::below_soft_cap);
  EXPECT_EQ(crowded.instance.instance, 1u);

  // The party comes first.
  request.party_id = 7;
  request.party_instances = {3};
  const auto party = assign_instance(
      world(),
      registry({instance("forest", 1, 70), instance("forest", 2, 30), instance("forest", 3, 10)}),
      request);
  EXPECT_EQ(party.rule, PlacementRule::party);
  EXPECT_EQ(party.instance.instance, 3u);
}

TEST(ApiDirectory, PicksTheFullestInstanceBelowTheSoftCap) {
  const auto placement = assign_instance(
      world(),
      registry({instance("forest", 1, 20), instance("forest", 2, 79), instance("forest", 3, 80)}),
      to("forest"));
  EXPECT_EQ(placement.action, Placement::Action::join);
  EXPECT_EQ(placement.rule, PlacementRule::below_soft_cap);
  EXPECT_EQ(placement.instance.instance, 2u);
}

TEST(ApiDirectory, ReservationsCountAgainstTheCaps) {
  auto reserved = instance("forest", 1, 70);
  reserved.reserved = 10;  // 80: at the soft cap
  const auto placement = assign_instance(world(), registry({reserved}), to("forest"));
  EXPECT_EQ(placement.action, Placement::Action::open);
}

TEST(ApiDirectory, OpensANewInstanceOnTheLeastLoadedProcessWhenAllAreAtTheSoftCap) {
  auto busy = instance("forest", 1, 80, "p1");
  auto other = instance("hub_city_1", 1, 10, "p2");
  const auto placement = assign_instance(
      world(),
      registry({busy, other}, {process("p1", {"forest"}), process("p2", {"forest", "hub_city_1"}),
                               process("p3", {"desert"})}),
      to("forest"));
  EXPECT_EQ(placement.action, Placement::Action::open);
  EXPECT_EQ(placement.rule, PlacementRule::new_instance);
  EXPECT_EQ(placement.process_id, "p2");
  EXPECT_EQ(placement.control_url, "http://p2");
  EXPECT_EQ(placement.new_instance, 2u);
}

TEST(ApiDirectory, NewInstanceNumbersFillGaps) {
  const auto placement = assign_instance(
      world(), registry({instance("forest", 1, 90), instance("forest", 3, 90)}), to("forest"));
  EXPECT_EQ(placement.action, Placement::Action::open);
  EXPECT_EQ(placement.new_instance, 2u);
}

TEST(ApiDirectory, FillsUpToTheHardCapOnceMaxInstancesAreOpen) {
  std::vector<InstanceEntry> all;
  for (std::uint32_t i = 1; i <= 5; ++i)
    all.push_back(instance("forest", i, i == 4 ? 90 : 94 - static_cast<int>(i)));
  const auto placement = assign_instance(world(), registry(all), to("forest"));
  EXPECT_EQ(placement.action, Placement::Action::join);
  EXPECT_EQ(placement.rule, PlacementRule::below_hard_cap);
  EXPECT_EQ(placement.instance.instance, 1u);  // 93: the fullest below 95
}

TEST(ApiDirectory, RefusesZoneFullAtTheHardCapWithMaxInstancesOpen) {
  std::vector<InstanceEntry> all;
  for (std::uint32_t i = 1; i <= 5; ++i) all.push_back(instance("forest", i, 95));
  const auto placement = assign_instance(world(), registry(all), to("forest"));
  EXPECT_EQ(placement.action, Placement::Action::refuse);
  EXPECT_EQ(placement.status, 409);
  EXPECT_EQ(placement.error_code, "zone_full");
  EXPECT_NE(placement.message.find("95% hard cap"), std::string::npos) << placement.message;
}

TEST(ApiDirectory, NoProcessHostingTheZoneIsNoCapacity) {
  const auto placement =
      assign_instance(world(), registry({}, {process("p1", {"desert"})}), to("forest"));
  EXPECT_EQ(placement.action, Placement::Action::refuse);
  EXPECT_EQ(placement.status, 503);
  EXPECT_EQ(placement.error_code, "no_capacity");
}

TEST(ApiDirectory, WithoutAProcessTheHardCapReserveIsUsedBeforeNoCapacity) {
  const auto reserve =
      assign_instance(world(), registry({instance("forest", 1, 90)}, {}), to("forest"));
  EXPECT_EQ(reserve.rule, PlacementRule::below_hard_cap);
  const auto none =
      assign_instance(world(), registry({instance("forest", 1, 95)}, {}), to("forest"));
  EXPECT_EQ(none.error_code, "no_capacity");
}

TEST(ApiDirectory, UnknownZoneIsABadRequest) {
  const auto placement = assign_instance(world(), registry({}), to("atlantis"));
  EXPECT_EQ(placement.action, Placement::Action::refuse);
  EXPECT_EQ(placement.status, 400);
  EXPECT_EQ(placement.error_code, "unknown_zone");
}

TEST(ApiDirectory, RiftsArePrivatePerParty) {
  auto theirs = instance("rift_d1", 11, 1);
  theirs.party_id = 8;
  auto ours = instance("rift_d1", 12, 2);
  ours.party_id = 7;
  auto request = to("rift_d1");
  request.party_id = 7;
  const auto joined = assign_instance(world(), registry({theirs, ours}), request);
  EXPECT_EQ(joined.rule, PlacementRule::party);
  EXPECT_EQ(joined.instance.instance, 12u);

  // A solo player (no party) never joins someone else's rift, even one with room.
  const auto solo = assign_instance(world(), registry({theirs, ours}), to("rift_d1"));
  EXPECT_EQ(solo.action, Placement::Action::open);
  EXPECT_EQ(solo.new_instance, 0u);  // the caller allocates rift numbers

  // The party's rift holds five: the fifth member still gets in (4 < 4.75), a sixth not.
  ours.players = 4;
  EXPECT_EQ(assign_instance(world(), registry({ours}), request).rule, PlacementRule::party);
  ours.players = 5;
  EXPECT_EQ(assign_instance(world(), registry({ours}), request).error_code, "zone_full");
}

TEST(ApiDirectory, ARiftResumeNeedsTheSameParty) {
  auto old_party = instance("rift_d1", 4, 2);
  old_party.party_id = 3;
  auto request = to("rift_d1");
  request.held_instance = 4;
  EXPECT_EQ(assign_instance(world(), registry({old_party}), request).action,
            Placement::Action::open);
  request.party_id = 3;
  EXPECT_EQ(assign_instance(world(), registry({old_party}), request).rule, PlacementRule::resume);
}

TEST(ApiDirectory, RiftsStopAtMaxInstances) {
  std::vector<InstanceEntry> all;
  for (std::uint32_t i = 1; i <= 100; ++i) {
    all.push_back(instance("rift_d1", i, 1));
    all.back().party_id = i;
  }
  const auto placement = assign_instance(world(), registry(all), to("rift_d1"));
  EXPECT_EQ(placement.status, 409);
  EXPECT_EQ(placement.error_code, "zone_full");
}

TEST(ApiDirectory, ParsesRegistryEntriesAndDropsExpiredOrMalformedOnes) {
  const std::string live =
      R"({"zone":"forest","instance":2,"proc":"p1","ws_url":"ws://h/z/forest/2","players":3,"capacity":100,)"
      R"("kind":"field","party_id":null,"expires_ms":1700000005000})";
  const auto entry = parse_instance_entry(live, kNow);
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry->zone, "forest");
  EXPECT_EQ(entry->instance, 2u);
  EXPECT_EQ(entry->players, 3);
  EXPECT_EQ(entry->kind, ZoneKind::field);
  EXPECT_FALSE(entry->party_id);
  EXPECT_FALSE(parse_instance_entry(live, kNow + 6'000));  // expired: a dead process
  EXPECT_FALSE(parse_instance_entry("not json", kNow));
  EXPECT_FALSE(parse_instance_entry(R"({"zone":"forest","expires_ms":1700000005000})", kNow));
  EXPECT_FALSE(
      parse_instance_entry(R"({"zone":"forest","instance":-1,"proc":"p","ws_url":"w","players":0,)"
                           R"("capacity":5,"kind":"rift","expires_ms":1700000005000})",
                           kNow));
  const auto rift = parse_instance_entry(
      R"({"zone":"rift_d1","instance":9,"proc":"p","ws_url":"w","players":0,)"
      R"("capacity":5,"kind":"rift","party_id":12,"expires_ms":1700000005000})",
      kNow);
  ASSERT_TRUE(rift);
  EXPECT_EQ(rift->party_id, 12);

  const std::string proc =
      R"({"id":"p1","ws_url":"ws://h:8081","control_url":"http://h:9081","zones":["forest","desert"],)"
      R"("expires_ms":1700000005000})";
  const auto parsed = parse_process_entry(proc, kNow);
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(parsed->hosts("desert"));
  EXPECT_FALSE(parsed->hosts("volcanic"));
  EXPECT_FALSE(parse_process_entry(proc, kNow + 5'001));
  EXPECT_FALSE(parsed->tick_p99_ms) << "an older zone's entry has no load";
  EXPECT_FALSE(parsed->bytes_out_per_player_s);
}

TEST(ApiDirectory, ParsesTheOptionalLoadOfAProcessEntry) {
  const auto loaded = parse_process_entry(
      R"({"id":"p1","control_url":"http://h:9081","zones":["forest"],"tick_p99_ms":4.25,)"
      R"("bytes_out_per_player_s":2048,"expires_ms":1700000005000})",
      kNow);
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->tick_p99_ms, 4.25);
  EXPECT_EQ(loaded->bytes_out_per_player_s, 2048.0);
  // No players: the rate is null. Nonsense values are dropped, the entry is kept.
  const auto odd =
      parse_process_entry(R"({"id":"p1","control_url":"http://h:9081","tick_p99_ms":"fast",)"
                          R"("bytes_out_per_player_s":null,"expires_ms":1700000005000})",
                          kNow);
  ASSERT_TRUE(odd);
  EXPECT_FALSE(odd->tick_p99_ms);
  EXPECT_FALSE(odd->bytes_out_per_player_s);
  const auto negative = parse_process_entry(
      R"({"id":"p1","control_url":"c","tick_p99_ms":-1,"expires_ms":1700000005000})", kNow);
  ASSERT_TRUE(negative);
  EXPECT_FALSE(negative->tick_p99_ms);
}

}  // namespace
}  // namespace omega::api
