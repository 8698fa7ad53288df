// omega-api configuration: defaults in code, then a TOML file, then environment variables
// (12-factor). Every option has a TOML key and an environment variable; `config_options()`
// lists them all and is what docs/OPERATIONS.md documents. Every variable X may instead be
// given as X_FILE, the path of a file holding the value (Docker/Kubernetes secrets). A plain
// value: copy freely.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace omega::api {

struct Config {
  // [server]
  std::string listen_address = "0.0.0.0";
  int port = 8080;
  int io_threads = 2;
  int worker_threads = 16;
  std::int64_t body_limit_bytes = 1 << 20;
  int request_timeout_s = 15;
  int idle_timeout_s = 60;
  int shutdown_grace_s = 10;
  // Comma-separated addresses/CIDRs of load balancers whose X-Forwarded-For is believed.
  std::string trusted_proxies;
  // [database]
  std::string database_url = "postgresql://omega@127.0.0.1:5432/omega";
  std::string database_password;  // "" = the URL's own (or none); see database_connection_string
  int database_pool_size = 8;
  int database_acquire_timeout_ms = 2000;
  bool migrate_on_start = true;
  std::string migrations_dir = "db/migrations";
  // [redis]
  std::string redis_url = "redis://127.0.0.1:6379/0";
  int redis_pool_size = 8;
  int redis_timeout_ms = 1000;
  std::string redis_prefix = "omega:";
  // [auth]
  std::string jwt_secret;
  std::string jwt_issuer = "omega-api";
  int access_token_ttl_s = 900;
  int refresh_token_ttl_s = 30 * 24 * 3600;
  std::string service_token;
  int argon2_ops_limit = 2;
  int argon2_memory_kib = 19 * 1024;
  int hash_concurrency = 0;  // 0: one per hardware thread
  // Login throttling (docs/OPERATIONS.md "Login throttling"): per account and client address,
  // exponential delays after a few failures; per client address, a looser failure budget.
  int login_free_failures = 5;
  int login_delay_base_s = 1;
  int login_delay_cap_s = 900;
  int login_failure_memory_s = 24 * 3600;
  int login_client_burst = 50;
  int login_client_failures_per_hour = 60;
  int token_version_cache_ms = 1000;
  // Registrations per client address (docs/OPERATIONS.md "Login throttling"): a burst, then
  // this many an hour; 0 an hour: no limit.
  int register_client_burst = 60;
  int registrations_per_hour = 60;
  // [characters]
  int max_characters_per_account = 8;
  int character_cache_ms = 1000;
  // [leaderboards]
  int leaderboard_cache_ms = 1000;
  int leaderboard_max_limit = 100;
  // [market]
  int market_listing_ttl_s = 48 * 3600;
  int market_fee_basis_points = 500;
  int market_max_listings_per_character = 50;
  int market_max_page_size = 100;
  int market_sweep_interval_s = 30;
  int market_idempotency_ttl_h = 24;
  // [housekeeping] (api/housekeeping.hpp)
  int housekeeping_interval_s = 3600;
  int login_history_days = 90;  // 0: kept forever
  // [content]
  std::string content_dir = "content";
  // [admin]
  std::string admin_static_dir = "web/admin";  // the admin console's files (GET /admin/)
  // [tickets]
  std::string ticket_signing_seed;  // 64 hex chars (Ed25519 seed); empty: /v1/play refuses
  int ticket_ttl_s = 60;
  // [world]
  std::string world_file = "content/world.json";
  int presence_sweep_s = 10;  // how often a replica looks for leases whose zone went silent
  int lease_stale_s = 60;     // presence believes a held lease this long after its last write
  // [tournaments]
  int tournament_interval_ms = 1000;  // 0: no matchmaker in this replica
  int tournament_window_base = 100;
  int tournament_window_step = 50;
  int tournament_window_step_ms = 5000;
  int tournament_match_grace_s = 120;
  // [log]
  std::string log_level = "info";
  std::string log_format = "text";  // text or json (common/structured_log.hpp)
};

struct ConfigOption {
  std::string key;  // TOML path, e.g. "server.port"
  std::string env;  // environment variable, e.g. "OMEGA_API_PORT"
  std::string description;
};

// Every option, in documentation order.
const std::vector<ConfigOption>& config_options();

// Applies a TOML document (text) over `config`. Returns an error message, empty on success.
std::string apply_toml(Config& config, const std::string& toml_text);
// Applies environment variables from `env` (name → value) over `config`; a variable X_FILE
// names a file whose content (less its trailing line break) is X's value.
std::string apply_environment(Config& config, const std::map<std::string, std::string>& env);
// Snapshot of the process environment for apply_environment.
std::map<std::string, std::string> process_environment();
// Checks values that have no safe default; empty when the configuration can serve.
std::string validate(const Config& config);
// database.url with database.password added (percent-encoded, as the URI's `password`
// parameter, which libpq prefers over a password inside the URL): the password can then come
// from a secret file while the URL stays in plain configuration.
std::string database_connection_string(const Config& config);

// Defaults, then the TOML file at `path` (if not empty), then the process environment.
// Throws std::runtime_error with a readable message on a bad file or value.
Config load_config(const std::string& path);

}  // namespace omega::api
