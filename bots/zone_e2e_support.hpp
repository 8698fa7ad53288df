// What the zone's end-to-end tests share: the dev ticket key, a standalone zone's environment
// and start, the bots' configuration against it, and reading its /stats and /metrics.
// Tests only.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "bots/swarm.hpp"
#include "bots/zone_process.hpp"
#include "protocol/ticket.hpp"

namespace omega::bots::testing {

#if defined(__SANITIZE_ADDRESS__)
inline constexpr double kSlowdown = 4.0;  // sanitizer builds: scale timeouts, never bot counts
#else
inline constexpr double kSlowdown = 1.0;
#endif

inline constexpr const char* kSeedHex =
    "0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e";

inline protocol::TicketSigningKey dev_key() {
  return protocol::ticket_key_from_seed(*protocol::from_hex<32>(kSeedHex));
}

// A standalone zone on free ports with the dev key. Every connection in these tests comes from
// 127.0.0.1 (or another loopback address the test binds): the per-address limits, whose
// defaults are for the public Internet, are raised unless a test is about them.
inline std::map<std::string, std::string> zone_env(const std::string& map) {
  return {{"OMEGA_ZONE_HOST", "127.0.0.1"},
          {"OMEGA_ZONE_PORT", "0"},
          {"OMEGA_ZONE_HTTP_PORT", "0"},
          {"OMEGA_ZONE_TICKET_PUBLIC_KEY", protocol::to_hex(dev_key().public_key)},
          {"OMEGA_ZONE_MAP", map},
          {"OMEGA_ZONE_INSTANCE_ID", "1"},
          {"OMEGA_ZONE_MAX_CONNECTIONS_PER_IP", "100000"},
          {"OMEGA_ZONE_MAX_PENDING_PER_IP", "100000"}};
}

inline std::unique_ptr<ZoneProcess> start_zone(const std::map<std::string, std::string>& env,
                                               unsigned open_files_limit = 0) {
  std::string error;
  auto zone = ZoneProcess::start(env, 10.0 * kSlowdown, error, open_files_limit);
  EXPECT_NE(zone, nullptr) << error;
  return zone;
}

inline SwarmConfig swarm_config(const ZoneProcess& zone, const std::string& zone_name, size_t bots,
                                double seconds) {
  SwarmConfig c;
  c.port = zone.ws_port();
  c.zone = zone_name;
  c.instance_id = 1;
  c.key = dev_key();
  c.bots.assign(bots, BotOptions{});
  c.seconds = seconds;
  c.join_timeout_s = 10.0 * kSlowdown;
  c.connect_rate = 200.0;
  c.stop_grace_s = 2.0;
  return c;
}

// The value of the first /metrics sample whose name (with labels) is `series`, or -1.
inline double metric(const ZoneProcess& zone, const std::string& series) {
  const std::string body = http_get(zone.http_port(), "/metrics");
  const std::string key = "\n" + series + " ";
  const size_t at = body.find(key);
  if (at == std::string::npos) return -1;
  return std::stod(body.substr(at + key.size()));
}

// Waits until `done()` or `timeout_s`; true when done.
template <class Done>
bool wait_for(double timeout_s, Done done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return done();
}

// A swarm playing on a thread of its own (its window long) until finish().
struct BackgroundBots {
  explicit BackgroundBots(SwarmConfig swarm) : config(std::move(swarm)) {
    config.stop_flag = &stop;
    thread = std::thread([this] { report = run_swarm(config); });
  }
  ~BackgroundBots() {
    if (thread.joinable()) finish();
  }
  SwarmReport finish() {
    stop = true;
    thread.join();
    return report;
  }
  std::atomic<bool> stop{false};
  SwarmConfig config;
  SwarmReport report;
  std::thread thread;
};

}  // namespace omega::bots::testing
