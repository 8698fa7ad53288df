// omega-api: `omega-api [--config FILE] [serve|migrate|healthcheck|admin create]`. See
// docs/OPERATIONS.md.
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <iostream>
#include <thread>

#include "api/admin_service.hpp"
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

// The new staff member's password: OMEGA_ADMIN_PASSWORD when set (scripts), else the first
// line of stdin, so it is never an argument that `ps` or a shell history would show.
std::string admin_password() {
  if (const char* given = std::getenv("OMEGA_ADMIN_PASSWORD"); given && *given) return given;
  std::string line;
  std::getline(std::cin, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

int create_admin(omega::api::Application& application, const std::string& username,
                 const std::string& role_name) {
  const auto role = omega::api::parse_admin_role(role_name);
  if (!role) {
    spdlog::critical("omega-api admin create: --role must be viewer, moderator or admin");
    return 2;
  }
  migrate_with_patience(application);
  const auto id = application.create_admin(username, admin_password(), *role);
  if (!id) {
    spdlog::critical("omega-api admin create: the username {} is taken", username);
    return 1;
  }
  spdlog::info("admin account {} ({}) created with id {}", username, role_name, *id);
  return 0;
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
  auto* admin = cli.add_subcommand("admin", "manage admin-console staff accounts");
  auto* admin_create = admin->add_subcommand(
      "create", "create a staff account; the password is read from OMEGA_ADMIN_PASSWORD or stdin");
  std::string admin_username;
  std::string admin_role = "viewer";
  admin_create->add_option("--username", admin_username, "3-24 characters of A-Z, a-z, 0-9, _")
      ->required();
  admin_create->add_option("--role", admin_role, "viewer, moderator or admin")->required();
  admin->require_subcommand(1);
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
    if (admin_create->parsed()) return create_admin(application, admin_username, admin_role);
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
