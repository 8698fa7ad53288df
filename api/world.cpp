#include "api/world.hpp"

#include <array>
#include <fstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace omega::api {

namespace {
constexpr int kWorldFormat = 1;
// Beyond these a typo is more likely than a plan: a 50,000-player instance would not run.
constexpr int kMaxCapacity = 10'000;
constexpr int kMaxInstances = 100'000;

constexpr std::array<std::pair<ZoneKind, std::string_view>, 3> kKindNames{{
    {ZoneKind::hub, "hub"},
    {ZoneKind::field, "field"},
    {ZoneKind::rift, "rift"},
}};

int bounded_int(const nlohmann::json& object, const std::string& zone, const char* field, int min,
                int max, std::optional<int> fallback = std::nullopt) {
  const auto it = object.find(field);
  if (it == object.end()) {
    if (fallback) return *fallback;
    throw std::runtime_error("zone " + zone + ": " + field + " is required");
  }
  if (!it->is_number_integer() || it->get<long long>() < min || it->get<long long>() > max)
    throw std::runtime_error("zone " + zone + ": " + field + " must be an integer in [" +
                             std::to_string(min) + ", " + std::to_string(max) + "]");
  return it->get<int>();
}

double cap_fraction(const nlohmann::json& document, const char* field) {
  const auto it = document.find(field);
  if (it == document.end() || !it->is_number())
    throw std::runtime_error(std::string(field) + " must be a number");
  const double value = it->get<double>();
  if (!(value > 0.0 && value <= 1.0))
    throw std::runtime_error(std::string(field) + " must be in (0, 1]");
  return value;
}

ZoneDefinition parse_zone(const std::string& id, const nlohmann::json& object) {
  if (!object.is_object()) throw std::runtime_error("zone " + id + " must be an object");
  ZoneDefinition zone;
  zone.id = id;
  const auto kind = object.find("kind");
  const auto parsed_kind = kind != object.end() && kind->is_string()
                               ? zone_kind_from_name(kind->get_ref<const std::string&>())
                               : std::nullopt;
  if (!parsed_kind) throw std::runtime_error("zone " + id + ": kind must be hub, field or rift");
  zone.kind = *parsed_kind;
  zone.capacity = bounded_int(object, id, "capacity", 1, kMaxCapacity);
  zone.max_instances = bounded_int(object, id, "max_instances", 1, kMaxInstances);
  zone.close_after_empty_s = bounded_int(object, id, "close_after_empty_s", 0, 86'400, 0);
  return zone;
}
}  // namespace

std::string_view zone_kind_name(ZoneKind kind) {
  for (const auto& [k, name] : kKindNames)
    if (k == kind) return name;
  return "field";
}

std::optional<ZoneKind> zone_kind_from_name(std::string_view name) {
  for (const auto& [kind, n] : kKindNames)
    if (n == name) return kind;
  return std::nullopt;
}

const ZoneDefinition* WorldTopology::find(std::string_view zone) const {
  const auto it = zones.find(zone);
  return it == zones.end() ? nullptr : &it->second;
}

WorldTopology parse_world(const nlohmann::json& document) {
  if (!document.is_object()) throw std::runtime_error("the world document must be an object");
  if (document.value("format", 0) != kWorldFormat)
    throw std::runtime_error("format must be " + std::to_string(kWorldFormat));
  WorldTopology world;
  const auto zones = document.find("zones");
  if (zones == document.end() || !zones->is_object() || zones->empty())
    throw std::runtime_error("zones must be a non-empty object");
  for (const auto& [id, object] : zones->items()) {
    // Tickets carry the zone name in at most 32 bytes (protocol kMaxZoneNameBytes).
    if (id.empty() || id.size() > 32) throw std::runtime_error("zone ids must be 1-32 bytes");
    world.zones.emplace(id, parse_zone(id, object));
  }
  world.soft_cap = cap_fraction(document, "soft_cap");
  world.hard_cap = cap_fraction(document, "hard_cap");
  if (world.soft_cap > world.hard_cap)
    throw std::runtime_error("soft_cap must not exceed hard_cap");
  const auto start = document.find("start_zone");
  if (start == document.end() || !start->is_string() ||
      !world.find(start->get_ref<const std::string&>()))
    throw std::runtime_error("start_zone must name a zone of the world");
  world.start_zone = start->get<std::string>();
  return world;
}

WorldTopology load_world(const std::filesystem::path& path) {
  std::ifstream file(path);
  if (!file) throw std::runtime_error("cannot read world file " + path.string());
  try {
    return parse_world(nlohmann::json::parse(file));
  } catch (const nlohmann::json::exception& error) {
    throw std::runtime_error(path.string() + ": " + error.what());
  } catch (const std::runtime_error& error) {
    throw std::runtime_error(path.string() + ": " + error.what());
  }
}

}  // namespace omega::api
