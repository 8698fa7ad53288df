// AgonesLifecycle: what omega-zone tells the Agones SDK sidecar, and when — the pure half of the
// Agones integration (agones_sdk.hpp runs it on a worker thread over HTTP). Time and the zone's
// state are passed in; it answers with the next request to send, and is told how it went.
//
// The sequence (docs/OPERATIONS.md "Agones"):
//  1. GET /gameserver until the sidecar answers: it may start after the zone. Failures back off
//     from 0.1 s, doubling to 1 s. The answer names the GameServer and its public address.
//  2. POST /ready once the zone allows it (listening, registered in the world).
//  3. Then: POST /health every health interval while the simulation ticks (a stalled simulation
//     stops the pings, and Agones marks the server Unhealthy); the Counters `players` and
//     `instances` (Beta: PATCH /v1beta1/counters/{name}) and a label per hosted zone
//     (PUT /metadata/label: its open instances) whenever they change, at most once per update
//     interval each; POST /allocate when a Ready server gets its first player, so the fleet
//     never scales down a server with players; POST /ready again after the server has been
//     without players for ready_after_empty_s, so an idle fleet can shrink.
//  4. After draining: POST /shutdown (agones_sdk.cpp sends it itself, it is the last word).
//
// Thread safety: none; one owner (the SDK worker thread).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace omega::zone {

struct AgonesSettings {
  double health_interval_s = 2.0;
  double update_interval_s = 1.0;
  uint32_t player_capacity = 2000;
  uint32_t instance_capacity = 64;
  double ready_after_empty_s = 60.0;  // 0 = stay Allocated
  std::vector<std::string> zones;     // hosted zones: one label each
};

// The GameServer as GET /gameserver describes it (the fields the zone uses).
struct GameServerInfo {
  std::string name;                       // the GameServer (= pod) name: unique in the fleet
  std::string state;                      // Scheduled, RequestReady, Ready, Allocated, ...
  std::string address;                    // the node's public address
  std::map<std::string, uint16_t> ports;  // port name → public (host) port
};
// Reads the REST gateway's JSON (proto field names or lowerCamelCase); nullopt if it is not a
// GameServer with a name.
std::optional<GameServerInfo> parse_game_server(std::string_view json);
// The public WebSocket base URL: ws://<address>:<port named "ws", else the first port>;
// "" when the GameServer has no address or ports yet.
std::string advertised_ws_url(const GameServerInfo& info);

// The zone's state as the sidecar should see it (from the open instances).
struct AgonesOccupancy {
  uint32_t players = 0;
  uint32_t instances = 0;
  std::map<std::string, uint32_t> open_per_zone;  // hosted zone → open instances
};

struct SdkRequest {
  enum class Kind : uint8_t { game_server, ready, health, allocate, counter, label, shutdown };
  Kind kind = Kind::health;
  std::string method;  // GET, POST, PATCH, PUT
  std::string path;    // /ready, /v1beta1/counters/players, ...
  std::string body;    // JSON ("" for GET)
  std::string key;     // counter name or label key
};

// The Counter update bodies: 64-bit integers are JSON strings in the gateway's mapping.
std::string counter_count_body(int64_t count);
std::string counter_capacity_body(int64_t capacity);
std::string label_body(const std::string& key, const std::string& value);
// "zone-<name>": the label key of a hosted zone (Agones adds its agones.dev/sdk- prefix).
std::string zone_label_key(const std::string& zone);
SdkRequest shutdown_request();

class AgonesLifecycle {
 public:
  explicit AgonesLifecycle(AgonesSettings settings);

  // The request to send now, or nullopt (nothing due). `ticks` is the simulation's tick count.
  std::optional<SdkRequest> next(const AgonesOccupancy& occupancy, uint64_t ticks, int64_t now_ns);
  // The outcome of the request next() returned: `status` 0 = no answer, else the HTTP status;
  // `body` the answer.
  void done(const SdkRequest& request, int status, std::string_view body, int64_t now_ns);

  // Ready may be sent (the zone is listening and registered).
  void allow_ready() { ready_allowed_ = true; }
  // From SIGTERM on: no more Ready/Allocate changes; health pings go on while the zone drains
  // (its simulation has stopped on purpose).
  void begin_drain() { draining_ = true; }

  const std::optional<GameServerInfo>& game_server() const { return game_server_; }
  bool ready_sent() const { return phase_ == Phase::running; }
  bool allocated() const { return allocated_; }
  // Nanoseconds until next() may have something to send (a wake-up hint; at most 1 s).
  int64_t idle_ns(int64_t now_ns) const;

 private:
  enum class Phase : uint8_t { connecting, readying, running };
  struct Reported {
    std::optional<int64_t> count, capacity;
    int64_t next_update_ns = 0;
    bool disabled = false;  // the sidecar refused it (a Counter the GameServer does not declare)
  };
  struct Label {
    std::optional<std::string> value;
    int64_t next_update_ns = 0;
    bool disabled = false;
  };

  std::optional<SdkRequest> next_transition(const AgonesOccupancy& occupancy, int64_t now_ns);
  std::optional<SdkRequest> next_counter(const std::string& name, int64_t count, int64_t capacity,
                                         int64_t now_ns);
  std::optional<SdkRequest> next_label(const AgonesOccupancy& occupancy, int64_t now_ns);
  void back_off(int64_t now_ns);
  int64_t update_interval_ns() const;

  AgonesSettings settings_;
  Phase phase_ = Phase::connecting;
  bool ready_allowed_ = false;
  bool draining_ = false;
  std::optional<GameServerInfo> game_server_;
  int64_t next_attempt_ns_ = 0;  // connecting / readying backoff
  int64_t backoff_ns_ = 0;
  int64_t next_health_ns_ = 0;
  std::optional<uint64_t> pinged_ticks_;
  bool stall_logged_ = false;
  bool allocated_ = false;
  int64_t next_transition_ns_ = 0;
  std::optional<int64_t> empty_since_ns_;
  std::map<std::string, Reported> counters_;
  std::map<std::string, Label> labels_;
};

}  // namespace omega::zone
