// The world endpoints: POST /v1/play (a player asks where to connect and gets a ticket) and
// the zone servers' internal routes — lease claims, checkpoints and transfers — with the
// lease-epoch fencing of the world contract (docs/ARCHITECTURE.md, "World topology,
// directory and leases"). Thread-safe.
#pragma once

#include <cstdint>

#include "api/auth_service.hpp"
#include "api/checkpoints.hpp"
#include "api/directory_service.hpp"
#include "api/instance_registry.hpp"
#include "api/leaderboard_service.hpp"
#include "api/router.hpp"
#include "api/service_context.hpp"
#include "api/world.hpp"

namespace omega::api {

class WorldService {
 public:
  WorldService(ServiceContext context, AuthService& auth, const WorldTopology& world,
               InstanceRegistry& registry, DirectoryService& directory,
               LeaderboardService& leaderboards);
  WorldService(const WorldService&) = delete;
  WorldService& operator=(const WorldService&) = delete;

  void register_routes(Router& router);

 private:
  HttpResponse play(const HttpRequest& request);
  HttpResponse claim(const HttpRequest& request);
  HttpResponse checkpoints(const HttpRequest& request);
  HttpResponse transfer(const HttpRequest& request);

  // The seat request for `character_id` entering `zone` (nullopt: its saved zone), read
  // inside `transaction`; ApiError 404 if the character is not `account_id`'s (when given).
  SeatRequest seat_request(pqxx::transaction_base& transaction, std::int64_t character_id,
                           std::optional<std::int64_t> account_id, std::optional<std::string> zone);

  ServiceContext context_;
  AuthService& auth_;
  const WorldTopology& world_;
  InstanceRegistry& registry_;
  DirectoryService& directory_;
  LeaderboardService& leaderboards_;  // checkpoints feed monster_kills and level
};

}  // namespace omega::api
