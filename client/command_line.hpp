// omega-client's options: defaults in code, then environment variables (OMEGA_CLIENT_*), then
// the command line. docs/OPERATIONS.md (## omega-client) lists them.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace omega::client {

struct ClientOptions {
  std::string api_url = "http://127.0.0.1:8080";
  // https:// and wss://: trust this PEM CA file (a private CA) instead of the system CAs.
  // Certificates and host names are always verified.
  std::string ca_file;
  std::string content_root;  // empty: ./content, else next to the executable's repository
  // Dev path (until the API mints join tickets): connect here with a locally minted ticket.
  std::string dev_zone_url;
  std::optional<std::array<uint8_t, 32>> dev_key_seed;
  std::string dev_zone_name = "hub_city_1";
  uint32_t dev_instance = 1;
  std::string autoplay_script;
  std::string screenshot_dir = ".";
  int width = 1280, height = 720;
  bool software_renderer = false;
  double simulate_latency_ms = 0.0;  // one way
  double simulate_jitter_ms = 0.0;
  float player_speed = 5.0f;
  std::string username, password;  // prefill the login form
};

struct ParseOutcome {
  std::optional<ClientOptions> options;  // nullopt: exit with `exit_code` after printing `message`
  int exit_code = 0;
  std::string message;
};

ParseOutcome parse_command_line(const std::vector<std::string>& args);
std::string usage_text();

}  // namespace omega::client
