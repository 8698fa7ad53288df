// The omega-bots command line (the contract in docs/OPERATIONS.md `## omega-bots`), parsed
// into a SwarmConfig. Separate from main() so the parsing is unit-tested.
#pragma once

#include <string>
#include <vector>

#include "bots/swarm.hpp"

namespace omega::bots {

// A run rewrites its heartbeat file every second; ten missed beats mean the scheduler is stuck.
inline constexpr double kHeartbeatMaxAgeSeconds = 10.0;

struct CommandLine {
  SwarmConfig swarm;
  bool print_public_key = false;
  bool per_bot = false;         // add a per_bot array to the report
  std::string report_path;      // also write the report here
  std::string dump_views_path;  // one line per entity per bot per snapshot
  bool exit_now = false;        // --help was printed
  // --check-heartbeat FILE: exit 0 when FILE (a run's --heartbeat-file) was written within
  // kHeartbeatMaxAgeSeconds, 1 otherwise (the container health check); nothing else runs.
  std::string check_heartbeat_path;
};

// Parses argv. Returns an empty string on success, else the error text (already explaining
// the flag); `help_text` receives the --help text when --help was given.
std::string parse_command_line(int argc, const char* const* argv, CommandLine& out,
                               std::string& help_text);

}  // namespace omega::bots
