// omega-zone: the headless authoritative zone server (DESIGN.md §5).
//
// Threads: the network thread (WebSocket + HTTP side port on one io_context), the simulation
// thread (TickLoop), and the main thread, which only waits for SIGTERM/SIGINT and then runs the
// shutdown sequence: stop accepting, Kick{shutting_down} to everyone, checkpoint, flush, exit 0.
#include <utility>  // Boost 1.74's Asio misses this include

#include <pthread.h>
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "game/tile_map.hpp"
#include "game/tile_map_loader.hpp"
#include "zone/checkpoint.hpp"
#include "zone/config.hpp"
#include "zone/network.hpp"
#include "zone/tick_loop.hpp"
#include "zone/zone_server.hpp"

namespace {

std::optional<omega::game::TileMap> load_map(const omega::zone::ZoneConfig& config) {
  if (const int32_t width = config.open_field_width(); width > 0)
    return omega::game::TileMap::open_field(width, width);
  auto result = omega::game::load_zone_map(config.map, config.content_dir);
  if (!result.ok()) {
    spdlog::critical("cannot load map '{}': {}", config.map, result.error);
    return std::nullopt;
  }
  return std::move(result.map);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace omega::zone;
  spdlog::set_default_logger(spdlog::stderr_color_mt("omega-zone"));

  CLI::App app{"omega-zone: authoritative zone server (options: docs/OPERATIONS.md)"};
  std::string config_path;
  app.add_option("--config", config_path, "TOML configuration file")->check(CLI::ExistingFile);
  CLI11_PARSE(app, argc, argv);

  ZoneConfigResult loaded = load_zone_config(config_path, process_environment());
  if (!loaded.ok()) {
    std::fprintf(stderr, "omega-zone: configuration error:\n%s\n", loaded.error.c_str());
    return 2;
  }
  const ZoneConfig config = *loaded.config;
  std::optional<omega::game::TileMap> map = load_map(config);
  if (!map) return 2;

  // Signals are taken by sigwait on the main thread only: block them before any thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);

  MessagePool pool;
  ZoneMetrics metrics;
  LogCheckpointHook checkpoints;
  Inbox inbox;
  ZoneServer server(config, *map, pool, metrics, checkpoints);

  boost::asio::io_context io(1);
  auto work = boost::asio::make_work_guard(io);
  WebSocketServer websocket(io, config, inbox, metrics, pool);
  HttpServer http(io, metrics);
  std::string error;
  const uint16_t ws_port = websocket.listen(config.host, config.port, error);
  const uint16_t http_port = ws_port ? http.listen(config.host, config.http_port, error) : 0;
  if (ws_port == 0 || http_port == 0) {
    spdlog::critical("{}", error);
    return 1;
  }

  std::thread network([&io] { io.run(); });
  TickLoop loop(
      server, inbox, [&websocket](std::vector<Outgoing>& batch) { websocket.deliver(batch); },
      metrics, config.tick_hz);
  std::thread simulation([&loop] { loop.run(); });

  std::printf("{\"event\":\"listening\",\"ws_port\":%u,\"http_port\":%u}\n", unsigned{ws_port},
              unsigned{http_port});
  std::fflush(stdout);
  spdlog::info("zone '{}' instance {} on {}:{} (http {}), map {}x{}, tick {} Hz, snapshots {} Hz",
               config.zone_name(), config.instance_id, config.host, ws_port, http_port,
               map->width(), map->height(), config.tick_hz, config.snapshot_hz);

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  spdlog::info("signal {}: shutting down", signal_number);

  websocket.stop_accepting();
  loop.request_stop();
  simulation.join();  // kicks everyone and runs the checkpoint hook before returning
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                            std::chrono::duration<double>(config.shutdown_grace_s));
  while (websocket.open_connections() > 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  websocket.close_all();
  http.stop();
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  work.reset();
  io.stop();
  network.join();
  spdlog::info("stopped");
  return 0;
}
