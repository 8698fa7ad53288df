// A latency layer around another transport: every message in each direction is held for a
// one-way delay plus uniform jitter before it is passed on, keeping order (WebSocket is
// ordered, so a jittered message never overtakes an earlier one). Used by the tests of play at
// 150 ms RTT with jitter, and by `omega-client --simulate-latency MS --simulate-jitter MS`.
//
// Time is the caller's clock (`now` in poll and send_at). Thread safety: as Transport.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>

#include "client/transport.hpp"

namespace omega::client {

struct LatencyProfile {
  double one_way_seconds = 0.075;  // 150 ms round trip
  double jitter_seconds = 0.02;    // each message: + uniform [0, jitter]
  uint64_t seed = 1;
};

class DelayedTransport final : public Transport {
 public:
  DelayedTransport(std::unique_ptr<Transport> inner, LatencyProfile profile);

  void connect(const std::string& url) override;
  void send(std::vector<uint8_t> message) override;
  void close() override;
  bool poll(double now, TransportEvent& event) override;

  Transport& inner() { return *inner_; }

 private:
  struct Held {
    double due = 0.0;
    TransportEvent event;
  };
  double delay();
  void flush_outgoing(double now);

  std::unique_ptr<Transport> inner_;
  LatencyProfile profile_;
  uint64_t rng_state_;
  double last_now_ = 0.0;
  double last_in_due_ = 0.0, last_out_due_ = 0.0;
  std::deque<Held> incoming_;
  std::deque<Held> outgoing_;
};

}  // namespace omega::client
