// What the network panel shows: round-trip time, bytes per second in and out (WebSocket message
// payloads, the same measure the zone's /stats uses), and snapshots per second.
//
// Rates are counted over whole one-second windows, so the panel shows steady numbers rather
// than per-frame noise. Time is passed in. Thread safety: none; owned by the session.
#pragma once

#include <cstdint>

namespace omega::client {

class NetStats {
 public:
  void reset();
  void record_in(double now, uint64_t bytes);
  void record_out(double now, uint64_t bytes);
  void record_snapshot(double now);
  void record_rtt(double milliseconds);
  // Closes the current window when a second has passed (call every frame).
  void update(double now);

  double rtt_ms() const { return rtt_ms_; }  // latest sample
  double rtt_smoothed_ms() const { return smoothed_rtt_ms_; }
  double kilobytes_in_per_second() const { return rate_in_ / 1000.0; }
  double kilobytes_out_per_second() const { return rate_out_ / 1000.0; }
  double snapshots_per_second() const { return rate_snapshots_; }
  uint64_t total_bytes_in() const { return total_in_; }
  uint64_t total_bytes_out() const { return total_out_; }
  uint64_t total_snapshots() const { return total_snapshots_; }

 private:
  bool started_ = false;
  double window_start_ = 0.0;
  uint64_t window_in_ = 0, window_out_ = 0, window_snapshots_ = 0;
  double rate_in_ = 0.0, rate_out_ = 0.0, rate_snapshots_ = 0.0;
  uint64_t total_in_ = 0, total_out_ = 0, total_snapshots_ = 0;
  double rtt_ms_ = 0.0, smoothed_rtt_ms_ = 0.0;
  bool have_rtt_ = false;
};

}  // namespace omega::client
