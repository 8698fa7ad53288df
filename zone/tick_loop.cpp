#include "zone/tick_loop.hpp"

#include <chrono>
#include <thread>

namespace omega::zone {

using Clock = std::chrono::steady_clock;

TickLoop::TickLoop(InstanceHost& host, Inbox& inbox, Deliver deliver, ZoneMetrics& metrics,
                   uint32_t tick_hz)
    : host_(host),
      inbox_(inbox),
      deliver_(std::move(deliver)),
      metrics_(metrics),
      tick_hz_(tick_hz) {}

Now TickLoop::now() const {
  Now n;
  n.steady_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
  n.unix_seconds = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                             std::chrono::system_clock::now().time_since_epoch())
                                             .count());
  return n;
}

void TickLoop::drain(const Now& now) {
  events_.clear();
  inbox_.drain(events_);
  for (InboundEvent& event : events_) host_.handle(event, now);
  events_.clear();
}

void TickLoop::run() {
  const auto period =
      std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1.0 / tick_hz_));
  auto next = Clock::now();
  uint32_t tick = 0;
  while (!stop_.load()) {
    std::this_thread::sleep_until(next);
    const auto started = Clock::now();
    const Now time = now();
    drain(time);
    host_.advance(++tick, time);
    deliver_(host_.outbox());
    const auto finished = Clock::now();
    metrics_.record_tick(std::chrono::duration<double, std::milli>(finished - started).count());
    next += period;
    if (next < finished - period) {
      // More than a tick behind: skip the missed ticks rather than running them back to back.
      metrics_.ticks_overrun.fetch_add(1);
      next = finished;
    }
  }
  const Now time = now();
  drain(time);
  host_.shutdown(time);
  deliver_(host_.outbox());
}

}  // namespace omega::zone
