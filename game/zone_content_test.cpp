// The shipped zone maps (content/zones/*.json): they load, are connected, and their portals
// form the topology of issue 5. Runs with the repository root as working directory.
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "game/tile_map.hpp"
#include "game/tile_map_loader.hpp"

namespace omega::game {
namespace {

const std::vector<std::string> kHubs = {"hub_city_1", "hub_city_2", "hub_city_3"};
const std::vector<std::string> kZones = {"forest", "desert", "mountain", "volcanic"};
const std::map<std::string, std::string> kRiftOf = {
    {"forest", "rift_d1"}, {"desert", "rift_d1"}, {"mountain", "rift_d2"}, {"volcanic", "rift_d2"}};

class ZoneContent : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    maps_ = new std::map<std::string, TileMap>();
    for (const auto& entry : std::filesystem::directory_iterator("content/zones")) {
      if (entry.path().extension() != ".json") continue;
      const std::string name = entry.path().stem().string();
      TileMapLoadResult result = load_zone_map(name, "content");
      ASSERT_TRUE(result.ok()) << result.error;
      maps_->emplace(name, std::move(*result.map));
    }
  }
  static void TearDownTestSuite() {
    delete maps_;
    maps_ = nullptr;
  }
  static const TileMap& map(const std::string& name) { return maps_->at(name); }
  static bool has(const std::string& name) { return maps_->count(name) != 0; }

  static std::map<std::string, TileMap>* maps_;
};

std::map<std::string, TileMap>* ZoneContent::maps_ = nullptr;

// Walkable tiles reachable from (x, y) by 4-neighbour steps: a circle of radius 0.3 passes
// through any one-tile gap but not between two diagonally touching blocked tiles.
std::vector<uint8_t> reachable(const TileMap& map, int32_t x, int32_t y) {
  std::vector<uint8_t> seen(static_cast<size_t>(map.width()) * map.height(), 0);
  const auto index = [&map](int32_t tx, int32_t ty) {
    return static_cast<size_t>(ty) * map.width() + tx;
  };
  std::deque<std::pair<int32_t, int32_t>> queue{{x, y}};
  seen[index(x, y)] = 1;
  while (!queue.empty()) {
    const auto [cx, cy] = queue.front();
    queue.pop_front();
    const int32_t next[4][2] = {{cx + 1, cy}, {cx - 1, cy}, {cx, cy + 1}, {cx, cy - 1}};
    for (const auto& [nx, ny] : next) {
      if (map.is_blocked(nx, ny) || seen[index(nx, ny)]) continue;
      seen[index(nx, ny)] = 1;
      queue.emplace_back(nx, ny);
    }
  }
  return seen;
}

TEST_F(ZoneContent, EveryTopologyZoneIsShippedWithItsKind) {
  for (const auto& hub : kHubs) {
    ASSERT_TRUE(has(hub)) << hub;
    EXPECT_EQ(map(hub).kind(), ZoneKind::kHub);
    EXPECT_EQ(map(hub).width(), 256);
    EXPECT_EQ(map(hub).height(), 256);
    ASSERT_NE(map(hub).find_spawn("plaza"), nullptr);
    EXPECT_EQ(map(hub).default_spawn()->name, "plaza");
  }
  for (const auto& zone : kZones) {
    ASSERT_TRUE(has(zone)) << zone;
    EXPECT_EQ(map(zone).kind(), ZoneKind::kZone);
  }
  for (const char* rift : {"rift_d1", "rift_d2"}) {
    ASSERT_TRUE(has(rift)) << rift;
    EXPECT_EQ(map(rift).kind(), ZoneKind::kDungeon);
    EXPECT_LE(map(rift).width(), 64);
  }
}

TEST_F(ZoneContent, MapsAreConnectedFromTheDefaultSpawn) {
  for (const auto& [name, zone] : *maps_) {
    const SpawnPoint* start = zone.default_spawn();
    ASSERT_NE(start, nullptr) << name;
    const std::vector<uint8_t> seen = reachable(zone, start->tx, start->ty);
    int64_t floor = 0;
    int64_t reached = 0;
    for (int32_t y = 0; y < zone.height(); ++y) {
      for (int32_t x = 0; x < zone.width(); ++x) {
        if (zone.is_blocked(x, y)) continue;
        ++floor;
        reached += seen[static_cast<size_t>(y) * zone.width() + x];
      }
    }
    EXPECT_GE(static_cast<double>(reached), 0.9 * static_cast<double>(floor)) << name;
    // Mostly walkable: open zones and cities are not mazes of rock.
    const double walkable = static_cast<double>(floor) / (zone.width() * zone.height());
    EXPECT_GE(walkable, zone.kind() == ZoneKind::kDungeon ? 0.25 : 0.5) << name;
    for (const SpawnPoint& spawn : zone.spawns()) {
      EXPECT_TRUE(seen[static_cast<size_t>(spawn.ty) * zone.width() + spawn.tx])
          << name << " spawn " << spawn.name << " is unreachable";
    }
    for (const Portal& portal : zone.portals()) {
      EXPECT_TRUE(seen[static_cast<size_t>(portal.area.ty) * zone.width() + portal.area.tx])
          << name << " portal to " << portal.target_zone << " is unreachable";
    }
  }
}

TEST_F(ZoneContent, PortalsLeadToExistingSpawnsAndBack) {
  for (const auto& [name, zone] : *maps_) {
    for (const Portal& portal : zone.portals()) {
      ASSERT_TRUE(has(portal.target_zone)) << name << " -> " << portal.target_zone;
      const TileMap& target = map(portal.target_zone);
      const SpawnPoint* arrival = target.find_spawn(portal.target_spawn);
      ASSERT_NE(arrival, nullptr) << name << " -> " << portal.target_zone << ":"
                                  << portal.target_spawn;
      EXPECT_EQ(portal.target_spawn, "from_" + name);
      // The way back exists and the arrival spawn is near it.
      bool way_back = false;
      for (const Portal& back : target.portals()) {
        if (back.target_zone != name) continue;
        way_back = true;
        const int32_t dx = std::abs(back.area.tx - arrival->tx);
        const int32_t dy = std::abs(back.area.ty - arrival->ty);
        EXPECT_LE(dx + dy, 12) << portal.target_zone << ":" << arrival->name;
      }
      EXPECT_TRUE(way_back) << portal.target_zone << " has no portal back to " << name;
    }
  }
}

TEST_F(ZoneContent, TopologyOfIssue5) {
  const auto targets = [](const TileMap& zone) {
    std::set<std::string> names;
    for (const Portal& portal : zone.portals()) names.insert(portal.target_zone);
    return names;
  };
  for (const auto& hub : kHubs) {
    EXPECT_EQ(targets(map(hub)), std::set<std::string>(kZones.begin(), kZones.end())) << hub;
  }
  for (const auto& zone : kZones) {
    std::set<std::string> expected(kHubs.begin(), kHubs.end());
    expected.insert(kRiftOf.at(zone));
    EXPECT_EQ(targets(map(zone)), expected) << zone;
  }
  EXPECT_EQ(targets(map("rift_d1")), (std::set<std::string>{"forest", "desert"}));
  EXPECT_EQ(targets(map("rift_d2")), (std::set<std::string>{"mountain", "volcanic"}));
}

TEST_F(ZoneContent, GeneratorOutputIsCommitted) {
  // The maps are made by content/tools/generate_zones.py; a hand edit that the generator
  // would undo is caught here.
  if (std::system("python3 --version > /dev/null 2>&1") != 0) GTEST_SKIP() << "no python3";
  EXPECT_EQ(std::system("python3 content/tools/generate_zones.py --check"), 0);
}

}  // namespace
}  // namespace omega::game
