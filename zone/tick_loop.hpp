// TickLoop: the simulation thread's fixed-rate loop. Each tick it drains the inbox into the
// InstanceHost (every open instance), advances it with the time read here (the only clock reads of
// the simulation side), hands the outbox to the transport, and records the tick's duration.
//
// Thread safety: run() on the simulation thread; request_stop() from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <vector>

#include "zone/connection.hpp"
#include "zone/zone_metrics.hpp"
#include "zone/instance_host.hpp"

namespace omega::zone {

class TickLoop {
 public:
  using Deliver = std::function<void(std::vector<Outgoing>&)>;
  TickLoop(InstanceHost& host, Inbox& inbox, Deliver deliver, ZoneMetrics& metrics,
           uint32_t tick_hz);

  // Runs ticks until request_stop(); then kicks everyone (shutting_down), runs the checkpoint
  // hook, delivers the last messages and returns.
  void run();
  void request_stop() { stop_.store(true); }

 private:
  void drain(const Now& now);
  Now now() const;

  InstanceHost& host_;
  Inbox& inbox_;
  Deliver deliver_;
  ZoneMetrics& metrics_;
  uint32_t tick_hz_;
  std::atomic<bool> stop_{false};
  std::vector<InboundEvent> events_;
};

}  // namespace omega::zone
