// The world topology (content/world.json): which zones exist, what kind they are, how many
// players one instance holds and how many instances a zone may have, and the fill caps the
// directory applies. Read by the API (directory) and the zone servers. Immutable after
// loading: safe to share between threads.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

namespace omega::api {

enum class ZoneKind { hub, field, rift };

std::string_view zone_kind_name(ZoneKind kind);
std::optional<ZoneKind> zone_kind_from_name(std::string_view name);

struct ZoneDefinition {
  std::string id;
  ZoneKind kind = ZoneKind::field;
  int capacity = 1;             // players per instance
  int max_instances = 1;        // live instances the directory may have open at once
  int close_after_empty_s = 0;  // rifts: the zone closes an instance left empty this long
};

struct WorldTopology {
  std::map<std::string, ZoneDefinition, std::less<>> zones;
  double soft_cap = 0.80;  // fraction of capacity: fill existing instances up to here
  double hard_cap = 0.95;  // fraction of capacity never exceeded; the rest is for reconnects
  std::string start_zone;

  const ZoneDefinition* find(std::string_view zone) const;
};

// Parses and checks a world document. Throws std::runtime_error naming the bad field.
WorldTopology parse_world(const nlohmann::json& document);
// Reads and parses the file. Throws std::runtime_error naming the file.
WorldTopology load_world(const std::filesystem::path& path);

}  // namespace omega::api
