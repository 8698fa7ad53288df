// InstanceHost: every zone instance of one omega-zone process, ticked by the one simulation
// thread (docs/ARCHITECTURE.md, "zone/"). One ZoneServer per instance; the tile map of a zone is
// loaded once and shared read-only by all its instances. Instances open and close at runtime
// (the control endpoints post commands; a rift closes itself when it stayed empty).
//
// Building an instance (combat content, monsters, navmesh) takes tens to hundreds of
// milliseconds, so instances opened at runtime are built on the host's builder thread
// (open_async) and only inserted on the simulation thread: the tick of the other instances
// never waits for it.
//
// Thread safety: post(), open_async() and summaries() may be called from any thread; the rest
// runs on the simulation thread (TickLoop), or before it starts (load_maps, open).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "game/tile_map.hpp"
#include "zone/character_service.hpp"
#include "zone/config.hpp"
#include "zone/instance_directory.hpp"
#include "zone/world_topology.hpp"
#include "zone/zone_metrics.hpp"
#include "zone/zone_server.hpp"

namespace omega::zone {

// When an instance with a close delay has stayed empty long enough to close (pure; time in).
class EmptyCloseTimer {
 public:
  EmptyCloseTimer(double close_after_s, int64_t opened_ns)
      : close_after_ns_(static_cast<int64_t>(close_after_s * 1e9)), last_occupied_ns_(opened_ns) {}
  // True when the instance should close now.
  bool due(uint32_t occupants, int64_t now_ns) {
    if (occupants > 0) last_occupied_ns_ = now_ns;
    return close_after_ns_ > 0 && occupants == 0 && now_ns - last_occupied_ns_ >= close_after_ns_;
  }

 private:
  int64_t close_after_ns_;
  int64_t last_occupied_ns_;
};

// One open instance, as the registry and /stats describe it.
struct InstanceSummary {
  std::string zone;
  uint32_t instance = 0;
  std::string kind;
  uint32_t players = 0;
  uint32_t capacity = 0;
  std::optional<uint64_t> party_id;
};

class InstanceHost {
 public:
  // `service` (ApiClient, or LocalCharacterService when standalone) answers through `results`,
  // which the host drains at the start of every tick; both outlive the host.
  InstanceHost(const ZoneConfig& config, WorldTopology topology, MessagePool& pool,
               ZoneMetrics& metrics, InstanceDirectory& directory, CharacterService& service,
               ServiceResults& results);
  ~InstanceHost();
  InstanceHost(const InstanceHost&) = delete;
  InstanceHost& operator=(const InstanceHost&) = delete;

  // Loads the maps of the zones this process may host; false with `error` on a bad map.
  bool load_maps(std::string& error);
  // The zone names this process may open (config `hosts`, plus what `open` names).
  const std::vector<std::string>& hosted_zones() const { return hosted_; }

  enum class OpenStatus : uint8_t { opened, already_open, not_hosted };
  // `match`: an arena instance's match (POST /instances "match"; ZoneServer::set_match).
  OpenStatus open(const std::string& zone, uint32_t instance, std::optional<uint64_t> party_id,
                  const Now& now, std::optional<MatchSpec> match = std::nullopt);
  // Builds the instance on the builder thread, then opens it on the simulation thread and calls
  // `done` there with the outcome.
  using OpenDone = std::function<void(OpenStatus, InstanceHost&, const Now&)>;
  void open_async(const std::string& zone, uint32_t instance, std::optional<uint64_t> party_id,
                  OpenDone done, std::optional<MatchSpec> match = std::nullopt);
  // Kicks the players (shutting_down) after checkpointing them and unregisters the instance.
  bool close(const std::string& zone, uint32_t instance, const Now& now);

  void handle(InboundEvent& event, const Now& now);
  // Commands, service answers, one tick of every instance, empty rifts closed.
  void advance(uint32_t tick, const Now& now);
  void shutdown(const Now& now);
  std::vector<Outgoing>& outbox() { return outbox_; }

  using Command = std::function<void(InstanceHost&, const Now&)>;
  // Runs `command` on the simulation thread at the start of the next tick. Thread-safe.
  void post(Command command);
  // The open instances (refreshed every second and on open/close). Thread-safe.
  std::vector<InstanceSummary> summaries() const;
  // Called (simulation thread) after an instance opened or closed.
  void set_on_change(std::function<void()> on_change) { on_change_ = std::move(on_change); }

  // Party, whisper and world chat of every instance goes out through `relay` (which brings the
  // lines back as ServiceResults). Before the tick loop starts.
  void set_chat_relay(ChatRelay* relay);

  // Kicks every session of `account_id` in every instance (ZoneServer::kick_account).
  size_t kick_account(uint64_t account_id, protocol::KickReason reason, const Now& now);

  size_t instance_count() const { return instances_.size(); }
  ZoneServer* find(const std::string& zone, uint32_t instance);

 private:
  struct Instance;
  // Thread-safe: reads only what the constructor and load_maps() set. nullptr = not hosted.
  std::unique_ptr<Instance> build(const std::string& zone, uint32_t instance,
                                  std::optional<uint64_t> party_id,
                                  std::optional<MatchSpec> match) const;
  OpenStatus insert(std::unique_ptr<Instance> instance, const Now& now);
  void builder_loop();
  const game::TileMap* map_for(const std::string& zone) const;
  ZoneConfig config_for(const std::string& zone, uint32_t instance) const;
  void collect(ZoneServer& server);
  void route(ServiceResult& result, const Now& now);
  void publish(const Now& now);
  void close_instance(std::map<uint32_t, std::unique_ptr<Instance>>::iterator it, const Now& now);

  ZoneConfig config_;
  WorldTopology topology_;
  MessagePool& pool_;
  ZoneMetrics& metrics_;
  InstanceDirectory& directory_;
  CharacterService& service_;
  ServiceResults& results_;
  ChatRelay* chat_relay_ = nullptr;
  ChatHistory chat_history_;  // the last world lines of the relay, for joining players
  // Snapshot workers (config snapshot_threads), shared by every instance: they tick one after
  // the other on the simulation thread. Null with one thread.
  std::unique_ptr<WorkerPool> snapshot_workers_;
  std::vector<std::string> hosted_;
  std::map<std::string, std::unique_ptr<game::TileMap>> maps_;  // by zone name, never unloaded
  std::map<uint32_t, std::unique_ptr<Instance>> instances_;     // by handle
  uint32_t next_handle_ = 1;
  std::vector<Outgoing> outbox_;
  std::vector<ServiceResult> results_scratch_;
  std::vector<Command> commands_scratch_;
  int64_t next_publish_ns_ = 0;
  uint64_t closed_path_queries_ = 0;
  std::function<void()> on_change_;

  std::mutex commands_mutex_;
  std::vector<Command> commands_;
  mutable std::mutex summaries_mutex_;
  std::vector<InstanceSummary> summaries_;

  std::mutex builder_mutex_;
  std::condition_variable builder_wake_;
  std::deque<std::function<void()>> builds_;
  bool builder_stopping_ = false;
  std::thread builder_;
};

}  // namespace omega::zone
