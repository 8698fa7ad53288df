// WorldTopology: what content/world.json says about each zone (kind, capacity, instance cap,
// how long an empty rift instance lives). The zone reads it to advertise capacity and kind in
// the registry and to close empty rift instances; the API uses the same file for placement.
//
// A missing file is not an error (standalone zones have none): every zone then gets defaults
// derived from its map kind (dungeon → rift). A malformed file is an error value.
//
// Thread safety: a plain value; load_world_topology is a pure function of the file.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace omega::zone {

struct ZoneTopology {
  std::string kind = "field";  // hub | field | rift
  uint32_t capacity = 0;       // 0 = unknown (the zone's max_players)
  uint32_t max_instances = 1;
  double close_after_empty_s = 0;  // 0 = never closes itself
};

// When world.json has no close_after_empty_s for a rift: the contract's 60 s.
inline constexpr double kDefaultRiftCloseAfterEmptySeconds = 60.0;

struct WorldTopology {
  std::map<std::string, ZoneTopology> zones;
  std::string start_zone;
  // The zone's entry, or defaults (kind from `map_kind`: "hub", "zone", "dungeon", "arena").
  ZoneTopology zone(const std::string& name, std::string_view map_kind) const;
};

struct WorldTopologyResult {
  WorldTopology topology;
  std::string error;  // "" = ok (a missing file is ok: empty topology)
  bool found = false;
};

WorldTopologyResult load_world_topology(const std::string& path);
WorldTopologyResult parse_world_topology(std::string_view json_text, const std::string& source);

}  // namespace omega::zone
