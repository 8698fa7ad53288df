// RedisRegistry: advertises this zone process and its open instances in Redis (world contract
// "Redis registry") and listens for market changes on {prefix}character_events.
//
// Two background threads, so a slow or absent Redis never blocks the tick:
// - the registrar writes {prefix}zoneprocs and {prefix}instances (HSET, expires_ms = now +
//   10 s) every 2 s and whenever woken, HDELs instances that closed, and HDELs everything
//   on stop(); the process entry carries the load (tick_p99_ms, bytes_out_per_player_s) for
//   the admin console when a load probe is given;
// - the subscriber SUBSCRIBEs to {prefix}character_events (MarketDelta when `market_events`,
//   SocialUpdate: mutes and party changes) and {prefix}chat (ChatLine) and pushes each into
//   ServiceResults for the simulation thread; on its first connection it reads the stored world
//   history ({prefix}chat_history) for joining players;
// - the publisher PUBLISHes the chat lines of this process's players on {prefix}chat (the
//   ChatRelay), and keeps the last ChatHistory::kHistoryLines world lines in
//   {prefix}chat_history (LPUSH + LTRIM). A line that cannot be published within 2 s of a
//   Redis outage (or finds the queue full) is dropped (chat is not stored; the count is logged)
//   and handed back to this process's zones marked `undelivered`, so its sender is told.
// All reconnect after an error (1 s apart).
//
// Thread safety: wake() from any thread; start/stop from the owner.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "zone/character_service.hpp"
#include "zone/chat.hpp"
#include "zone/instance_host.hpp"
#include "zone/zone_metrics.hpp"

namespace omega::zone {

struct RegistrySettings {
  std::string redis_url;  // redis://[:password@]host:port[/db]
  std::string prefix = "omega:";
  std::string process_id;
  std::string ws_url;       // base, e.g. ws://127.0.0.1:8081
  std::string control_url;  // e.g. http://127.0.0.1:9081
  std::vector<std::string> zones;
  bool market_events = true;  // apply market deltas (a leased zone: an API is configured)
};

// The JSON values of the two hashes (pure; unit-tested). Without `load` the process entry has
// no load fields (readers treat them as optional).
std::string zoneproc_value(const RegistrySettings& settings, int64_t expires_ms,
                           const std::optional<LiveLoad>& load = std::nullopt);
std::string instance_value(const RegistrySettings& settings, const InstanceSummary& instance,
                           int64_t expires_ms);

class RedisRegistry : public ChatRelay {
 public:
  using Snapshot = std::function<std::vector<InstanceSummary>()>;
  // Called on the registrar thread at each write; may be empty (no load advertised).
  using LoadProbe = std::function<LiveLoad()>;
  RedisRegistry(RegistrySettings settings, Snapshot snapshot, ServiceResults* sink,
                LoadProbe load = {});
  ~RedisRegistry() override;
  RedisRegistry(const RedisRegistry&) = delete;
  RedisRegistry& operator=(const RedisRegistry&) = delete;

  void start();
  // Writes now (not waiting for the 2 s period); then runs `after` (written or not).
  void wake(std::function<void()> after = {});
  // Unregisters everything (HDEL) and stops the threads.
  void stop();
  // ChatRelay: queued for the publisher thread. Thread-safe.
  void publish(const ChatLine& line) override;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace omega::zone
