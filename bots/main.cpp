// omega-bots: headless players for load tests and end-to-end tests (docs/OPERATIONS.md).
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "bots/command_line.hpp"
#include "bots/swarm.hpp"
#include "protocol/ticket.hpp"

namespace {

std::atomic<bool> g_stop{false};
extern "C" void on_signal(int) {
  g_stop.store(true);
}

// The container health check: is the run's heartbeat file fresh?
int check_heartbeat(const std::string& path) {
  std::error_code ec;
  const auto written = std::filesystem::last_write_time(path, ec);
  if (ec) {
    std::cerr << "omega-bots: no heartbeat at " << path << ": " << ec.message() << "\n";
    return 1;
  }
  const double age =
      std::chrono::duration<double>(std::filesystem::file_time_type::clock::now() - written)
          .count();
  if (age > omega::bots::kHeartbeatMaxAgeSeconds) {
    std::cerr << "omega-bots: heartbeat " << path << " is " << age << " s old\n";
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace omega::bots;
  CommandLine cl;
  std::string help;
  const std::string error = parse_command_line(argc, argv, cl, help);
  if (!error.empty()) {
    std::cerr << "omega-bots: " << error << "\n";
    return 2;
  }
  if (cl.exit_now) {
    std::cout << help;
    return 0;
  }
  if (!cl.check_heartbeat_path.empty()) return check_heartbeat(cl.check_heartbeat_path);
  if (cl.print_public_key) {
    std::cout << omega::protocol::to_hex(cl.swarm.key.public_key) << "\n";
    return 0;
  }

  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  std::signal(SIGPIPE, SIG_IGN);
  cl.swarm.stop_flag = &g_stop;

  std::FILE* dump = nullptr;
  if (!cl.dump_views_path.empty()) {
    dump = std::fopen(cl.dump_views_path.c_str(), "w");
    if (dump == nullptr) {
      std::perror(cl.dump_views_path.c_str());
      return 2;
    }
    cl.swarm.on_snapshot = [dump](const SnapshotObservation& o) {
      const uint32_t tick = o.view->header().server_tick;
      for (const auto& e : o.view->entities().entries())
        std::fprintf(dump, "V %zu %u %u %u %u %u %u\n", o.bot, o.self, tick, e.state.id,
                     unsigned(e.state.x), unsigned(e.state.y), e.state.hp);
    };
  }

  const SwarmReport report = run_swarm(cl.swarm);
  if (dump) std::fclose(dump);
  const std::string json = report_json(report, cl.per_bot);
  std::cout << json << std::endl;
  if (!cl.report_path.empty()) {
    std::FILE* f = std::fopen(cl.report_path.c_str(), "w");
    if (f == nullptr) {
      std::perror(cl.report_path.c_str());
      return 1;
    }
    std::fprintf(f, "%s\n", json.c_str());
    std::fclose(f);
  }
  return report.welcomed > 0 || report.bots == 0 ? 0 : 1;
}
