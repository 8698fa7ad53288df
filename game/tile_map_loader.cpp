#include "game/tile_map_loader.hpp"

#include <exception>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

namespace omega::game {

namespace {

using nlohmann::json;

// Collects the first error with its location; every check returns false once it fails.
class Checker {
 public:
  explicit Checker(std::string_view source) : source_(source) {}

  bool fail(std::string_view where, std::string_view what) {
    if (error_.empty()) {
      error_.append(source_).append(": ");
      if (!where.empty()) error_.append(where).append(": ");
      error_.append(what);
    }
    return false;
  }
  std::string take_error() { return std::move(error_); }

  // A required member of `object`; sets `out` or fails with "missing field".
  bool member(const json& object, std::string_view parent, const char* key, const json*& out) {
    const auto it = object.find(key);
    if (it == object.end()) {
      return fail(parent, std::string("missing field \"") + key + "\"");
    }
    out = &*it;
    return true;
  }

  bool integer(const json& object, std::string_view parent, const char* key, int64_t min,
               int64_t max, int32_t& out) {
    const json* value = nullptr;
    if (!member(object, parent, key, value)) return false;
    const std::string where = join(parent, key);
    if (!value->is_number_integer()) return fail(where, "expected an integer");
    // Unsigned values above INT64_MAX would wrap in get<int64_t>(); they are out of range.
    if (value->is_number_unsigned() && value->get<uint64_t>() > static_cast<uint64_t>(max)) {
      return fail(where, out_of_range(min, max));
    }
    const int64_t number = value->get<int64_t>();
    if (number < min || number > max) return fail(where, out_of_range(min, max));
    out = static_cast<int32_t>(number);
    return true;
  }

  bool string(const json& object, std::string_view parent, const char* key, std::string& out) {
    const json* value = nullptr;
    if (!member(object, parent, key, value)) return false;
    if (!value->is_string()) return fail(join(parent, key), "expected a string");
    out = value->get<std::string>();
    return true;
  }

  // Zone and spawn names travel in tickets, URLs and logs: keep them plain.
  bool identifier(const json& object, std::string_view parent, const char* key, std::string& out) {
    if (!string(object, parent, key, out)) return false;
    bool plain = !out.empty() && out.size() <= 64;
    for (const char c : out) {
      plain = plain && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
    }
    if (!plain) {
      return fail(join(parent, key),
                  "\"" + out.substr(0, 80) + "\" is not a name (1 to 64 of a-z, 0-9, _)");
    }
    return true;
  }

  bool array(const json& object, std::string_view parent, const char* key, const json*& out) {
    if (!member(object, parent, key, out)) return false;
    if (!out->is_array()) return fail(join(parent, key), "expected an array");
    return true;
  }

  static std::string join(std::string_view parent, std::string_view key) {
    std::string path(parent);
    if (!path.empty()) path += '.';
    path += key;
    return path;
  }
  static std::string indexed(std::string_view name, size_t index) {
    return std::string(name) + "[" + std::to_string(index) + "]";
  }

 private:
  static std::string out_of_range(int64_t min, int64_t max) {
    return "must be between " + std::to_string(min) + " and " + std::to_string(max);
  }

  std::string_view source_;
  std::string error_;
};

bool parse_kind(std::string_view text, ZoneKind& out) {
  for (const ZoneKind kind :
       {ZoneKind::kHub, ZoneKind::kZone, ZoneKind::kDungeon, ZoneKind::kArena}) {
    if (zone_kind_name(kind) == text) {
      out = kind;
      return true;
    }
  }
  return false;
}

bool parse_tile_char(char c, TileKind& out) {
  switch (c) {
    case '.':
      out = TileKind::kFloor;
      return true;
    case '#':
      out = TileKind::kWall;
      return true;
    case '~':
      out = TileKind::kWater;
      return true;
    default:
      return false;
  }
}

std::string describe_char(char c) {
  const auto byte = static_cast<unsigned char>(c);
  if (byte >= 0x20 && byte < 0x7F) return std::string("'") + c + "'";
  static constexpr char kHex[] = "0123456789abcdef";
  return std::string("byte 0x") + kHex[byte >> 4] + kHex[byte & 0xF];
}

bool read_rows(Checker& check, const json& root, TileMap& map) {
  const json* rows = nullptr;
  if (!check.array(root, "", "rows", rows)) return false;
  if (rows->size() != static_cast<size_t>(map.height())) {
    return check.fail("rows", "has " + std::to_string(rows->size()) +
                                  " rows, expected height = " + std::to_string(map.height()));
  }
  for (size_t y = 0; y < rows->size(); ++y) {
    const json& row = (*rows)[y];
    const std::string where = Checker::indexed("rows", y);
    if (!row.is_string()) return check.fail(where, "expected a string");
    const std::string& text = row.get_ref<const std::string&>();
    if (text.size() != static_cast<size_t>(map.width())) {
      return check.fail(where, "has length " + std::to_string(text.size()) +
                                   ", expected width = " + std::to_string(map.width()));
    }
    for (size_t x = 0; x < text.size(); ++x) {
      TileKind kind;
      if (!parse_tile_char(text[x], kind)) {
        return check.fail(where, "column " + std::to_string(x) + ": unknown tile character " +
                                     describe_char(text[x]) +
                                     " (expected '.' floor, '#' wall or '~' water)");
      }
      map.set_tile(static_cast<int32_t>(x), static_cast<int32_t>(y), kind);
    }
  }
  return true;
}

bool read_spawns(Checker& check, const json& root, TileMap& map) {
  const json* spawns = nullptr;
  if (!check.array(root, "", "spawns", spawns)) return false;
  if (spawns->empty()) return check.fail("spawns", "needs at least one spawn point");
  std::set<std::string> names;
  for (size_t i = 0; i < spawns->size(); ++i) {
    const json& entry = (*spawns)[i];
    const std::string where = Checker::indexed("spawns", i);
    if (!entry.is_object()) return check.fail(where, "expected an object");
    SpawnPoint spawn;
    if (!check.identifier(entry, where, "name", spawn.name) ||
        !check.integer(entry, where, "x", 0, map.width() - 1, spawn.tx) ||
        !check.integer(entry, where, "y", 0, map.height() - 1, spawn.ty)) {
      return false;
    }
    if (!names.insert(spawn.name).second) {
      return check.fail(where, "duplicate spawn name \"" + spawn.name + "\"");
    }
    if (map.is_blocked(spawn.tx, spawn.ty)) {
      return check.fail(where, "spawn \"" + spawn.name + "\" at (" + std::to_string(spawn.tx) +
                                   ", " + std::to_string(spawn.ty) + ") is not on a floor tile");
    }
    map.add_spawn(std::move(spawn));
  }
  std::string default_name;
  if (!check.identifier(root, "", "default_spawn", default_name)) return false;
  if (!map.set_default_spawn(default_name)) {
    return check.fail("default_spawn", "no spawn point named \"" + default_name + "\"");
  }
  return true;
}

bool read_portal_area(Checker& check, const json& entry, const std::string& where,
                      const TileMap& map, TileRect& area) {
  if (!check.integer(entry, where, "x", 0, map.width() - 1, area.tx) ||
      !check.integer(entry, where, "y", 0, map.height() - 1, area.ty) ||
      !check.integer(entry, where, "width", 1, map.width() - area.tx, area.width) ||
      !check.integer(entry, where, "height", 1, map.height() - area.ty, area.height)) {
    return false;
  }
  for (int32_t y = area.ty; y < area.ty + area.height; ++y) {
    for (int32_t x = area.tx; x < area.tx + area.width; ++x) {
      if (map.is_blocked(x, y)) {
        return check.fail(where, "tile (" + std::to_string(x) + ", " + std::to_string(y) +
                                     ") of the portal is not floor");
      }
      if (map.portal_at_tile(x, y) != nullptr) {
        return check.fail(where, "overlaps another portal at (" + std::to_string(x) + ", " +
                                     std::to_string(y) + ")");
      }
    }
  }
  return true;
}

bool read_portals(Checker& check, const json& root, TileMap& map) {
  const json* portals = nullptr;
  if (!check.array(root, "", "portals", portals)) return false;
  for (size_t i = 0; i < portals->size(); ++i) {
    const json& entry = (*portals)[i];
    const std::string where = Checker::indexed("portals", i);
    if (!entry.is_object()) return check.fail(where, "expected an object");
    Portal portal;
    if (!read_portal_area(check, entry, where, map, portal.area) ||
        !check.identifier(entry, where, "target_zone", portal.target_zone) ||
        !check.identifier(entry, where, "target_spawn", portal.target_spawn)) {
      return false;
    }
    map.add_portal(std::move(portal));
  }
  // Arriving on a portal would send the player straight on; refuse such maps.
  for (const SpawnPoint& spawn : map.spawns()) {
    if (map.portal_at_tile(spawn.tx, spawn.ty) != nullptr) {
      return check.fail("spawns", "spawn \"" + spawn.name + "\" lies on a portal");
    }
  }
  return true;
}

std::optional<TileMap> read_document(Checker& check, const json& root) {
  if (!root.is_object()) {
    check.fail("", "expected a JSON object at the top level");
    return std::nullopt;
  }
  int32_t format = 0;
  if (!check.integer(root, "", "format", 1, 1, format)) return std::nullopt;
  std::string name;
  std::string kind_text;
  ZoneKind kind = ZoneKind::kZone;
  int32_t width = 0;
  int32_t height = 0;
  if (!check.identifier(root, "", "name", name) || !check.string(root, "", "kind", kind_text)) {
    return std::nullopt;
  }
  if (!parse_kind(kind_text, kind)) {
    check.fail("kind", "unknown zone kind \"" + kind_text.substr(0, 80) +
                           "\" (expected hub, zone, dungeon or arena)");
    return std::nullopt;
  }
  if (!check.integer(root, "", "width", TileMap::kMinSide, TileMap::kMaxSide, width) ||
      !check.integer(root, "", "height", TileMap::kMinSide, TileMap::kMaxSide, height)) {
    return std::nullopt;
  }
  TileMap map(std::move(name), kind, width, height);
  if (!read_rows(check, root, map) || !read_spawns(check, root, map) ||
      !read_portals(check, root, map)) {
    return std::nullopt;
  }
  return map;
}

TileMapLoadResult failure(std::string error) {
  return {std::nullopt, std::move(error)};
}

}  // namespace

TileMapLoadResult parse_tile_map(std::string_view json_text, std::string_view source) {
  Checker check(source);
  try {
    const json root = json::parse(json_text.begin(), json_text.end());
    std::optional<TileMap> map = read_document(check, root);
    if (!map) return failure(check.take_error());
    return {std::move(map), {}};
  } catch (const json::parse_error& e) {
    // what() reads "[json.exception.parse_error.101] parse error at line 3, column 5: ...".
    std::string_view what = e.what();
    if (const size_t bracket = what.find("] "); bracket != std::string_view::npos) {
      what.remove_prefix(bracket + 2);
    }
    check.fail("", "invalid JSON: " + std::string(what));
    return failure(check.take_error());
  } catch (const std::exception& e) {
    // Out of memory or a JSON access we did not guard: still an error value, never a throw.
    check.fail("", std::string("cannot load: ") + e.what());
    return failure(check.take_error());
  }
}

TileMapLoadResult load_tile_map_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return failure(path + ": cannot open file");
  std::string text;
  try {
    file.seekg(0, std::ios::end);
    const std::streamoff size = file.tellg();
    if (size < 0) return failure(path + ": cannot read file");
    if (static_cast<uint64_t>(size) > kMaxZoneFileBytes) {
      return failure(path + ": file is " + std::to_string(size) + " bytes, more than the " +
                     std::to_string(kMaxZoneFileBytes) + " a zone file may have");
    }
    file.seekg(0, std::ios::beg);
    text.assign(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
  } catch (const std::exception& e) {
    return failure(path + ": cannot read file: " + e.what());
  }
  if (file.bad()) return failure(path + ": cannot read file");
  return parse_tile_map(text, path);
}

TileMapLoadResult load_zone_map(std::string_view zone_name, std::string_view content_root) {
  std::string path(content_root);
  path.append("/zones/").append(zone_name).append(".json");
  TileMapLoadResult result = load_tile_map_file(path);
  if (result.ok() && result.map->name() != zone_name) {
    return failure(path + ": name: \"" + result.map->name() + "\" does not match the file name");
  }
  return result;
}

}  // namespace omega::game
