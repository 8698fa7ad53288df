#include "client/delayed_transport.hpp"

#include <algorithm>

namespace omega::client {

DelayedTransport::DelayedTransport(std::unique_ptr<Transport> inner, LatencyProfile profile)
    : inner_(std::move(inner)), profile_(profile), rng_state_(profile.seed ? profile.seed : 1) {}

double DelayedTransport::delay() {
  rng_state_ ^= rng_state_ >> 12;
  rng_state_ ^= rng_state_ << 25;
  rng_state_ ^= rng_state_ >> 27;
  const double unit =
      static_cast<double>((rng_state_ * 0x2545f4914f6cdd1dull) >> 11) * (1.0 / 9007199254740992.0);
  return profile_.one_way_seconds + profile_.jitter_seconds * unit;
}

void DelayedTransport::connect(const std::string& url) {
  incoming_.clear();
  outgoing_.clear();
  inner_->connect(url);
}

void DelayedTransport::send(std::vector<uint8_t> message) {
  const double due = std::max(last_out_due_, last_now_ + delay());
  last_out_due_ = due;
  outgoing_.push_back({due, {TransportEvent::Kind::message, std::move(message), {}}});
}

void DelayedTransport::close() {
  outgoing_.clear();
  inner_->close();
}

void DelayedTransport::flush_outgoing(double now) {
  while (!outgoing_.empty() && outgoing_.front().due <= now) {
    inner_->send(std::move(outgoing_.front().event.bytes));
    outgoing_.pop_front();
  }
}

bool DelayedTransport::poll(double now, TransportEvent& event) {
  last_now_ = now;
  flush_outgoing(now);
  TransportEvent arrived;
  while (inner_->poll(now, arrived)) {
    // Connection events are delayed like messages, so they stay in order with them.
    const double due = std::max(last_in_due_, now + delay());
    last_in_due_ = due;
    incoming_.push_back({due, std::move(arrived)});
    arrived = {};
  }
  if (incoming_.empty() || incoming_.front().due > now) return false;
  event = std::move(incoming_.front().event);
  incoming_.pop_front();
  return true;
}

}  // namespace omega::client
