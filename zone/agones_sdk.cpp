#include "zone/agones_sdk.hpp"

#include <condition_variable>
#include <mutex>
#include <thread>

#include <spdlog/spdlog.h>

#include "common/http_client.hpp"

namespace omega::zone {
namespace {

// The sidecar is on localhost and answers in microseconds; a call this slow has failed (and
// the next health ping is due soon anyway).
constexpr double kCallTimeoutSeconds = 1.0;
// While the sidecar is not up yet, say so at the first failure and then this often.
constexpr int64_t kWaitingLogIntervalNs = 10'000'000'000;
constexpr auto kShutdownRetryDelay = std::chrono::milliseconds(100);

int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// The sidecar's REST gateway: plain HTTP on the pod's loopback (tls stays off).
common::HttpEndpoint sidecar_endpoint(uint16_t port) {
  common::HttpEndpoint endpoint;
  endpoint.host = "127.0.0.1";
  endpoint.port = port;
  return endpoint;
}

}  // namespace

AgonesOccupancy agones_occupancy(const std::vector<InstanceSummary>& instances) {
  AgonesOccupancy occupancy;
  occupancy.instances = static_cast<uint32_t>(instances.size());
  for (const InstanceSummary& instance : instances) {
    occupancy.players += instance.players;
    ++occupancy.open_per_zone[instance.zone];
  }
  return occupancy;
}

struct AgonesSdk::Impl {
  Impl(uint16_t port, AgonesSettings settings, Snapshot snap, TickCount tick_count)
      : sidecar(sidecar_endpoint(port)),
        lifecycle(std::move(settings)),
        snapshot(std::move(snap)),
        ticks(std::move(tick_count)) {}

  common::HttpResponse call(const SdkRequest& request) const {
    common::HttpRequest http;
    http.method = request.method;
    http.target = request.path;
    http.body = request.body;
    http.timeout_s = kCallTimeoutSeconds;
    return common::http_call(sidecar, http);
  }

  void log_failure(const SdkRequest& request, const common::HttpResponse& reply, int64_t now) {
    if (request.kind == SdkRequest::Kind::game_server) {
      if (now < next_waiting_log_ns) return;
      next_waiting_log_ns = now + kWaitingLogIntervalNs;
      spdlog::info("agones: waiting for the SDK sidecar on 127.0.0.1:{} ({})", sidecar.port,
                   reply.status ? "HTTP " + std::to_string(reply.status) : reply.error);
    } else if (request.kind != SdkRequest::Kind::counter &&
               request.kind != SdkRequest::Kind::label) {
      spdlog::warn("agones: {} {}: {}", request.method, request.path,
                   reply.status ? "HTTP " + std::to_string(reply.status) : reply.error);
    }
  }

  void run() {
    std::unique_lock lock(mutex);
    while (!stopping) {
      const int64_t now = steady_ns();
      std::optional<SdkRequest> request =
          lifecycle.next(agones_occupancy(snapshot()), ticks(), now);
      if (!request) {
        wake.wait_for(lock, std::chrono::nanoseconds(lifecycle.idle_ns(now)));
        continue;
      }
      lock.unlock();
      const common::HttpResponse reply = call(*request);
      lock.lock();
      if (reply.status < 200 || reply.status >= 300) log_failure(*request, reply, steady_ns());
      lifecycle.done(*request, reply.status, reply.body, steady_ns());
      if (lifecycle.game_server()) known.notify_all();
    }
  }

  common::HttpEndpoint sidecar;
  AgonesLifecycle lifecycle;  // guarded by mutex
  Snapshot snapshot;
  TickCount ticks;
  int64_t next_waiting_log_ns = 0;

  std::mutex mutex;
  std::condition_variable wake, known;
  bool stopping = false;
  std::thread worker;
};

AgonesSdk::AgonesSdk(uint16_t sdk_http_port, AgonesSettings settings, Snapshot snapshot,
                     TickCount ticks)
    : impl_(std::make_unique<Impl>(sdk_http_port, std::move(settings), std::move(snapshot),
                                   std::move(ticks))) {}

AgonesSdk::~AgonesSdk() {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->stopping = true;
    impl_->wake.notify_all();
  }
  if (impl_->worker.joinable()) impl_->worker.join();
}

void AgonesSdk::start() {
  impl_->worker = std::thread([impl = impl_.get()] { impl->run(); });
}

std::optional<GameServerInfo> AgonesSdk::wait_for_game_server(std::chrono::milliseconds timeout) {
  std::unique_lock lock(impl_->mutex);
  impl_->known.wait_for(lock, timeout,
                        [this] { return impl_->lifecycle.game_server().has_value(); });
  return impl_->lifecycle.game_server();
}

void AgonesSdk::allow_ready() {
  std::lock_guard lock(impl_->mutex);
  impl_->lifecycle.allow_ready();
  impl_->wake.notify_all();
}

void AgonesSdk::begin_drain() {
  std::lock_guard lock(impl_->mutex);
  impl_->lifecycle.begin_drain();
}

bool AgonesSdk::shutdown(double timeout_s) {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->stopping = true;
    impl_->wake.notify_all();
  }
  if (impl_->worker.joinable()) impl_->worker.join();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  const SdkRequest request = shutdown_request();
  for (;;) {
    const common::HttpResponse reply = impl_->call(request);
    if (reply.status >= 200 && reply.status < 300) {
      spdlog::info("agones: Shutdown sent");
      return true;
    }
    if (std::chrono::steady_clock::now() + kShutdownRetryDelay >= deadline) {
      spdlog::warn("agones: POST /shutdown got no answer ({})",
                   reply.status ? "HTTP " + std::to_string(reply.status) : reply.error);
      return false;
    }
    std::this_thread::sleep_for(kShutdownRetryDelay);
  }
}

}  // namespace omega::zone
