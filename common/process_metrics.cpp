#include "common/process_metrics.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <vector>

namespace omega::common {
namespace {

std::string read_line(const char* path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

// Seconds since the epoch at which the system booted ("btime" in /proc/stat), or 0.
uint64_t boot_time() {
  std::ifstream in("/proc/stat");
  std::string key;
  uint64_t value = 0;
  while (in >> key) {
    if (key == "btime" && in >> value) return value;
    in.ignore(std::numeric_limits<std::streamsize>::max(), '\n');
  }
  return 0;
}

size_t open_descriptors() {
  std::error_code error;
  size_t count = 0;
  for (std::filesystem::directory_iterator it("/proc/self/fd", error), end; !error && it != end;
       it.increment(error))
    ++count;
  return count > 0 ? count - 1 : 0;  // not the one the iterator holds open
}

void append(std::string& out, const char* name, const char* type, const char* help, double value) {
  std::ostringstream line;
  line.precision(15);
  line << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n'
       << name << ' ' << value << '\n';
  out += line.str();
}

}  // namespace

std::optional<ProcStat> parse_proc_stat(std::string_view line) {
  const size_t close = line.rfind(')');
  if (close == std::string_view::npos) return std::nullopt;
  // Fields from 3 (state) on, separated by single spaces.
  std::vector<std::string_view> fields;
  size_t at = close + 1;
  while (at < line.size()) {
    while (at < line.size() && line[at] == ' ') ++at;
    const size_t end = std::min(line.find(' ', at), line.size());
    if (end > at) fields.push_back(line.substr(at, end - at));
    at = end;
  }
  const auto field = [&fields](size_t number, uint64_t& out) {  // 1-based, as in proc(5)
    if (number < 3 || number - 3 >= fields.size()) return false;
    const std::string_view text = fields[number - 3];
    return std::from_chars(text.data(), text.data() + text.size(), out).ec == std::errc{};
  };
  ProcStat stat;
  if (!field(14, stat.utime_ticks) || !field(15, stat.stime_ticks) ||
      !field(22, stat.start_ticks) || !field(24, stat.rss_pages))
    return std::nullopt;
  return stat;
}

std::string process_metrics() {
  const std::optional<ProcStat> stat = parse_proc_stat(read_line("/proc/self/stat"));
  if (!stat) return {};
  const double ticks_per_second = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page_bytes = static_cast<double>(sysconf(_SC_PAGESIZE));
  std::string out;
  append(out, "process_cpu_seconds_total", "counter", "User and system CPU time spent in seconds.",
         static_cast<double>(stat->utime_ticks + stat->stime_ticks) / ticks_per_second);
  append(out, "process_resident_memory_bytes", "gauge", "Resident memory size in bytes.",
         static_cast<double>(stat->rss_pages) * page_bytes);
  append(out, "process_open_fds", "gauge", "Number of open file descriptors.",
         static_cast<double>(open_descriptors()));
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0)
    append(out, "process_max_fds", "gauge", "Maximum number of open file descriptors.",
           static_cast<double>(limit.rlim_cur));
  if (const uint64_t booted = boot_time(); booted > 0)
    append(out, "process_start_time_seconds", "gauge",
           "Start time of the process since unix epoch in seconds.",
           static_cast<double>(booted) + static_cast<double>(stat->start_ticks) / ticks_per_second);
  return out;
}

}  // namespace omega::common
