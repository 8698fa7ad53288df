#include "common/process_metrics.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <regex>
#include <string>

namespace omega::common {
namespace {

// The value of the sample line `name value` in a Prometheus text body, or -1.
double sample(const std::string& body, const std::string& name) {
  const std::regex line("(^|\n)" + name + " ([0-9.e+]+)\n");
  std::smatch match;
  return std::regex_search(body, match, line) ? std::stod(match[2]) : -1.0;
}

TEST(ProcStat, FieldsAreCountedFromTheLastParenthesisOfTheCommandName) {
  // comm "(a) b (c)" holds spaces and parentheses; utime 11, stime 22, start 33, rss 44.
  const std::string line =
      "1234 ((a) b (c)) S 1 1 1 0 -1 4194304 100 0 0 0 11 22 0 0 20 0 1 0 33 1000000 44 "
      "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0";
  const auto stat = parse_proc_stat(line);
  ASSERT_TRUE(stat.has_value());
  EXPECT_EQ(stat->utime_ticks, 11u);
  EXPECT_EQ(stat->stime_ticks, 22u);
  EXPECT_EQ(stat->start_ticks, 33u);
  EXPECT_EQ(stat->rss_pages, 44u);
}

TEST(ProcStat, ALineThatIsNotOneIsRefused) {
  EXPECT_FALSE(parse_proc_stat("").has_value());
  EXPECT_FALSE(parse_proc_stat("1234 (x) S 1 2 3").has_value());
  EXPECT_FALSE(
      parse_proc_stat("1234 (x) S 1 1 1 0 -1 4 1 0 0 0 u 22 0 0 20 0 1 0 33 1 44").has_value());
}

double process_cpu_seconds() {
  timespec used{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &used);
  return double(used.tv_sec) + double(used.tv_nsec) * 1e-9;
}

TEST(ProcessMetrics, ThisProcessIsDescribedInPrometheusTextFormat) {
  // Spin until this process has used 80 ms of CPU by the kernel's own clock (not wall time:
  // on a busy machine 100 ms of wall time may be a few ms of CPU), at most 30 s.
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  volatile uint64_t spin = 0;
  while (process_cpu_seconds() < 0.08 && std::chrono::steady_clock::now() < give_up)
    for (int i = 0; i < 100000; ++i) spin = spin + 1;
  const std::string body = process_metrics();
  EXPECT_NE(body.find("# TYPE process_cpu_seconds_total counter\n"), std::string::npos) << body;
  EXPECT_GE(sample(body, "process_cpu_seconds_total"), 0.05) << body;
  EXPECT_GT(sample(body, "process_resident_memory_bytes"), 1024.0 * 1024.0) << body;
  EXPECT_GE(sample(body, "process_open_fds"), 3.0) << body;  // stdin, stdout, stderr
  EXPECT_GE(sample(body, "process_max_fds"), sample(body, "process_open_fds")) << body;
  const double started = sample(body, "process_start_time_seconds");
  const double now = static_cast<double>(std::time(nullptr));
  EXPECT_GT(started, now - 3600.0) << body;  // a test process is minutes old at most
  EXPECT_LE(started, now + 1.0) << body;
}

}  // namespace
}  // namespace omega::common
