#include "bots/command_line.hpp"

#include <charconv>

#include <CLI/CLI.hpp>

#include "bots/http_client.hpp"
#include "common/tls_client.hpp"
#include "protocol/messages.hpp"

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

bool apply_ws_url(const std::string& url, SwarmConfig& config) {
  const auto address = parse_ws_url(url);
  if (!address) return false;
  config.host = address->host;
  config.port = address->port;
  config.path = address->path;
  config.tls = address->tls;
  return true;
}

// Account names are `<prefix>_<i>` (3-24 of [A-Za-z0-9_]) and character names `<prefix>c<i>`
// (a letter, then letters or digits, at most 16): a lower-case letter and up to 9 more
// letters or digits fit both for 10,000 bots.
bool valid_account_prefix(const std::string& prefix) {
  if (prefix.empty() || prefix.size() > 10 || !(prefix[0] >= 'a' && prefix[0] <= 'z')) return false;
  for (char c : prefix)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return false;
  return true;
}

}  // namespace

std::string parse_command_line(int argc, const char* const* argv, CommandLine& out,
                               std::string& help_text) {
  CLI::App app{
      "omega-bots: N headless players in one process, over real WebSocket connections to "
      "omega-zone servers: tickets minted with a dev key for one zone (--dev-key-seed), or "
      "accounts, characters and tickets from omega-api (--api). Prints one JSON report on exit."};
  SwarmConfig& c = out.swarm;
  std::string url = "ws://127.0.0.1:8081/", seed_hex, behaviour = "wander", route, classes;
  size_t count = 1;
  double input_hz = 10.0;
  std::vector<std::string> misbehave, reconnect;
  app.add_option("--url", url, "zone WebSocket address ws[s]://HOST:PORT/PATH")
      ->capture_default_str();
  app.add_option("--ca-file", c.ca_file,
                 "https:// and wss://: trust this PEM CA file (a private CA) instead of the "
                 "system CAs; certificates and host names are always verified");
  app.add_option("--heartbeat-file", c.heartbeat_file,
                 "rewrite this file every second while running (for --check-heartbeat)");
  app.add_option("--check-heartbeat", out.check_heartbeat_path,
                 "health check: exit 0 if this heartbeat file is fresh (10 s), else 1");
  app.add_option("--count", count, "number of bots")->capture_default_str();
  app.add_option("--zone", c.zone, "zone name in tickets (`open` for open:W maps)")
      ->capture_default_str();
  app.add_option("--instance", c.instance_id, "instance id in tickets")->capture_default_str();
  app.add_option("--dev-key-seed", seed_hex,
                 "64 hex chars: seed of the dev Ed25519 key that mints tickets (dev only; "
                 "required without --api)");
  app.add_option("--api", c.api_url,
                 "omega-api address http://HOST:PORT: bots register, log in, create a character "
                 "and get tickets from POST /v1/play (then --url, --zone, --instance and the "
                 "ticket flags are unused)");
  app.add_option("--account-prefix", c.account_prefix,
                 "API mode: accounts <prefix>_<i>, characters <prefix>c<i>; existing ones are "
                 "reused ([a-z][a-z0-9]{0,9})")
      ->capture_default_str();
  app.add_option("--play-zone", c.play_zone,
                 "API mode: zone asked for in the first /v1/play (default: the character's)");
  app.add_option("--party-size", c.party_size,
                 "API mode: bots 0..k-1, k..2k-1, ... form parties of k (POST /v1/parties, "
                 "invite, join) before they play")
      ->capture_default_str();
  app.add_option("--replay-timeout", c.replay_timeout_s,
                 "API mode: after losing its zone a bot retries /v1/play with backoff this long")
      ->capture_default_str();
  app.add_option("--api-threads", c.api_threads, "API mode: blocking API calls in flight at once")
      ->capture_default_str();
  app.add_option("--classes", classes,
                 "API mode: comma list of character classes, bot i gets entry i mod n "
                 "(default warrior,ranger,mage)");
  app.add_option("--route", route,
                 "travel: comma list of zones, walked through their portals in order (a first "
                 "zone equal to the starting one is skipped), e.g. "
                 "hub_city_1,forest,rift_d1,forest,hub_city_1");
  app.add_option("--route-dwell", c.route_dwell_s, "travel: seconds spent in each zone of --route")
      ->capture_default_str();
  app.add_option("--trip-every", c.trip_every_s,
                 "demo: a bot in a hub walks to a field and back about every S seconds "
                 "(0 = never)")
      ->capture_default_str();
  app.add_option("--chat-every", c.chat_every_s,
                 "chat load: each bot sends a line about every S seconds (0 = never); the report "
                 "gives chat_sent, chat_received and chat_delivery_ms")
      ->capture_default_str();
  app.add_option("--chat-channel", c.chat_channel, "chat load: say, party or world")
      ->capture_default_str();
  app.add_option("--chat-to", c.chat_to,
                 "chat load: whisper every line to this character instead of --chat-channel");
  app.add_option("--tournament", c.tournament,
                 "API mode: each bot queues once for this tournament (e.g. arena_1v1) "
                 "--tournament-after seconds after its first Welcome, joins the arena when "
                 "matched, fights, and plays on through /v1/play after the match");
  app.add_option("--tournament-after", c.tournament_after_s,
                 "API mode: seconds in the world before queueing for --tournament")
      ->capture_default_str();
  app.add_option("--tournament-wait", c.tournament_wait_s,
                 "API mode: how long a queued bot waits for its match")
      ->capture_default_str();
  app.add_option("--content-dir", c.content_dir, "content root (zone maps for travel)")
      ->capture_default_str();
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
  app.add_option("--connect-timeout", c.connect_timeout_s,
                 "seconds a connection may take to finish TCP, TLS and the WebSocket upgrade "
                 "before it counts as lost")
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

  if (!out.check_heartbeat_path.empty()) return "";
  if (c.api_url.empty() || !seed_hex.empty()) {
    const auto seed = protocol::from_hex<32>(seed_hex);
    if (!seed) return "--dev-key-seed: expected 64 hex characters (or use --api)";
    c.key = protocol::ticket_key_from_seed(*seed);
  }
  if (out.print_public_key) return "";
  if (!apply_ws_url(url, c)) return "--url: expected ws[s]://HOST:PORT/PATH, got " + url;
  if (!c.api_url.empty() && !parse_http_url(c.api_url))
    return "--api: expected http[s]://HOST:PORT, got " + c.api_url;
  if (!c.ca_file.empty()) {
    std::string error;
    if (!common::tls_client_context(c.ca_file, error)) return "--ca-file: " + error;
  }
  if (!valid_account_prefix(c.account_prefix))
    return "--account-prefix: expected a lower-case letter then up to 9 letters or digits";
  if (!route.empty() && !parse_route(route, c.route))
    return "--route: expected a comma list of zone names, got " + route;
  if (!classes.empty()) {
    if (!parse_route(classes, c.character_classes)) return "--classes: expected a comma list";
  }
  if (c.connect_timeout_s <= 0.0) return "--connect-timeout: must be > 0";
  if (c.replay_timeout_s < 0.0 || c.trip_every_s < 0.0 || c.route_dwell_s < 0.0 ||
      c.tournament_after_s < 0.0 || c.tournament_wait_s < 0.0)
    return "--replay-timeout, --trip-every, --route-dwell, --tournament-after, "
           "--tournament-wait: must be >= 0";
  if (!c.tournament.empty() && c.api_url.empty()) return "--tournament: needs --api";
  if (c.chat_every_s < 0.0) return "--chat-every: must be >= 0";
  if (protocol::ChatChannel channel; !protocol::parse_open_chat_channel(c.chat_channel, channel))
    return "--chat-channel: expected say, party or world, got " + c.chat_channel;
  if (c.chat_to.size() > protocol::kMaxChatNameBytes)
    return "--chat-to: a character name is at most " + std::to_string(protocol::kMaxChatNameBytes) +
           " bytes";
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
