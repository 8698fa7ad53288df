// ZoneMetrics: the counters, histograms and sample windows of one omega-zone process, and
// their renderings for the HTTP side port (/metrics in Prometheus text format, /stats JSON).
//
// Thread safety: every member may be updated from any thread (atomics; the sample rings and
// histograms take a mutex, touched once per tick or per acknowledged input). Rendering takes
// the same locks.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "protocol/messages.hpp"

namespace omega::zone {

// A fixed-capacity ring of samples (the most recent `capacity`), for percentiles.
class SampleRing {
 public:
  explicit SampleRing(size_t capacity) : samples_(capacity) {}
  void add(double value) {
    samples_[next_ % samples_.size()] = value;
    ++next_;
  }
  void clear() { next_ = 0; }
  size_t size() const { return next_ < samples_.size() ? next_ : samples_.size(); }
  // Nearest-rank percentile (p in [0, 100]); 0 when empty. Copies into `scratch`.
  double percentile(double p, std::vector<double>& scratch) const;
  double max() const;

 private:
  std::vector<double> samples_;
  size_t next_ = 0;
};

// Cumulative histogram with fixed upper bounds (Prometheus style).
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void observe(double value);
  // Appends the _bucket/_sum/_count lines for `name`.
  void render(const std::string& name, std::string& out) const;

 private:
  std::vector<double> bounds_;
  std::vector<uint64_t> counts_;  // one per bound, plus +Inf
  double sum_ = 0;
  uint64_t count_ = 0;
};

// One open instance in /stats and /metrics.
struct InstanceStat {
  std::string zone;
  uint32_t instance = 0;
  std::string kind;
  uint32_t players = 0;
  uint32_t capacity = 0;
};

// What the registry advertises about this process's load (zone/redis_registry.hpp), for the
// admin console's live world view.
struct LiveLoad {
  double tick_p99_ms = 0;  // over the last kLiveTickSampleCapacity ticks
  // Payload bytes sent per player per second since the previous measure; nullopt without
  // players (or before a first interval).
  std::optional<double> bytes_out_per_player_s;
};

class ZoneMetrics {
 public:
  ZoneMetrics();

  std::atomic<uint64_t> bytes_in{0}, bytes_out{0}, messages_in{0}, messages_out{0};
  // Gather writes to client sockets (one sendmsg each, unless the kernel took part of one).
  std::atomic<uint64_t> writes_out{0};
  // Of those, the ones the socket's send buffer could not take at once: the rest waited for
  // the socket to drain (a client reading slowly, or a burst).
  std::atomic<uint64_t> writes_deferred{0};
  std::atomic<uint64_t> connections_accepted{0};
  std::atomic<uint32_t> connections{0}, players{0}, instances{0}, entities{0};
  std::atomic<uint64_t> ticks{0}, ticks_overrun{0};
  std::atomic<uint32_t> monsters{0}, monsters_awake{0};
  std::atomic<uint64_t> path_queries{0};  // navmesh path queries since start
  // Chat lines players sent (accepted ones) and lines delivered from the relay.
  std::atomic<uint64_t> chat_lines_in{0}, chat_lines_out{0};
  // Client messages the network thread could not hand to the simulation (Inbox full).
  std::atomic<uint64_t> inbound_dropped{0};
  // accept() failures (EMFILE, ENFILE, ...); each one backs the acceptor off.
  std::atomic<uint64_t> accept_errors{0};
  // Hello timeouts postponed because the Hello had arrived but we had not read it yet.
  std::atomic<uint64_t> hello_waits_extended{0};
  // Connections closed at accept, before any read, by the limit they hit.
  std::atomic<uint64_t> refused_pending_per_ip{0}, refused_pending_total{0},
      refused_max_connections{0};

  void count_kick(protocol::KickReason reason);
  void record_tick(double ms);
  // Monster AI time of one tick, all instances (World::last_ai_ns): /stats ai_ms_p99.
  void record_ai(double ms);
  void record_server_latency(double ms);
  void record_rtt(double ms);

  // The load now, `now_s` on a monotonic clock in seconds (time is passed in). Measures the
  // byte rate since the previous call at least kMinLiveRateSeconds ago; a call sooner returns
  // the rate measured then. Independent of the /stats window.
  LiveLoad live_load(double now_s);

  // The open instances (the simulation thread refreshes them about once a second).
  void set_instances(std::vector<InstanceStat> instances);

  std::string prometheus() const;
  // The /stats object over the window since the last reset; `reset` starts a new window.
  std::string stats_json(bool reset);

 private:
  static constexpr size_t kKickSlots = static_cast<size_t>(protocol::kMaxKickReason) + 1;
  std::array<std::atomic<uint64_t>, kKickSlots> kicks_{};

  mutable std::mutex mutex_;
  Histogram tick_ms_;
  Histogram rtt_ms_;
  Histogram server_latency_ms_;
  SampleRing tick_samples_;
  Histogram ai_ms_;
  SampleRing ai_samples_;
  SampleRing latency_samples_;
  SampleRing live_tick_samples_;  // never reset: /stats resets do not shorten its window
  struct RateMark {
    double at_s = 0;
    uint64_t bytes_out = 0;
    bool set = false;
  } live_rate_mark_;
  std::optional<double> live_bytes_out_per_player_s_;
  mutable std::vector<double> scratch_;
  std::vector<InstanceStat> instances_;
  // Counter values at the start of the /stats window.
  struct Window {
    uint64_t bytes_in = 0, bytes_out = 0, messages_in = 0, messages_out = 0, ticks = 0;
    uint64_t writes_out = 0;
    std::array<uint64_t, kKickSlots> kicks{};
    uint64_t path_queries = 0;
  } window_;
};

}  // namespace omega::zone
