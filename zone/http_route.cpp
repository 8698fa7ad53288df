#include "zone/network.hpp"

namespace omega::zone {

HttpReply http_route(std::string_view method, std::string_view target, ZoneMetrics& metrics) {
  const size_t question = target.find('?');
  const std::string_view path = target.substr(0, question);
  const std::string_view query =
      question == std::string_view::npos ? std::string_view{} : target.substr(question + 1);
  if (method != "GET") return {405, "text/plain; charset=utf-8", "method not allowed\n"};
  if (path == "/healthz") return {200, "text/plain; charset=utf-8", "ok"};
  if (path == "/metrics")
    return {200, "text/plain; version=0.0.4; charset=utf-8", metrics.prometheus()};
  if (path == "/stats") {
    const bool reset = query == "reset=1" || query.find("reset=1&") == 0 ||
                       query.find("&reset=1") != std::string_view::npos;
    return {200, "application/json", metrics.stats_json(reset)};
  }
  return {404, "text/plain; charset=utf-8", "not found\n"};
}

}  // namespace omega::zone
