#include "zone/zone_metrics.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "common/process_metrics.hpp"
#include "zone/limits.hpp"

namespace omega::zone {
namespace {

void append_metric(std::string& out, const char* name, const char* help, const char* type,
                   double value) {
  char line[512];
  std::snprintf(line, sizeof line, "# HELP %s %s\n# TYPE %s %s\n%s %.17g\n", name, help, name, type,
                name, value);
  out += line;
}

const char* kick_label(size_t reason) {
  return protocol::kick_label(static_cast<protocol::KickReason>(reason));
}

}  // namespace

double SampleRing::percentile(double p, std::vector<double>& scratch) const {
  const size_t n = size();
  if (n == 0) return 0.0;
  scratch.assign(samples_.begin(), samples_.begin() + static_cast<ptrdiff_t>(n));
  size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(n)));
  rank = std::clamp<size_t>(rank, 1, n) - 1;
  std::nth_element(scratch.begin(), scratch.begin() + static_cast<ptrdiff_t>(rank), scratch.end());
  return scratch[rank];
}

double SampleRing::max() const {
  const size_t n = size();
  double m = 0.0;
  for (size_t i = 0; i < n; ++i) m = std::max(m, samples_[i]);
  return m;
}

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), counts_(bounds_.size() + 1, 0) {}

void Histogram::observe(double value) {
  const size_t i = static_cast<size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), value) -
                                       bounds_.begin());
  ++counts_[i];
  sum_ += value;
  ++count_;
}

void Histogram::render(const std::string& name, std::string& out) const {
  char line[256];
  uint64_t cumulative = 0;
  for (size_t i = 0; i < bounds_.size(); ++i) {
    cumulative += counts_[i];
    std::snprintf(line, sizeof line, "%s_bucket{le=\"%g\"} %llu\n", name.c_str(), bounds_[i],
                  static_cast<unsigned long long>(cumulative));
    out += line;
  }
  cumulative += counts_.back();
  std::snprintf(line, sizeof line, "%s_bucket{le=\"+Inf\"} %llu\n%s_sum %.17g\n%s_count %llu\n",
                name.c_str(), static_cast<unsigned long long>(cumulative), name.c_str(), sum_,
                name.c_str(), static_cast<unsigned long long>(count_));
  out += line;
}

ZoneMetrics::ZoneMetrics()
    : tick_ms_({0.25, 0.5, 1, 2, 3, 5, 10, 20, 33, 50, 100}),
      rtt_ms_({1, 2, 5, 10, 20, 50, 100, 200, 500, 1000}),
      server_latency_ms_({1, 5, 10, 20, 34, 50, 67, 100, 200}),
      tick_samples_(kTickSampleCapacity),
      ai_ms_({0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 33}),
      ai_samples_(kTickSampleCapacity),
      latency_samples_(kLatencySampleCapacity),
      live_tick_samples_(kLiveTickSampleCapacity) {}

void ZoneMetrics::count_kick(protocol::KickReason reason) {
  const size_t i = static_cast<size_t>(reason);
  if (i < kKickSlots) kicks_[i].fetch_add(1, std::memory_order_relaxed);
}

void ZoneMetrics::record_tick(double ms) {
  ticks.fetch_add(1, std::memory_order_relaxed);
  std::lock_guard lock(mutex_);
  tick_ms_.observe(ms);
  tick_samples_.add(ms);
  live_tick_samples_.add(ms);
}

void ZoneMetrics::record_ai(double ms) {
  std::lock_guard lock(mutex_);
  ai_ms_.observe(ms);
  ai_samples_.add(ms);
}

void ZoneMetrics::record_server_latency(double ms) {
  std::lock_guard lock(mutex_);
  server_latency_ms_.observe(ms);
  latency_samples_.add(ms);
}

void ZoneMetrics::record_rtt(double ms) {
  std::lock_guard lock(mutex_);
  rtt_ms_.observe(ms);
}

LiveLoad ZoneMetrics::live_load(double now_s) {
  const uint64_t sent = bytes_out.load();
  const uint32_t playing = players.load();
  std::lock_guard lock(mutex_);
  if (!live_rate_mark_.set) {
    live_rate_mark_ = {now_s, sent, true};
  } else if (now_s - live_rate_mark_.at_s >= kMinLiveRateSeconds) {
    const double rate =
        static_cast<double>(sent - live_rate_mark_.bytes_out) / (now_s - live_rate_mark_.at_s);
    live_bytes_out_per_player_s_ =
        playing > 0 ? std::optional<double>(rate / playing) : std::nullopt;
    live_rate_mark_ = {now_s, sent, true};
  }
  return {live_tick_samples_.percentile(99, scratch_), live_bytes_out_per_player_s_};
}

void ZoneMetrics::set_instances(std::vector<InstanceStat> list) {
  std::lock_guard lock(mutex_);
  instances_ = std::move(list);
}

std::string ZoneMetrics::prometheus() const {
  std::string out;
  out.reserve(8192);
  append_metric(out, "omega_zone_players", "Players in the world (sessions past Hello).", "gauge",
                players.load());
  append_metric(out, "omega_zone_connections", "Open WebSocket connections.", "gauge",
                connections.load());
  append_metric(out, "omega_zone_instances", "Zone instances hosted by this process.", "gauge",
                instances.load());
  append_metric(out, "omega_zone_entities", "Entities in all instances.", "gauge", entities.load());
  append_metric(out, "omega_zone_monsters", "Monsters in all instances.", "gauge", monsters.load());
  append_metric(out, "omega_zone_monsters_awake", "Monsters awake (a player near).", "gauge",
                monsters_awake.load());
  append_metric(out, "omega_zone_path_queries_total", "Navmesh path queries.", "counter",
                path_queries.load());
  append_metric(out, "omega_zone_connections_accepted_total", "Connections accepted.", "counter",
                static_cast<double>(connections_accepted.load()));
  append_metric(out, "omega_zone_bytes_in_total", "WebSocket message payload bytes received.",
                "counter", static_cast<double>(bytes_in.load()));
  append_metric(out, "omega_zone_bytes_out_total", "WebSocket message payload bytes sent.",
                "counter", static_cast<double>(bytes_out.load()));
  append_metric(out, "omega_zone_messages_in_total", "WebSocket messages received.", "counter",
                static_cast<double>(messages_in.load()));
  append_metric(out, "omega_zone_messages_out_total", "WebSocket messages sent.", "counter",
                static_cast<double>(messages_out.load()));
  append_metric(out, "omega_zone_writes_out_total",
                "Gather writes to client sockets (each carries every message queued for it).",
                "counter", static_cast<double>(writes_out.load()));
  append_metric(out, "omega_zone_writes_deferred_total",
                "Gather writes the socket could not take at once (the rest waited for it).",
                "counter", static_cast<double>(writes_deferred.load()));
  append_metric(out, "omega_zone_ticks_total", "Simulation ticks run.", "counter",
                static_cast<double>(ticks.load()));
  append_metric(out, "omega_zone_ticks_overrun_total",
                "Ticks that started late because the previous ones took too long.", "counter",
                static_cast<double>(ticks_overrun.load()));
  append_metric(out, "omega_zone_chat_lines_in_total",
                "Chat lines players sent that the zone accepted (say, party, whisper, world).",
                "counter", static_cast<double>(chat_lines_in.load()));
  append_metric(out, "omega_zone_chat_lines_out_total",
                "Party, whisper and world chat lines delivered to players of this process.",
                "counter", static_cast<double>(chat_lines_out.load()));
  append_metric(out, "omega_zone_inbound_dropped_total",
                "Client messages dropped because the simulation's inbound queue was full.",
                "counter", static_cast<double>(inbound_dropped.load()));
  append_metric(out, "omega_zone_accept_errors_total",
                "accept() failures (out of file descriptors or memory); each backs off accepting.",
                "counter", static_cast<double>(accept_errors.load()));
  append_metric(out, "omega_zone_hello_waits_extended_total",
                "Hello timeouts postponed: the Hello had arrived but was not read yet (a storm of "
                "joins).",
                "counter", static_cast<double>(hello_waits_extended.load()));
  out +=
      "# HELP omega_zone_connections_refused_total Connections closed at accept, by the "
      "limit they hit.\n";
  out += "# TYPE omega_zone_connections_refused_total counter\n";
  out += "omega_zone_connections_refused_total{limit=\"max_pending_per_ip\"} " +
         std::to_string(refused_pending_per_ip.load()) + "\n";
  out += "omega_zone_connections_refused_total{limit=\"max_pending_connections\"} " +
         std::to_string(refused_pending_total.load()) + "\n";
  out += "omega_zone_connections_refused_total{limit=\"max_connections\"} " +
         std::to_string(refused_max_connections.load()) + "\n";
  out += "# HELP omega_zone_kicks_total Connections closed by the zone, by reason.\n";
  out += "# TYPE omega_zone_kicks_total counter\n";
  for (size_t i = 1; i < kKickSlots; ++i)
    out += "omega_zone_kicks_total{reason=\"" + std::string(kick_label(i)) + "\"} " +
           std::to_string(kicks_[i].load()) + "\n";
  std::lock_guard lock(mutex_);
  out += "# HELP omega_zone_tick_duration_ms Simulation tick duration.\n";
  out += "# TYPE omega_zone_tick_duration_ms histogram\n";
  tick_ms_.render("omega_zone_tick_duration_ms", out);
  out += "# HELP omega_zone_ai_duration_ms Monster AI time per tick (all instances).\n";
  out += "# TYPE omega_zone_ai_duration_ms histogram\n";
  ai_ms_.render("omega_zone_ai_duration_ms", out);
  out += "# HELP omega_zone_rtt_ms Round-trip time of zone pings, per session sample.\n";
  out += "# TYPE omega_zone_rtt_ms histogram\n";
  rtt_ms_.render("omega_zone_rtt_ms", out);
  out +=
      "# HELP omega_zone_server_latency_ms Input arrival to departure of its acknowledging "
      "snapshot.\n";
  out += "# TYPE omega_zone_server_latency_ms histogram\n";
  server_latency_ms_.render("omega_zone_server_latency_ms", out);
  out += "# HELP omega_zone_instance_players Players in one instance.\n";
  out += "# TYPE omega_zone_instance_players gauge\n";
  for (const InstanceStat& i : instances_)
    out += "omega_zone_instance_players{zone=\"" + i.zone + "\",instance_id=\"" +
           std::to_string(i.instance) + "\"} " + std::to_string(i.players) + "\n";
  out += "# HELP omega_zone_instance_capacity Player capacity of one instance.\n";
  out += "# TYPE omega_zone_instance_capacity gauge\n";
  for (const InstanceStat& i : instances_)
    out += "omega_zone_instance_capacity{zone=\"" + i.zone + "\",instance_id=\"" +
           std::to_string(i.instance) + "\"} " + std::to_string(i.capacity) + "\n";
  out += common::process_metrics();
  return out;
}

std::string ZoneMetrics::stats_json(bool reset) {
  const uint64_t in = bytes_in.load(), out_bytes = bytes_out.load();
  const uint64_t min = messages_in.load(), mout = messages_out.load(), t = ticks.load();
  const uint64_t writes = writes_out.load();
  const uint64_t paths = path_queries.load();
  std::array<uint64_t, kKickSlots> kicks{};
  for (size_t i = 0; i < kKickSlots; ++i) kicks[i] = kicks_[i].load();

  std::lock_guard lock(mutex_);
  char head[768];
  std::snprintf(
      head, sizeof head,
      "{\"players\":%u,\"ticks\":%llu,\"tick_ms_p50\":%.4f,\"tick_ms_p99\":%.4f,"
      "\"tick_ms_max\":%.4f,\"server_latency_ms_p95\":%.4f,\"bytes_in\":%llu,\"bytes_out\":%llu,"
      "\"messages_in\":%llu,\"messages_out\":%llu,\"writes_out\":%llu,\"kicks\":{",
      players.load(), static_cast<unsigned long long>(t - window_.ticks),
      tick_samples_.percentile(50, scratch_), tick_samples_.percentile(99, scratch_),
      tick_samples_.max(), latency_samples_.percentile(95, scratch_),
      static_cast<unsigned long long>(in - window_.bytes_in),
      static_cast<unsigned long long>(out_bytes - window_.bytes_out),
      static_cast<unsigned long long>(min - window_.messages_in),
      static_cast<unsigned long long>(mout - window_.messages_out),
      static_cast<unsigned long long>(writes - window_.writes_out));
  std::string json = head;
  bool first = true;
  for (size_t i = 1; i < kKickSlots; ++i) {
    const uint64_t n = kicks[i] - window_.kicks[i];
    if (n == 0) continue;
    json += (first ? "\"" : ",\"") + std::string(kick_label(i)) + "\":" + std::to_string(n);
    first = false;
  }
  json += "},\"monsters\":" + std::to_string(monsters.load()) +
          ",\"monsters_awake\":" + std::to_string(monsters_awake.load()) +
          ",\"path_queries\":" + std::to_string(paths - window_.path_queries) +
          ",\"ai_ms_p99\":" + std::to_string(ai_samples_.percentile(99, scratch_)) +
          ",\"instances\":[";
  for (size_t i = 0; i < instances_.size(); ++i) {
    const InstanceStat& s = instances_[i];
    // Zone names are [a-z0-9_] (content and path validation), so they need no escaping.
    json += (i ? ",{\"zone\":\"" : "{\"zone\":\"") + s.zone +
            "\",\"instance\":" + std::to_string(s.instance) + ",\"kind\":\"" + s.kind +
            "\",\"players\":" + std::to_string(s.players) +
            ",\"capacity\":" + std::to_string(s.capacity) + "}";
  }
  json += "]}";
  if (reset) {
    window_ = {in, out_bytes, min, mout, t, writes, kicks, paths};
    tick_samples_.clear();
    ai_samples_.clear();
    latency_samples_.clear();
  }
  return json;
}

}  // namespace omega::zone
