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
// is kicked with input_rate as well (honest clients ping about once a second).
inline constexpr double kMaxHeartbeatsPerSecond = 20.0;  // fixed

// Live connections per remote IP. Benchmarks run 10,000 bots from 127.0.0.1 against one
// process, so the default is above that; a public deployment behind no proxy should set it
// low (e.g. 8), and the tests do.
inline constexpr uint32_t kDefaultMaxConnectionsPerIp = 20000;
// Players (sessions past Hello) per instance: admission control so an overload refuses
// newcomers with server_full instead of degrading everyone (DESIGN.md §5).
inline constexpr uint32_t kDefaultMaxPlayers = 12000;

// Messages queued to one client and not yet written to its socket. At 15 snapshots/s plus
// heartbeats, 64 messages is ~4 s of traffic: a client that falls that far behind is not
// reading, and we drop it (slow_client) instead of growing memory without end.
inline constexpr uint32_t kDefaultOutgoingQueueMessages = 64;
// The same bound in bytes, for clients whose snapshots are large (view=inf, big budgets).
inline constexpr size_t kDefaultOutgoingQueueBytes = 512 * 1024;

// A connection that has not sent Hello after this long is closed (hello_timeout): half-open
// sockets must not hold a connection slot.
inline constexpr double kDefaultHelloTimeoutSeconds = 5.0;
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
inline constexpr size_t kTickSampleCapacity = 8192;       // fixed
inline constexpr size_t kLatencySampleCapacity = 65536;   // fixed

}  // namespace omega::zone
