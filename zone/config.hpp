// ZoneConfig: every setting of one omega-zone process, and how it is loaded.
//
// Precedence (12-factor): defaults in code < TOML file (`--config FILE`) < environment
// variables OMEGA_ZONE_<KEY> (KEY = the TOML key in upper case). Every option is documented in
// docs/OPERATIONS.md (## omega-zone). Loading returns errors as values naming the key and the
// source; nothing throws out of this module.
//
// Thread safety: a plain value; load_zone_config is a pure function of its inputs.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "zone/limits.hpp"

namespace omega::zone {

enum class SpawnMode : uint8_t { point, random };
// How a network thread hands a tick's writes to the kernel: a sendmsg per client, or all of
// them through io_uring in one system call (zone/send_ring.hpp; sendmsg where the kernel
// refuses io_uring).
enum class SendIo : uint8_t { sendmsg, io_uring };
inline const char* to_string(SendIo io) {
  return io == SendIo::io_uring ? "io_uring" : "sendmsg";
}

// Agones: the variable its controller sets in every game server container, and the ports its
// SDK sidecar takes in the pod (its own health port, gRPC, REST); no zone port may use them.
inline constexpr const char* kAgonesSdkHttpPortVariable = "AGONES_SDK_HTTP_PORT";
inline constexpr uint16_t kAgonesSidecarHealthPort = 8080;
inline constexpr uint16_t kAgonesSdkGrpcPort = 9357;
inline constexpr uint16_t kAgonesSdkHttpPort = 9358;

struct ZoneConfig {
  std::string host = "127.0.0.1";
  uint16_t port = 8081;                         // WebSocket; 0 = any free port
  uint16_t http_port = 9081;                    // /metrics, /healthz, /stats; 0 = any free port
  std::array<uint8_t, 32> ticket_public_key{};  // required
  std::string map = "hub_city_1";               // content zone name, or "open:W"
  std::string content_dir = "content";
  uint32_t instance_id = 1;
  uint32_t tick_hz = 30;
  uint32_t snapshot_hz = 15;
  float view_radius = 24.0f;      // tiles; +infinity = everyone sees everyone
  float view_margin = 4.0f;       // leave at view_radius + view_margin
  float full_rate_radius = 0.0f;  // 0 in the file = same as view_radius (resolved on load)
  uint32_t max_view_entities = 128;
  uint32_t snapshot_budget_bytes = 1200;
  // Threads that plan and encode the clients' snapshots of a tick, the simulation thread
  // included (1 = the simulation thread alone; the bytes sent are the same either way).
  uint32_t snapshot_threads = 1;
  // Threads that carry the WebSocket connections (reads, writes, handshakes); connections
  // are spread over them. The HTTP side port stays on the first.
  uint32_t network_threads = 1;
  float player_speed = 5.0f;  // tiles/s
  SpawnMode spawn = SpawnMode::point;
  std::string debug_state_log;      // empty = off
  std::string log_level = "info";   // spdlog level name (loot is logged at debug)
  std::string log_format = "text";  // text or json (common/structured_log.hpp)
  // Limits (limits.hpp has the reasons for the defaults).
  uint32_t max_message_bytes = static_cast<uint32_t>(kDefaultMaxMessageBytes);
  double max_inputs_per_second = kDefaultMaxInputsPerSecond;
  double input_burst = kDefaultInputBurst;
  uint32_t max_connections_per_ip = kDefaultMaxConnectionsPerIp;
  uint32_t max_pending_per_ip = kDefaultMaxPendingPerIp;
  uint32_t max_pending_connections = kDefaultMaxPendingConnections;
  // Connections of every kind at once; 0 = RLIMIT_NOFILE - kReservedFileDescriptors.
  uint32_t max_connections = 0;
  // Reverse proxies whose X-Forwarded-For names the client (comma list of CIDRs; validated
  // on load): per-address limits then apply to the client, not to the proxy.
  std::string trusted_proxies;
  // SO_SNDBUF of each client socket; 0 = the kernel's default (autotuned).
  uint32_t socket_send_buffer_bytes = 0;
  SendIo send_io = SendIo::io_uring;
  uint32_t max_players = kDefaultMaxPlayers;
  uint32_t outgoing_queue_messages = kDefaultOutgoingQueueMessages;
  uint32_t outgoing_queue_bytes = static_cast<uint32_t>(kDefaultOutgoingQueueBytes);
  double hello_timeout_s = kDefaultHelloTimeoutSeconds;
  double idle_timeout_s = kDefaultIdleTimeoutSeconds;
  double slow_client_timeout_s = kDefaultSlowClientTimeoutSeconds;
  double heartbeat_interval_s = kDefaultHeartbeatIntervalSeconds;
  double resume_window_s = kDefaultResumeWindowSeconds;
  double shutdown_grace_s = kDefaultShutdownGraceSeconds;
  // Also send a client a snapshot on a tick that applied one of its inputs when its regular
  // snapshot is not due, so server-added input latency stays within one tick.
  bool fast_ack = true;
  uint64_t world_seed = 1;  // spawn positions (random mode) are deterministic from it
  // Monsters: the spawn table of content/monsters.json to use ("" = the map's name), how
  // many to spawn (0 = the table's counts; N = N monsters cycling through the table's types,
  // for benchmarks), and the radius around a monster's home within which a player wakes it.
  std::string spawn_table;
  uint32_t monster_count = 0;
  float activation_radius = 32.0f;

  // World topology (docs/ARCHITECTURE.md "World topology"). No api_url = standalone mode:
  // no leases, checkpoints only logged, as before the world contract.
  std::string api_url;        // http://host:port of omega-api
  std::string service_token;  // bearer token of the internal API and of /instances
  std::string redis_url;      // redis://[:password@]host:port[/db]; "" = no registry
  std::string redis_prefix = "omega:";
  std::string process_id;     // registry field; "" = "zone-<host>-<ws port>"
  std::string public_ws_url;  // advertised base URL; "" = ws://<host>:<bound ws port>
  // Advertised control base URL (the API opens instances there); "" = http://<host>:<bound
  // http port>. Set it when `host` is a wildcard address (containers).
  std::string control_url;
  std::vector<std::string> hosts;  // zones this process may open (plus those in `open`)
  std::vector<std::pair<std::string, uint32_t>> open;  // instances opened at start
  bool open_none = false;  // `open = none`: nothing at start (fleets: all on demand)
  double checkpoint_interval_s = 10.0;
  std::string world_file = "content/world.json";

  // Agones (docs/OPERATIONS.md "Agones"): the SDK sidecar's REST port, from the variable Agones
  // sets in every game server container (AGONES_SDK_HTTP_PORT); 0 = not on Agones.
  uint16_t agones_sdk_http_port = 0;
  double agones_health_interval_s = 2.0;   // POST /health this often (well inside the period)
  double agones_update_interval_s = 1.0;   // at most one update per counter or label this often
  uint32_t agones_player_capacity = 2000;  // the `players` Counter's capacity
  uint32_t agones_instance_capacity = 64;  // the `instances` Counter's capacity
  // An Allocated server without players this long marks itself Ready again, so the fleet may
  // scale it down; 0 = it stays Allocated until it shuts down.
  double agones_ready_after_empty_s = 60.0;

  // `open`, or the map's zone and instance_id when `open` is empty (standalone default), or
  // nothing with `open = none`.
  std::vector<std::pair<std::string, uint32_t>> startup_instances() const;
  bool standalone() const { return api_url.empty(); }
  bool on_agones() const { return agones_sdk_http_port != 0; }

  // The zone name tickets must carry: the map name, or "open" for an open:W field.
  std::string zone_name() const;
  // Width of the open field when map is "open:W", else 0.
  int32_t open_field_width() const;
  bool view_is_infinite() const;
};

// Reads a variable from the environment (a seam: tests pass a map instead of getenv).
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;
EnvLookup process_environment();

struct ZoneConfigResult {
  std::optional<ZoneConfig> config;
  std::string error;  // "<source>: <key>: <problem>", one line per problem
  bool ok() const { return config.has_value(); }
};

// Loads the configuration: `toml_path` empty = no file. `toml_text`, when set, is parsed
// instead of reading toml_path (tests).
ZoneConfigResult load_zone_config(const std::string& toml_path, const EnvLookup& env,
                                  const std::optional<std::string>& toml_text = std::nullopt);

}  // namespace omega::zone
