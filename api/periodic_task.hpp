// A background pass on its own thread, every interval, stopped by the destructor: the market's
// expiry sweeper, the tournament matchmaker, housekeeping. The first pass runs one interval
// after start(), so starting opens no connection. Declare it after every member its pass uses:
// it is destroyed (and its thread joined) first.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace omega::api {

class PeriodicTask {
 public:
  PeriodicTask() = default;
  ~PeriodicTask();  // wakes the thread and waits for a pass in progress to finish
  PeriodicTask(const PeriodicTask&) = delete;
  PeriodicTask& operator=(const PeriodicTask&) = delete;

  // Calls pass() every `interval` until destruction. Call once. `pass` catches its own errors.
  void start(std::chrono::milliseconds interval, std::function<void()> pass);

 private:
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace omega::api
