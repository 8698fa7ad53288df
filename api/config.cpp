#include "api/config.hpp"

#include <cctype>
#include <charconv>
#include <optional>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <variant>

#include <toml++/toml.h>

#include "api/client_address.hpp"
#include "common/setting_file.hpp"
#include "common/structured_log.hpp"
#include "protocol/ticket.hpp"

extern char** environ;

namespace omega::api {

namespace {

using Field =
    std::variant<std::string Config::*, int Config::*, std::int64_t Config::*, bool Config::*>;

struct OptionBinding {
  ConfigOption option;
  Field field;
};

const std::vector<OptionBinding>& bindings() {
  static const std::vector<OptionBinding> all = {
      {{"server.listen_address", "OMEGA_API_LISTEN", "address to listen on"},
       &Config::listen_address},
      {{"server.port", "OMEGA_API_PORT", "TCP port (0 picks a free one)"}, &Config::port},
      {{"server.io_threads", "OMEGA_API_IO_THREADS", "threads running sockets and fast paths"},
       &Config::io_threads},
      {{"server.worker_threads", "OMEGA_API_WORKER_THREADS",
        "threads running database/Redis work (I/O threads never block)"},
       &Config::worker_threads},
      {{"server.body_limit_bytes", "OMEGA_API_BODY_LIMIT", "largest request body accepted (413)"},
       &Config::body_limit_bytes},
      {{"server.request_timeout_s", "OMEGA_API_REQUEST_TIMEOUT",
        "time to read one request or write one response"},
       &Config::request_timeout_s},
      {{"server.idle_timeout_s", "OMEGA_API_IDLE_TIMEOUT", "keep-alive idle time"},
       &Config::idle_timeout_s},
      {{"server.shutdown_grace_s", "OMEGA_API_SHUTDOWN_GRACE",
        "time in-flight requests get after SIGTERM"},
       &Config::shutdown_grace_s},
      {{"server.trusted_proxies", "OMEGA_API_TRUSTED_PROXIES",
        "addresses/CIDRs of proxies whose X-Forwarded-For names the client (empty: the socket peer "
        "is the client)"},
       &Config::trusted_proxies},
      {{"database.url", "DATABASE_URL", "PostgreSQL connection URL"}, &Config::database_url},
      {{"database.password", "OMEGA_DATABASE_PASSWORD",
        "PostgreSQL password, added to database.url (empty: the URL's own)"},
       &Config::database_password},
      {{"database.pool_size", "OMEGA_DATABASE_POOL_SIZE", "PostgreSQL connections"},
       &Config::database_pool_size},
      {{"database.acquire_timeout_ms", "OMEGA_DATABASE_ACQUIRE_TIMEOUT_MS",
        "wait for a free connection before answering 503"},
       &Config::database_acquire_timeout_ms},
      {{"database.migrate_on_start", "OMEGA_MIGRATE_ON_START", "apply migrations at start"},
       &Config::migrate_on_start},
      {{"database.migrations_dir", "OMEGA_MIGRATIONS_DIR", "folder of NNNN_name.sql files"},
       &Config::migrations_dir},
      {{"redis.url", "REDIS_URL", "Redis URL redis://[:password@]host:port[/db]"},
       &Config::redis_url},
      {{"redis.pool_size", "OMEGA_REDIS_POOL_SIZE", "Redis connections"}, &Config::redis_pool_size},
      {{"redis.timeout_ms", "OMEGA_REDIS_TIMEOUT_MS", "connect and command timeout"},
       &Config::redis_timeout_ms},
      {{"redis.key_prefix", "OMEGA_REDIS_PREFIX", "prefix of every Redis key"},
       &Config::redis_prefix},
      {{"auth.jwt_secret", "OMEGA_JWT_SECRET", "HS256 key, at least 32 bytes (required)"},
       &Config::jwt_secret},
      {{"auth.jwt_issuer", "OMEGA_JWT_ISSUER", "iss claim of access tokens"}, &Config::jwt_issuer},
      {{"auth.access_token_ttl_s", "OMEGA_ACCESS_TOKEN_TTL", "access token lifetime"},
       &Config::access_token_ttl_s},
      {{"auth.refresh_token_ttl_s", "OMEGA_REFRESH_TOKEN_TTL", "refresh token lifetime"},
       &Config::refresh_token_ttl_s},
      {{"auth.service_token", "OMEGA_SERVICE_TOKEN",
        "bearer credential of zone servers on /internal routes (empty: internal routes refuse)"},
       &Config::service_token},
      {{"auth.argon2_ops_limit", "OMEGA_ARGON2_OPS", "Argon2id passes (>= 2, OWASP)"},
       &Config::argon2_ops_limit},
      {{"auth.argon2_memory_kib", "OMEGA_ARGON2_MEMORY_KIB", "Argon2id memory (>= 19456, OWASP)"},
       &Config::argon2_memory_kib},
      {{"auth.hash_concurrency", "OMEGA_HASH_CONCURRENCY",
        "password hashes computed at once (0: hardware threads)"},
       &Config::hash_concurrency},
      {{"auth.login_free_failures", "OMEGA_LOGIN_FREE_FAILURES",
        "failed logins to one account from one client before that client waits (429) for that "
        "account"},
       &Config::login_free_failures},
      {{"auth.login_delay_base_s", "OMEGA_LOGIN_DELAY_BASE_S",
        "first wait after the free failures; it doubles with each further failure"},
       &Config::login_delay_base_s},
      {{"auth.login_delay_cap_s", "OMEGA_LOGIN_DELAY_CAP_S", "longest wait between two attempts"},
       &Config::login_delay_cap_s},
      {{"auth.login_failure_memory_s", "OMEGA_LOGIN_FAILURE_MEMORY_S",
        "time after its last failure that an (account, client) failure count is forgotten (> delay "
        "cap)"},
       &Config::login_failure_memory_s},
      {{"auth.login_client_burst", "OMEGA_LOGIN_CLIENT_BURST",
        "failed logins one client address may make at once, over all accounts"},
       &Config::login_client_burst},
      {{"auth.login_client_failures_per_hour", "OMEGA_LOGIN_CLIENT_FAILURES_PER_HOUR",
        "rate at which a client address's failure budget refills"},
       &Config::login_client_failures_per_hour},
      {{"auth.token_version_cache_ms", "OMEGA_TOKEN_VERSION_CACHE_MS",
        "how long a replica trusts a cached token version or session state (how late other "
        "replicas "
        "see a logout-all, logout or refresh-token reuse)"},
       &Config::token_version_cache_ms},
      {{"auth.register_client_burst", "OMEGA_REGISTER_CLIENT_BURST",
        "accounts one client address may create at once"},
       &Config::register_client_burst},
      {{"auth.registrations_per_hour", "OMEGA_REGISTRATIONS_PER_HOUR",
        "rate at which a client address's registration budget refills (0: no limit)"},
       &Config::registrations_per_hour},
      {{"characters.max_per_account", "OMEGA_MAX_CHARACTERS", "characters per account"},
       &Config::max_characters_per_account},
      {{"characters.cache_ms", "OMEGA_CHARACTER_CACHE_MS", "in-process character cache lifetime"},
       &Config::character_cache_ms},
      {{"leaderboards.cache_ms", "OMEGA_LEADERBOARD_CACHE_MS",
        "in-process cache of top-N pages (0 disables)"},
       &Config::leaderboard_cache_ms},
      {{"leaderboards.max_limit", "OMEGA_LEADERBOARD_MAX_LIMIT", "largest limit= accepted"},
       &Config::leaderboard_max_limit},
      {{"market.listing_ttl_s", "OMEGA_MARKET_LISTING_TTL_S",
        "time a listing stays up before its items go back to the seller"},
       &Config::market_listing_ttl_s},
      {{"market.fee_basis_points", "OMEGA_MARKET_FEE_BP",
        "sale fee in 1/100 %, fixed per listing when it is created (500 = 5 %)"},
       &Config::market_fee_basis_points},
      {{"market.max_listings_per_character", "OMEGA_MARKET_MAX_LISTINGS",
        "active listings one character may have"},
       &Config::market_max_listings_per_character},
      {{"market.max_page_size", "OMEGA_MARKET_MAX_PAGE", "largest limit= of a listing search"},
       &Config::market_max_page_size},
      {{"market.sweep_interval_s", "OMEGA_MARKET_SWEEP_INTERVAL_S",
        "period of the expiry sweeper (0 disables it; expired listings stay hidden)"},
       &Config::market_sweep_interval_s},
      {{"market.idempotency_ttl_h", "OMEGA_MARKET_IDEMPOTENCY_TTL_H",
        "hours a stored Idempotency-Key response is kept"},
       &Config::market_idempotency_ttl_h},
      {{"housekeeping.interval_s", "OMEGA_HOUSEKEEPING_INTERVAL_S",
        "period of the pass that deletes expired sessions and old login history (0 disables "
        "it)"},
       &Config::housekeeping_interval_s},
      {{"housekeeping.login_history_days", "OMEGA_LOGIN_HISTORY_DAYS",
        "days a successful login stays in the player lookup's history (0 keeps it forever)"},
       &Config::login_history_days},
      {{"content.dir", "OMEGA_CONTENT_DIR", "content definitions folder"}, &Config::content_dir},
      {{"admin.static_dir", "OMEGA_ADMIN_STATIC_DIR",
        "folder of the admin console's files, served at /admin/ (relative: to the working "
        "directory)"},
       &Config::admin_static_dir},
      {{"tickets.signing_seed", "OMEGA_API_TICKET_SEED",
        "Ed25519 seed of join tickets, 64 hex chars (required for /v1/play; zones get its public "
        "key)"},
       &Config::ticket_signing_seed},
      {{"tickets.ttl_s", "OMEGA_API_TICKET_TTL_S",
        "join ticket lifetime (also how long a seat stays reserved)"},
       &Config::ticket_ttl_s},
      {{"world.file", "OMEGA_API_WORLD_FILE", "world topology (zones, capacities, caps)"},
       &Config::world_file},
      {{"world.lease_stale_s", "OMEGA_LEASE_STALE_S",
        "seconds after a zone last checkpointed a character that it still counts as online "
        "(keep it several times the zones' checkpoint_interval_s)"},
       &Config::lease_stale_s},
      {{"world.presence_sweep_s", "OMEGA_PRESENCE_SWEEP_S",
        "period of the pass that tells the friends of characters whose zone stopped writing "
        "their lease (a crash) that they went offline (0 disables it)"},
       &Config::presence_sweep_s},
      {{"tournaments.matchmaker_interval_ms", "OMEGA_TOURNAMENT_INTERVAL_MS",
        "period of the matchmaker pass (0: this replica does not match)"},
       &Config::tournament_interval_ms},
      {{"tournaments.window_base", "OMEGA_TOURNAMENT_WINDOW_BASE",
        "rating difference accepted at once"},
       &Config::tournament_window_base},
      {{"tournaments.window_step", "OMEGA_TOURNAMENT_WINDOW_STEP",
        "rating difference added per step waited"},
       &Config::tournament_window_step},
      {{"tournaments.window_step_ms", "OMEGA_TOURNAMENT_WINDOW_STEP_MS",
        "waiting time per widening step"},
       &Config::tournament_window_step_ms},
      {{"tournaments.match_grace_s", "OMEGA_TOURNAMENT_MATCH_GRACE_S",
        "time after a match's time limit before a match without a result is abandoned"},
       &Config::tournament_match_grace_s},
      {{"log.level", "OMEGA_LOG_LEVEL", "trace, debug, info, warn, error"}, &Config::log_level},
      {{"log.format", "OMEGA_LOG_FORMAT",
        "text (spdlog lines) or json (one object per line, with request_id and event fields)"},
       &Config::log_format},
  };
  return all;
}

// Options that were removed because their meaning would silently change: a deployment
// still setting one refuses to start instead of running with a weaker setting.
struct RetiredOption {
  const char* key;
  const char* env;
  const char* replacement;
};
constexpr RetiredOption kRetiredOptions[] = {
    {"server.trust_forwarded_for", "OMEGA_API_TRUST_FORWARDED_FOR",
     "server.trusted_proxies (OMEGA_API_TRUSTED_PROXIES): list the proxies' addresses"},
    {"auth.login_failures_per_account", "OMEGA_LOGIN_FAILURES_PER_ACCOUNT",
     "auth.login_free_failures (per account and client address; accounts are no longer locked)"},
    {"auth.login_failures_per_ip", "OMEGA_LOGIN_FAILURES_PER_IP",
     "auth.login_client_burst and auth.login_client_failures_per_hour"},
    {"auth.login_window_s", "OMEGA_LOGIN_WINDOW", "auth.login_failure_memory_s"},
};

std::string retired_message(const RetiredOption& option, const std::string& name) {
  return name + " is no longer supported; use " + option.replacement + " (docs/OPERATIONS.md)";
}

std::string set_from_string(Config& config, const OptionBinding& binding, const std::string& text) {
  auto bad = [&] { return binding.option.key + ": cannot use '" + text + "'"; };
  return std::visit(
      [&](auto member) -> std::string {
        using T = std::remove_reference_t<decltype(config.*member)>;
        if constexpr (std::is_same_v<T, std::string>) {
          config.*member = text;
        } else if constexpr (std::is_same_v<T, bool>) {
          if (text == "1" || text == "true" || text == "yes")
            config.*member = true;
          else if (text == "0" || text == "false" || text == "no")
            config.*member = false;
          else
            return bad();
        } else {
          T value{};
          const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
          if (ec != std::errc{} || end != text.data() + text.size()) return bad();
          config.*member = value;
        }
        return {};
      },
      binding.field);
}

std::string set_from_toml(Config& config, const OptionBinding& binding, const toml::node& node) {
  return std::visit(
      [&](auto member) -> std::string {
        using T = std::remove_reference_t<decltype(config.*member)>;
        const auto value = node.value<T>();
        if (!value) return binding.option.key + ": wrong type";
        config.*member = *value;
        return {};
      },
      binding.field);
}

}  // namespace

const std::vector<ConfigOption>& config_options() {
  static const std::vector<ConfigOption> options = [] {
    std::vector<ConfigOption> out;
    for (const auto& binding : bindings()) out.push_back(binding.option);
    return out;
  }();
  return options;
}

std::string apply_toml(Config& config, const std::string& toml_text) {
  toml::table table;
  try {
    table = toml::parse(toml_text);
  } catch (const toml::parse_error& error) {
    return std::string("TOML: ") + std::string(error.description());
  }
  for (const auto& retired : kRetiredOptions)
    if (table.at_path(retired.key)) return retired_message(retired, retired.key);
  for (const auto& binding : bindings()) {
    const auto node = table.at_path(binding.option.key);
    if (!node) continue;
    if (auto error = set_from_toml(config, binding, *node.node()); !error.empty()) return error;
  }
  return {};
}

std::string apply_environment(Config& config, const std::map<std::string, std::string>& env) {
  const auto lookup = [&env](const std::string& name) -> std::optional<std::string> {
    const auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
  for (const auto& retired : kRetiredOptions)
    if (lookup(retired.env) || lookup(std::string(retired.env) + "_FILE"))
      return retired_message(retired, retired.env);
  for (const auto& binding : bindings()) {
    std::string error;
    const auto value = common::setting_from_environment(binding.option.env, lookup, error);
    if (!error.empty()) return error;
    if (!value) continue;
    if (error = set_from_string(config, binding, *value); !error.empty())
      return binding.option.env + ": " + error;
  }
  return {};
}

std::string database_connection_string(const Config& config) {
  if (config.database_password.empty()) return config.database_url;
  std::string encoded;
  for (const unsigned char c : config.database_password) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      encoded += char(c);
    } else {
      static const char* kHex = "0123456789ABCDEF";
      encoded += '%';
      encoded += kHex[c >> 4];
      encoded += kHex[c & 15];
    }
  }
  const char separator = config.database_url.find('?') == std::string::npos ? '?' : '&';
  return config.database_url + separator + "password=" + encoded;
}

std::map<std::string, std::string> process_environment() {
  std::map<std::string, std::string> env;
  for (char** entry = environ; entry && *entry; ++entry) {
    const std::string_view text(*entry);
    const auto eq = text.find('=');
    if (eq != std::string_view::npos)
      env.emplace(std::string(text.substr(0, eq)), std::string(text.substr(eq + 1)));
  }
  return env;
}

std::string validate(const Config& config) {
  // HS256 with a short key is brute-forceable offline from any one token.
  if (config.jwt_secret.size() < 32)
    return "auth.jwt_secret (OMEGA_JWT_SECRET) must be >= 32 bytes";
  if (config.argon2_ops_limit < 2 || config.argon2_memory_kib < 19 * 1024)
    return "Argon2id parameters below the OWASP minimum (t=2, m=19 MiB)";
  if (config.port < 0 || config.port > 65535) return "server.port out of range";
  if (config.io_threads < 1 || config.worker_threads < 1) return "thread counts must be >= 1";
  if (config.database_pool_size < 1 || config.redis_pool_size < 1) return "pool sizes must be >= 1";
  if (config.body_limit_bytes < 1024) return "server.body_limit_bytes must be >= 1024";
  if (config.access_token_ttl_s < 1 || config.refresh_token_ttl_s < 1)
    return "token TTLs must be >= 1";
  if (config.market_listing_ttl_s < 1 || config.market_max_page_size < 1 ||
      config.market_max_listings_per_character < 1 || config.market_sweep_interval_s < 0 ||
      config.market_idempotency_ttl_h < 1)
    return "market settings out of range";
  if (config.register_client_burst < 1 || config.registrations_per_hour < 0)
    return "auth.register_client_burst must be >= 1 and auth.registrations_per_hour >= 0";
  if (config.housekeeping_interval_s < 0 || config.login_history_days < 0)
    return "housekeeping settings must be >= 0";
  if (config.market_fee_basis_points < 0 || config.market_fee_basis_points > 10'000)
    return "market.fee_basis_points must be 0-10000";
  if (config.lease_stale_s < 5 || config.lease_stale_s > 86'400)
    return "world.lease_stale_s must be in [5, 86400]";
  if (config.presence_sweep_s < 0 || config.presence_sweep_s > 3600)
    return "world.presence_sweep_s must be in [0, 3600]";
  if (config.ticket_ttl_s < 5 || config.ticket_ttl_s > 3600)
    return "tickets.ttl_s must be in [5, 3600]";
  if (!config.ticket_signing_seed.empty() && !protocol::from_hex<32>(config.ticket_signing_seed))
    return "tickets.signing_seed (OMEGA_API_TICKET_SEED) must be 64 hex characters";
  if (std::string error; !TrustedProxies::parse(config.trusted_proxies, error))
    return "server.trusted_proxies (OMEGA_API_TRUSTED_PROXIES): " + error;
  if (config.login_free_failures < 1 || config.login_delay_base_s < 1 ||
      config.login_delay_cap_s < config.login_delay_base_s || config.login_client_burst < 1 ||
      config.login_client_failures_per_hour < 1 ||
      config.login_client_failures_per_hour > 3'600'000)
    return "login throttling settings out of range";
  // A count forgotten before its wait is over would hand out fresh free attempts.
  if (config.login_failure_memory_s <= config.login_delay_cap_s)
    return "auth.login_failure_memory_s must be longer than auth.login_delay_cap_s";
  if (config.tournament_interval_ms < 0 || config.tournament_window_base < 0 ||
      config.tournament_window_step < 0 || config.tournament_window_step_ms < 1 ||
      config.tournament_match_grace_s < 1)
    return "tournament settings out of range";
  if (!common::parse_log_format(config.log_format))
    return "log.format (OMEGA_LOG_FORMAT) must be text or json";
  return {};
}

Config load_config(const std::string& path) {
  Config config;
  if (!path.empty()) {
    std::ifstream file(path);
    if (!file) throw std::runtime_error("cannot read config file " + path);
    std::stringstream text;
    text << file.rdbuf();
    if (auto error = apply_toml(config, text.str()); !error.empty())
      throw std::runtime_error(path + ": " + error);
  }
  if (auto error = apply_environment(config, process_environment()); !error.empty())
    throw std::runtime_error(error);
  if (auto error = validate(config); !error.empty()) throw std::runtime_error(error);
  return config;
}

}  // namespace omega::api
