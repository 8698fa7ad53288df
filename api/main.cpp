// omega-api: `omega-api [--config FILE] [serve|migrate|healthcheck]`. See docs/OPERATIONS.md.
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <thread>

#include "api/application.hpp"
#include "api/config.hpp"
#include "api/errors.hpp"
#include "api/server.hpp"
#include "common/http_client.hpp"
#include "common/structured_log.hpp"

namespace {

// At start the database may still be coming up (docker-compose, Kubernetes): wait this long.
constexpr auto kMigrationPatience = std::chrono::seconds(30);

int migrate_with_patience(omega::api::Application& application) {
  const auto deadline = std::chrono::steady_clock::now() + kMigrationPatience;
  for (;;) {
    try {
      const int applied = application.migrate();
      spdlog::info("migrations: {} applied", applied);
      return applied;
    } catch (const omega::api::ServiceUnavailable& error) {
      if (std::chrono::steady_clock::now() > deadline) throw;
      spdlog::warn("database not reachable yet ({}); retrying", error.what());
      std::this_thread::sleep_for(std::chrono::seconds(1));
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"omega-api: Omega Realm REST service"};
  std::string config_path;
  cli.add_option("-c,--config", config_path, "TOML configuration file");
  auto* serve = cli.add_subcommand("serve", "run the HTTP service (default)");
  auto* migrate = cli.add_subcommand("migrate", "apply database migrations and exit");
  auto* health = cli.add_subcommand(
      "healthcheck", "GET /healthz of the omega-api on this host; exit 0 when it answers 200");
  std::string health_url;
  health->add_option(
      "--url", health_url,
      "probe this URL (default http://127.0.0.1:$OMEGA_API_PORT/healthz, port 8080)");
  cli.require_subcommand(0, 1);
  CLI11_PARSE(cli, argc, argv);
  (void)serve;
  if (health->parsed())
    return omega::common::health_check_command(health_url, "OMEGA_API_PORT", 8080);

  try {
    const auto config = omega::api::load_config(config_path);
    spdlog::set_level(spdlog::level::from_str(config.log_level));
    omega::common::configure_logging("omega-api",
                                     *omega::common::parse_log_format(config.log_format));
    omega::api::Application application(config);
    if (migrate->parsed()) {
      migrate_with_patience(application);
      return 0;
    }
    if (config.migrate_on_start) migrate_with_patience(application);
    omega::api::HttpServer server(application);
    const auto port = server.start();
    spdlog::info("omega-api listening on {}:{}", config.listen_address, port);
    server.run_until_signal();
    spdlog::info("omega-api stopped");
    return 0;
  } catch (const std::exception& error) {
    spdlog::critical("omega-api: {}", error.what());
    return 1;
  }
}
