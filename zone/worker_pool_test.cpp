#include "zone/worker_pool.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

namespace omega::zone {
namespace {

TEST(WorkerPool, RunsEveryTaskExactlyOnceOnEveryRun) {
  WorkerPool pool(4);
  ASSERT_EQ(pool.threads(), 4u);
  for (size_t count : {0u, 1u, 2u, 3u, 17u, 1000u}) {
    std::vector<std::atomic<int>> runs(count);
    std::atomic<unsigned> bad_worker{0};
    pool.run(count, [&](unsigned worker, size_t index) {
      if (worker >= 4) bad_worker.fetch_add(1);
      runs[index].fetch_add(1);
    });
    for (size_t i = 0; i < count; ++i) EXPECT_EQ(runs[i].load(), 1) << count << " tasks, #" << i;
    EXPECT_EQ(bad_worker.load(), 0u);
  }
}

TEST(WorkerPool, SpreadsTasksOverItsThreadsAndReturnsOnlyWhenAllAreDone) {
  WorkerPool pool(3);
  std::mutex mutex;
  std::set<std::thread::id> threads;
  std::set<unsigned> workers;
  std::atomic<int> running{0};
  std::atomic<int> finished{0};
  // Each task waits until three run at once (or gives up), so every worker must take one.
  pool.run(3, [&](unsigned worker, size_t) {
    {
      std::lock_guard lock(mutex);
      threads.insert(std::this_thread::get_id());
      workers.insert(worker);
    }
    running.fetch_add(1);
    for (int spin = 0; running.load() < 3 && spin < 5000; ++spin)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    finished.fetch_add(1);
  });
  EXPECT_EQ(finished.load(), 3);  // run() returned after the last task
  EXPECT_EQ(threads.size(), 3u);
  EXPECT_EQ(workers, (std::set<unsigned>{0, 1, 2}));
  EXPECT_TRUE(threads.count(std::this_thread::get_id()));  // worker 0 is the caller
}

TEST(WorkerPool, OneThreadRunsOnTheCaller) {
  WorkerPool pool(1);
  EXPECT_EQ(WorkerPool(0).threads(), 1u);
  std::vector<std::thread::id> ids;
  pool.run(5, [&](unsigned worker, size_t index) {
    EXPECT_EQ(worker, 0u);
    EXPECT_EQ(index, ids.size());  // in order
    ids.push_back(std::this_thread::get_id());
  });
  ASSERT_EQ(ids.size(), 5u);
  for (auto id : ids) EXPECT_EQ(id, std::this_thread::get_id());
}

}  // namespace
}  // namespace omega::zone
