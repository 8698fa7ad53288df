// Codec benchmark: a realistic snapshot stream through SnapshotEncoder and WorldView.
//
// 100 walkers (5 tiles/s, a new random heading every 1.5-2.5 s, bouncing off the map edge) and
// 100 idle entities in one client's view on a 256 × 256 map, simulated at 30 Hz and sampled at
// 15 Hz for 120 s. Prints one JSON line:
//   bytes_per_moving_entity  bytes of entity data per moving-entity update: its id gap, field
//                            mask and fields (message type and header bytes excluded)
//   bytes_per_idle_entity    what the idle entities add to the stream, per idle entity-snapshot
//   encode_ns_per_entity     encode time per entity in the snapshot (moving and idle: every
//                            entity costs a baseline lookup and a compare)
//   decode_ns_per_entity     decode time per entity in the client's view
//   encode_ns_per_moving_update / decode_ns_per_moving_update  the same times per moving-entity
//                            update only (the stricter figure)
#include <chrono>
#include <cmath>
#include <cstdio>
#include <numbers>
#include <random>
#include <vector>

#include "bench/walker.hpp"
#include "protocol/snapshot.hpp"

using namespace omega::protocol;
using omega::bench::Walker;

namespace {

constexpr int kWalkers = 100, kIdlers = 100;
constexpr int kTickHz = 30, kSnapshotEvery = 2, kSeconds = 120;
constexpr float kSpeed = 5.0f, kMapTiles = 256.0f;

// The frames (state of every entity at each 15 Hz snapshot), precomputed so that only the codec
// is timed.
std::vector<std::vector<EntityState>> simulate(bool with_idle) {
  std::mt19937 rng(2026);
  std::uniform_real_distribution<float> unit(0.0f, 1.0f);
  std::vector<Walker> walkers(kWalkers);
  for (auto& w : walkers)
    w = {20 + unit(rng) * 216, 20 + unit(rng) * 216, unit(rng) * 6.2832f, 1.5f + unit(rng)};
  std::mt19937 placement(7);  // separate stream: the walkers' paths do not depend on the idlers
  std::vector<EntityState> entities;
  for (int i = 0; i < kWalkers + (with_idle ? kIdlers : 0); ++i) {
    EntityState e;
    e.id = uint32_t(1 + i * 3);  // ids interleave, as they do in a hub where players come and go
    e.kind = EntityKind::player;
    e.hp = e.max_hp = 250;
    e.mana = e.max_mana = 100;
    e.level = 10;
    e.name.assign("player" + std::to_string(i));
    e.x = uint16_t(quantize_position(10 + unit(placement) * 236));
    e.y = uint16_t(quantize_position(10 + unit(placement) * 236));
    entities.push_back(e);
  }
  std::vector<std::vector<EntityState>> frames;
  const float dt = 1.0f / kTickHz;
  for (int tick = 1; tick <= kSeconds * kTickHz; ++tick) {
    for (int i = 0; i < kWalkers; ++i) {
      Walker& w = walkers[i];
      if (!w.step(dt, kSpeed, kMapTiles, rng)) continue;
      EntityState& e = entities[i];
      e.x = uint16_t(quantize_position(w.x));
      e.y = uint16_t(quantize_position(w.y));
      e.facing = quantize_angle(w.heading);
      e.move_state = MoveState::walking;
    }
    if (tick % kSnapshotEvery == 0) frames.push_back(entities);
  }
  for (auto& frame : frames)
    std::sort(frame.begin(), frame.end(), [](auto& a, auto& b) { return a.id < b.id; });
  return frames;
}

struct StreamResult {
  std::vector<std::vector<uint8_t>> messages;
  size_t bytes_after_first = 0;  // all snapshots but the first (which holds the enters)
  size_t updates_written = 0;
  double encode_ns = 0, decode_ns = 0;
};

StreamResult run(const std::vector<std::vector<EntityState>>& frames, int repeats) {
  StreamResult result;
  using Clock = std::chrono::steady_clock;
  for (int r = 0; r < repeats; ++r) {
    SnapshotEncoder encoder(0);
    std::vector<std::vector<uint8_t>> messages(frames.size());
    size_t updates = 0;
    const auto start = Clock::now();
    for (size_t i = 0; i < frames.size(); ++i) {
      messages[i].reserve(1024);
      SnapshotFrame frame{uint32_t(2 * (i + 1)), 0, {}, {}, {}};
      if (i == 0)
        frame.enters = frames[i];
      else
        frame.updates = frames[i];
      updates += encoder.encode(frame, messages[i]);
    }
    result.encode_ns += std::chrono::duration<double, std::nano>(Clock::now() - start).count();
    WorldView view(0);
    const auto decode_start = Clock::now();
    for (const auto& message : messages)
      if (view.apply(message) != DecodeError::none) std::abort();
    result.decode_ns +=
        std::chrono::duration<double, std::nano>(Clock::now() - decode_start).count();
    result.messages = std::move(messages);
    result.updates_written = updates;
  }
  result.encode_ns /= repeats;
  result.decode_ns /= repeats;
  for (size_t i = 1; i < result.messages.size(); ++i)
    result.bytes_after_first += result.messages[i].size();
  return result;
}

}  // namespace

int main() {
  const auto mixed_frames = simulate(true);
  const auto moving_frames = simulate(false);
  const StreamResult mixed = run(mixed_frames, 20);
  const StreamResult moving = run(moving_frames, 1);

  // Header-only size of a snapshot with nothing in it: type byte + header + three counts.
  SnapshotEncoder empty(0);
  std::vector<uint8_t> header_only;
  empty.encode({2, 0, {}, {}, {}}, header_only);
  const size_t snapshots = mixed.messages.size() - 1;
  const double entity_bytes =
      double(moving.bytes_after_first) - double(header_only.size()) * double(snapshots);
  const double moving_updates = double(moving.updates_written);
  const double entities_listed = double(kWalkers + kIdlers) * double(mixed.messages.size());
  std::printf(
      "{\"scenario\":\"codec\",\"bytes_per_moving_entity\":%.3f,\"bytes_per_idle_entity\":%.3f,"
      "\"encode_ns_per_entity\":%.1f,\"decode_ns_per_entity\":%.1f,"
      "\"encode_ns_per_moving_update\":%.1f,\"decode_ns_per_moving_update\":%.1f,"
      "\"moving_entities\":%d,\"idle_entities\":%d,\"snapshots\":%zu,\"snapshot_hz\":%d}\n",
      entity_bytes / moving_updates,
      (double(mixed.bytes_after_first) - double(moving.bytes_after_first)) /
          (double(kIdlers) * double(snapshots)),
      mixed.encode_ns / entities_listed, mixed.decode_ns / entities_listed,
      mixed.encode_ns / double(mixed.updates_written),
      mixed.decode_ns / double(mixed.updates_written), kWalkers, kIdlers, snapshots,
      kTickHz / kSnapshotEvery);
  return 0;
}
