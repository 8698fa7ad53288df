// Planner benchmark: the zone's per-client snapshot work (SnapshotPlanner::plan, then
// SnapshotEncoder::encode) on one crowded hub, without sockets or game rules, so that a change
// of a few percent in either shows (the hub scenario's noise hides it).
//
// `players` walkers (5 tiles/s, a new random heading every 1.5-2.5 s, bouncing off the edge)
// spread over a 256 x 256 map (hub_city_1's size), each one a viewer with the zone's default
// interest settings (view 24 + 4 tiles, 128 entities, 1200 bytes), simulated at 30 Hz with a
// snapshot every 2nd tick per client (phases spread, as the zone spreads them). Entity ids are
// assigned to slots in a shuffled order, as churn leaves them in a live instance. Usage:
//   omega-bench-planner [players] [seconds]      (3000, 20)
// Prints one JSON line:
//   plan_ns_per_snapshot     SnapshotPlanner::plan per client snapshot
//   encode_ns_per_snapshot   SnapshotEncoder::encode of the planned frame
//   ns_per_snapshot          both; players × snapshot_hz × this = the core share of snapshots
//   entities_per_snapshot    enters + updates + leaves per snapshot
//   bytes_per_snapshot       the encoded StateUpdate
//   stream_fnv1a             a hash of every snapshot's bytes: equal before and after a change
//                            that must not change what clients receive
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <numbers>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "bench/walker.hpp"
#include "protocol/snapshot.hpp"
#include "zone/interest_grid.hpp"
#include "zone/snapshot_planner.hpp"

using namespace omega;

namespace {

constexpr int kTickHz = 30, kSnapshotEvery = 2, kWarmupTicks = 60;
constexpr float kSpeed = 5.0f, kMapTiles = 256.0f, kCellTiles = 14.0f;  // (24 + 4) / 2

struct Viewer {
  zone::ClientInterest interest;
  std::unique_ptr<protocol::SnapshotEncoder> encoder =
      std::make_unique<protocol::SnapshotEncoder>();
};

}  // namespace

int main(int argc, char** argv) {
  const int players = argc > 1 ? std::atoi(argv[1]) : 3000;
  const int seconds = argc > 2 ? std::atoi(argv[2]) : 20;
  if (players < 1 || seconds < 1) {
    std::fprintf(stderr, "usage: omega-bench-planner [players >= 1] [seconds >= 1]\n");
    return 2;
  }
  std::mt19937 rng(2026);
  std::uniform_real_distribution<float> unit(0.0f, 1.0f);
  const auto n = static_cast<size_t>(players);
  std::vector<game::Vec2> positions(n);
  std::vector<uint8_t> active(n, 1);
  std::vector<protocol::EntityState> states(n);
  std::vector<bench::Walker> walkers(n);
  std::vector<uint32_t> ids(n);
  std::iota(ids.begin(), ids.end(), 1u);
  std::shuffle(ids.begin(), ids.end(), rng);
  for (size_t slot = 0; slot < n; ++slot) {
    positions[slot] = {2 + unit(rng) * (kMapTiles - 4), 2 + unit(rng) * (kMapTiles - 4)};
    walkers[slot] = {positions[slot].x, positions[slot].y,
                     unit(rng) * 2 * std::numbers::pi_v<float>, 1.5f + unit(rng)};
    protocol::EntityState& e = states[slot];
    e.id = ids[slot];
    e.kind = protocol::EntityKind::player;
    e.hp = e.max_hp = 250;
    e.mana = e.max_mana = 100;
    e.level = 10;
    e.name.assign("player" + std::to_string(slot));
  }
  zone::InterestGrid grid(kMapTiles, kMapTiles, kCellTiles);
  zone::SnapshotPlanner planner{zone::InterestSettings{}};
  std::vector<Viewer> viewers(n);
  const zone::EntityTable table{positions, active, states};

  using Clock = std::chrono::steady_clock;
  double plan_ns = 0, encode_ns = 0;
  uint64_t snapshots = 0, entities = 0, bytes = 0, hash = 14695981039346656037ull;
  std::vector<uint8_t> out;
  out.reserve(2048);
  const float dt = 1.0f / kTickHz;
  const int ticks = kWarmupTicks + seconds * kTickHz;
  for (int tick = 1; tick <= ticks; ++tick) {
    for (size_t slot = 0; slot < n; ++slot) {
      bench::Walker& w = walkers[slot];
      if (!w.step(dt, kSpeed, kMapTiles, rng)) continue;
      positions[slot] = {w.x, w.y};
      protocol::EntityState& e = states[slot];
      e.x = uint16_t(protocol::quantize_position(w.x));
      e.y = uint16_t(protocol::quantize_position(w.y));
      e.facing = protocol::quantize_angle(w.heading);
      e.move_state = protocol::MoveState::walking;
    }
    grid.rebuild(positions, active);
    const bool measured = tick > kWarmupTicks;
    for (size_t slot = static_cast<size_t>(tick % kSnapshotEvery); slot < n;
         slot += kSnapshotEvery) {
      Viewer& viewer = viewers[slot];
      const auto start = Clock::now();
      const protocol::SnapshotFrame frame =
          planner.plan(table, grid, static_cast<uint32_t>(slot), static_cast<uint32_t>(tick), 0,
                       viewer.interest, *viewer.encoder);
      const auto planned = Clock::now();
      out.clear();
      viewer.encoder->encode(frame, out);
      const auto encoded = Clock::now();
      if (!measured) continue;
      plan_ns += std::chrono::duration<double, std::nano>(planned - start).count();
      encode_ns += std::chrono::duration<double, std::nano>(encoded - planned).count();
      ++snapshots;
      entities += frame.enters.size() + frame.updates.size() + frame.leaves.size();
      bytes += out.size();
      for (uint8_t byte : out) hash = (hash ^ byte) * 1099511628211ull;
    }
  }
  const double count = static_cast<double>(snapshots);
  std::printf(
      "{\"scenario\":\"planner\",\"players\":%d,\"seconds\":%d,\"snapshots\":%llu,"
      "\"plan_ns_per_snapshot\":%.1f,\"encode_ns_per_snapshot\":%.1f,\"ns_per_snapshot\":%.1f,"
      "\"entities_per_snapshot\":%.2f,\"bytes_per_snapshot\":%.1f,\"snapshot_hz\":%d,"
      "\"stream_fnv1a\":\"%016llx\"}\n",
      players, seconds, static_cast<unsigned long long>(snapshots), plan_ns / count,
      encode_ns / count, (plan_ns + encode_ns) / count, static_cast<double>(entities) / count,
      static_cast<double>(bytes) / count, kTickHz / kSnapshotEvery,
      static_cast<unsigned long long>(hash));
  return 0;
}
