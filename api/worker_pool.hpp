// A fixed set of threads running blocking work (PostgreSQL, Redis, password hashing) so
// that I/O threads never block. The queue is bounded: when it is full, post() refuses and
// the caller answers 503 instead of letting latency and memory grow without end.
// Thread-safe.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace omega::api {

class WorkerPool {
 public:
  WorkerPool(int threads, std::size_t max_queued);
  ~WorkerPool();  // runs what is queued, then joins
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // False (and `task` dropped) when the queue is full or the pool is stopping.
  bool post(std::function<void()> task);
  std::size_t queued() const;

 private:
  void run();

  std::size_t max_queued_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace omega::api
