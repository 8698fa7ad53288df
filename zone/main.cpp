// omega-zone: the headless authoritative zone server (docs/ARCHITECTURE.md).
//
// Threads: the network thread (WebSocket + HTTP side port on one io_context; with
// network_threads > 1 more WebSocket shards, each on a thread of its own), the simulation
// thread (TickLoop over every open instance; with snapshot_threads > 1 its snapshot helpers),
// with an API configured the API client's worker
// and the Redis registrar/subscriber, on Agones the SDK worker, and the main thread, which only
// waits for SIGTERM/SIGINT and then runs the shutdown sequence: stop accepting,
// Kick{shutting_down} to everyone, checkpoint (release), let the releases reach the API,
// unregister, on Agones POST /shutdown, exit 0.
#include <utility>  // Boost 1.74's Asio misses this include

#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <optional>
#include <thread>

#include <CLI/CLI.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "common/http_client.hpp"
#include "common/structured_log.hpp"
#include "common/thread_name.hpp"
#include "zone/agones_sdk.hpp"
#include "zone/api_client.hpp"
#include "zone/config.hpp"
#include "zone/instance_host.hpp"
#include "zone/local_character_service.hpp"
#include "zone/network.hpp"
#include "zone/redis_registry.hpp"
#include "zone/tick_loop.hpp"

namespace {

using namespace omega::zone;

Now wall_now() {
  Now n;
  n.steady_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                    std::chrono::steady_clock::now().time_since_epoch())
                    .count();
  n.unix_seconds = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                             std::chrono::system_clock::now().time_since_epoch())
                                             .count());
  return n;
}

// POST /instances and DELETE /instances/{zone}/{instance}: parsed on the network thread, run
// on the simulation thread, answered after the registry has been written.
ControlHandler make_control_handler(const ZoneConfig& config, InstanceHost& host,
                                    RedisRegistry* registry, const std::string& ws_base) {
  return [&config, &host, registry, ws_base](const HttpRequestView& request,
                                             std::function<void(HttpReply)> reply) {
    if (!is_control_target(request.target)) return false;
    ControlParse parsed = parse_control_request(request, config.service_token);
    if (!parsed.command) {
      reply(parsed.error);
      return true;
    }
    const ControlCommand command = *parsed.command;
    // Answered after the registry write, so the API finds the instance once it has the 201.
    auto answer = [registry, reply = std::move(reply)](HttpReply answer) {
      if (registry != nullptr && answer.status < 300) {
        registry->wake([reply, answer] { reply(answer); });
      } else {
        reply(answer);
      }
    };
    if (command.kind == ControlCommand::Kind::open) {
      host.open_async(
          command.zone, command.instance, command.party_id,
          [command, answer, ws_base](InstanceHost::OpenStatus status, InstanceHost&, const Now&) {
            switch (status) {
              case InstanceHost::OpenStatus::opened:
                return answer(json_reply(
                    201, "{\"zone\":\"" + command.zone + "\",\"instance\":" +
                             std::to_string(command.instance) + ",\"ws_url\":\"" + ws_base + "/z/" +
                             command.zone + "/" + std::to_string(command.instance) + "\"}"));
              case InstanceHost::OpenStatus::already_open:
                return answer(json_reply(409, "{\"error\":{\"code\":\"already_open\"}}"));
              case InstanceHost::OpenStatus::not_hosted:
                return answer(json_reply(404, "{\"error\":{\"code\":\"zone_not_hosted\"}}"));
            }
          },
          command.match);
    } else if (command.kind == ControlCommand::Kind::kick) {
      host.post([command, answer](InstanceHost& h, const Now& now) {
        const size_t kicked = h.kick_account(command.account_id, command.kick_reason, now);
        answer(json_reply(200, "{\"kicked\":" + std::to_string(kicked) + "}"));
      });
    } else {
      host.post([command, answer](InstanceHost& h, const Now& now) {
        answer(h.close(command.zone, command.instance, now)
                   ? HttpReply{204, "application/json", ""}
                   : json_reply(404, "{\"error\":{\"code\":\"not_found\"}}"));
      });
    }
    return true;
  };
}

// Raises the soft open-files limit to the hard one (each connection is a descriptor; Debian's
// default soft limit of 1,024 would cap a zone far below its player capacity) and returns the
// connection budget: `configured`, or when 0, the descriptors left after a reserve for
// everything else. A configured budget above what the limit allows is kept, with a warning:
// accept() then backs off on EMFILE instead of refusing at the budget.
uint32_t connection_budget(uint32_t configured) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    spdlog::warn("getrlimit(RLIMIT_NOFILE) failed; connections limited to {}",
                 configured ? configured : 1024);
    return configured ? configured : 1024;
  }
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  const uint64_t descriptors =
      limit.rlim_cur == RLIM_INFINITY ? uint64_t{1} << 20 : uint64_t{limit.rlim_cur};
  const uint64_t available =
      descriptors > kReservedFileDescriptors + 16 ? descriptors - kReservedFileDescriptors : 16;
  const uint32_t budget =
      configured != 0 ? configured : static_cast<uint32_t>(std::min<uint64_t>(available, 10000000));
  spdlog::info(
      "open files limit {} (hard {}): at most {} connections", descriptors,
      limit.rlim_max == RLIM_INFINITY ? std::string("unlimited") : std::to_string(limit.rlim_max),
      budget);
  if (configured != 0 && configured > available)
    spdlog::warn("max_connections {} exceeds the {} descriptors left for connections", configured,
                 available);
  return budget;
}

// On Agones the SDK sidecar may answer long after the zone is up (it starts beside it, in no
// set order). Waits for the GameServer while watching for SIGTERM/SIGINT: nullopt = a signal.
std::optional<GameServerInfo> wait_for_game_server(AgonesSdk& agones, const sigset_t& signals) {
  for (;;) {
    if (auto game_server = agones.wait_for_game_server(std::chrono::milliseconds(100)))
      return game_server;
    const timespec no_wait{0, 0};
    if (sigtimedwait(&signals, nullptr, &no_wait) > 0) return std::nullopt;
  }
}

std::unique_ptr<AgonesSdk> make_agones(const ZoneConfig& config, const InstanceHost& host,
                                       const ZoneMetrics& metrics) {
  AgonesSettings settings;
  settings.health_interval_s = config.agones_health_interval_s;
  settings.update_interval_s = config.agones_update_interval_s;
  settings.player_capacity = config.agones_player_capacity;
  settings.instance_capacity = config.agones_instance_capacity;
  settings.ready_after_empty_s = config.agones_ready_after_empty_s;
  settings.zones = host.hosted_zones();
  return std::make_unique<AgonesSdk>(
      config.agones_sdk_http_port, settings, [&host] { return host.summaries(); },
      [&metrics] { return metrics.ticks.load(); });
}

// After the drain, the sidecar gets this long to take POST /shutdown.
constexpr double kAgonesShutdownTimeoutSeconds = 3.0;

}  // namespace

int main(int argc, char** argv) {
  spdlog::set_default_logger(spdlog::stderr_color_mt("omega-zone"));

  CLI::App app{"omega-zone: authoritative zone server (options: docs/OPERATIONS.md)"};
  std::string config_path;
  app.add_option("--config", config_path, "TOML configuration file")->check(CLI::ExistingFile);
  auto* health = app.add_subcommand(
      "healthcheck", "GET /healthz of the omega-zone on this host; exit 0 when it answers 200");
  std::string health_url;
  health->add_option("--url", health_url,
                     "probe this URL (default http://127.0.0.1:$OMEGA_ZONE_HTTP_PORT/healthz, "
                     "port 9081)");
  app.require_subcommand(0, 1);
  CLI11_PARSE(app, argc, argv);
  if (health->parsed())
    return omega::common::health_check_command(health_url, "OMEGA_ZONE_HTTP_PORT", 9081);

  ZoneConfigResult loaded = load_zone_config(config_path, process_environment());
  if (!loaded.ok()) {
    std::fprintf(stderr, "omega-zone: configuration error:\n%s\n", loaded.error.c_str());
    return 2;
  }
  ZoneConfig config = *loaded.config;
  spdlog::set_level(spdlog::level::from_str(config.log_level));
  // stdout keeps only the {"event":"listening"} line tests and scripts parse; logs go to stderr.
  omega::common::configure_logging("omega-zone",
                                   *omega::common::parse_log_format(config.log_format));
  config.max_connections = connection_budget(config.max_connections);
  WorldTopologyResult topology = load_world_topology(config.world_file);
  if (!topology.error.empty()) {
    spdlog::critical("{}", topology.error);
    return 2;
  }
  if (!topology.found && !config.standalone())
    spdlog::warn("no world file at {}: zone kinds and capacities from defaults", config.world_file);

  // Signals are taken by sigwait on the main thread only: block them before any thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);

  MessagePool pool;
  ZoneMetrics metrics;
  Inbox inbox(&metrics.inbound_dropped);
  InstanceDirectory directory;
  ServiceResults results;
  std::unique_ptr<ApiClient> api;
  std::unique_ptr<LocalCharacterService> local;
  CharacterService* service = nullptr;
  if (!config.standalone()) {
    api = std::make_unique<ApiClient>(config.api_url, config.service_token, results);
    service = api.get();
  } else {
    // Only the class ids are read; an instance that finds no combat content says so itself.
    omega::game::CombatContent content;
    std::string content_error;
    content.load(config.content_dir, config.tick_hz, content_error);
    local = std::make_unique<LocalCharacterService>(results, content);
    service = local.get();
  }
  InstanceHost host(config, topology.topology, pool, metrics, directory, *service, results);
  std::string error;
  if (!host.load_maps(error)) {
    spdlog::critical("{}", error);
    return 2;
  }

  boost::asio::io_context io(1);
  auto work = boost::asio::make_work_guard(io);
  WebSocketServer websocket(io, config, inbox, metrics, pool, directory);
  std::unique_ptr<RedisRegistry> registry;
  std::string ws_base;
  // The control handler needs the bound ports (for the URLs it answers), so it is installed
  // after listen(); no request is read before the network thread starts.
  std::shared_ptr<ControlHandler> control_impl = std::make_shared<ControlHandler>();
  HttpServer http(
      io, metrics,
      [control_impl](const HttpRequestView& request, std::function<void(HttpReply)> reply) {
        return *control_impl && (*control_impl)(request, std::move(reply));
      });
  const uint16_t ws_port = websocket.listen(config.host, config.port, error);
  const uint16_t http_port = ws_port ? http.listen(config.host, config.http_port, error) : 0;
  if (ws_port == 0 || http_port == 0) {
    spdlog::critical("{}", error);
    return 1;
  }
  ws_base = config.public_ws_url.empty() ? "ws://" + config.host + ":" + std::to_string(ws_port)
                                         : config.public_ws_url;

  const Now start = wall_now();
  for (const auto& [zone, instance] : config.startup_instances()) {
    if (host.open(zone, instance, std::nullopt, start) != InstanceHost::OpenStatus::opened) {
      spdlog::critical("cannot open instance {}:{} (listed twice?)", zone, instance);
      return 2;
    }
  }
  // On Agones, players reach the zone at its node's address and host port, which only the
  // GameServer knows; its name is the process id (unique in the fleet, unlike host:port).
  std::string process_id = config.process_id;
  std::unique_ptr<AgonesSdk> agones;
  if (config.on_agones()) {
    agones = make_agones(config, host, metrics);
    agones->start();
    const std::optional<GameServerInfo> game_server = wait_for_game_server(*agones, signals);
    if (!game_server) {
      spdlog::info("signal before the Agones sidecar answered: exiting");
      agones->shutdown(kAgonesShutdownTimeoutSeconds);
      return 0;
    }
    const std::string advertised = advertised_ws_url(*game_server);
    if (config.public_ws_url.empty() && !advertised.empty())
      ws_base = advertised;
    else if (config.public_ws_url.empty())
      spdlog::warn("agones: GameServer {} has no address or ports yet: advertising {}",
                   game_server->name, ws_base);
    if (process_id.empty()) process_id = game_server->name;
  }
  if (process_id.empty()) process_id = "zone-" + config.host + "-" + std::to_string(ws_port);
  const std::string control_url = config.control_url.empty()
                                      ? "http://" + config.host + ":" + std::to_string(http_port)
                                      : config.control_url;
  if (!config.redis_url.empty()) {
    RegistrySettings settings;
    settings.redis_url = config.redis_url;
    settings.prefix = config.redis_prefix;
    settings.process_id = process_id;
    settings.ws_url = ws_base;
    settings.control_url = control_url;
    settings.zones = host.hosted_zones();
    settings.market_events = api != nullptr;
    registry = std::make_unique<RedisRegistry>(
        settings, [&host] { return host.summaries(); }, &results,
        [&metrics] {
          return metrics.live_load(
              std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
                  .count());
        });
    host.set_on_change([r = registry.get()] { r->wake(); });
    host.set_chat_relay(registry.get());  // party, whisper and world chat across processes
    registry->start();
  }
  *control_impl = make_control_handler(config, host, registry.get(), ws_base);
  if (api) api->start();

  // Named for `top -H`, perf and scripts/bench hub's per-thread CPU (omega-work-N: WorkerPool).
  std::thread network([&io] {
    omega::common::name_this_thread("omega-net");
    io.run();
  });
  TickLoop loop(
      host, inbox, [&websocket](std::vector<Outgoing>& batch) { websocket.deliver(batch); },
      metrics, config.tick_hz);
  std::thread simulation([&loop] {
    omega::common::name_this_thread("omega-sim");
    loop.run();
  });

  std::printf("{\"event\":\"listening\",\"ws_port\":%u,\"http_port\":%u}\n", unsigned{ws_port},
              unsigned{http_port});
  std::fflush(stdout);
  spdlog::info(
      "{} instance(s) on {}:{} (http {}), tick {} Hz, snapshots {} Hz, {} network thread(s), {} "
      "snapshot thread(s), writes with {}, {}",
      host.instance_count(), config.host, ws_port, http_port, config.tick_hz, config.snapshot_hz,
      config.network_threads, config.snapshot_threads, to_string(websocket.send_io()),
      config.standalone() ? "standalone (no API)" : "API " + config.api_url);
  spdlog::info("process {}: players at {}, control at {}", process_id, ws_base, control_url);
  if (agones) agones->allow_ready();

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  spdlog::info("signal {}: shutting down", signal_number);
  if (agones) agones->begin_drain();

  websocket.stop_accepting();
  loop.request_stop();
  simulation.join();  // kicks everyone and queues the releasing checkpoints before returning
  const auto grace = std::chrono::duration<double>(config.shutdown_grace_s);
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::duration_cast<std::chrono::steady_clock::duration>(grace);
  if (api && !api->drain(std::max(config.shutdown_grace_s, 5.0)))
    spdlog::warn("shutdown: some checkpoints did not reach the API in time");
  if (api) api->stop();
  if (registry) registry->stop();  // HDELs this process's entries
  while (websocket.open_connections() > 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  websocket.close_all();
  // Last: the GameServer goes to Shutdown only once every player has been released.
  if (agones) agones->shutdown(kAgonesShutdownTimeoutSeconds);
  http.stop();
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  work.reset();
  io.stop();
  network.join();
  spdlog::info("stopped");
  return 0;
}
