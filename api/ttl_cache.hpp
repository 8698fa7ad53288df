// A small in-process cache whose entries expire after a fixed time, used on the fast paths
// (token versions, characters, leaderboard pages) so that hot reads are answered on the I/O
// thread without a database or Redis round trip. Thread-safe (one mutex: the critical
// sections are a hash lookup). Bounded: when full, it is cleared rather than grown.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <unordered_map>

namespace omega::api {

template <class Key, class Value, class Hash = std::hash<Key>>
class TtlCache {
 public:
  using Clock = std::chrono::steady_clock;

  TtlCache(std::chrono::milliseconds ttl, std::size_t capacity) : ttl_(ttl), capacity_(capacity) {}
  TtlCache(const TtlCache&) = delete;
  TtlCache& operator=(const TtlCache&) = delete;

  std::optional<Value> get(const Key& key) const {
    if (ttl_.count() <= 0) return std::nullopt;
    std::lock_guard lock(mutex_);
    const auto it = entries_.find(key);
    if (it == entries_.end() || it->second.expires <= Clock::now()) return std::nullopt;
    return it->second.value;
  }

  void put(const Key& key, Value value) {
    if (ttl_.count() <= 0) return;
    std::lock_guard lock(mutex_);
    if (entries_.size() >= capacity_ && !entries_.count(key)) entries_.clear();
    entries_[key] = Entry{std::move(value), Clock::now() + ttl_};
  }

  void erase(const Key& key) {
    std::lock_guard lock(mutex_);
    entries_.erase(key);
  }

  void clear() {
    std::lock_guard lock(mutex_);
    entries_.clear();
  }

 private:
  struct Entry {
    Value value;
    Clock::time_point expires;
  };
  std::chrono::milliseconds ttl_;
  std::size_t capacity_;
  mutable std::mutex mutex_;
  std::unordered_map<Key, Entry, Hash> entries_;
};

}  // namespace omega::api
