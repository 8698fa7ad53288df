#include "api/tournament_matchmaker.hpp"

#include <algorithm>
#include <chrono>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "api/errors.hpp"
#include "api/zone_control.hpp"

namespace omega::api {

namespace {
// As for the directory: a zone process opens an instance in milliseconds; two seconds means
// it is in trouble and the players are better off back in the queue.
// A match still allocating after this was left by a replica that died mid-way (the control
// call itself is bounded by kZoneControlTimeoutSeconds): its players go back to the queue.
constexpr int kAllocatingTimeoutSeconds = 30;
// Queued players read per tournament and pass: form_matches is quadratic in the worst case,
// and a pass must stay well inside the interval. The oldest are read first.
constexpr int kMaxQueueScan = 2000;

std::string millis(const char* column) {
  return std::string("(extract(epoch from ") + column + ") * 1000)::bigint";
}

nlohmann::json team_json(const std::vector<QueuedPlayer>& team) {
  auto ids = nlohmann::json::array();
  for (const auto& player : team) ids.push_back(player.character_id);
  return ids;
}

// The live zone process hosting `zone` with the fewest live instances, if any.
const ZoneProcessEntry* least_loaded_host(const RegistrySnapshot& snapshot,
                                          const std::string& zone) {
  const ZoneProcessEntry* best = nullptr;
  std::size_t best_load = 0;
  for (const auto& process : snapshot.processes) {
    if (!process.hosts(zone)) continue;
    const auto load = static_cast<std::size_t>(std::count_if(
        snapshot.instances.begin(), snapshot.instances.end(),
        [&](const InstanceEntry& instance) { return instance.process_id == process.id; }));
    if (!best || load < best_load) {
      best = &process;
      best_load = load;
    }
  }
  return best;
}

}  // namespace

TournamentMatchmaker::TournamentMatchmaker(ServiceContext context, InstanceRegistry& registry,
                                           const ArenaCatalog& arenas)
    : context_(context), registry_(registry), arenas_(arenas) {}

TournamentMatchmaker::~TournamentMatchmaker() = default;

RatingWindow TournamentMatchmaker::window() const {
  return {context_.config.tournament_window_base, context_.config.tournament_window_step,
          context_.config.tournament_window_step_ms};
}

void TournamentMatchmaker::start() {
  if (context_.config.tournament_interval_ms <= 0 || arenas_.arenas.empty()) return;
  thread_.start(std::chrono::milliseconds(context_.config.tournament_interval_ms),
                [this] { run_once(); });
}

int TournamentMatchmaker::run_once() {
  int opened = 0;
  for (const auto& arena : arenas_.arenas) {
    try {
      opened += run_tournament(arena);
    } catch (const std::exception& error) {
      // PostgreSQL or Redis away, migrations not applied yet: the next pass tries again.
      spdlog::warn("matchmaker {}: {}", arena.id, error.what());
    }
  }
  return opened;
}

int TournamentMatchmaker::run_tournament(const ArenaDefinition& arena) {
  // Without a live process that can open the arena, players stay queued (with their wait)
  // rather than being taken into matches that would only be cancelled.
  if (!least_loaded_host(registry_.snapshot(arena.zone, now_ms()), arena.zone)) return 0;
  int opened = 0;
  for (const auto& match : take_matches(arena))
    if (open_arena(arena, match)) ++opened;
  return opened;
}

std::vector<TournamentMatchmaker::NewMatch> TournamentMatchmaker::take_matches(
    const ArenaDefinition& arena) {
  return context_.database.run([&](pqxx::connection& connection) {
    std::vector<NewMatch> created;
    pqxx::work transaction(connection);
    if (!transaction
             .exec_params("SELECT pg_try_advisory_xact_lock(hashtext($1))",
                          "omega_tournament:" + arena.id)[0][0]
             .as<bool>())
      return created;  // another replica is matching this tournament right now
    transaction.exec_params(
        "WITH stale AS (UPDATE tournament_matches SET state = 'cancelled', finished_at = now() "
        "  WHERE tournament = $1 AND state = 'allocating' AND created_at < now() - "
        "make_interval(secs => $2) "
        "  RETURNING id) "
        "INSERT INTO tournament_queue (character_id, tournament, rating, queued_at) "
        "SELECT p.character_id, $1::text, p.rating_before, p.queued_at FROM "
        "tournament_match_players p "
        "JOIN stale ON stale.id = p.match_id ON CONFLICT DO NOTHING",
        arena.id, kAllocatingTimeoutSeconds);
    transaction.exec_params(
        "UPDATE tournament_matches SET state = 'abandoned', finished_at = now() "
        "WHERE tournament = $1 AND state = 'open' AND opened_at < now() - make_interval(secs => "
        "$2)",
        arena.id, arena.time_limit_s + context_.config.tournament_match_grace_s);

    std::vector<QueuedPlayer> queue;
    std::int64_t now = 0;
    for (const auto& row :
         transaction.exec_params("SELECT character_id, rating, " + millis("queued_at") + ", " +
                                     millis("clock_timestamp()") +
                                     " FROM tournament_queue WHERE tournament = $1 ORDER BY "
                                     "queued_at, character_id LIMIT $2 FOR UPDATE",
                                 arena.id, kMaxQueueScan)) {
      queue.push_back({row[0].as<std::int64_t>(), row[1].as<int>(), row[2].as<std::int64_t>()});
      now = row[3].as<std::int64_t>();
    }
    for (auto& teams : form_matches(std::move(queue), arena.team_size, window(), now)) {
      NewMatch match{
          transaction
              .exec_params("INSERT INTO tournament_matches (tournament) VALUES ($1) RETURNING id",
                           arena.id)[0][0]
              .as<std::int64_t>(),
          std::move(teams)};
      for (int team = 1; team <= 2; ++team)
        for (const auto& player : team == 1 ? match.teams.team_1 : match.teams.team_2)
          transaction.exec_params(
              "WITH taken AS (DELETE FROM tournament_queue WHERE character_id = $2 RETURNING "
              "queued_at) "
              "INSERT INTO tournament_match_players (match_id, character_id, team, queued_at, "
              "rating_before) "
              "SELECT $1::bigint, $2::bigint, $3::smallint, queued_at, $4::integer FROM taken",
              match.id, player.character_id, team, player.rating);
      created.push_back(std::move(match));
    }
    transaction.commit();
    return created;
  });
}

bool TournamentMatchmaker::open_arena(const ArenaDefinition& arena, const NewMatch& match) {
  try {
    const auto snapshot = registry_.snapshot(arena.zone, now_ms());
    const auto* host = least_loaded_host(snapshot, arena.zone);
    const auto endpoint = host ? common::parse_http_url(host->control_url) : std::nullopt;
    if (!endpoint) {
      spdlog::warn("matchmaker {}: match {}: no zone process can open {}", arena.id, match.id,
                   arena.zone);
      cancel(match.id);
      return false;
    }
    const auto sequence = context_.redis.command({"INCR", context_.redis_key("arena_seq")});
    if (sequence.type != RedisValue::Type::integer)
      throw ServiceUnavailable("Redis refused INCR arena_seq");
    // Instance numbers stay below 2^31: lease_instance is an SQL integer.
    const auto number =
        static_cast<std::uint32_t>((static_cast<unsigned long long>(sequence.integer) - 1) %
                                   0x7fffffffULL) +
        1;
    const nlohmann::json body = {
        {"zone", arena.zone},
        {"instance", number},
        {"kind", "arena"},
        {"party_id", nullptr},
        {"match",
         {{"id", match.id},
          {"tournament", arena.id},
          {"team_size", arena.team_size},
          {"time_limit_s", arena.time_limit_s},
          {"teams", {team_json(match.teams.team_1), team_json(match.teams.team_2)}}}}};
    const auto response =
        post_zone_control(*endpoint, "/instances", body.dump(), context_.config.service_token);
    const auto answer = nlohmann::json::parse(response.body, nullptr, false);
    if (response.status != 201 || !answer.is_object() || !answer.contains("ws_url") ||
        !answer["ws_url"].is_string()) {
      spdlog::warn("matchmaker {}: match {}: {} could not open {}:{}: status {} {}{}", arena.id,
                   match.id, host->id, arena.zone, number, response.status, response.error,
                   response.body.substr(0, 200));
      cancel(match.id);
      return false;
    }
    context_.database.run([&](pqxx::connection& connection) {
      pqxx::work transaction(connection);
      transaction.exec_params(
          "UPDATE tournament_matches SET state = 'open', zone = $2, instance = $3, ws_url = $4, "
          "opened_at = now() "
          "WHERE id = $1 AND state = 'allocating'",
          match.id, arena.zone, static_cast<std::int64_t>(number),
          answer["ws_url"].get<std::string>());
      transaction.commit();
    });
    spdlog::info("matchmaker {}: match {} opened {}:{} on {}", arena.id, match.id, arena.zone,
                 number, host->id);
    return true;
  } catch (const std::exception& error) {
    spdlog::warn("matchmaker {}: match {}: {}", arena.id, match.id, error.what());
    cancel(match.id);
    return false;
  }
}

void TournamentMatchmaker::cancel(std::int64_t match_id) {
  try {
    context_.database.run([&](pqxx::connection& connection) {
      pqxx::work transaction(connection);
      transaction.exec_params(
          "WITH cancelled AS (UPDATE tournament_matches SET state = 'cancelled', finished_at = "
          "now() "
          "  WHERE id = $1 AND state = 'allocating' RETURNING id, tournament) "
          "INSERT INTO tournament_queue (character_id, tournament, rating, queued_at) "
          "SELECT p.character_id, cancelled.tournament, p.rating_before, p.queued_at FROM "
          "tournament_match_players p "
          "JOIN cancelled ON cancelled.id = p.match_id ON CONFLICT DO NOTHING",
          match_id);
      transaction.commit();
    });
  } catch (const std::exception& error) {
    // The allocating sweep requeues these players after kAllocatingTimeoutSeconds.
    spdlog::warn("matchmaker: cannot cancel match {} now: {}", match_id, error.what());
  }
}

}  // namespace omega::api
