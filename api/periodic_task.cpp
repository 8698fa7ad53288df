#include "api/periodic_task.hpp"

#include <utility>

namespace omega::api {

PeriodicTask::~PeriodicTask() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void PeriodicTask::start(std::chrono::milliseconds interval, std::function<void()> pass) {
  thread_ = std::thread([this, interval, pass = std::move(pass)] {
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, interval, [this] { return stopping_; })) {
      lock.unlock();
      pass();
      lock.lock();
    }
  });
}

}  // namespace omega::api
