#include "api/directory.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <set>

#include <nlohmann/json.hpp>

namespace omega::api {

namespace {

// Registry values are small; anything larger was not written by a zone process.
constexpr std::size_t kMaxEntryBytes = 16 * 1024;

std::optional<nlohmann::json> parse_live_object(std::string_view text, std::int64_t now_ms) {
  if (text.size() > kMaxEntryBytes) return std::nullopt;
  auto object = nlohmann::json::parse(text, nullptr, false);
  if (!object.is_object()) return std::nullopt;
  const auto expires = object.find("expires_ms");
  if (expires == object.end() || !expires->is_number_integer() ||
      expires->get<std::int64_t>() < now_ms)
    return std::nullopt;
  return object;
}

bool is_string(const nlohmann::json& object, const char* field) {
  const auto it = object.find(field);
  return it != object.end() && it->is_string();
}

bool is_count(const nlohmann::json& object, const char* field) {
  const auto it = object.find(field);
  return it != object.end() && it->is_number_integer() && it->get<std::int64_t>() >= 0 &&
         it->get<std::int64_t>() <= std::numeric_limits<int>::max();
}

// A finite, non-negative number; nullopt for anything else (absent, null, a string).
std::optional<double> optional_measure(const nlohmann::json& object, const char* field) {
  const auto it = object.find(field);
  if (it == object.end() || !it->is_number()) return std::nullopt;
  const auto value = it->get<double>();
  if (!std::isfinite(value) || value < 0) return std::nullopt;
  return value;
}

bool below(const InstanceEntry& entry, double fraction) {
  return entry.load() < fraction * entry.capacity;
}

// The fullest entry satisfying `fits`; ties go to the lower instance number (stable).
const InstanceEntry* fullest(const std::vector<const InstanceEntry*>& entries,
                             const std::function<bool(const InstanceEntry&)>& fits) {
  const InstanceEntry* best = nullptr;
  for (const auto* entry : entries) {
    if (!fits(*entry)) continue;
    if (!best || entry->load() > best->load() ||
        (entry->load() == best->load() && entry->instance < best->instance))
      best = entry;
  }
  return best;
}

Placement join(const InstanceEntry& entry, PlacementRule rule) {
  Placement placement;
  placement.action = Placement::Action::join;
  placement.rule = rule;
  placement.instance = entry;
  return placement;
}

Placement refuse(int status, std::string code, std::string message) {
  Placement placement;
  placement.status = status;
  placement.error_code = std::move(code);
  placement.message = std::move(message);
  return placement;
}

std::string percent(double fraction) {
  return std::to_string(static_cast<int>(fraction * 100 + 0.5)) + "%";
}

// Rule (3): open a new instance on the least-loaded live process hosting the zone.
Placement open_new(const ZoneDefinition& zone, const RegistrySnapshot& registry,
                   const std::vector<const InstanceEntry*>& live) {
  const ZoneProcessEntry* chosen = nullptr;
  long long chosen_load = 0;
  for (const auto& process : registry.processes) {
    if (!process.hosts(zone.id)) continue;
    long long load = 0;
    for (const auto& entry : registry.instances)
      if (entry.process_id == process.id) load += entry.load();
    if (!chosen || load < chosen_load || (load == chosen_load && process.id < chosen->id)) {
      chosen = &process;
      chosen_load = load;
    }
  }
  if (!chosen) return refuse(503, "no_capacity", "no live zone process hosts " + zone.id);
  Placement placement;
  placement.action = Placement::Action::open;
  placement.rule = PlacementRule::new_instance;
  placement.process_id = chosen->id;
  placement.control_url = chosen->control_url;
  if (zone.kind != ZoneKind::rift) {
    std::set<std::uint32_t> used;
    for (const auto* entry : live) used.insert(entry->instance);
    std::uint32_t number = 1;
    while (used.count(number)) ++number;
    placement.new_instance = number;
  }
  return placement;
}

Placement assign_rift(const ZoneDefinition& zone, const WorldTopology& world,
                      const RegistrySnapshot& registry, const PlacementRequest& request,
                      const std::vector<const InstanceEntry*>& live) {
  if (request.party_id) {
    for (const auto* entry : live)
      if (entry->party_id == request.party_id && below(*entry, world.hard_cap))
        return join(*entry, PlacementRule::party);
    for (const auto* entry : live)
      if (entry->party_id == request.party_id)
        return refuse(409, "zone_full", "your party's " + zone.id + " instance is full");
  }
  if (static_cast<int>(live.size()) >= zone.max_instances)
    return refuse(409, "zone_full",
                  "all " + std::to_string(zone.max_instances) + " instances of " + zone.id +
                      " are in use; try again when a party leaves");
  return open_new(zone, registry, live);
}

}  // namespace

bool ZoneProcessEntry::hosts(std::string_view zone) const {
  return std::find(zones.begin(), zones.end(), zone) != zones.end();
}

std::optional<InstanceEntry> parse_instance_entry(std::string_view json, std::int64_t now_ms) {
  const auto object = parse_live_object(json, now_ms);
  if (!object || !is_string(*object, "zone") || !is_string(*object, "proc") ||
      !is_string(*object, "ws_url") || !is_string(*object, "kind") ||
      !is_count(*object, "instance") || !is_count(*object, "players") ||
      !is_count(*object, "capacity"))
    return std::nullopt;
  const auto kind = zone_kind_from_name(object->at("kind").get_ref<const std::string&>());
  if (!kind) return std::nullopt;
  InstanceEntry entry;
  entry.zone = object->at("zone").get<std::string>();
  entry.instance = object->at("instance").get<std::uint32_t>();
  entry.process_id = object->at("proc").get<std::string>();
  entry.ws_url = object->at("ws_url").get<std::string>();
  entry.players = object->at("players").get<int>();
  entry.capacity = object->at("capacity").get<int>();
  entry.kind = *kind;
  entry.expires_ms = object->at("expires_ms").get<std::int64_t>();
  if (const auto party = object->find("party_id");
      party != object->end() && party->is_number_integer())
    entry.party_id = party->get<std::int64_t>();
  return entry;
}

std::optional<ZoneProcessEntry> parse_process_entry(std::string_view json, std::int64_t now_ms) {
  const auto object = parse_live_object(json, now_ms);
  if (!object || !is_string(*object, "id") || !is_string(*object, "control_url"))
    return std::nullopt;
  ZoneProcessEntry entry;
  entry.id = object->at("id").get<std::string>();
  entry.control_url = object->at("control_url").get<std::string>();
  if (is_string(*object, "ws_url")) entry.ws_url = object->at("ws_url").get<std::string>();
  if (const auto zones = object->find("zones"); zones != object->end() && zones->is_array())
    for (const auto& zone : *zones)
      if (zone.is_string()) entry.zones.push_back(zone.get<std::string>());
  entry.expires_ms = object->at("expires_ms").get<std::int64_t>();
  entry.tick_p99_ms = optional_measure(*object, "tick_p99_ms");
  entry.bytes_out_per_player_s = optional_measure(*object, "bytes_out_per_player_s");
  return entry;
}

std::string_view placement_rule_name(PlacementRule rule) {
  switch (rule) {
    case PlacementRule::resume:
      return "resume";
    case PlacementRule::party:
      return "party";
    case PlacementRule::friends:
      return "friends";
    case PlacementRule::below_soft_cap:
      return "below_soft_cap";
    case PlacementRule::new_instance:
      return "new_instance";
    case PlacementRule::below_hard_cap:
      return "below_hard_cap";
    case PlacementRule::refused:
      return "refused";
  }
  return "refused";
}

Placement assign_instance(const WorldTopology& world, const RegistrySnapshot& registry,
                          const PlacementRequest& request) {
  const auto* zone = world.find(request.zone);
  if (!zone) return refuse(400, "unknown_zone", "no such zone: " + request.zone);
  std::vector<const InstanceEntry*> live;
  for (const auto& entry : registry.instances)
    if (entry.zone == zone->id && entry.capacity > 0) live.push_back(&entry);

  if (request.held_instance) {
    for (const auto* entry : live) {
      const bool own_rift = zone->kind != ZoneKind::rift || entry->party_id == request.party_id;
      if (entry->instance == *request.held_instance && own_rift)
        return join(*entry, PlacementRule::resume);
    }
  }
  if (zone->kind == ZoneKind::rift) return assign_rift(*zone, world, registry, request, live);

  std::vector<const InstanceEntry*> with_party;
  for (const auto* entry : live)
    if (std::count(request.party_instances.begin(), request.party_instances.end(), entry->instance))
      with_party.push_back(entry);
  const auto hard = [&](const InstanceEntry& entry) { return below(entry, world.hard_cap); };
  if (const auto* entry = fullest(with_party, hard)) return join(*entry, PlacementRule::party);
  const auto soft = [&](const InstanceEntry& entry) { return below(entry, world.soft_cap); };
  std::vector<const InstanceEntry*> with_friends;
  for (const auto* entry : live)
    if (std::count(request.friend_instances.begin(), request.friend_instances.end(),
                   entry->instance))
      with_friends.push_back(entry);
  if (const auto* entry = fullest(with_friends, soft)) return join(*entry, PlacementRule::friends);
  if (const auto* entry = fullest(live, soft)) return join(*entry, PlacementRule::below_soft_cap);
  std::optional<Placement> cannot_open;
  if (static_cast<int>(live.size()) < zone->max_instances) {
    auto opened = open_new(*zone, registry, live);
    if (opened.action == Placement::Action::open) return opened;
    cannot_open =
        std::move(opened);  // no process can open one: the hard-cap reserve beats refusing
  }
  if (const auto* entry = fullest(live, hard)) return join(*entry, PlacementRule::below_hard_cap);
  if (cannot_open) return *cannot_open;
  return refuse(409, "zone_full",
                zone->id + " is full: " + std::to_string(live.size()) + " of " +
                    std::to_string(zone->max_instances) + " instances open, all at the " +
                    percent(world.hard_cap) + " hard cap");
}

}  // namespace omega::api
