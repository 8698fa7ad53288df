#include "zone/world_topology.hpp"

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace omega::zone {

ZoneTopology WorldTopology::zone(const std::string& name, std::string_view map_kind) const {
  if (auto it = zones.find(name); it != zones.end()) return it->second;
  ZoneTopology t;
  if (map_kind == "hub") t.kind = "hub";
  if (map_kind == "dungeon" || map_kind == "arena") {
    t.kind = "rift";
    t.close_after_empty_s = kDefaultRiftCloseAfterEmptySeconds;
  }
  return t;
}

WorldTopologyResult parse_world_topology(std::string_view text, const std::string& source) {
  using nlohmann::json;
  WorldTopologyResult result;
  result.found = true;
  json root = json::parse(text.begin(), text.end(), nullptr, false);
  if (root.is_discarded() || !root.is_object()) {
    result.error = source + ": not a JSON object";
    return result;
  }
  auto zones = root.find("zones");
  if (zones == root.end() || !zones->is_object()) {
    result.error = source + ": zones: expected an object";
    return result;
  }
  for (const auto& [name, z] : zones->items()) {
    if (!z.is_object()) {
      result.error = source + ": zones." + name + ": expected an object";
      return result;
    }
    ZoneTopology t;
    t.kind = z.value("kind", std::string("field"));
    if (t.kind != "hub" && t.kind != "field" && t.kind != "rift") {
      result.error = source + ": zones." + name + ".kind: expected hub, field or rift";
      return result;
    }
    auto number = [&](const char* key, double fallback) {
      auto it = z.find(key);
      return it != z.end() && it->is_number() ? it->get<double>() : fallback;
    };
    t.capacity = static_cast<uint32_t>(std::max(0.0, number("capacity", 0)));
    t.max_instances = static_cast<uint32_t>(std::max(1.0, number("max_instances", 1)));
    t.close_after_empty_s = std::max(
        0.0,
        number("close_after_empty_s", t.kind == "rift" ? kDefaultRiftCloseAfterEmptySeconds : 0));
    result.topology.zones[name] = t;
  }
  if (auto start = root.find("start_zone"); start != root.end() && start->is_string())
    result.topology.start_zone = start->get<std::string>();
  return result;
}

WorldTopologyResult load_world_topology(const std::string& path) {
  std::ifstream file(path);
  if (!file) return {};
  std::stringstream text;
  text << file.rdbuf();
  return parse_world_topology(text.str(), path);
}

}  // namespace omega::zone
