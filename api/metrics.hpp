// Request counters and latency histograms per route, rendered in the Prometheus text format
// for GET /metrics. Thread-safe; recording is one short mutex-protected map update.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

namespace omega::api {

class Metrics {
 public:
  // Records one finished request. `route` is the route pattern (a bounded label set, never
  // the raw path) and must outlive the Metrics: it is keyed by address, so recording
  // allocates nothing after a route's first request.
  void record(std::string_view method, const std::string& route, int status,
              std::chrono::nanoseconds duration);
  // Registers a gauge sampled at render time.
  void add_gauge(std::string name, std::string help, std::function<double()> sample);
  // The Prometheus exposition text.
  std::string render() const;

 private:
  static constexpr std::array<double, 12> kBucketsSeconds{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                          0.05,   0.1,   0.25,   0.5,   1.0,  2.5};
  struct Histogram {
    std::array<std::uint64_t, kBucketsSeconds.size()> buckets{};
    std::uint64_t count = 0;
    double sum = 0;
  };
  struct Gauge {
    std::string help;
    std::function<double()> sample;
  };
  mutable std::mutex mutex_;
  using RouteKey = std::pair<std::string_view, const std::string*>;  // method name, pattern
  std::map<std::pair<RouteKey, int>, std::uint64_t> requests_;
  std::map<RouteKey, Histogram> durations_;
  std::map<std::string, Gauge> gauges_;
};

}  // namespace omega::api
