// Tournaments over HTTP (docs/ARCHITECTURE.md): the list of tournaments, joining and leaving a
// tournament's queue, the queue status (queued with the current rating window, matched with
// a join ticket for the arena, or none), and the arena's result report, which changes Elo
// ratings exactly once and feeds the tournament's leaderboard. Owns the matchmaker thread
// (api/tournament_matchmaker.hpp). Handlers block on PostgreSQL/Redis: worker threads only.
// Thread-safe.
#pragma once

#include <cstdint>

#include <nlohmann/json_fwd.hpp>

#include "api/auth_service.hpp"
#include "api/instance_registry.hpp"
#include "api/leaderboard_service.hpp"
#include "api/router.hpp"
#include "api/service_context.hpp"
#include "api/ticket_minter.hpp"
#include "api/tournament_arenas.hpp"
#include "api/tournament_matchmaker.hpp"

namespace omega::api {

class TournamentService {
 public:
  // Loads <content.dir>/arenas.json and starts the matchmaker (unless its interval is 0).
  TournamentService(ServiceContext context, AuthService& auth, LeaderboardService& leaderboards,
                    InstanceRegistry& registry, const TicketMinter& tickets);
  TournamentService(const TournamentService&) = delete;
  TournamentService& operator=(const TournamentService&) = delete;

  void register_routes(Router& router);

  TournamentMatchmaker& matchmaker() { return matchmaker_; }
  // The tournaments on offer (content/arenas.json); immutable, lives as long as the service.
  const ArenaCatalog& arenas() const { return arenas_; }

 private:
  HttpResponse list(const HttpRequest& request) const;
  HttpResponse join(const HttpRequest& request);
  HttpResponse leave(const HttpRequest& request);
  HttpResponse status(const HttpRequest& request);
  HttpResponse report(const HttpRequest& request);

  const ArenaDefinition& arena_of(const HttpRequest& request) const;
  // `character_id` (from the body or query) when the caller's account owns it; ApiError 404
  // otherwise.
  std::int64_t owned_character(std::int64_t account_id, std::int64_t character_id);
  nlohmann::json status_of(const ArenaDefinition& arena, std::int64_t character_id);
  static nlohmann::json last_match(pqxx::transaction_base& read, const std::string& tournament,
                                   std::int64_t character_id);

  ServiceContext context_;
  AuthService& auth_;
  LeaderboardService& leaderboards_;
  InstanceRegistry& registry_;
  const TicketMinter& tickets_;
  ArenaCatalog arenas_;
  TournamentMatchmaker matchmaker_;  // last: its thread stops before the rest goes
};

}  // namespace omega::api
