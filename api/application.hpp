// The omega-api service without its socket layer: configuration, pools, services, router,
// worker pool and metrics, and `handle`, which turns one request into one response
// (inline for fast paths, on the worker pool otherwise). The HTTP server (api/server.hpp)
// feeds it; tests can drive it directly. Thread-safe after construction.
#pragma once

#include <atomic>
#include <functional>
#include <memory>

#include "api/admin_service.hpp"
#include "api/auth_service.hpp"
#include "api/character_service.hpp"
#include "api/config.hpp"
#include "api/content.hpp"
#include "api/directory_service.hpp"
#include "api/instance_registry.hpp"
#include "api/leaderboard_service.hpp"
#include "api/housekeeping.hpp"
#include "api/presence_sweep.hpp"
#include "api/market_service.hpp"
#include "api/metrics.hpp"
#include "api/party_service.hpp"
#include "api/friend_service.hpp"
#include "api/report_service.hpp"
#include "api/router.hpp"
#include "api/ticket_minter.hpp"
#include "api/tournament_service.hpp"
#include "api/worker_pool.hpp"
#include "api/world.hpp"
#include "api/world_service.hpp"

namespace omega::api {

class Application {
 public:
  // Loads content and the world topology; opens no connection yet (pools connect lazily).
  explicit Application(Config config);
  ~Application();
  Application(const Application&) = delete;
  Application& operator=(const Application&) = delete;

  // Applies pending migrations; returns how many ran. Blocking.
  int migrate();
  // Creates a staff account (`omega-api admin create`): its id, or nullopt when the name is
  // taken; std::invalid_argument for a bad name or password.
  std::optional<std::int64_t> create_admin(const std::string& username, const std::string& password,
                                           AdminRole role);

  // Answers `request` through `respond`, exactly once, on this thread (fast paths, errors)
  // or on a worker thread.
  void handle(HttpRequest request, std::function<void(HttpResponse)> respond);

  const Router& router() const { return router_; }
  const Config& config() const { return config_; }
  Metrics& metrics() { return metrics_; }

 private:
  // The 401 for a request without the credential its route needs; nullopt when it has it.
  // No I/O: runs on the I/O thread before any handler reads the request.
  std::optional<HttpResponse> check_access(const Route& route, const HttpRequest& request) const;
  HttpResponse run_handler(const Route& route, const HttpRequest& request);
  void finish(const Route* route, const HttpRequest& request, HttpResponse& response,
              std::chrono::steady_clock::time_point started);
  void register_health_routes();
  HttpResponse readiness();
  // "ok", or why the dependency did not answer.
  std::string probe_postgresql();
  std::string probe_redis();
  HttpResponse content(const HttpRequest& request) const;

  Config config_;
  ContentCatalog content_;
  WorldTopology world_;
  TicketMinter tickets_;
  DbPool database_;
  RedisPool redis_;
  PasswordHasher passwords_;
  TokenIssuer tokens_;
  ServiceContext context_;  // what every service below is built on
  AuthService auth_;
  LeaderboardService leaderboards_;
  CharacterService characters_;
  InstanceRegistry registry_;
  DirectoryService directory_;
  PartyService parties_;
  ReportService reports_;
  FriendService friends_;
  TournamentService tournaments_;
  WorldService world_service_;
  MarketService market_;
  AdminService admin_;
  Housekeeping housekeeping_;
  PresenceSweep presence_sweep_;
  Metrics metrics_;
  Router router_;
  std::atomic<int> in_flight_{0};
  WorkerPool workers_;  // last: destroyed first, so queued work still sees every service
};

}  // namespace omega::api
