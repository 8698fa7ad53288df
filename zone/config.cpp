#include "zone/config.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <initializer_list>
#include <cstdlib>
#include <limits>
#include <sstream>
#include <string_view>
#include <vector>

#include <spdlog/spdlog.h>
#include <toml++/toml.h>

#include "common/client_address.hpp"
#include "common/setting_file.hpp"
#include "common/structured_log.hpp"
#include "protocol/quantize.hpp"
#include "protocol/ticket.hpp"

namespace omega::zone {
namespace {

// Parses `text` into one field; returns an error message or "".
using Apply = std::string (*)(ZoneConfig&, const std::string&);

struct Option {
  const char* key;  // TOML key; the environment variable is OMEGA_ZONE_<KEY upper-cased>
  Apply apply;
};

template <class T>
std::string parse_unsigned(const std::string& text, T& out, uint64_t min, uint64_t max) {
  uint64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || text.empty())
    return "expected an integer, got '" + text + "'";
  if (value < min || value > max)
    return "must be in [" + std::to_string(min) + ", " + std::to_string(max) + "], got " + text;
  out = static_cast<T>(value);
  return "";
}

std::string parse_double(const std::string& text, double& out, double min, double max) {
  errno = 0;
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || errno != 0 || !std::isfinite(value))
    return "expected a number, got '" + text + "'";
  if (value < min || value > max) {
    std::ostringstream message;
    message << "must be in [" << min << ", " << max << "], got " << text;
    return message.str();
  }
  out = value;
  return "";
}

std::string parse_float(const std::string& text, float& out, double min, double max) {
  double value = 0;
  std::string error = parse_double(text, value, min, max);
  if (error.empty()) out = static_cast<float>(value);
  return error;
}

// One of a few named values (spawn, send_io).
template <class T>
std::string parse_choice(const std::string& text, T& out,
                         std::initializer_list<std::pair<std::string_view, T>> choices) {
  std::string names;
  for (const auto& [name, value] : choices) {
    if (text == name) {
      out = value;
      return "";
    }
    names += (names.empty() ? "" : " or ") + std::string(name);
  }
  return "expected " + names + ", got '" + text + "'";
}

std::string parse_bool(const std::string& text, bool& out) {
  if (text == "true" || text == "1" || text == "yes" || text == "on") {
    out = true;
    return "";
  }
  if (text == "false" || text == "0" || text == "no" || text == "off") {
    out = false;
    return "";
  }
  return "expected true or false, got '" + text + "'";
}

bool is_zone_name(std::string_view name) {
  if (name.empty() || name.size() > 32) return false;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> items;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    std::string item = text.substr(start, comma - start);
    while (!item.empty() && item.front() == ' ') item.erase(item.begin());
    while (!item.empty() && item.back() == ' ') item.pop_back();
    if (!item.empty()) items.push_back(item);
    start = comma + 1;
  }
  return items;
}

std::string parse_url(const std::string& text, std::string_view scheme, std::string& out) {
  if (text.empty()) {
    out.clear();
    return "";
  }
  if (text.rfind(scheme, 0) != 0 || text.size() == scheme.size())
    return "expected a URL starting with " + std::string(scheme) + ", got '" + text + "'";
  out = text;
  while (out.size() > scheme.size() && out.back() == '/') out.pop_back();
  return "";
}

const std::vector<Option>& options() {
  static const std::vector<Option> kOptions = {
      {"host",
       [](ZoneConfig& c, const std::string& v) -> std::string {
         if (v.empty()) return "must not be empty";
         c.host = v;
         return "";
       }},
      {"port",
       [](ZoneConfig& c, const std::string& v) { return parse_unsigned(v, c.port, 0, 65535); }},
      {"http_port", [](ZoneConfig& c,
                       const std::string& v) { return parse_unsigned(v, c.http_port, 0, 65535); }},
      {"ticket_public_key",
       [](ZoneConfig& c, const std::string& v) -> std::string {
         auto key = protocol::from_hex<32>(v);
         if (!key) return "expected 64 hex characters (an Ed25519 public key)";
         c.ticket_public_key = *key;
         return "";
       }},
      {"map",
       [](ZoneConfig& c, const std::string& v) -> std::string {
         if (v.rfind("open:", 0) == 0) {
           int32_t width = 0;
           std::string error = parse_unsigned(v.substr(5), width, 8, 2048);
           if (!error.empty()) return "open:W needs W in [8, 2048]: " + error;
         } else if (v.empty() || v.size() > 32) {
           return "expected a zone name (1-32 characters) or open:W";
         }
         c.map = v;
         return "";
       }},
      {"content_dir",
       [](ZoneConfig& c, const std::string& v) -> std::string {
         c.content_dir = v;
         return "";
       }},
      {"instance_id",
       [](ZoneConfig& c, const std::string& v) {
         return parse_unsigned(v, c.instance_id, 0, 0xffffffffu);
       }},
      {"tick_hz",
       [](ZoneConfig& c, const std::string& v) { return parse_unsigned(v, c.tick_hz, 1, 255); }},
      {"snapshot_hz",
       [](ZoneConfig& c, const std::string& v) {
         return parse_unsigned(v, c.snapshot_hz, 1, 255);
       }},
      {"view_radius",
       [](ZoneConfig& c, const std::string& v) -> std::string {
         if (v == "inf") {
           c.view_radius = std::numeric_limits<float>::infinity();
           return "";
         }
         return parse_float(v, c.view_radius, 1, 4096);
       }},
      {"view_margin",
       [](ZoneConfig& c, const std::string& v) { return parse_float(v, c.view_margin, 0, 1024); }},
      {"full_rate_radius",
       [](ZoneConfig& c, const std::string& v) -> std::string {
         if (v == "inf") {
           c.full_rate_radius = std::numeric_limits<float>::infinity();
           return "";
         }
         return parse_float(v, c.full_rate_radius, 0, 4096);
       }},
      {"max_view_entities",
       [](ZoneConfig& c, const std::string& v) {
         return parse_unsigned(v, c.max_view_entities, 1, protocol::kMaxSnapshotEntries);
       }},
      {"snapshot_threads",
       [](ZoneConfig& c, const std::string& v) {
         return parse_unsigned(v, c.snapshot_threads, 1, 64);
       }},
      {"network_threads",
       [](ZoneConfig& c, const std::string& v) {
         return parse_unsigned(v, c.network_threads, 1, 64);
       }},
      {"snapshot_budget_bytes",
       [](ZoneConfig& c, const std::string& v) {
         return parse_unsigned(v, c.snapshot_budget_bytes, 64, 1u << 20);
       }},
      {"player_speed",
       [](ZoneConfig& c, const std::string& v) { return parse_float(v, c.player_speed, 0, 100); }},
      {"spawn",
       [](ZoneConfig& c, const std::string& v) {
         return parse_choice(v, c.spawn,
                             {{"point", SpawnMode::point}, {"random", SpawnMode::random}});
       }},
      {"send_io",
       [](ZoneConfig& c, const std::string& v) {
         return parse_choice(v, c.send_io,
                             {{"sendmsg", SendIo::sendmsg}, {"io_uring", SendIo::io_uring}});
       }},
      {"debug_state_log",
       [](ZoneConfig& c, const std::string& v) -> std::string {
         c.debug_state_log = v;
         return "";
       }},
      {"log_level",
       [](ZoneConfig& c, const std::string& v) -> std::string {
         // from_str answers `off` for any name it does not know.
         if (v != "off" && spdlog::level::from_str(v) == spdlog::level::off)
           return "expected trace, debug, info, warn, error, critical or off, got '" + v + "'";
         c.log_level = v;
         return "";
       }},
      {"log_format",
       [](ZoneConfig& c, const std::string& v) -> std::string {
         if (!common::parse_log_format(v)) return "expected text or json, got '" + v + "'";
         c.log_format = v;
         return "";
       }},
      {"max_message_bytes",
       [](ZoneConfig& c, const std::string& v) {
         return parse_unsigned(v, c.max_message_bytes, 64, 1u << 20);
       }},
      {"max_inputs_per_second",
       [](ZoneConfig& c, const std::string& v) {
         return parse_double(v, c.max_inputs_per_second, 1, 10000);
       }},
      {"input_burst",
       [](ZoneConfig& c, const std::string& v) {
         return parse_double(v, c.input_burst, 1, 10000);
       }},
      {"max_connections_per_ip",
       [](ZoneConfig& c, const std::string& v) {
         return parse_unsigned(v, c.max_connections_per_ip, 1, 1000000);
       }},
      {"max_pending_per_ip",
       [](ZoneConfig& c, const std::string& v) {
         return parse_unsigned(v, c.max_pending_per_ip, 1, 1000000);
       }},
      {"max_pending_connections",
       [](ZoneConfig& c, const std::string& v) {
         return parse_unsigned(v, c.max_pending_connections, 1, 1000000);
       }},
      {"max_connections",
       [](ZoneConfig& c, const std::string& v) {
         return parse_unsigned(v, c.max_connections, 0, 10000000);
       }},
      {"trusted_proxies",
       [](ZoneConfig& c, const std::string& v) -> std::string {
         std::string error;
         if (!common::TrustedProxies::parse(v, error)) return error;
         c.trusted_proxies = v;
         return "";
       }},
      {"socket_send_buffer_bytes",
       [](ZoneConfig& c, const std::string& v) {
         return parse_unsigned(v, c.socket_send_buffer_bytes, 0, 1u << 30);
       }},
      {"max_players",
       [](ZoneConfig& c, const std::string& v) {
         return parse_unsigned(v, c.max_players, 1, protocol::kMaxEntityId / 2);
       }},
      {"outgoing_queue_messages",
       [](ZoneConfig& c,
          const std::string&
              v) { return parse_unsigned(v, c.outgoing_queue_messages, 4, 1u << 16); }},
      {"outgoing_queue_bytes",
       [](ZoneConfig& c,
          const std::string&
              v) { return parse_unsigned(v, c.outgoing_queue_bytes, 4096, 1u << 30); }},
      {"hello_timeout_s",
       [](ZoneConfig& c,
          const std::string& v) { return parse_double(v, c.hello_timeout_s, 0.05, 3600); }},
      {"idle_timeout_s",
       [](ZoneConfig& c,
          const std::string& v) { return parse_double(v, c.idle_timeout_s, 0.05, 3600); }},
      {"slow_client_timeout_s",
       [](ZoneConfig& c,
          const std::string& v) { return parse_double(v, c.slow_client_timeout_s, 0.05, 3600); }},
      {"heartbeat_interval_s",
       [](ZoneConfig& c,
          const std::string& v) { return parse_double(v, c.heartbeat_interval_s, 0.05, 3600); }},
      {"resume_window_s",
       [](ZoneConfig& c,
          const std::string& v) { return parse_double(v, c.resume_window_s, 0, 86400); }},
      {"shutdown_grace_s",
       [](ZoneConfig& c,
          const std::string& v) { return parse_double(v, c.shutdown_grace_s, 0, 60); }},
      {"fast_ack", [](ZoneConfig& c, const std::string& v) { return parse_bool(v, c.fast_ack); }},
      {"world_seed",
       [](ZoneConfig& c,
          const std::string&
              v) { return parse_unsigned(v, c.world_seed, 0, std::numeric_limits<uint64_t>::max()); }},
      {"spawn_table",
       [](ZoneConfig& c,
          const std::string& v) -> std::
                                    string {
                                      if (v.size() > 32)
                                        return "expected a zone name (at most 32 characters)";
                                      c.spawn_table = v;
                                      return "";
                                    }},
      {"monster_count",
       [](ZoneConfig& c,
          const std::string&
              v) { return parse_unsigned(v, c.monster_count, 0, protocol::kMaxEntityId / 2); }},
      {"api_url",
       [](ZoneConfig& c, const std::string& v) { return parse_url(v, "http://", c.api_url); }},
      {"service_token",
       [](ZoneConfig& c, const std::string& v) -> std::
                                                   string {
                                                     if (v.size() > 4096)
                                                       return "longer than 4096 characters";
                                                     c.service_token = v;
                                                     return "";
                                                   }},
      {"redis_url",
       [](ZoneConfig& c, const std::string& v) { return parse_url(v, "redis://", c.redis_url); }},
      {"redis_prefix",
       [](ZoneConfig& c, const std::string& v) -> std::
                                                   string {
                                                     if (v.size() > 64)
                                                       return "longer than 64 characters";
                                                     c.redis_prefix = v;
                                                     return "";
                                                   }},
      {"process_id",
       [](ZoneConfig& c, const std::string& v) -> std::
                                                   string {
                                                     if (v.size() > 128)
                                                       return "longer than 128 characters";
                                                     c.process_id = v;
                                                     return "";
                                                   }},
      {"public_ws_url",
       [](ZoneConfig& c, const std::string& v)
           -> std::
               string {
                 std::string error = parse_url(v, "ws://", c.public_ws_url);
                 if (!error.empty()) error = parse_url(v, "wss://", c.public_ws_url);
                 return error.empty() ? "" : "expected a ws:// or wss:// URL, got '" + v + "'";
               }},
      {"control_url",
       [](ZoneConfig& c, const std::string& v) { return parse_url(v, "http://", c.control_url); }},
      {"hosts",
       [](ZoneConfig& c,
          const std::string& v) -> std::
                                    string {
                                      c.hosts.clear();
                                      for (const std::string& zone : split_list(v)) {
                                        if (!is_zone_name(zone))
                                          return "'" + zone +
                                                 "' is not a zone name ([a-z0-9_]{1,32})";
                                        c.hosts.push_back(zone);
                                      }
                                      return "";
                                    }},
      {"open",
       [](ZoneConfig& c, const std::string& v)
           -> std::
               string {
                 c.open.clear();
                 c.open_none = v == "none";
                 if (c.open_none) return "";
                 for (const std::string& item : split_list(v)) {
                   const size_t colon = item.find(':');
                   uint32_t instance = 0;
                   if (colon == std::string::npos || !is_zone_name(item.substr(0, colon)) ||
                       !parse_unsigned(item.substr(colon + 1), instance, 1, 0xffffffffu).empty())
                     return "expected zone:instance (instance 1..2^32-1), got '" + item + "'";
                   c.open.emplace_back(item.substr(0, colon), instance);
                 }
                 return "";
               }},
      {"checkpoint_interval_s",
       [](ZoneConfig& c,
          const std::string& v) { return parse_double(v, c.checkpoint_interval_s, 0.1, 3600); }},
      {"world_file",
       [](ZoneConfig& c, const std::string& v) -> std::
                                                   string {
                                                     c.world_file = v;
                                                     return "";
                                                   }},
      {"agones_sdk_http_port",
       [](ZoneConfig& c,
          const std::string& v) { return parse_unsigned(v, c.agones_sdk_http_port, 0, 65535); }},
      {"agones_health_interval_s",
       [](ZoneConfig& c,
          const std::string& v) { return parse_double(v, c.agones_health_interval_s, 0.05, 60); }},
      {"agones_update_interval_s",
       [](ZoneConfig& c,
          const std::string& v) { return parse_double(v, c.agones_update_interval_s, 0.01, 60); }},
      {"agones_player_capacity",
       [](ZoneConfig& c,
          const std::string&
              v) { return parse_unsigned(v, c.agones_player_capacity, 1, 10000000); }},
      {"agones_instance_capacity",
       [](ZoneConfig& c,
          const std::string&
              v) { return parse_unsigned(v, c.agones_instance_capacity, 1, 1000000); }},
      {"agones_ready_after_empty_s",
       [](ZoneConfig& c,
          const std::string&
              v) { return parse_double(v, c.agones_ready_after_empty_s, 0, 86400); }},
      {"activation_radius",
       [](ZoneConfig& c,
          const std::string& v) { return parse_float(v, c.activation_radius, 1, 1024); }},
  };
  return kOptions;
}

std::string env_name(std::string_view key) {
  std::string name = "OMEGA_ZONE_";
  for (char ch : key) name += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return name;
}

// A TOML value as the text the string parsers take (the same parsers serve env variables).
std::optional<std::string> toml_value_text(const toml::node& node) {
  if (auto v = node.as_string()) return v->get();
  if (auto v = node.as_integer()) return std::to_string(v->get());
  if (auto v = node.as_floating_point()) {
    std::ostringstream text;
    text.precision(17);
    text << v->get();
    return text.str();
  }
  if (auto v = node.as_boolean()) return v->get() ? "true" : "false";
  return std::nullopt;
}

const Option* find_option(std::string_view key) {
  for (const Option& option : options())
    if (key == option.key) return &option;
  return nullptr;
}

void check_consistency(ZoneConfig& c, bool key_set, std::vector<std::string>& errors) {
  if (!key_set) errors.push_back("ticket_public_key: required (OMEGA_ZONE_TICKET_PUBLIC_KEY)");
  if (c.full_rate_radius <= 0.0f) c.full_rate_radius = c.view_radius;
  if (!c.api_url.empty() && c.service_token.empty())
    errors.push_back("service_token: required when api_url is set (OMEGA_ZONE_SERVICE_TOKEN)");
  if (c.snapshot_hz > c.tick_hz)
    errors.push_back("snapshot_hz: must not exceed tick_hz (" + std::to_string(c.tick_hz) + ")");
  if (c.open_none && c.hosts.empty())
    errors.push_back("open: 'none' needs hosts (the zones opened on request)");
  if (c.on_agones()) {
    // The Agones sidecar shares the pod's network namespace and listens on these.
    const uint16_t reserved[] = {kAgonesSidecarHealthPort, kAgonesSdkGrpcPort, kAgonesSdkHttpPort,
                                 c.agones_sdk_http_port};
    for (const auto& [key, port] : {std::pair<const char*, uint16_t>{"port", c.port},
                                    std::pair<const char*, uint16_t>{"http_port", c.http_port}})
      if (std::find(std::begin(reserved), std::end(reserved), port) != std::end(reserved))
        errors.push_back(
            std::string(key) + ": " + std::to_string(port) +
            " is the Agones SDK sidecar's (8080, 9357, 9358 and the SDK port are taken)");
  }
}

}  // namespace

std::vector<std::pair<std::string, uint32_t>> ZoneConfig::startup_instances() const {
  if (open_none) return {};
  if (!open.empty()) return open;
  return {{zone_name(), instance_id}};
}

std::string ZoneConfig::zone_name() const {
  return open_field_width() > 0 ? "open" : map;
}

int32_t ZoneConfig::open_field_width() const {
  if (map.rfind("open:", 0) != 0) return 0;
  return std::atoi(map.c_str() + 5);
}

bool ZoneConfig::view_is_infinite() const {
  return std::isinf(view_radius);
}

EnvLookup process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

ZoneConfigResult load_zone_config(const std::string& toml_path, const EnvLookup& env,
                                  const std::optional<std::string>& toml_text) {
  ZoneConfig config;
  std::vector<std::string> errors;
  bool key_set = false;

  if (toml_text || !toml_path.empty()) {
    const std::string source = toml_path.empty() ? "<config>" : toml_path;
    toml::table table;
    try {
      table = toml_text ? toml::parse(*toml_text, source) : toml::parse_file(toml_path);
    } catch (const toml::parse_error& error) {
      std::ostringstream message;
      message << source << ":" << error.source().begin.line << ": " << error.description();
      return {std::nullopt, message.str()};
    }
    for (const auto& [key, node] : table) {
      const Option* option = find_option(key.str());
      if (option == nullptr) {
        errors.push_back(source + ": " + std::string(key.str()) + ": unknown option");
        continue;
      }
      std::optional<std::string> text = toml_value_text(node);
      std::string error = text ? option->apply(config, *text) : "expected a scalar value";
      if (!error.empty()) errors.push_back(source + ": " + std::string(key.str()) + ": " + error);
      if (std::string_view(option->key) == "ticket_public_key") key_set = true;
    }
  }

  for (const Option& option : options()) {
    const std::string name = env_name(option.key);
    std::string file_error;  // OMEGA_ZONE_<KEY>_FILE: the value is that file's content
    std::optional<std::string> value = common::setting_from_environment(name, env, file_error);
    if (!file_error.empty()) errors.push_back(file_error);
    if (!value) continue;
    std::string error = option.apply(config, *value);
    if (!error.empty()) errors.push_back(name + ": " + error);
    if (std::string_view(option.key) == "ticket_public_key") key_set = true;
  }

  // Agones sets this one in every game server container; it wins over the file.
  if (std::optional<std::string> port = env(kAgonesSdkHttpPortVariable)) {
    std::string error = parse_unsigned(*port, config.agones_sdk_http_port, 1, 65535);
    if (!error.empty()) errors.push_back(std::string(kAgonesSdkHttpPortVariable) + ": " + error);
  }
  check_consistency(config, key_set, errors);
  if (!errors.empty()) {
    std::string joined;
    for (const std::string& error : errors) joined += (joined.empty() ? "" : "\n") + error;
    return {std::nullopt, joined};
  }
  return {config, ""};
}

}  // namespace omega::zone
