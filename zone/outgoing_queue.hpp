// OutgoingQueue: the messages queued to one client and not yet written to its socket, as a
// fixed ring that can never overrun.
//
// Every ordinary message (snapshots, events, answers to pings) goes through try_push(), which
// refuses a message beyond the message or byte limit; the caller then drops the client
// (slow_client). One more slot is kept for the connection's last message, the Kick
// (push_final()), so a Kick always fits: a full queue is trimmed to the write in flight first.
// A write takes the oldest messages (begin_write) and releases them when it completes
// (finish_write); messages in flight are never dropped, since the socket still reads their bytes.
//
// Thread safety: none; one per connection, used by the network thread.
#pragma once

#include <algorithm>
#include <cassert>
#include <cstddef>
#include <vector>

#include "zone/outgoing_message.hpp"

namespace omega::zone {

class OutgoingQueue {
 public:
  // At most `max_messages` ordinary messages and `max_bytes` of payload, plus the final one.
  OutgoingQueue(size_t max_messages, size_t max_bytes)
      : max_messages_(max_messages), max_bytes_(max_bytes), ring_(max_messages + 1) {}
  OutgoingQueue(const OutgoingQueue&) = delete;
  OutgoingQueue& operator=(const OutgoingQueue&) = delete;

  // Queues `message` unless that would pass a limit (then false, and the queue is unchanged).
  bool try_push(MessageRef&& message) {
    if (final_pushed_ || count_ >= max_messages_ || bytes_ + message.bytes().size() > max_bytes_)
      return false;
    append(std::move(message));
    return true;
  }

  // Queues the connection's last message whatever the limits: when no slot is free, the
  // messages not yet in flight make room (a client that far behind loses them anyway).
  // Later pushes are refused.
  void push_final(MessageRef&& message) {
    if (final_pushed_) return;
    if (count_ == ring_.size()) drop_unsent();
    final_pushed_ = true;
    append(std::move(message));
  }

  // Drops every message not in flight: what a slow client has not taken is lost.
  void drop_unsent() {
    while (count_ > in_flight_) {
      MessageRef& last = ring_[index(count_ - 1)];
      bytes_ -= last.bytes().size();
      last.reset();
      --count_;
    }
  }

  // Marks the oldest messages, at most `limit`, as in flight; returns how many.
  size_t begin_write(size_t limit) {
    assert(in_flight_ == 0);
    in_flight_ = std::min(count_, limit);
    return in_flight_;
  }
  // The i-th message of the write in flight (i < in_flight()).
  const MessageRef& in_flight_message(size_t i) const { return ring_[index(i)]; }
  // Releases the messages of the completed write; returns their payload bytes.
  size_t finish_write() {
    size_t payload = 0;
    for (; in_flight_ > 0; --in_flight_) {
      MessageRef& front = ring_[head_];
      payload += front.bytes().size();
      front.reset();
      head_ = (head_ + 1) % ring_.size();
      --count_;
    }
    bytes_ -= payload;
    return payload;
  }

  size_t size() const { return count_; }
  size_t bytes() const { return bytes_; }
  size_t in_flight() const { return in_flight_; }
  bool empty() const { return count_ == 0; }

 private:
  size_t index(size_t i) const { return (head_ + i) % ring_.size(); }
  void append(MessageRef&& message) {
    assert(count_ < ring_.size());
    bytes_ += message.bytes().size();
    ring_[index(count_)] = std::move(message);
    ++count_;
  }

  size_t max_messages_;
  size_t max_bytes_;
  std::vector<MessageRef> ring_;
  size_t head_ = 0, count_ = 0, bytes_ = 0, in_flight_ = 0;
  bool final_pushed_ = false;
};

}  // namespace omega::zone
