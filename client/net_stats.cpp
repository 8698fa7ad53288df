#include "client/net_stats.hpp"

namespace omega::client {

void NetStats::reset() {
  *this = NetStats{};
}

void NetStats::update(double now) {
  if (!started_) {
    started_ = true;
    window_start_ = now;
    return;
  }
  const double elapsed = now - window_start_;
  if (elapsed < 1.0) return;
  rate_in_ = static_cast<double>(window_in_) / elapsed;
  rate_out_ = static_cast<double>(window_out_) / elapsed;
  rate_snapshots_ = static_cast<double>(window_snapshots_) / elapsed;
  window_in_ = window_out_ = window_snapshots_ = 0;
  window_start_ = now;
}

void NetStats::record_in(double now, uint64_t bytes) {
  update(now);
  window_in_ += bytes;
  total_in_ += bytes;
}

void NetStats::record_out(double now, uint64_t bytes) {
  update(now);
  window_out_ += bytes;
  total_out_ += bytes;
}

void NetStats::record_snapshot(double now) {
  update(now);
  ++window_snapshots_;
  ++total_snapshots_;
}

void NetStats::record_rtt(double milliseconds) {
  rtt_ms_ = milliseconds;
  // RFC 6298's smoothing factor: follows a change within ~8 samples (8 s at 1 ping/s).
  smoothed_rtt_ms_ =
      have_rtt_ ? smoothed_rtt_ms_ + (milliseconds - smoothed_rtt_ms_) / 8.0 : milliseconds;
  have_rtt_ = true;
}

}  // namespace omega::client
