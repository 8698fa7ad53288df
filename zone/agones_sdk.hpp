// AgonesSdk: omega-zone on Agones. Runs AgonesLifecycle (agones_lifecycle.hpp: what is sent and
// when) on its own worker thread against the SDK sidecar's REST gateway at
// http://127.0.0.1:<AGONES_SDK_HTTP_PORT> — plain HTTP/1.1 through common/http_client.hpp, no
// gRPC — so the simulation never waits on the sidecar, like the API worker and the registry.
//
// main.cpp: start() once listening; wait_for_game_server() for the name and public address the
// registry advertises; allow_ready() once registered; begin_drain() on SIGTERM; shutdown() after
// the drain (the checkpoints released), which sends POST /shutdown last.
//
// Thread safety: every method may be called from any thread; start/shutdown from the owner.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "zone/agones_lifecycle.hpp"
#include "zone/instance_host.hpp"

namespace omega::zone {

// The occupancy the sidecar is told, from the open instances (pure; unit-tested).
AgonesOccupancy agones_occupancy(const std::vector<InstanceSummary>& instances);

class AgonesSdk {
 public:
  using Snapshot = std::function<std::vector<InstanceSummary>()>;
  using TickCount = std::function<uint64_t()>;
  AgonesSdk(uint16_t sdk_http_port, AgonesSettings settings, Snapshot snapshot, TickCount ticks);
  ~AgonesSdk();
  AgonesSdk(const AgonesSdk&) = delete;
  AgonesSdk& operator=(const AgonesSdk&) = delete;

  void start();
  // The GameServer once the sidecar has answered GET /gameserver; nullopt after `timeout`.
  std::optional<GameServerInfo> wait_for_game_server(std::chrono::milliseconds timeout);
  // POST /ready may go (the zone is listening and registered).
  void allow_ready();
  // SIGTERM: no more Ready/Allocate changes, health pings go on through the drain.
  void begin_drain();
  // Stops the worker, then POST /shutdown, retried until the sidecar answers or `timeout_s`
  // passed. True when it answered.
  bool shutdown(double timeout_s);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace omega::zone
