#include "game/tile_map_loader.hpp"

#include <string>

#include <gtest/gtest.h>

namespace omega::game {
namespace {

// A valid 6 x 4 zone; tests break one thing at a time with replace().
const std::string kValid = R"({
  "format": 1,
  "name": "tiny",
  "kind": "dungeon",
  "width": 6,
  "height": 4,
  "rows": [
    "######",
    "#..~.#",
    "#....#",
    "######"
  ],
  "spawns": [{"name": "entry", "x": 1, "y": 1}, {"name": "back", "x": 4, "y": 2}],
  "default_spawn": "back",
  "portals": [{"x": 1, "y": 2, "width": 2, "height": 1,
               "target_zone": "forest", "target_spawn": "from_tiny"}]
})";

std::string replace(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

// The error of parsing `text`, which must fail.
std::string error_of(const std::string& text) {
  const TileMapLoadResult result = parse_tile_map(text, "zones/tiny.json");
  EXPECT_FALSE(result.ok());
  return result.error;
}

TEST(TileMapLoader, ParsesAValidZone) {
  const TileMapLoadResult result = parse_tile_map(kValid, "zones/tiny.json");
  ASSERT_TRUE(result.ok()) << result.error;
  const TileMap& map = *result.map;
  EXPECT_EQ(map.name(), "tiny");
  EXPECT_EQ(map.kind(), ZoneKind::kDungeon);
  EXPECT_EQ(map.width(), 6);
  EXPECT_EQ(map.height(), 4);
  EXPECT_EQ(map.tile(0, 0), TileKind::kWall);
  EXPECT_EQ(map.tile(1, 1), TileKind::kFloor);
  EXPECT_EQ(map.tile(3, 1), TileKind::kWater);
  ASSERT_EQ(map.spawns().size(), 2u);
  EXPECT_EQ(map.default_spawn()->name, "back");
  EXPECT_EQ(map.find_spawn("entry")->tx, 1);
  ASSERT_EQ(map.portals().size(), 1u);
  const Portal* portal = map.portal_at(2.5f, 2.5f);
  ASSERT_NE(portal, nullptr);
  EXPECT_EQ(portal->target_zone, "forest");
  EXPECT_EQ(portal->target_spawn, "from_tiny");
  EXPECT_EQ(map.portal_at(3.5f, 2.5f), nullptr);
}

TEST(TileMapLoader, MalformedJsonNamesTheLine) {
  const std::string error =
      error_of(replace(kValid, "\"kind\": \"dungeon\",", "\"kind\": dungeon,"));
  EXPECT_NE(error.find("zones/tiny.json: invalid JSON"), std::string::npos) << error;
  EXPECT_NE(error.find("line 4"), std::string::npos) << error;
  EXPECT_NE(error_of("").find("invalid JSON"), std::string::npos);
  EXPECT_NE(error_of("{\"format\": 1").find("invalid JSON"), std::string::npos);
  EXPECT_NE(error_of("[1, 2]").find("expected a JSON object"), std::string::npos);
}

TEST(TileMapLoader, WrongRowLength) {
  const std::string error = error_of(replace(kValid, "\"#....#\"", "\"#.....#\""));
  EXPECT_EQ(error, "zones/tiny.json: rows[2]: has length 7, expected width = 6");
}

TEST(TileMapLoader, WrongRowCount) {
  const std::string error = error_of(replace(kValid, "\"height\": 4", "\"height\": 5"));
  EXPECT_EQ(error, "zones/tiny.json: rows: has 4 rows, expected height = 5");
}

TEST(TileMapLoader, UnknownTileCharacter) {
  EXPECT_EQ(error_of(replace(kValid, "#..~.#", "#..x.#")),
            "zones/tiny.json: rows[1]: column 3: unknown tile character 'x' "
            "(expected '.' floor, '#' wall or '~' water)");
  EXPECT_NE(error_of(replace(kValid, "#..~.#", "#..\\t.#")).find("byte 0x09"), std::string::npos);
}

TEST(TileMapLoader, MissingFields) {
  for (const char* field : {"format", "name", "kind", "width", "height", "rows", "spawns",
                            "default_spawn", "portals"}) {
    std::string text = kValid;
    const std::string key = std::string("\"") + field + "\":";
    text = replace(text, key, "\"renamed_" + std::string(field) + "\":");
    EXPECT_EQ(error_of(text), "zones/tiny.json: missing field \"" + std::string(field) + "\"");
  }
  EXPECT_EQ(error_of(replace(kValid, "\"name\": \"entry\", ", "")),
            "zones/tiny.json: spawns[0]: missing field \"name\"");
  EXPECT_EQ(error_of(replace(kValid, "\"target_spawn\": \"from_tiny\"", "\"spawn\": \"x\"")),
            "zones/tiny.json: portals[0]: missing field \"target_spawn\"");
}

TEST(TileMapLoader, WrongTypesAndRanges) {
  EXPECT_EQ(error_of(replace(kValid, "\"width\": 6", "\"width\": \"6\"")),
            "zones/tiny.json: width: expected an integer");
  EXPECT_EQ(error_of(replace(kValid, "\"width\": 6", "\"width\": 6.5")),
            "zones/tiny.json: width: expected an integer");
  EXPECT_EQ(error_of(replace(kValid, "\"width\": 6", "\"width\": 4096")),
            "zones/tiny.json: width: must be between 3 and 2048");
  EXPECT_EQ(error_of(replace(kValid, "\"width\": 6", "\"width\": 18446744073709551615")),
            "zones/tiny.json: width: must be between 3 and 2048");
  EXPECT_EQ(error_of(replace(kValid, "\"height\": 4", "\"height\": -4")),
            "zones/tiny.json: height: must be between 3 and 2048");
  EXPECT_EQ(error_of(replace(kValid, "\"format\": 1", "\"format\": 2")),
            "zones/tiny.json: format: must be between 1 and 1");
  EXPECT_EQ(error_of(replace(kValid, "\"kind\": \"dungeon\"", "\"kind\": \"castle\"")),
            "zones/tiny.json: kind: unknown zone kind \"castle\" (expected hub, zone, dungeon or "
            "arena)");
  EXPECT_EQ(error_of(replace(kValid, "\"name\": \"tiny\"", "\"name\": \"Tiny City\"")),
            "zones/tiny.json: name: \"Tiny City\" is not a name (1 to 64 of a-z, 0-9, _)");
  EXPECT_EQ(error_of(replace(kValid, "\"rows\": [", "\"rows\": \"######\", \"old_rows\": [")),
            "zones/tiny.json: rows: expected an array");
  EXPECT_EQ(error_of(replace(kValid, "\"######\",", "7,")),
            "zones/tiny.json: rows[0]: expected a string");
}

TEST(TileMapLoader, SpawnErrors) {
  EXPECT_EQ(error_of(replace(kValid, "\"x\": 1, \"y\": 1}", "\"x\": 6, \"y\": 1}")),
            "zones/tiny.json: spawns[0].x: must be between 0 and 5");
  EXPECT_EQ(error_of(replace(kValid, "\"x\": 1, \"y\": 1}", "\"x\": 0, \"y\": 1}")),
            "zones/tiny.json: spawns[0]: spawn \"entry\" at (0, 1) is not on a floor tile");
  EXPECT_EQ(error_of(replace(kValid, "\"name\": \"back\"", "\"name\": \"entry\"")),
            "zones/tiny.json: spawns[1]: duplicate spawn name \"entry\"");
  EXPECT_EQ(error_of(replace(kValid, "\"default_spawn\": \"back\"", "\"default_spawn\": \"gate\"")),
            "zones/tiny.json: default_spawn: no spawn point named \"gate\"");
  EXPECT_EQ(error_of(replace(kValid,
                             "\"spawns\": [{\"name\": \"entry\", \"x\": 1, \"y\": 1}, "
                             "{\"name\": \"back\", \"x\": 4, \"y\": 2}]",
                             "\"spawns\": []")),
            "zones/tiny.json: spawns: needs at least one spawn point");
  EXPECT_EQ(error_of(replace(kValid, "\"x\": 4, \"y\": 2}", "\"x\": 2, \"y\": 2}")),
            "zones/tiny.json: spawns: spawn \"back\" lies on a portal");
}

TEST(TileMapLoader, PortalErrors) {
  EXPECT_EQ(error_of(replace(kValid, "\"width\": 2, \"height\": 1", "\"width\": 9, \"height\": 1")),
            "zones/tiny.json: portals[0].width: must be between 1 and 5");
  EXPECT_EQ(error_of(replace(kValid, "\"width\": 2, \"height\": 1", "\"width\": 2, \"height\": 2")),
            "zones/tiny.json: portals[0]: tile (1, 3) of the portal is not floor");
  EXPECT_EQ(error_of(replace(kValid, "\"target_zone\": \"forest\"", "\"target_zone\": \"\"")),
            "zones/tiny.json: portals[0].target_zone: \"\" is not a name (1 to 64 of a-z, 0-9, _)");
  const std::string two = replace(kValid, "\"target_spawn\": \"from_tiny\"}",
                                  "\"target_spawn\": \"from_tiny\"}, {\"x\": 2, \"y\": 2, "
                                  "\"width\": 1, \"height\": 1, \"target_zone\": \"desert\", "
                                  "\"target_spawn\": \"a\"}");
  EXPECT_EQ(error_of(two), "zones/tiny.json: portals[1]: overlaps another portal at (2, 2)");
}

TEST(TileMapLoader, MissingFileAndNameMismatch) {
  const TileMapLoadResult missing = load_tile_map_file("content/zones/no_such_zone.json");
  EXPECT_FALSE(missing.ok());
  EXPECT_EQ(missing.error, "content/zones/no_such_zone.json: cannot open file");
  const TileMapLoadResult by_name = load_zone_map("no_such_zone", "content");
  EXPECT_EQ(by_name.error, "content/zones/no_such_zone.json: cannot open file");
}

TEST(TileMapLoader, GarbageNeverCrashes) {
  // Truncations and byte flips of a valid document: each must give a result, ok or error.
  for (size_t cut = 0; cut < kValid.size(); cut += 3) {
    const TileMapLoadResult result = parse_tile_map(kValid.substr(0, cut), "cut");
    EXPECT_FALSE(result.ok());
    EXPECT_FALSE(result.error.empty());
  }
  for (size_t at = 0; at < kValid.size(); ++at) {
    std::string text = kValid;
    text[at] = static_cast<char>(text[at] ^ 0x5A);
    const TileMapLoadResult result = parse_tile_map(text, "flip");
    EXPECT_NE(result.ok(), !result.error.empty());
  }
}

}  // namespace
}  // namespace omega::game
