#include "api/metrics.hpp"

#include <fmt/format.h>

namespace omega::api {

void Metrics::record(std::string_view method, const std::string& route, int status,
                     std::chrono::nanoseconds duration) {
  const double seconds = std::chrono::duration<double>(duration).count();
  std::lock_guard lock(mutex_);
  const RouteKey key{method, &route};
  ++requests_[{key, status}];
  auto& histogram = durations_[key];
  for (std::size_t i = 0; i < kBucketsSeconds.size(); ++i)
    if (seconds <= kBucketsSeconds[i]) ++histogram.buckets[i];
  ++histogram.count;
  histogram.sum += seconds;
}

void Metrics::add_gauge(std::string name, std::string help, std::function<double()> sample) {
  std::lock_guard lock(mutex_);
  gauges_[std::move(name)] = Gauge{std::move(help), std::move(sample)};
}

std::string Metrics::render() const {
  std::string out;
  std::unique_lock lock(mutex_);
  out += "# HELP omega_api_requests_total HTTP requests by route and status.\n";
  out += "# TYPE omega_api_requests_total counter\n";
  for (const auto& [key, count] : requests_) {
    const auto& [route_key, status] = key;
    out += fmt::format("omega_api_requests_total{{method=\"{}\",route=\"{}\",status=\"{}\"}} {}\n",
                       route_key.first, *route_key.second, status, count);
  }
  out += "# HELP omega_api_request_duration_seconds Time from request parsed to response ready.\n";
  out += "# TYPE omega_api_request_duration_seconds histogram\n";
  for (const auto& [key, histogram] : durations_) {
    const auto labels = fmt::format("method=\"{}\",route=\"{}\"", key.first, *key.second);
    for (std::size_t i = 0; i < kBucketsSeconds.size(); ++i)
      out += fmt::format("omega_api_request_duration_seconds_bucket{{{},le=\"{}\"}} {}\n", labels,
                         kBucketsSeconds[i], histogram.buckets[i]);
    out += fmt::format("omega_api_request_duration_seconds_bucket{{{},le=\"+Inf\"}} {}\n", labels,
                       histogram.count);
    out += fmt::format("omega_api_request_duration_seconds_sum{{{}}} {}\n", labels, histogram.sum);
    out +=
        fmt::format("omega_api_request_duration_seconds_count{{{}}} {}\n", labels, histogram.count);
  }
  // Gauges are sampled without the lock: a sample may wait on a dependency (the database
  // probe), and requests record their metrics meanwhile.
  const std::map<std::string, Gauge> gauges = gauges_;
  lock.unlock();
  for (const auto& [name, gauge] : gauges) {
    out += fmt::format("# HELP {} {}\n# TYPE {} gauge\n{} {}\n", name, gauge.help, name, name,
                       gauge.sample());
  }
  return out;
}

}  // namespace omega::api
