#include "zone/worker_pool.hpp"

#include <string>

#include "common/thread_name.hpp"

namespace omega::zone {

WorkerPool::WorkerPool(unsigned threads) {
  for (unsigned worker = 1; worker < threads; ++worker)
    helpers_.emplace_back([this, worker] { helper_loop(worker); });
}

WorkerPool::~WorkerPool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (std::thread& helper : helpers_) helper.join();
}

void WorkerPool::run(size_t count, const Task& task) {
  if (helpers_.empty() || count <= 1) {
    for (size_t index = 0; index < count; ++index) task(0, index);
    return;
  }
  {
    std::lock_guard lock(mutex_);
    task_ = &task;
    count_ = count;
    next_.store(0, std::memory_order_relaxed);
    busy_ = static_cast<unsigned>(helpers_.size());
    ++generation_;
  }
  wake_.notify_all();
  work(0);
  std::unique_lock lock(mutex_);
  done_.wait(lock, [this] { return busy_ == 0; });
  task_ = nullptr;
}

void WorkerPool::helper_loop(unsigned worker) {
  common::name_this_thread("omega-work-" + std::to_string(worker));
  unsigned long long seen = 0;
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [&] { return stopping_ || generation_ != seen; });
    if (stopping_) return;
    seen = generation_;
    lock.unlock();
    work(worker);
    lock.lock();
    if (--busy_ == 0) done_.notify_one();
  }
}

// task_ and count_ were written under the mutex before the generation changed; every worker
// read the generation under it, so they are visible here.
void WorkerPool::work(unsigned worker) noexcept {
  for (size_t index; (index = next_.fetch_add(1, std::memory_order_relaxed)) < count_;)
    (*task_)(worker, index);
}

}  // namespace omega::zone
