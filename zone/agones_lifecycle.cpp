#include "zone/agones_lifecycle.hpp"

#include <algorithm>
#include <charconv>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

namespace omega::zone {
namespace {

using nlohmann::json;

// The sidecar may start after the zone (Agones gives no order): the first retries come fast so
// Ready follows its start closely, and settle at 1 s so a missing sidecar costs nothing.
constexpr int64_t kFirstBackoffNs = 100'000'000;
constexpr int64_t kMaxBackoffNs = 1'000'000'000;
// A held-back health ping (the simulation did not tick) is looked at again this soon.
constexpr int64_t kStallRecheckNs = 100'000'000;
// The worker wakes at least this often while running (occupancy changes are polled).
constexpr int64_t kRunningPollNs = 50'000'000;

const json* member(const json& object, const char* snake, const char* camel) {
  if (!object.is_object()) return nullptr;
  if (auto it = object.find(snake); it != object.end()) return &*it;
  if (auto it = object.find(camel); it != object.end()) return &*it;
  return nullptr;
}

std::string string_member(const json* object, const char* key) {
  if (object == nullptr || !object->is_object()) return "";
  auto it = object->find(key);
  return it != object->end() && it->is_string() ? it->get<std::string>() : "";
}

// int32 ports come as JSON numbers; accept decimal strings too.
std::optional<uint16_t> port_value(const json& value) {
  if (value.is_number_unsigned() && value.get<uint64_t>() > 0 && value.get<uint64_t>() <= 65535)
    return static_cast<uint16_t>(value.get<uint64_t>());
  if (!value.is_string()) return std::nullopt;
  const std::string text = value.get<std::string>();
  unsigned port = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
  if (ec != std::errc() || end != text.data() + text.size() || port == 0 || port > 65535)
    return std::nullopt;
  return static_cast<uint16_t>(port);
}

bool success(int status) {
  return status >= 200 && status < 300;
}

SdkRequest request(SdkRequest::Kind kind, std::string method, std::string path,
                   std::string body = "", std::string key = "") {
  return SdkRequest{kind, std::move(method), std::move(path), std::move(body), std::move(key)};
}

}  // namespace

std::optional<GameServerInfo> parse_game_server(std::string_view text) {
  const json root = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded() || !root.is_object()) return std::nullopt;
  GameServerInfo info;
  info.name = string_member(member(root, "object_meta", "objectMeta"), "name");
  if (info.name.empty()) return std::nullopt;
  const json* status = member(root, "status", "status");
  info.state = string_member(status, "state");
  info.address = string_member(status, "address");
  if (status != nullptr && status->is_object()) {
    auto ports = status->find("ports");
    if (ports != status->end() && ports->is_array()) {
      for (const json& port : *ports) {
        if (!port.is_object() || !port.contains("port")) continue;
        std::optional<uint16_t> number = port_value(port["port"]);
        if (number) info.ports.emplace(string_member(&port, "name"), *number);
      }
    }
  }
  return info;
}

std::string advertised_ws_url(const GameServerInfo& info) {
  if (info.address.empty() || info.ports.empty()) return "";
  auto ws = info.ports.find("ws");
  const uint16_t port = ws != info.ports.end() ? ws->second : info.ports.begin()->second;
  return "ws://" + info.address + ":" + std::to_string(port);
}

std::string counter_count_body(int64_t count) {
  return json{{"count", std::to_string(count)}}.dump();
}

std::string counter_capacity_body(int64_t capacity) {
  return json{{"capacity", std::to_string(capacity)}}.dump();
}

std::string label_body(const std::string& key, const std::string& value) {
  return json{{"key", key}, {"value", value}}.dump();
}

std::string zone_label_key(const std::string& zone) {
  return "zone-" + zone;
}

SdkRequest shutdown_request() {
  return request(SdkRequest::Kind::shutdown, "POST", "/shutdown", "{}");
}

AgonesLifecycle::AgonesLifecycle(AgonesSettings settings) : settings_(std::move(settings)) {}

int64_t AgonesLifecycle::update_interval_ns() const {
  return static_cast<int64_t>(settings_.update_interval_s * 1e9);
}

void AgonesLifecycle::back_off(int64_t now_ns) {
  backoff_ns_ = backoff_ns_ == 0 ? kFirstBackoffNs : std::min(backoff_ns_ * 2, kMaxBackoffNs);
  next_attempt_ns_ = now_ns + backoff_ns_;
}

int64_t AgonesLifecycle::idle_ns(int64_t now_ns) const {
  if (phase_ == Phase::running) return kRunningPollNs;
  int64_t due = phase_ == Phase::connecting ? next_attempt_ns_ : next_health_ns_;
  if (phase_ == Phase::readying && ready_allowed_) due = std::min(due, next_attempt_ns_);
  return std::clamp<int64_t>(due - now_ns, 0,
                             phase_ == Phase::readying ? kRunningPollNs : kMaxBackoffNs);
}

std::optional<SdkRequest> AgonesLifecycle::next(const AgonesOccupancy& occupancy, uint64_t ticks,
                                                int64_t now_ns) {
  if (phase_ == Phase::connecting) {
    if (now_ns < next_attempt_ns_) return std::nullopt;
    return request(SdkRequest::Kind::game_server, "GET", "/gameserver");
  }
  if (phase_ == Phase::readying && ready_allowed_ && now_ns >= next_attempt_ns_)
    return request(SdkRequest::Kind::ready, "POST", "/ready", "{}");
  if (now_ns >= next_health_ns_) {
    // A simulation that stopped ticking gets no pings: Agones then marks the server Unhealthy
    // and replaces it. While draining, the simulation has stopped on purpose.
    if (draining_ || !pinged_ticks_ || ticks != *pinged_ticks_) {
      pinged_ticks_ = ticks;
      stall_logged_ = false;
      next_health_ns_ = now_ns + static_cast<int64_t>(settings_.health_interval_s * 1e9);
      return request(SdkRequest::Kind::health, "POST", "/health", "{}");
    }
    if (!stall_logged_) spdlog::warn("agones: the simulation is not ticking; health pings held");
    stall_logged_ = true;
    next_health_ns_ = now_ns + kStallRecheckNs;
  }
  if (phase_ == Phase::readying) return std::nullopt;
  if (auto transition = next_transition(occupancy, now_ns)) return transition;
  const int64_t players = occupancy.players, instances = occupancy.instances;
  if (auto update = next_counter("players", players,
                                 std::max<int64_t>(settings_.player_capacity, players), now_ns))
    return update;
  if (auto update = next_counter("instances", instances,
                                 std::max<int64_t>(settings_.instance_capacity, instances), now_ns))
    return update;
  return next_label(occupancy, now_ns);
}

std::optional<SdkRequest> AgonesLifecycle::next_transition(const AgonesOccupancy& occupancy,
                                                           int64_t now_ns) {
  if (occupancy.players > 0)
    empty_since_ns_.reset();
  else if (!empty_since_ns_)
    empty_since_ns_ = now_ns;
  if (draining_ || now_ns < next_transition_ns_) return std::nullopt;
  if (occupancy.players > 0 && !allocated_)
    return request(SdkRequest::Kind::allocate, "POST", "/allocate", "{}");
  const int64_t empty_for = empty_since_ns_ ? now_ns - *empty_since_ns_ : 0;
  if (allocated_ && settings_.ready_after_empty_s > 0 &&
      empty_for >= static_cast<int64_t>(settings_.ready_after_empty_s * 1e9))
    return request(SdkRequest::Kind::ready, "POST", "/ready", "{}");
  return std::nullopt;
}

std::optional<SdkRequest> AgonesLifecycle::next_counter(const std::string& name, int64_t count,
                                                        int64_t capacity, int64_t now_ns) {
  Reported& reported = counters_[name];
  if (reported.disabled || now_ns < reported.next_update_ns) return std::nullopt;
  const std::string path = "/v1beta1/counters/" + name;
  // Capacity first: a count above the capacity the sidecar knows would be out of range.
  if (reported.capacity != capacity)
    return request(SdkRequest::Kind::counter, "PATCH", path, counter_capacity_body(capacity), name);
  if (reported.count != count)
    return request(SdkRequest::Kind::counter, "PATCH", path, counter_count_body(count), name);
  return std::nullopt;
}

std::optional<SdkRequest> AgonesLifecycle::next_label(const AgonesOccupancy& occupancy,
                                                      int64_t now_ns) {
  for (const std::string& zone : settings_.zones) {
    const std::string key = zone_label_key(zone);
    Label& label = labels_[key];
    if (label.disabled || now_ns < label.next_update_ns) continue;
    auto open = occupancy.open_per_zone.find(zone);
    const std::string value =
        std::to_string(open == occupancy.open_per_zone.end() ? 0 : open->second);
    if (label.value != value)
      return request(SdkRequest::Kind::label, "PUT", "/metadata/label", label_body(key, value),
                     key);
  }
  return std::nullopt;
}

void AgonesLifecycle::done(const SdkRequest& sent, int status, std::string_view body,
                           int64_t now_ns) {
  const bool ok = success(status);
  switch (sent.kind) {
    case SdkRequest::Kind::game_server:
      if (ok) game_server_ = parse_game_server(body);
      if (!ok || !game_server_) return back_off(now_ns);
      spdlog::info("agones: sidecar answered: GameServer {} ({}) at {}", game_server_->name,
                   game_server_->state, advertised_ws_url(*game_server_));
      phase_ = Phase::readying;
      backoff_ns_ = 0;
      next_attempt_ns_ = next_health_ns_ = now_ns;
      return;
    case SdkRequest::Kind::ready:
      if (!ok) {
        if (phase_ == Phase::readying) return back_off(now_ns);
        next_transition_ns_ = now_ns + update_interval_ns();
        return;
      }
      if (phase_ == Phase::readying)
        spdlog::info("agones: Ready");
      else
        spdlog::info("agones: no players for {} s: Ready again", settings_.ready_after_empty_s);
      phase_ = Phase::running;
      allocated_ = false;
      return;
    case SdkRequest::Kind::allocate:
      if (!ok) {
        spdlog::warn("agones: allocate: HTTP {} {}", status, body.substr(0, 200));
        next_transition_ns_ = now_ns + update_interval_ns();
        return;
      }
      spdlog::info("agones: Allocated (players arrived)");
      allocated_ = true;
      return;
    case SdkRequest::Kind::counter: {
      Reported& reported = counters_[sent.key];
      const bool capacity = sent.body.find("\"capacity\"") != std::string::npos;
      if (ok) {
        const json sent_body = json::parse(sent.body);
        const int64_t value = std::stoll(sent_body.begin()->get<std::string>());
        (capacity ? reported.capacity : reported.count) = value;
        if (!capacity) reported.next_update_ns = now_ns + update_interval_ns();
        return;
      }
      reported.next_update_ns = now_ns + update_interval_ns();
      if (status == 404) {
        spdlog::warn(
            "agones: the GameServer declares no Counter '{}' (spec.counters): not reported",
            sent.key);
        reported.disabled = true;
      }
      return;
    }
    case SdkRequest::Kind::label: {
      Label& label = labels_[sent.key];
      label.next_update_ns = now_ns + update_interval_ns();
      if (ok)
        label.value = json::parse(sent.body).at("value").get<std::string>();
      else if (status >= 400 && status < 500) {
        spdlog::warn("agones: label {} refused: HTTP {} {}", sent.key, status, body.substr(0, 200));
        label.disabled = true;
      }
      return;
    }
    case SdkRequest::Kind::health:
    case SdkRequest::Kind::shutdown:
      return;
  }
}

}  // namespace omega::zone
