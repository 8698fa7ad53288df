// OutgoingMessage: one encoded message on its way to one or more clients, reference-counted
// and recycled through a MessagePool, so broadcasting shares one immutable payload and a
// steady-state tick allocates no message buffers (their capacity is kept between uses).
//
// Thread safety: the simulation thread fills a message, then hands references to the network
// thread; after that the bytes are read-only. Reference counts are atomic; the pool is
// mutex-protected (one lock per released message, on the network thread).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

namespace omega::zone {

class MessagePool;

struct OutgoingMessage {
  std::vector<uint8_t> bytes;
  // When set, the arrival time (steady clock, ns) of the oldest input this snapshot
  // acknowledges: the network thread records server latency when it starts writing it.
  int64_t ack_arrival_ns = 0;
  // A ping of the zone's (Heartbeat, not a pong) with this timestamp: the network thread
  // starts timing the client's answer when it writes it (PingTracker).
  bool is_ping = false;
  uint32_t ping_ms = 0;
  std::atomic<uint32_t> refs{0};
  MessagePool* pool = nullptr;
};

class MessageRef {
 public:
  MessageRef() = default;
  explicit MessageRef(OutgoingMessage* m) : m_(m) {
    if (m_) m_->refs.fetch_add(1, std::memory_order_relaxed);
  }
  MessageRef(const MessageRef& o) : MessageRef(o.m_) {}
  MessageRef(MessageRef&& o) noexcept : m_(std::exchange(o.m_, nullptr)) {}
  MessageRef& operator=(MessageRef o) noexcept {
    std::swap(m_, o.m_);
    return *this;
  }
  ~MessageRef() { reset(); }
  void reset();

  explicit operator bool() const { return m_ != nullptr; }
  OutgoingMessage* operator->() const { return m_; }
  OutgoingMessage& operator*() const { return *m_; }
  const std::vector<uint8_t>& bytes() const { return m_->bytes; }

 private:
  OutgoingMessage* m_ = nullptr;
};

class MessagePool {
 public:
  MessagePool() = default;
  MessagePool(const MessagePool&) = delete;
  MessagePool& operator=(const MessagePool&) = delete;

  // An empty message (bytes cleared, capacity kept).
  MessageRef acquire();
  void release(OutgoingMessage* message);
  size_t allocated() const;

 private:
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<OutgoingMessage>> all_;
  std::vector<OutgoingMessage*> free_;
};

inline void MessageRef::reset() {
  if (m_ && m_->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) m_->pool->release(m_);
  m_ = nullptr;
}

inline MessageRef MessagePool::acquire() {
  OutgoingMessage* m = nullptr;
  {
    std::lock_guard lock(mutex_);
    if (!free_.empty()) {
      m = free_.back();
      free_.pop_back();
    } else {
      all_.push_back(std::make_unique<OutgoingMessage>());
      m = all_.back().get();
      m->pool = this;
    }
  }
  m->bytes.clear();
  m->ack_arrival_ns = 0;
  m->is_ping = false;
  m->ping_ms = 0;
  return MessageRef(m);
}

inline void MessagePool::release(OutgoingMessage* message) {
  std::lock_guard lock(mutex_);
  free_.push_back(message);
}

inline size_t MessagePool::allocated() const {
  std::lock_guard lock(mutex_);
  return all_.size();
}

}  // namespace omega::zone
