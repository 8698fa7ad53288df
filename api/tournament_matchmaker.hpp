// The matchmaker: a thread in the API process that, every tournaments.matchmaker_interval_ms,
// takes each tournament's queue from PostgreSQL, groups players with form_matches
// (api/tournament_matching.hpp), and opens an arena instance for each new match on a zone
// process that hosts the arena zone (POST /instances, kind "arena", with the teams). Replicas
// may all run it: a transaction-scoped advisory lock per tournament lets one match at a time.
// Also sweeps matches that could not be opened (players go back to the queue, their wait
// kept) and matches that never reported a result (abandoned after time limit + grace).
// Thread-safe; blocking (PostgreSQL, Redis, HTTP) on its own thread only.
#pragma once

#include <cstdint>
#include <vector>

#include "api/instance_registry.hpp"
#include "api/service_context.hpp"
#include "api/tournament_arenas.hpp"
#include "api/periodic_task.hpp"
#include "api/tournament_matching.hpp"

namespace omega::api {

class TournamentMatchmaker {
 public:
  TournamentMatchmaker(ServiceContext context, InstanceRegistry& registry,
                       const ArenaCatalog& arenas);
  ~TournamentMatchmaker();  // stops the thread
  TournamentMatchmaker(const TournamentMatchmaker&) = delete;
  TournamentMatchmaker& operator=(const TournamentMatchmaker&) = delete;

  // Starts the thread unless the interval is 0 (then nothing matches: tests drive run_once).
  void start();
  // One pass over every tournament: sweep, match, open arenas. Returns matches opened.
  int run_once();

  RatingWindow window() const;

 private:
  struct NewMatch {
    std::int64_t id = 0;
    FormedMatch teams;
  };
  int run_tournament(const ArenaDefinition& arena);
  std::vector<NewMatch> take_matches(const ArenaDefinition& arena);
  // Opens the arena of `match`; false (and the match is cancelled, players requeued) when no
  // zone process could open one.
  bool open_arena(const ArenaDefinition& arena, const NewMatch& match);
  void cancel(std::int64_t match_id);

  ServiceContext context_;
  InstanceRegistry& registry_;
  const ArenaCatalog& arenas_;
  PeriodicTask thread_;  // last: its passes use every member above
};

}  // namespace omega::api
