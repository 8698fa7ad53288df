// PingTracker: which of the zone's pings to one client are still unanswered, timed from when
// each was handed to the kernel — not from when the simulation queued it — so that time the
// zone itself spends behind (a join storm, a full network thread) never counts against the
// client. A client still sending but leaving a ping unanswered for slow_client_timeout_s is
// not reading what we send (Kick slow_client).
//
// Pings carry the zone's steady clock in ms (wrapping 32-bit); a pong echoes one. Pongs come
// back in order, so a pong answers its ping and every older one; pings written after it stay
// outstanding, timed (conservatively) from the newest ping's write.
//
// Thread safety: none; one per connection, on the network thread.
#pragma once

#include <cstdint>

namespace omega::zone {

class PingTracker {
 public:
  // Our ping with timestamp `ping_ms` was written to the socket at `now_ns`.
  void written(uint32_t ping_ms, int64_t now_ns) {
    if (oldest_ns_ == 0) {
      oldest_ms_ = ping_ms;
      oldest_ns_ = now_ns;
    }
    newest_ms_ = ping_ms;
    newest_ns_ = now_ns;
  }
  // A pong echoing `pong_ms` arrived.
  void answered(uint32_t pong_ms) {
    if (oldest_ns_ == 0 || static_cast<int32_t>(pong_ms - oldest_ms_) < 0) return;  // older
    if (static_cast<int32_t>(pong_ms - newest_ms_) >= 0) {
      oldest_ns_ = 0;  // everything answered
      return;
    }
    oldest_ms_ = newest_ms_;
    oldest_ns_ = newest_ns_;
  }
  // When the oldest unanswered ping was written (steady ns), or 0 when none is outstanding.
  int64_t oldest_unanswered_ns() const { return oldest_ns_; }

 private:
  uint32_t oldest_ms_ = 0, newest_ms_ = 0;
  int64_t oldest_ns_ = 0, newest_ns_ = 0;
};

}  // namespace omega::zone
