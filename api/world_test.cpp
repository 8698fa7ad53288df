#include "api/world.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace omega::api {
namespace {

nlohmann::json minimal_world() {
  return {{"format", 1},
          {"zones", {{"town", {{"kind", "hub"}, {"capacity", 50}, {"max_instances", 1}}}}},
          {"soft_cap", 0.5},
          {"hard_cap", 0.9},
          {"start_zone", "town"}};
}

// Tests run from the repository root (WORKING_DIRECTORY in CMake).
TEST(ApiWorld, LoadsTheRepositoryTopology) {
  const auto world = load_world("content/world.json");
  EXPECT_EQ(world.zones.size(), 9u);
  EXPECT_DOUBLE_EQ(world.soft_cap, 0.80);
  EXPECT_DOUBLE_EQ(world.hard_cap, 0.95);
  EXPECT_EQ(world.start_zone, "hub_city_1");
  for (const char* hub : {"hub_city_1", "hub_city_2", "hub_city_3"}) {
    const auto* zone = world.find(hub);
    ASSERT_NE(zone, nullptr) << hub;
    EXPECT_EQ(zone->kind, ZoneKind::hub);
    EXPECT_EQ(zone->capacity, 500);
    EXPECT_EQ(zone->max_instances, 1);
  }
  for (const char* field : {"forest", "desert", "mountain", "volcanic"}) {
    const auto* zone = world.find(field);
    ASSERT_NE(zone, nullptr) << field;
    EXPECT_EQ(zone->kind, ZoneKind::field);
    EXPECT_EQ(zone->capacity, 100);
    EXPECT_EQ(zone->max_instances, 5);
  }
  for (const char* rift : {"rift_d1", "rift_d2"}) {
    const auto* zone = world.find(rift);
    ASSERT_NE(zone, nullptr) << rift;
    EXPECT_EQ(zone->kind, ZoneKind::rift);
    EXPECT_EQ(zone->capacity, 5);
    EXPECT_EQ(zone->close_after_empty_s, 60);
  }
  EXPECT_EQ(world.find("atlantis"), nullptr);
}

TEST(ApiWorld, AcceptsAMinimalDocument) {
  const auto world = parse_world(minimal_world());
  ASSERT_NE(world.find("town"), nullptr);
  EXPECT_EQ(world.find("town")->close_after_empty_s, 0);
}

TEST(ApiWorld, RefusesBadDocuments) {
  const std::vector<std::function<void(nlohmann::json&)>> breakages = {
      [](nlohmann::json& w) { w["format"] = 2; },
      [](nlohmann::json& w) { w["zones"] = nlohmann::json::object(); },
      [](nlohmann::json& w) { w["zones"]["town"]["kind"] = "castle"; },
      [](nlohmann::json& w) { w["zones"]["town"]["capacity"] = 0; },
      [](nlohmann::json& w) { w["zones"]["town"]["capacity"] = "many"; },
      [](nlohmann::json& w) { w["zones"]["town"].erase("max_instances"); },
      [](nlohmann::json& w) { w["soft_cap"] = 0.95; },  // above the hard cap
      [](nlohmann::json& w) { w["hard_cap"] = 1.5; },
      [](nlohmann::json& w) { w["start_zone"] = "nowhere"; },
      [](nlohmann::json& w) { w = nlohmann::json::array(); },
  };
  for (std::size_t i = 0; i < breakages.size(); ++i) {
    auto document = minimal_world();
    breakages[i](document);
    EXPECT_THROW(parse_world(document), std::runtime_error) << "breakage " << i;
  }
  EXPECT_THROW(load_world("content/no-such-world.json"), std::runtime_error);
}

TEST(ApiWorld, KindNamesRoundTrip) {
  for (const auto kind : {ZoneKind::hub, ZoneKind::field, ZoneKind::rift})
    EXPECT_EQ(zone_kind_from_name(zone_kind_name(kind)), kind);
  EXPECT_FALSE(zone_kind_from_name("dungeon"));
}

}  // namespace
}  // namespace omega::api
