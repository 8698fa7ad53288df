// BotSwarm: N bots in one process, each a real WebSocket client of an omega-zone.
//
// Two ways in. Dev-ticket mode (`api_url` empty): every bot mints its own ticket with a dev key
// for one zone instance (the hub bench, the zone's e2e tests). API mode: every bot registers an
// account on omega-api, logs in, creates a character, asks POST /v1/play where to go, follows
// the zone's Transfer messages from zone to zone, and after losing its zone asks /v1/play again
// (crash recovery) for `replay_timeout_s` with backoff. API calls block, so they run on a few
// worker threads and hand their results back to the network thread (bots/api_flow).
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
#include "bots/travel.hpp"
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

struct BotOptions {
  Behaviour behaviour = Behaviour::wander;
  Misbehaviour misbehaviour = Misbehaviour::none;
  double input_hz = 10.0;
  double reconnect_after_s = 0.0;  // > 0: drop the connection once, this long after Welcome,
                                   // and come back with a fresh ticket for the same character
};

// What one bot saw at one snapshot: handed to SwarmConfig::on_snapshot (tests, --dump-views).
struct SnapshotObservation {
  size_t bot = 0;                             // index in SwarmConfig::bots
  uint32_t self = 0;                          // the bot's own entity id
  const protocol::WorldView* view = nullptr;  // after applying the snapshot
  const std::string* zone = nullptr;          // from the latest Welcome
  uint32_t instance = 0;
  uint64_t character_id = 0;  // API mode; dev mode: the ticket's character
};

struct SwarmConfig {
  std::string host = "127.0.0.1";
  uint16_t port = 8081;
  std::string path = "/";
  bool tls = false;  // wss:// (dev-ticket mode's --url)
  // TLS (wss:// and https://): trust this PEM CA file instead of the system store. The
  // certificate and the host name are always verified.
  std::string ca_file;
  std::string zone = "hub_city_1";  // the zone name in tickets (`open` for open:W maps)
  uint32_t instance_id = 1;
  protocol::TicketSigningKey key;   // dev key: tickets are minted here, not by the API
  uint64_t first_character_id = 1;  // bot i plays character (and account) first + i
  uint64_t lease_epoch = 1;
  uint32_t ticket_ttl_s = 300;
  std::vector<BotOptions> bots;  // one entry per bot

  double seconds = 10.0;         // measured window, after all bots joined
  double join_timeout_s = 60.0;  // start the window anyway after this long
  // A connection that has not finished TCP, TLS and the WebSocket upgrade this long after it
  // started is dropped as lost (a proxy that holds the upgrade while the zone is away).
  double connect_timeout_s = 10.0;
  double connect_rate = 500.0;   // new connections per second
  double ping_interval_s = 1.0;  // Heartbeat pings for RTT
  double misbehave_after_s = 1.0;
  size_t oversized_bytes = 64 * 1024;  // 64 times the zone's default limit (1 KiB)
  double flood_hz = 1000.0;
  double speedhack_hz = 60.0;
  double stop_grace_s = 2.0;    // how long closing handshakes may take at the end
  double scheduler_hz = 100.0;  // the shared timer that paces inputs, pings, connects
  uint32_t seed = 1;            // randomness of behaviours and garbage

  // API mode (set api_url): accounts `<account_prefix>_<i>`, characters `<account_prefix>c<i>`
  // (an existing account and its first character are reused, so a restarted run resumes).
  std::string api_url;  // http[s]://HOST:PORT
  std::string account_prefix = "bot";
  std::string play_zone;           // zone of the first /v1/play ("" = the character's own)
  size_t party_size = 0;           // > 1: bots 0..k-1, k..2k-1, ... form parties of k
  double replay_timeout_s = 30.0;  // after a lost zone, retry /v1/play this long
  size_t api_threads = 4;          // blocking API calls in flight at once
  std::vector<std::string> character_classes{"warrior", "ranger", "mage"};  // bot i: i mod n

  // Travel (both modes): walk through the portals of these zones in order (a first zone
  // equal to the starting one is skipped), staying `route_dwell_s` in each.
  std::vector<std::string> route;
  double route_dwell_s = 0.0;
  // Demo trips: a bot in a hub, every ~trip_every_s (±50 %), walks to a field through the
  // hub's portal, stays trip_every_s / 2 doing its behaviour, and walks back.
  double trip_every_s = 0.0;
  std::string content_dir = "content";  // zone maps for travel

  // Tournaments (API mode): `tournament_after_s` after its first Welcome, a bot queues for
  // `tournament` (POST /v1/tournaments/{id}/queue) and keeps playing while it waits (up to
  // `tournament_wait_s`) for "matched"; then it leaves its world instance (closes the
  // connection), joins the arena with the match's ticket, fights the other players there
  // (Behaviour::fight with pvp), and after Kick match_over plays on through /v1/play. Once.
  std::string tournament;
  double tournament_after_s = 5.0;
  double tournament_wait_s = 120.0;

  // Chat (load and e2e tests): every ~chat_every_s (±50 %) a welcomed bot sends a line on
  // `chat_channel` ("say", "party" or "world"), "bot line <n> t=<unix µs>": the send time, so
  // the bots that receive it (of any swarm on this machine) record the delivery latency
  // (report chat_delivery_ms).
  double chat_every_s = 0.0;
  std::string chat_channel = "world";
  std::string chat_to;  // not empty: every line is a whisper to this character instead

  std::function<void(const SnapshotObservation&)> on_snapshot;  // optional, io thread
  // Optional, io thread: every GameEvent a bot receives (bot index, own entity, event).
  std::function<void(size_t, uint32_t, const protocol::GameEvent&)> on_event;
  std::atomic<bool>* stop_flag = nullptr;  // optional: set to end the run early (signals)
  // Optional: rewritten every second by the scheduler, so a health check can tell a live run
  // (`omega-bots --check-heartbeat FILE`) from a stuck one.
  std::string heartbeat_file;
};

// How one bot's run went.
struct BotResult {
  uint32_t first_entity = 0;  // entity id in the first Welcome
  uint32_t entity = 0;        // entity id in the latest Welcome
  bool welcomed = false;
  bool reconnected = false;  // dropped and came back (reconnect_after_s)
  bool same_entity_after_reconnect = false;
  uint64_t snapshots = 0;  // whole run
  uint64_t window_snapshots = 0;
  double window_connected_s = 0.0;  // time inside the window this bot was welcomed
  uint64_t inputs_sent = 0;
  // Why the zone ended this bot's connection; empty when it did not (or the bot closed).
  std::string disconnect;  // "kick:<reason>", "close:<text>", "error:<message>"
  protocol::KickReason kick = protocol::KickReason::none;  // from Kick or the close reason
  std::string decode_error;  // set when a zone message failed to decode
  // Fastest own displacement over any span of ≥ 1 s of server ticks, tiles per second.
  double max_speed_tiles_per_s = 0.0;

  // API mode and travel.
  std::string username;
  uint64_t character_id = 0;
  uint64_t party_id = 0;
  std::vector<std::string> visits;  // "zone/instance" of every Welcome, in order
  uint32_t transfers = 0;           // Transfer messages followed
  uint32_t replays = 0;             // POST /v1/play after a lost zone that led to a Welcome
  double max_replay_s = 0.0;        // longest time from a lost zone to the next Welcome
  std::string api_error;            // the last API refusal, "play: 409 zone_full"
  bool route_done = false;          // every stop of the route was reached
  int64_t gold_earned = 0;          // loot events of gold to the bot's own entity
  // Tournaments: "" (none), "queued", "matched" (in the arena), "played" (Kick match_over
  // received), or "error: <what the API said>".
  std::string tournament;
  uint64_t arena_damage_dealt = 0;  // damage events by the bot's own entity in the arena
  // Chat: lines sent, lines received (any channel), and the last 50 received as
  // "<channel> <from>: <text>".
  uint64_t chat_sent = 0;
  uint64_t chat_received = 0;
  std::vector<std::string> chat_heard;
};

struct SwarmReport {
  size_t bots = 0;
  size_t welcomed = 0;        // bots welcomed at least once
  double join_seconds = 0.0;  // from start to the start of the window
  double window_seconds = 0.0;
  uint64_t bytes_down = 0, bytes_up = 0;  // in the window, message payloads
  uint64_t messages_down = 0, messages_up = 0;
  double bot_seconds = 0.0;  // sum over bots of time welcomed inside the window
  uint64_t window_snapshots = 0;
  LatencyHistogram rtt;        // Heartbeat ping → pong, window
  LatencyHistogram input_ack;  // PlayerInput sent → first snapshot acknowledging it
  // A chat line of this run's bots: sent → received by each bot it reached, window.
  LatencyHistogram chat_delivery;
  uint64_t chat_sent = 0, chat_received = 0;    // in the window
  std::map<std::string, uint64_t> disconnects;  // reason → count, whole run
  uint64_t decode_errors = 0;
  std::vector<BotResult> per_bot;
};

// Runs the swarm to completion (see the timeline above).
SwarmReport run_swarm(const SwarmConfig& config);

// The report as one JSON object (one line); `per_bot` adds a "per_bot" array.
std::string report_json(const SwarmReport& report, bool per_bot);

}  // namespace omega::bots
