#include "client/command_line.hpp"

#include <cstdlib>

#include "protocol/ticket.hpp"

namespace omega::client {

std::string usage_text() {
  return R"(usage: omega-client [options]
  --api URL                 REST API (default http://127.0.0.1:8080; env OMEGA_CLIENT_API_URL)
  --ca-file FILE            https:// and wss://: trust this PEM CA file instead of the system CAs
                            (a private CA; env OMEGA_CLIENT_CA_FILE)
  --content DIR             content directory (default ./content; env OMEGA_CLIENT_CONTENT_DIR)
  --dev-zone URL            dev path, standalone zone only: the login screen's offline dev character
                            joins this zone with a locally minted ticket (ws://127.0.0.1:8081/;
                            env OMEGA_CLIENT_DEV_ZONE); API characters always go through POST /v1/play
  --dev-key-seed HEX        64 hex chars: the zone's ticket key seed (env OMEGA_CLIENT_DEV_KEY_SEED)
  --dev-zone-name NAME      zone name in dev tickets (default hub_city_1)
  --dev-instance N          instance id in dev tickets (default 1)
  --user NAME --password P  prefill the login form
  --autoplay SCRIPT         run an autoplay script (client/scripts/*.autoplay) and exit with its status
  --screenshot-dir DIR      where autoplay screenshots go (default .)
  --size WxH                window size (default 1280x720)
  --software                use SDL's software renderer
  --simulate-latency MS     add MS one-way latency to the zone connection (testing)
  --simulate-jitter MS      add 0..MS random extra latency per message (testing)
  --player-speed V          the zone's player speed, tiles/s (default 5)
  --help
)";
}

ParseOutcome parse_command_line(const std::vector<std::string>& args) {
  ClientOptions options;
  auto env = [](const char* name) -> std::string {
    const char* value = std::getenv(name);
    return value ? value : "";
  };
  if (auto v = env("OMEGA_CLIENT_API_URL"); !v.empty()) options.api_url = v;
  if (auto v = env("OMEGA_CLIENT_CONTENT_DIR"); !v.empty()) options.content_root = v;
  if (auto v = env("OMEGA_CLIENT_CA_FILE"); !v.empty()) options.ca_file = v;
  if (auto v = env("OMEGA_CLIENT_DEV_ZONE"); !v.empty()) options.dev_zone_url = v;
  std::string seed_text = env("OMEGA_CLIENT_DEV_KEY_SEED");

  auto fail = [](std::string message) {
    ParseOutcome outcome;
    outcome.exit_code = 2;
    outcome.message = "omega-client: " + message + "\n" + usage_text();
    return outcome;
  };
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    auto value = [&](std::string& out) {
      if (i + 1 >= args.size()) return false;
      out = args[++i];
      return true;
    };
    auto number = [&](double& out, double lo, double hi) {
      std::string text;
      if (!value(text)) return false;
      char* end = nullptr;
      out = std::strtod(text.c_str(), &end);
      return end && *end == '\0' && !text.empty() && out >= lo && out <= hi;
    };
    double n = 0;
    if (arg == "--help" || arg == "-h") {
      ParseOutcome outcome;
      outcome.message = usage_text();
      return outcome;
    } else if (arg == "--api") {
      if (!value(options.api_url)) return fail("--api needs a URL");
    } else if (arg == "--ca-file") {
      if (!value(options.ca_file)) return fail("--ca-file needs a PEM file");
    } else if (arg == "--content") {
      if (!value(options.content_root)) return fail("--content needs a directory");
    } else if (arg == "--dev-zone") {
      if (!value(options.dev_zone_url)) return fail("--dev-zone needs a ws:// URL");
    } else if (arg == "--dev-key-seed") {
      if (!value(seed_text)) return fail("--dev-key-seed needs 64 hex characters");
    } else if (arg == "--dev-zone-name") {
      if (!value(options.dev_zone_name)) return fail("--dev-zone-name needs a name");
    } else if (arg == "--dev-instance") {
      if (!number(n, 0, 4294967295.0)) return fail("--dev-instance needs a number");
      options.dev_instance = static_cast<uint32_t>(n);
    } else if (arg == "--user") {
      if (!value(options.username)) return fail("--user needs a name");
    } else if (arg == "--password") {
      if (!value(options.password)) return fail("--password needs a value");
    } else if (arg == "--autoplay") {
      if (!value(options.autoplay_script)) return fail("--autoplay needs a script path");
    } else if (arg == "--screenshot-dir") {
      if (!value(options.screenshot_dir)) return fail("--screenshot-dir needs a directory");
    } else if (arg == "--size") {
      std::string text;
      if (!value(text) ||
          std::sscanf(text.c_str(), "%dx%d", &options.width, &options.height) != 2 ||
          options.width < 320 || options.height < 240 || options.width > 8192 ||
          options.height > 8192)
        return fail("--size needs WxH, at least 320x240");
    } else if (arg == "--software") {
      options.software_renderer = true;
    } else if (arg == "--simulate-latency") {
      if (!number(options.simulate_latency_ms, 0, 10000))
        return fail("--simulate-latency needs milliseconds");
    } else if (arg == "--simulate-jitter") {
      if (!number(options.simulate_jitter_ms, 0, 10000))
        return fail("--simulate-jitter needs milliseconds");
    } else if (arg == "--player-speed") {
      if (!number(n, 0.1, 100)) return fail("--player-speed needs tiles per second");
      options.player_speed = static_cast<float>(n);
    } else {
      return fail("unknown option " + arg);
    }
  }
  if (!seed_text.empty()) {
    options.dev_key_seed = protocol::from_hex<32>(seed_text);
    if (!options.dev_key_seed) return fail("--dev-key-seed must be exactly 64 hex characters");
  }
  if (!options.dev_zone_url.empty() && !options.dev_key_seed)
    return fail("--dev-zone needs --dev-key-seed (the zone's ticket key seed)");
  ParseOutcome outcome;
  outcome.options = std::move(options);
  return outcome;
}

}  // namespace omega::client
