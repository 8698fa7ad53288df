#include "bots/command_line.hpp"

#include <charconv>

#include <CLI/CLI.hpp>

namespace omega::bots {

namespace {

// "NAME" or "NAME:COUNT"; count -1 = every bot.
bool split_group(const std::string& spec, std::string& name, long& count) {
  const size_t colon = spec.rfind(':');
  count = -1;
  name = spec;
  if (colon == std::string::npos) return true;
  name = spec.substr(0, colon);
  const std::string tail = spec.substr(colon + 1);
  auto [end, ec] = std::from_chars(tail.data(), tail.data() + tail.size(), count);
  return ec == std::errc{} && end == tail.data() + tail.size() && count >= 0;
}

bool parse_ws_url(const std::string& url, SwarmConfig& config) {
  const std::string scheme = "ws://";
  if (url.rfind(scheme, 0) != 0) return false;
  const std::string rest = url.substr(scheme.size());
  const size_t slash = rest.find('/');
  const std::string authority = rest.substr(0, slash);
  config.path = slash == std::string::npos ? "/" : rest.substr(slash);
  const size_t colon = authority.rfind(':');
  if (colon == std::string::npos) return false;
  config.host = authority.substr(0, colon);
  const std::string port = authority.substr(colon + 1);
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ec != std::errc{} || end != port.data() + port.size() || value == 0 || value > 65535)
    return false;
  config.port = static_cast<uint16_t>(value);
  return !config.host.empty();
}

}  // namespace

std::string parse_command_line(int argc, const char* const* argv, CommandLine& out,
                               std::string& help_text) {
  CLI::App app{
      "omega-bots: N headless players in one process, over real WebSocket connections to one "
      "omega-zone. Prints one JSON report on exit."};
  SwarmConfig& c = out.swarm;
  std::string url = "ws://127.0.0.1:8081/", seed_hex, behaviour = "wander";
  size_t count = 1;
  double input_hz = 10.0;
  std::vector<std::string> misbehave, reconnect;
  app.add_option("--url", url, "zone WebSocket address ws://HOST:PORT/PATH")->capture_default_str();
  app.add_option("--count", count, "number of bots")->capture_default_str();
  app.add_option("--zone", c.zone, "zone name in tickets (`open` for open:W maps)")
      ->capture_default_str();
  app.add_option("--instance", c.instance_id, "instance id in tickets")->capture_default_str();
  app.add_option("--dev-key-seed", seed_hex,
                 "64 hex chars: seed of the dev Ed25519 key that mints tickets (dev only)")
      ->required();
  app.add_option("--first-character-id", c.first_character_id,
                 "bot i plays character and account K+i")
      ->capture_default_str();
  app.add_option("--lease-epoch", c.lease_epoch, "lease epoch in tickets")->capture_default_str();
  app.add_option("--ticket-ttl", c.ticket_ttl_s, "ticket lifetime, seconds")->capture_default_str();
  app.add_option("--behaviour", behaviour, "wander | idle | follow | fight (every bot)")
      ->capture_default_str();
  app.add_option("--input-hz", input_hz, "PlayerInputs per second per bot")->capture_default_str();
  app.add_option("--seconds", c.seconds, "measured window, after every bot joined")
      ->capture_default_str();
  app.add_option("--join-timeout", c.join_timeout_s,
                 "start the window anyway after this many seconds")
      ->capture_default_str();
  app.add_option("--connect-rate", c.connect_rate, "new connections per second")
      ->capture_default_str();
  app.add_option("--ping-interval", c.ping_interval_s, "seconds between RTT pings per bot")
      ->capture_default_str();
  app.add_option("--misbehave", misbehave,
                 "MODE[:COUNT] (repeatable): garbage | oversized | text | flood | speedhack; "
                 "COUNT bots from bot 0 upwards (all bots without COUNT)");
  app.add_option("--misbehave-after", c.misbehave_after_s,
                 "seconds after Welcome a misbehaving bot strikes")
      ->capture_default_str();
  app.add_option("--oversized-bytes", c.oversized_bytes, "size of the oversized message")
      ->capture_default_str();
  app.add_option("--flood-hz", c.flood_hz, "input rate of flood bots")->capture_default_str();
  app.add_option("--speedhack-hz", c.speedhack_hz, "input rate of speedhack bots")
      ->capture_default_str();
  app.add_option("--reconnect-after", reconnect,
                 "S[:COUNT] (repeatable): drop the connection S s after Welcome and come back "
                 "with a fresh ticket for the same character; COUNT bots from the last bot "
                 "downwards (all without COUNT)");
  app.add_option("--stop-grace", c.stop_grace_s, "seconds allowed for closing at the end")
      ->capture_default_str();
  app.add_option("--seed", c.seed, "random seed of behaviours")->capture_default_str();
  app.add_option("--report", out.report_path, "also write the JSON report to this file");
  app.add_flag("--per-bot", out.per_bot, "add a per_bot array to the report");
  app.add_option("--dump-views", out.dump_views_path,
                 "write `V <bot> <self> <tick> <id> <x> <y> <hp>` per entity per snapshot");
  app.add_flag("--print-public-key", out.print_public_key,
               "print the dev key's public key (hex, for OMEGA_ZONE_TICKET_PUBLIC_KEY) and exit");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    help_text = app.help();
    out.exit_now = true;
    return "";
  } catch (const CLI::ParseError& e) {
    return e.what();
  }

  const auto seed = protocol::from_hex<32>(seed_hex);
  if (!seed) return "--dev-key-seed: expected 64 hex characters";
  c.key = protocol::ticket_key_from_seed(*seed);
  if (out.print_public_key) return "";
  if (!parse_ws_url(url, c)) return "--url: expected ws://HOST:PORT/PATH, got " + url;
  BotOptions defaults;
  if (!parse_behaviour(behaviour, defaults.behaviour)) return "--behaviour: unknown " + behaviour;
  if (input_hz < 0.0) return "--input-hz: must be ≥ 0";
  defaults.input_hz = input_hz;
  c.bots.assign(count, defaults);

  size_t next = 0;  // misbehaving groups fill from bot 0 upwards
  for (const std::string& spec : misbehave) {
    std::string name;
    long n;
    Misbehaviour mode;
    if (!split_group(spec, name, n) || !parse_misbehaviour(name, mode))
      return "--misbehave: expected MODE[:COUNT], got " + spec;
    const size_t end = n < 0 ? count : std::min(count, next + size_t(n));
    for (; next < end; ++next) c.bots[next].misbehaviour = mode;
  }
  size_t from_end = 0;  // reconnecting groups fill from the last bot downwards
  for (const std::string& spec : reconnect) {
    std::string seconds_text;
    long n;
    if (!split_group(spec, seconds_text, n)) return "--reconnect-after: expected S[:COUNT]";
    double seconds = 0.0;
    try {
      seconds = std::stod(seconds_text);
    } catch (const std::exception&) {
      return "--reconnect-after: expected S[:COUNT], got " + spec;
    }
    const size_t end = n < 0 ? count : std::min(count, from_end + size_t(n));
    for (; from_end < end; ++from_end) c.bots[count - 1 - from_end].reconnect_after_s = seconds;
  }
  return "";
}

}  // namespace omega::bots
