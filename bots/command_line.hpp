// The omega-bots command line (the contract in docs/OPERATIONS.md `## omega-bots`), parsed
// into a SwarmConfig. Separate from main() so the parsing is unit-tested.
#pragma once

#include <string>
#include <vector>

#include "bots/swarm.hpp"

namespace omega::bots {

struct CommandLine {
  SwarmConfig swarm;
  bool print_public_key = false;
  bool per_bot = false;        // add a per_bot array to the report
  std::string report_path;     // also write the report here
  std::string dump_views_path;  // one line per entity per bot per snapshot
  bool exit_now = false;       // --help was printed
};

// Parses argv. Returns an empty string on success, else the error text (already explaining
// the flag); `help_text` receives the --help text when --help was given.
std::string parse_command_line(int argc, const char* const* argv, CommandLine& out,
                               std::string& help_text);

}  // namespace omega::bots
