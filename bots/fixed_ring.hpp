// A first-in first-out ring of N slots that never allocates: the bots' outgoing messages of one
// connection (slots reused with their buffers grown), their unacknowledged inputs and their
// own recent positions (OwnTrack).
//
// Thread safety: none (one connection's, on the swarm's thread).
#pragma once

#include <array>
#include <cstddef>

namespace omega::bots {

template <class T, size_t N>
class FixedRing {
 public:
  static constexpr size_t kCapacity = N;

  // The slot at the back, as the last use left it (reuse its storage), or nullptr when full.
  T* push() {
    if (count_ == N) return nullptr;
    return &slots_[(head_ + count_++) % N];
  }
  // The slot at the back; when full, the oldest is dropped to make room.
  T& push_overwriting() {
    if (count_ == N) pop();
    return *push();
  }
  bool empty() const { return count_ == 0; }
  size_t size() const { return count_; }
  const T& front() const { return slots_[head_]; }
  // The i-th oldest (0 = front); requires i < size().
  const T& operator[](size_t i) const { return slots_[(head_ + i) % N]; }
  // Requires !empty().
  void pop() {
    head_ = (head_ + 1) % N;
    --count_;
  }
  void clear() { head_ = count_ = 0; }

 private:
  std::array<T, N> slots_{};
  size_t head_ = 0, count_ = 0;
};

}  // namespace omega::bots
