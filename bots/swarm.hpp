// BotSwarm: N bots in one process, each a real WebSocket client of one omega-zone.
//
// Built to put thousands of players on one core: one io_context on the calling thread, every
// socket operation asynchronous, one shared scheduler timer for all bots (not a timer each),
// reused read buffers and a fixed ring of reused outgoing buffers per connection. Each bot
// decodes every snapshot into its own protocol::WorldView.
//
// Timeline of run(): bots connect at `connect_rate`; once every bot has been welcomed (or has
// failed, or `join_timeout_s` passed) the measured window starts and lasts `seconds`; then
// every bot closes its connection and run() returns the report. Bytes, rates and latencies in
// the report cover the window only; disconnects and per-bot outcomes cover the whole run.
//
// Thread safety: run() blocks the calling thread; request_stop() may be called from any
// thread (and from a signal handler through the atomic flag).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "bots/behaviour.hpp"
#include "bots/latency_histogram.hpp"
#include "protocol/messages.hpp"
#include "protocol/snapshot.hpp"
#include "protocol/ticket.hpp"

namespace omega::bots {

// Test modes: a bot that breaks the rules on purpose, `misbehave_after_s` after its Welcome.
enum class Misbehaviour : uint8_t {
  none,
  garbage,    // a binary message of random bytes with an unknown type byte
  oversized,  // one binary message of `oversized_bytes`, above the zone's size limit
  text,       // a text frame
  flood,      // PlayerInputs at `flood_hz` (1,000/s), far above any honest client
  speedhack,  // inputs at `speedhack_hz`, always moving: tries to move faster than allowed
};
bool parse_misbehaviour(std::string_view text, Misbehaviour& out);
const char* to_string(Misbehaviour misbehaviour);

// "protocol_error", "text_frame", ...: the enum's own spelling, for reports and tests.
const char* kick_reason_name(protocol::KickReason reason);

struct BotOptions {
  Behaviour behaviour = Behaviour::wander;
  Misbehaviour misbehaviour = Misbehaviour::none;
  double input_hz = 10.0;
  double reconnect_after_s = 0.0;  // > 0: drop the connection once, this long after Welcome,
                                   // and come back with a fresh ticket for the same character
};

// What one bot saw at one snapshot: handed to SwarmConfig::on_snapshot (tests, --dump-views).
struct SnapshotObservation {
  size_t bot = 0;           // index in SwarmConfig::bots
  uint32_t self = 0;        // the bot's own entity id
  const protocol::WorldView* view = nullptr;  // after applying the snapshot
};

struct SwarmConfig {
  std::string host = "127.0.0.1";
  uint16_t port = 8081;
  std::string path = "/";
  std::string zone = "hub_city_1";  // the zone name in tickets (`open` for open:W maps)
  uint32_t instance_id = 1;
  protocol::TicketSigningKey key;   // dev key: tickets are minted here, not by the API
  uint64_t first_character_id = 1;  // bot i plays character (and account) first + i
  uint64_t lease_epoch = 1;
  uint32_t ticket_ttl_s = 300;
  std::vector<BotOptions> bots;     // one entry per bot

  double seconds = 10.0;            // measured window, after all bots joined
  double join_timeout_s = 60.0;     // start the window anyway after this long
  double connect_rate = 500.0;      // new connections per second
  double ping_interval_s = 1.0;     // Heartbeat pings for RTT
  double misbehave_after_s = 1.0;
  size_t oversized_bytes = 64 * 1024;  // 64 times the zone's default limit (1 KiB)
  double flood_hz = 1000.0;
  double speedhack_hz = 60.0;
  double stop_grace_s = 2.0;        // how long closing handshakes may take at the end
  double scheduler_hz = 100.0;      // the shared timer that paces inputs, pings, connects
  uint32_t seed = 1;                // randomness of behaviours and garbage

  std::function<void(const SnapshotObservation&)> on_snapshot;  // optional, io thread
  std::atomic<bool>* stop_flag = nullptr;  // optional: set to end the run early (signals)
};

// How one bot's run went.
struct BotResult {
  uint32_t first_entity = 0;  // entity id in the first Welcome
  uint32_t entity = 0;        // entity id in the latest Welcome
  bool welcomed = false;
  bool reconnected = false;    // dropped and came back (reconnect_after_s)
  bool same_entity_after_reconnect = false;
  uint64_t snapshots = 0;      // whole run
  uint64_t window_snapshots = 0;
  double window_connected_s = 0.0;  // time inside the window this bot was welcomed
  uint64_t inputs_sent = 0;
  // Why the zone ended this bot's connection; empty when it did not (or the bot closed).
  std::string disconnect;      // "kick:<reason>", "close:<text>", "error:<message>"
  protocol::KickReason kick = protocol::KickReason::none;  // from Kick or the close reason
  std::string decode_error;    // set when a zone message failed to decode
  // Fastest own displacement over any span of ≥ 1 s of server ticks, tiles per second.
  double max_speed_tiles_per_s = 0.0;
};

struct SwarmReport {
  size_t bots = 0;
  size_t welcomed = 0;              // bots welcomed at least once
  double join_seconds = 0.0;        // from start to the start of the window
  double window_seconds = 0.0;
  uint64_t bytes_down = 0, bytes_up = 0;          // in the window, message payloads
  uint64_t messages_down = 0, messages_up = 0;
  double bot_seconds = 0.0;         // sum over bots of time welcomed inside the window
  uint64_t window_snapshots = 0;
  LatencyHistogram rtt;             // Heartbeat ping → pong, window
  LatencyHistogram input_ack;       // PlayerInput sent → first snapshot acknowledging it
  std::map<std::string, uint64_t> disconnects;  // reason → count, whole run
  uint64_t decode_errors = 0;
  std::vector<BotResult> per_bot;
};

// Runs the swarm to completion (see the timeline above).
SwarmReport run_swarm(const SwarmConfig& config);

// The report as one JSON object (one line); `per_bot` adds a "per_bot" array.
std::string report_json(const SwarmReport& report, bool per_bot);

}  // namespace omega::bots
