// Limits a zone server enforces per connection and per process, each with the reason for its
// default. Most are defaults for ZoneConfig (config.hpp) and can be changed by operators; the
// ones marked "fixed" bound memory a peer could make us spend and are not configurable.
// docs/OPERATIONS.md (## omega-zone) lists them for operators.
#pragma once

#include <cstddef>
#include <cstdint>

namespace omega::zone {

// Largest WebSocket message a client may send. A Hello with a maximal ticket is 1 + 4 + 2 + 512
// bytes; every other client message is under 16 bytes. 1 KiB leaves room and caps what one
// frame can make us buffer (Beast's read_message_max).
inline constexpr size_t kDefaultMaxMessageBytes = 1024;

// Sustained PlayerInputs per second per connection. Honest clients send 10-30 per second; 60
// leaves twice the fastest honest rate, while a flooder at 1,000/s empties the burst below in
// well under a second.
inline constexpr double kDefaultMaxInputsPerSecond = 60.0;
// Inputs a client may send at once above the sustained rate (token bucket depth): two seconds
// of 30 Hz input bunched by a network stall still pass.
inline constexpr double kDefaultInputBurst = 60.0;
// Heartbeats are not inputs but also cost us work: a client pinging more than this per second
// is kicked with input_rate as well (honest clients ping about once a second). WebSocket ping
// frames count against the same bucket: each costs an answer too.
inline constexpr double kMaxHeartbeatsPerSecond = 20.0;  // fixed

// Chat. A player may say a line a second with a burst of five (a quick exchange); a line over
// that budget is answered with a system line, not delivered (zone/zone_server_chat.cpp). Far
// above it, ten lines a second sustained (burst twenty) is a flooding program: kicked with
// input_rate by the connection policy before the simulation sees the lines.
inline constexpr double kChatLinesPerSecond = 1.0;   // fixed
inline constexpr double kChatBurst = 5.0;            // fixed
inline constexpr double kChatFloodPerSecond = 10.0;  // fixed
inline constexpr double kChatFloodBurst = 20.0;      // fixed
// `say` reaches players within this many tiles of the speaker: about a screen.
inline constexpr float kSayRadiusTiles = 20.0f;  // fixed

// Live WebSocket sessions per remote IP: `too_many_connections` beyond it. A household or a
// small office behind one NAT address is a handful of players; 32 leaves room for that while
// one host cannot hold thousands of sessions. Load tests from one address (10,000 bots on
// 127.0.0.1) must raise it.
inline constexpr uint32_t kDefaultMaxConnectionsPerIp = 32;
// Connections from one IP that are accepted but have not finished the WebSocket handshake.
// An honest client has one at a time (two during a reconnect); eight covers a NAT address
// whose players all reconnect at once. Beyond it a new connection is closed at accept, before
// it costs a read buffer or a handshake: connections that never upgrade cannot pile up.
inline constexpr uint32_t kDefaultMaxPendingPerIp = 8;
// The same for all addresses together: a flood from many addresses leaves the file
// descriptors of established players alone.
inline constexpr uint32_t kDefaultMaxPendingConnections = 1024;
// File descriptors kept out of the connection budget (log files, the HTTP side port and its
// clients, Redis and API connections, the navmesh files): with max_connections 0 (the default)
// the process accepts at most RLIMIT_NOFILE minus this many connections, so accept() does not
// reach EMFILE in normal operation.
inline constexpr uint32_t kReservedFileDescriptors = 256;  // fixed
// After accept() fails for lack of descriptors or memory (EMFILE, ENFILE, ENOBUFS, ENOMEM),
// the next accept waits this long, doubling up to the maximum, instead of retrying at once
// (a retry loop at thousands per second starves the network thread).
inline constexpr double kAcceptBackoffMinSeconds = 0.05;  // fixed
// Connections taken from the listen queue per turn of the accepting thread: one per turn left
// a join storm queued (~50 accepts a second with 2,500 players on the thread).
inline constexpr int kAcceptBurst = 64;                  // fixed
inline constexpr double kAcceptBackoffMaxSeconds = 1.0;  // fixed
// Players (sessions past Hello) per instance: admission control so an overload refuses
// newcomers with server_full instead of degrading everyone (docs/ARCHITECTURE.md).
inline constexpr uint32_t kDefaultMaxPlayers = 12000;

// Messages queued to one client and not yet written to its socket (a memory bound; the
// slow-client timeout below is what catches a client that stopped reading). At 15 snapshots/s
// plus heartbeats, 64 messages is ~4 s of traffic: a client that falls that far behind is
// dropped (slow_client) instead of growing memory without end. Answers to the client's own
// pings count against it too, so a ping burst cannot overrun it (issue 13).
inline constexpr uint32_t kDefaultOutgoingQueueMessages = 64;
// The same bound in bytes, for clients whose snapshots are large (view=inf, big budgets).
inline constexpr size_t kDefaultOutgoingQueueBytes = 512 * 1024;
// After a Kick the zone reads at most this much more from the connection (enough for the
// client's close frame and the inputs already on their way), then stops reading: a client
// kicked for a huge message cannot make us read its stream until the close deadline.
inline constexpr size_t kMaxBytesReadAfterKick = 64 * 1024;  // fixed

// A connection whose Hello has not arrived this long after it was accepted is closed (before
// the upgrade: the socket is closed; after it: Kick hello_timeout): half-open sockets must not
// hold a connection slot. Time the zone itself takes to get to bytes that did arrive does not
// count against the client: the deadline is extended while the socket holds unread data.
inline constexpr double kDefaultHelloTimeoutSeconds = 5.0;
// A welcomed client that has not answered the zone's oldest unanswered ping within this long
// is not reading what we send (or is hopelessly behind): Kick slow_client. Pings go out every
// heartbeat_interval_s, so a client that stops reading is dropped within about
// slow_client_timeout_s + heartbeat_interval_s, whatever the kernel buffers in between hold.
// Five seconds is far above any honest round trip and keeps memory per stuck client small.
inline constexpr double kDefaultSlowClientTimeoutSeconds = 5.0;
// A session from which nothing (not even a heartbeat) arrived for this long is closed
// (idle_timeout). Clients ping about once a second, so 15 s is many missed heartbeats.
inline constexpr double kDefaultIdleTimeoutSeconds = 15.0;
// The zone pings every client this often to measure RTT.
inline constexpr double kDefaultHeartbeatIntervalSeconds = 1.0;
// A disconnected character keeps its entity this long, so a reconnect resumes it (issue 3).
inline constexpr double kDefaultResumeWindowSeconds = 30.0;
// After a Kick, the connection is torn down at the latest this long after the close began,
// even if the peer never completes the WebSocket close handshake.
inline constexpr double kKickCloseDeadlineSeconds = 2.0;  // fixed
// On SIGTERM, how long to wait for clients to receive their shutting_down Kick.
inline constexpr double kDefaultShutdownGraceSeconds = 2.0;

// PlayerInputs held per session between two ticks. A client within its rate limit sends at
// most ~3 per 30 Hz tick; more are kept only up to this bound (the newest wins the slot), so a
// hostile burst costs a fixed amount of memory.
inline constexpr size_t kMaxPendingInputsPerSession = 32;  // fixed

// Samples kept for /stats percentiles (tick durations, server latencies): a 60 s window at
// 30 Hz for ticks; latencies of the most recent inputs.
inline constexpr size_t kTickSampleCapacity = 8192;      // fixed
inline constexpr size_t kLatencySampleCapacity = 65536;  // fixed

// The registry's load report (ZoneMetrics::live_load, written to {prefix}zoneprocs every 2 s):
// tick p99 over the last 10 s at 30 Hz, so the admin console shows now and not the last
// minutes; bytes per player per second over at least 1 s, so a registry write woken right after
// another does not report a rate measured over a few milliseconds.
inline constexpr size_t kLiveTickSampleCapacity = 300;  // fixed
inline constexpr double kMinLiveRateSeconds = 1.0;

}  // namespace omega::zone
