// Prometheus' standard process metrics (the names every exporter uses, so stock dashboards
// and the alerting rules in deployment/prometheus/ read them): CPU seconds, resident memory,
// open and allowed file descriptors, start time. Read from /proc/self at each scrape.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace omega::common {

// The fields of /proc/<pid>/stat the metrics need, in the kernel's units.
struct ProcStat {
  uint64_t utime_ticks = 0;  // field 14
  uint64_t stime_ticks = 0;  // field 15
  uint64_t start_ticks = 0;  // field 22: after boot
  uint64_t rss_pages = 0;    // field 24
};

// Parses one /proc/<pid>/stat line; the command name (field 2) may hold spaces and
// parentheses, so fields are counted from its last ')'. Nullopt when the line is not one.
std::optional<ProcStat> parse_proc_stat(std::string_view line);

// The metrics in Prometheus text format (HELP/TYPE lines included); empty on a system
// without /proc.
std::string process_metrics();

}  // namespace omega::common
