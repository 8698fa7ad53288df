// WorkerPool: runs the independent tasks of one step on a fixed set of threads — the calling
// thread and threads() - 1 helpers — and returns when every task has run. The zone's
// simulation thread uses it to plan and encode its clients' snapshots in parallel
// (`snapshot_threads`, docs/OPERATIONS.md); everything else of a tick stays serial.
//
// A task is told which worker runs it (0 = the calling thread), so per-worker scratch (a
// SnapshotPlanner each) needs no lock. Which worker runs which task varies from run to run:
// results must not depend on it (each task writes its own output slot).
//
// Thread safety: run() from one thread at a time; tasks run concurrently with each other and
// must not throw (an escaping exception terminates the process).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace omega::zone {

class WorkerPool {
 public:
  using Task = std::function<void(unsigned worker, size_t index)>;

  // threads >= 1 (0 counts as 1); with 1 there is no helper and run() is a plain loop.
  explicit WorkerPool(unsigned threads);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  unsigned threads() const { return static_cast<unsigned>(helpers_.size()) + 1; }

  // Calls task(worker, index) exactly once for every index in [0, count), worker < threads(),
  // and returns when every call has returned.
  void run(size_t count, const Task& task);

 private:
  void helper_loop(unsigned worker);
  void work(unsigned worker) noexcept;

  std::mutex mutex_;
  std::condition_variable wake_;  // helpers: a run started, or stop
  std::condition_variable done_;  // run(): the last helper finished
  const Task* task_ = nullptr;
  size_t count_ = 0;
  std::atomic<size_t> next_{0};
  unsigned long long generation_ = 0;
  unsigned busy_ = 0;  // helpers not yet done with the current run
  bool stopping_ = false;
  std::vector<std::thread> helpers_;
};

}  // namespace omega::zone
