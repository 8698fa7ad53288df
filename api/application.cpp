#include "api/application.hpp"

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>
#include <sodium.h>
#include <spdlog/spdlog.h>

#include "api/db_pool.hpp"
#include "api/errors.hpp"
#include "api/migrations.hpp"
#include "common/process_metrics.hpp"
#include "common/structured_log.hpp"

namespace omega::api {

namespace {
// Requests waiting for a worker beyond this are refused with 503: under overload, fail fast.
constexpr std::size_t kMaxQueuedRequests = 4096;

HttpResponse from_api_error(const ApiError& error) {
  auto response = error_response(error.status(), error.code(), error.what());
  if (!error.header_name.empty())
    response.headers.emplace_back(error.header_name, error.header_value);
  return response;
}

// A caller's X-Request-Id (a proxy's, a client's retry) is kept when it is one log line can
// carry safely: bounded, and no characters a log reader or shipper would have to escape.
constexpr std::size_t kMaxRequestIdLength = 64;
// 16 random bytes, hex: unique enough to find one request among all replicas' logs.
constexpr std::size_t kGeneratedRequestIdBytes = 16;

bool is_sane_request_id(std::string_view id) {
  if (id.empty() || id.size() > kMaxRequestIdLength) return false;
  return std::all_of(id.begin(), id.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '.' || c == '_' || c == '-';
  });
}

std::string request_id_for(const HttpRequest& request) {
  if (const auto given = request.header("x-request-id"); given && is_sane_request_id(*given))
    return std::string(*given);
  unsigned char bytes[kGeneratedRequestIdBytes];
  randombytes_buf(bytes, sizeof bytes);
  char hex[2 * kGeneratedRequestIdBytes + 1];
  sodium_bin2hex(hex, sizeof hex, bytes, sizeof bytes);
  return hex;
}

HttpResponse unavailable(const std::string& message) {
  auto response = error_response(503, "unavailable", message);
  response.headers.emplace_back("Retry-After", "1");
  return response;
}

// The one way from an exception to a response; call it inside a catch. An ApiError is its own
// status and code; ServiceUnavailable (the database or Redis is out of reach) and a lost
// transaction conflict a 503 the client may retry; anything else a 500 whose cause goes to the log,
// never to the client.
HttpResponse response_for_current_exception(const Route& route, const HttpRequest& request) {
  try {
    throw;
  } catch (const ApiError& error) {
    return from_api_error(error);
  } catch (const TransactionConflict& error) {
    spdlog::warn("{} {}: lost a conflict with a concurrent request: {}",
                 method_name(request.method), route.pattern, error.what());
    return unavailable("the request conflicted with a concurrent one and was not applied; retry");
  } catch (const ServiceUnavailable& error) {
    spdlog::warn("{} {}: {}", method_name(request.method), route.pattern, error.what());
    return unavailable("a dependency is unavailable; retry shortly");
  } catch (const std::exception& error) {
    spdlog::error("{} {}: {}", method_name(request.method), route.pattern, error.what());
  } catch (...) {
    spdlog::error("{} {}: an exception of unknown type", method_name(request.method),
                  route.pattern);
  }
  return error_response(500, "internal", "internal error");
}
}  // namespace

Application::Application(Config config)
    : config_(std::move(config)),
      content_(ContentCatalog::load(config_.content_dir)),
      world_(load_world(config_.world_file)),
      tickets_(config_.ticket_signing_seed, std::chrono::seconds(config_.ticket_ttl_s)),
      database_(database_connection_string(config_), config_.database_pool_size,
                std::chrono::milliseconds(config_.database_acquire_timeout_ms)),
      redis_(config_.redis_url, config_.redis_pool_size,
             std::chrono::milliseconds(config_.redis_timeout_ms)),
      passwords_(config_.argon2_ops_limit, config_.argon2_memory_kib, config_.hash_concurrency),
      tokens_(config_.jwt_secret, config_.jwt_issuer,
              std::chrono::seconds(config_.access_token_ttl_s)),
      context_{config_, database_, redis_, passwords_, tokens_, content_},
      auth_(context_),
      leaderboards_(context_, auth_),
      characters_(context_, auth_,
                  [this](pqxx::transaction_base& transaction, std::int64_t id) {
                    return leaderboards_.prepare_character_removal(transaction, id);
                  }),
      registry_(context_),
      directory_(config_, world_, registry_, tickets_),
      parties_(context_, auth_),
      reports_(context_, auth_),
      friends_(context_, auth_),
      tournaments_(context_, auth_, leaderboards_, registry_, tickets_),
      world_service_(context_, auth_, world_, registry_, directory_, leaderboards_),
      market_(context_, auth_),
      admin_(context_, auth_, registry_, tournaments_.arenas()),
      housekeeping_(context_),
      presence_sweep_(context_),
      workers_(config_.worker_threads, kMaxQueuedRequests) {
  register_health_routes();
  auth_.register_routes(router_);
  characters_.register_routes(router_);
  leaderboards_.register_routes(router_);
  parties_.register_routes(router_);
  reports_.register_routes(router_);
  friends_.register_routes(router_);
  tournaments_.register_routes(router_);
  world_service_.register_routes(router_);
  market_.register_routes(router_);
  admin_.register_routes(router_);
  router_.add(
      Method::get, "/v1/content", [this](const HttpRequest& r) { return content(r); },
      [this](const HttpRequest& r) { return std::optional<HttpResponse>(content(r)); },
      Access::anonymous);
  metrics_.add_gauge("omega_api_in_flight_requests", "Requests being handled.",
                     [this] { return in_flight_.load(); });
  metrics_.add_gauge("omega_api_worker_queue", "Requests waiting for a worker thread.",
                     [this] { return static_cast<double>(workers_.queued()); });
  metrics_.add_gauge("omega_api_market_retries",
                     "Market transactions retried after a deadlock or serialization failure.",
                     [this] { return static_cast<double>(market_.retries()); });
  metrics_.add_gauge("omega_api_database_connections", "Open PostgreSQL connections.",
                     [this] { return database_.open_connections(); });
  // Probed at each scrape (what /readyz checks): 1 reachable, 0 not — for alerts.
  metrics_.add_gauge("omega_api_postgresql_up", "PostgreSQL answers SELECT 1 (1) or not (0).",
                     [this] { return probe_postgresql() == "ok" ? 1.0 : 0.0; });
  metrics_.add_gauge("omega_api_redis_up", "Redis answers PING (1) or not (0).",
                     [this] { return probe_redis() == "ok" ? 1.0 : 0.0; });
}

Application::~Application() = default;

int Application::migrate() {
  return apply_migrations(database_, config_.migrations_dir);
}

std::optional<std::int64_t> Application::create_admin(const std::string& username,
                                                      const std::string& password, AdminRole role) {
  return create_admin_account(database_, passwords_, username, password, role);
}

void Application::register_health_routes() {
  router_.add(
      Method::get, "/healthz",
      [](const HttpRequest&) {
        return json_response(200, {{"status", "ok"}});
      },
      [](const HttpRequest&) {
        return std::optional<HttpResponse>(json_response(200, {{"status", "ok"}}));
      },
      Access::anonymous);
  router_.add(
      Method::get, "/readyz", [this](const HttpRequest&) { return readiness(); }, {},
      Access::anonymous);
  // Scraped with the service credential (Prometheus: authorization.credentials_file): route
  // names, error rates and the dependencies' state are not for players.
  router_.add(
      Method::get, "/metrics",
      [this](const HttpRequest&) {
        HttpResponse response;
        response.content_type = "text/plain; version=0.0.4";
        response.body = metrics_.render() + common::process_metrics();
        return response;
      },
      {}, Access::service);
}

std::string Application::probe_postgresql() {
  try {
    database_.run([](pqxx::connection& connection) {
      pqxx::nontransaction probe(connection);
      probe.exec("SELECT 1");
    });
    return "ok";
  } catch (const std::exception& error) {
    return error.what();
  }
}

std::string Application::probe_redis() {
  try {
    const auto pong = redis_.command({"PING"});
    return pong.type == RedisValue::Type::status ? "ok"
                                                 : (pong.text.empty() ? "no PONG" : pong.text);
  } catch (const std::exception& error) {
    return error.what();
  }
}

HttpResponse Application::readiness() {
  const nlohmann::json checks = {{"postgresql", probe_postgresql()}, {"redis", probe_redis()}};
  const bool ready = checks["postgresql"] == "ok" && checks["redis"] == "ok";
  if (!ready) {
    auto response = json_response(
        503, {{"status", "unavailable"},
              {"checks", checks},
              {"error", {{"code", "unavailable"}, {"message", "a dependency is unreachable"}}}});
    response.headers.emplace_back("Retry-After", "1");
    return response;
  }
  return json_response(200, {{"status", "ready"}, {"checks", checks}});
}

HttpResponse Application::content(const HttpRequest& request) const {
  HttpResponse response;
  response.headers.emplace_back("ETag", content_.etag());
  response.headers.emplace_back("Cache-Control", "public, max-age=60");
  if (const auto tag = request.header("if-none-match");
      tag && etag_matches(*tag, content_.etag())) {
    response.status = 304;
    response.content_type.clear();
    return response;
  }
  response.body = content_.document();
  return response;
}

void Application::handle(HttpRequest request, std::function<void(HttpResponse)> respond) {
  const auto started = std::chrono::steady_clock::now();
  request.request_id = request_id_for(request);
  // Every line logged while this request is handled carries its id (here and on the worker).
  const common::RequestIdScope request_scope(request.request_id);
  auto match = router_.match(request);
  if (!match.route) {
    finish(nullptr, request, match.error, started);
    respond(std::move(match.error));
    return;
  }
  const Route* route = match.route;
  if (auto refusal = check_access(*route, request)) {
    finish(route, request, *refusal, started);
    respond(std::move(*refusal));
    return;
  }
  if (route->fast) {
    std::optional<HttpResponse> fast;
    try {
      fast = route->fast(request);
    } catch (...) {
      fast = response_for_current_exception(*route, request);
    }
    if (fast) {
      finish(route, request, *fast, started);
      respond(std::move(*fast));
      return;
    }
  }
  ++in_flight_;
  auto shared_respond = std::make_shared<std::function<void(HttpResponse)>>(std::move(respond));
  auto shared_request = std::make_shared<HttpRequest>(std::move(request));
  const bool queued = workers_.post([this, route, shared_request, shared_respond, started] {
    const common::RequestIdScope worker_scope(shared_request->request_id);
    auto response = run_handler(*route, *shared_request);
    finish(route, *shared_request, response, started);
    --in_flight_;
    (*shared_respond)(std::move(response));
  });
  if (!queued) {
    --in_flight_;
    auto response = unavailable("server overloaded");
    finish(route, *shared_request, response, started);
    (*shared_respond)(std::move(response));
  }
}

std::optional<HttpResponse> Application::check_access(const Route& route,
                                                      const HttpRequest& request) const {
  try {
    switch (route.access) {
      case Access::account:
        auth_.verify_bearer(request);
        break;
      case Access::service:
        auth_.require_service(request);
        break;
      case Access::admin:
        admin_.require_admin_token_shape(request);
        break;
      case Access::anonymous:
        break;
    }
  } catch (...) {
    return response_for_current_exception(route, request);
  }
  return std::nullopt;
}

HttpResponse Application::run_handler(const Route& route, const HttpRequest& request) {
  try {
    return route.handler(request);
  } catch (...) {
    return response_for_current_exception(route, request);
  }
}

void Application::finish(const Route* route, const HttpRequest& request, HttpResponse& response,
                         std::chrono::steady_clock::time_point started) {
  static const std::string kUnmatched = "unmatched";
  response.headers.emplace_back("X-Request-Id", request.request_id);
  metrics_.record(method_name(request.method), route ? route->pattern : kUnmatched, response.status,
                  std::chrono::steady_clock::now() - started);
}

}  // namespace omega::api
