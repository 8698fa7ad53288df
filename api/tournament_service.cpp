#include "api/tournament_service.hpp"

#include <algorithm>
#include <chrono>
#include <map>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "api/errors.hpp"
#include "api/request_body.hpp"

namespace omega::api {

namespace {

ApiError character_not_found() {
  return ApiError(404, "not_found", "no such character on this account");
}

ApiError in_match() {
  return ApiError(409, "in_match", "the character is in a match that has not ended");
}

// Whether the character is in a match still being opened or played, in any tournament.
bool in_live_match(pqxx::transaction_base& transaction, std::int64_t character_id) {
  return !transaction
              .exec_params(
                  "SELECT 1 FROM tournament_match_players p JOIN tournament_matches m ON m.id = "
                  "p.match_id "
                  "WHERE p.character_id = $1 AND m.state IN ('allocating', 'open') LIMIT 1",
                  character_id)
              .empty();
}

int current_rating(pqxx::transaction_base& transaction, const std::string& tournament,
                   std::int64_t character_id) {
  const auto rows = transaction.exec_params(
      "SELECT rating FROM tournament_ratings WHERE tournament = $1 AND character_id = $2",
      tournament, character_id);
  return rows.empty() ? kInitialRating : rows[0][0].as<int>();
}

std::string id_array(const std::vector<std::int64_t>& ids) {
  std::string text = "{";
  for (const auto id : ids) text += (text.size() > 1 ? "," : "") + std::to_string(id);
  return text + "}";
}

std::int64_t query_character(const HttpRequest& request) {
  const auto text = request.query_param("character_id");
  const auto id = text ? parse_id(*text) : std::nullopt;
  if (!id) throw ApiError(400, "invalid_query", "character_id= must be a character id");
  return *id;
}

}  // namespace

TournamentService::TournamentService(ServiceContext context, AuthService& auth,
                                     LeaderboardService& leaderboards, InstanceRegistry& registry,
                                     const TicketMinter& tickets)
    : context_(context),
      auth_(auth),
      leaderboards_(leaderboards),
      registry_(registry),
      tickets_(tickets),
      arenas_(load_arenas(context.config.content_dir, context.content)),
      matchmaker_(context, registry, arenas_) {
  matchmaker_.start();
}

void TournamentService::register_routes(Router& router) {
  router.add(
      Method::get, "/v1/tournaments", [this](const HttpRequest& r) { return list(r); },
      [this](const HttpRequest& r) { return std::optional<HttpResponse>(list(r)); },
      Access::anonymous);
  router.add(Method::post, "/v1/tournaments/{id}/queue",
             [this](const HttpRequest& r) { return join(r); });
  router.add(Method::del, "/v1/tournaments/{id}/queue",
             [this](const HttpRequest& r) { return leave(r); });
  router.add(Method::get, "/v1/tournaments/{id}/queue",
             [this](const HttpRequest& r) { return status(r); });
  router.add(
      Method::post, "/internal/v1/matches/{id}/result",
      [this](const HttpRequest& r) { return report(r); }, {}, Access::service);
}

HttpResponse TournamentService::list(const HttpRequest&) const {
  return json_response(200, arenas_.to_json());
}

const ArenaDefinition& TournamentService::arena_of(const HttpRequest& request) const {
  const auto* arena = arenas_.find(request.path_params.at("id"));
  if (!arena) throw ApiError(404, "not_found", "no such tournament");
  return *arena;
}

std::int64_t TournamentService::owned_character(std::int64_t account_id,
                                                std::int64_t character_id) {
  const bool owned = context_.database.run([&](pqxx::connection& connection) {
    pqxx::read_transaction read(connection);
    const auto rows =
        read.exec_params("SELECT account_id FROM characters WHERE id = $1", character_id);
    return !rows.empty() && rows[0][0].as<std::int64_t>() == account_id;
  });
  if (!owned) throw character_not_found();
  return character_id;
}

HttpResponse TournamentService::join(const HttpRequest& request) {
  // Who asks comes first: an anonymous or revoked caller learns nothing from validation.
  const auto account_id = auth_.authenticate(request);
  const auto& arena = arena_of(request);
  const auto body = parse_object_body(request);
  const auto character_id =
      owned_character(account_id, require_integer(body, "character_id", 1, INT64_MAX));
  const bool queued_now = context_.database.run([&](pqxx::connection& connection) {
    pqxx::work transaction(connection);
    // The character row lock serialises one character's concurrent joins.
    transaction.exec_params("SELECT 1 FROM characters WHERE id = $1 FOR UPDATE", character_id);
    if (in_live_match(transaction, character_id)) throw in_match();
    const auto queued = transaction.exec_params(
        "SELECT tournament FROM tournament_queue WHERE character_id = $1", character_id);
    if (!queued.empty()) {
      if (queued[0][0].as<std::string>() == arena.id) return false;
      throw ApiError(409, "already_queued",
                     "the character waits in the " + queued[0][0].as<std::string>() + " queue");
    }
    transaction.exec_params(
        "INSERT INTO tournament_queue (character_id, tournament, rating) VALUES ($1, $2, $3)",
        character_id, arena.id, current_rating(transaction, arena.id, character_id));
    transaction.commit();
    return true;
  });
  return json_response(queued_now ? 201 : 200, status_of(arena, character_id));
}

HttpResponse TournamentService::leave(const HttpRequest& request) {
  const auto account_id = auth_.authenticate(request);
  const auto& arena = arena_of(request);
  const auto character_id = owned_character(account_id, query_character(request));
  context_.database.run([&](pqxx::connection& connection) {
    pqxx::work transaction(connection);
    if (transaction
            .exec_params("DELETE FROM tournament_queue WHERE character_id = $1 AND tournament = $2 "
                         "RETURNING 1",
                         character_id, arena.id)
            .empty()) {
      if (in_live_match(transaction, character_id)) throw in_match();
      throw ApiError(404, "not_queued", "the character is not in this queue");
    }
    transaction.commit();
  });
  HttpResponse response;
  response.status = 204;
  response.content_type.clear();
  return response;
}

HttpResponse TournamentService::status(const HttpRequest& request) {
  const auto account_id = auth_.authenticate(request);
  const auto& arena = arena_of(request);
  const auto character_id = owned_character(account_id, query_character(request));
  return json_response(200, status_of(arena, character_id));
}

// The character's latest finished match in `tournament`: its outcome and rating change (the
// client's result screen), or null before the first.
nlohmann::json TournamentService::last_match(pqxx::transaction_base& read,
                                             const std::string& tournament,
                                             std::int64_t character_id) {
  const auto rows = read.exec_params(
      "SELECT m.id, p.team, m.winner_team, p.rating_after, m.result FROM tournament_match_players "
      "p JOIN tournament_matches m ON m.id = p.match_id WHERE p.character_id = $1 AND "
      "m.tournament = $2 AND m.state = 'finished' ORDER BY m.id DESC LIMIT 1",
      character_id, tournament);
  if (rows.empty() || rows[0][3].is_null()) return nullptr;
  const int team = rows[0][1].as<int>();
  const int winner = rows[0][2].is_null() ? 0 : rows[0][2].as<int>();
  const auto after = rows[0][3].as<std::int64_t>();
  std::int64_t before = after;
  const auto result = nlohmann::json::parse(rows[0][4].as<std::string>("{}"), nullptr, false);
  if (result.is_object() && result.contains("players") && result["players"].is_array())
    for (const auto& player : result["players"])
      if (player.value("character_id", std::int64_t{0}) == character_id)
        before = player.value("rating_before", after);
  return {{"match_id", rows[0][0].as<std::int64_t>()},
          {"team", team},
          {"winner_team", winner},
          {"outcome", winner == 0      ? "draw"
                      : winner == team ? "win"
                                       : "loss"},
          {"rating_before", before},
          {"rating_after", after}};
}

nlohmann::json TournamentService::status_of(const ArenaDefinition& arena,
                                            std::int64_t character_id) {
  return context_.database.run([&](pqxx::connection& connection) {
    pqxx::read_transaction read(connection);
    const auto rating = current_rating(read, arena.id, character_id);
    nlohmann::json answer = {
        {"tournament", arena.id}, {"character_id", character_id}, {"rating", rating}};
    const auto queued = read.exec_params(
        "SELECT rating, (extract(epoch from clock_timestamp() - queued_at) * 1000)::bigint FROM "
        "tournament_queue "
        "WHERE character_id = $1 AND tournament = $2",
        character_id, arena.id);
    if (!queued.empty()) {
      const auto waited_ms = queued[0][1].as<std::int64_t>();
      const auto width = matchmaker_.window().at(waited_ms);
      const auto queued_rating = queued[0][0].as<int>();
      answer["status"] = "queued";
      answer["waited_s"] = static_cast<double>(waited_ms) / 1000.0;
      answer["window"] = {
          {"width", width}, {"min", queued_rating - width}, {"max", queued_rating + width}};
      return answer;
    }
    const auto match = read.exec_params(
        "SELECT m.id, m.state, m.zone, m.instance, m.ws_url, p.team FROM tournament_match_players "
        "p "
        "JOIN tournament_matches m ON m.id = p.match_id "
        "WHERE p.character_id = $1 AND m.tournament = $2 AND m.state IN ('allocating', 'open') "
        "ORDER BY m.id DESC LIMIT 1",
        character_id, arena.id);
    if (match.empty()) {
      answer["status"] = "none";
      if (auto last = last_match(read, arena.id, character_id); !last.is_null())
        answer["last_match"] = std::move(last);
      return answer;
    }
    answer["match_id"] = match[0][0].as<std::int64_t>();
    answer["team"] = match[0][5].as<int>();
    if (match[0][1].as<std::string>() == "allocating") {
      answer["status"] = "matching";  // the arena is being opened: ask again shortly
      return answer;
    }
    const auto lease = read.exec_params(
        "SELECT account_id, lease_epoch FROM characters WHERE id = $1", character_id);
    if (lease.empty()) throw character_not_found();
    if (!tickets_.enabled())
      throw ApiError(503, "tickets_disabled", "this API has no ticket key (tickets.signing_seed)");
    // A fresh ticket on every ask: tickets live tickets.ttl_s, a match may wait longer. It
    // carries the current lease epoch, so the arena claims the lease like any instance.
    const auto zone = match[0][2].as<std::string>();
    const auto instance = match[0][3].as<std::uint32_t>();
    const auto epoch = lease[0][1].as<std::int64_t>();
    const auto now = now_ms();
    registry_.reserve(zone, instance, character_id, now + tickets_.ttl().count() * 1000);
    const auto ticket = tickets_.mint(
        lease[0][0].as<std::uint64_t>(), static_cast<std::uint64_t>(character_id), zone, instance,
        static_cast<std::uint64_t>(epoch), static_cast<std::uint64_t>(now / 1000));
    answer["status"] = "matched";
    answer["zone"] = zone;
    answer["instance"] = instance;
    answer["ws_url"] = match[0][4].as<std::string>();
    answer["ticket"] = ticket.hex;
    answer["lease_epoch"] = epoch;
    answer["expires_at"] = ticket.expires_at_unix;
    return answer;
  });
}

HttpResponse TournamentService::report(const HttpRequest& request) {
  auth_.require_service(request);
  const auto match_id = parse_id(request.path_params.at("id"));
  if (!match_id) throw ApiError(404, "not_found", "no such match");
  const auto body = parse_object_body(request);
  const auto winner_team = static_cast<int>(require_integer(body, "winner_team", 0, 2));
  const auto answer = context_.database.run([&](pqxx::connection& connection) {
    pqxx::work transaction(connection);
    // The row lock makes concurrent reports of one match take turns; the state decides.
    const auto rows = transaction.exec_params(
        "SELECT state, tournament, result FROM tournament_matches WHERE id = $1 FOR UPDATE",
        *match_id);
    if (rows.empty()) throw ApiError(404, "not_found", "no such match");
    const auto state = rows[0][0].as<std::string>();
    if (state == "finished") {
      auto stored = nlohmann::json::parse(rows[0][2].as<std::string>());
      if (stored["winner_team"] != winner_team)
        throw ApiError(409, "result_conflict",
                       "this match was already reported with another winner");
      return stored;  // a retried report: the same answer, nothing changed
    }
    if (state != "open") throw ApiError(409, "match_not_open", "the match is " + state);
    const auto tournament = rows[0][1].as<std::string>();

    std::vector<std::int64_t> ids;
    std::map<std::int64_t, int> team_of;
    for (const auto& row : transaction.exec_params(
             "SELECT character_id, team FROM tournament_match_players WHERE match_id = $1",
             *match_id)) {
      ids.push_back(row[0].as<std::int64_t>());
      team_of[ids.back()] = row[1].as<int>();
    }
    transaction.exec_params(
        "INSERT INTO tournament_ratings (tournament, character_id, rating) SELECT $1::text, "
        "unnest($2::bigint[]), $3::integer "
        "ON CONFLICT DO NOTHING",
        tournament, id_array(ids), kInitialRating);
    std::map<std::int64_t, int> before;
    double sum[3] = {0, 0, 0};
    int members[3] = {0, 0, 0};
    // Ordered by id: every report locks rating rows in the same order, so two reports sharing
    // players cannot deadlock.
    for (const auto& row : transaction.exec_params(
             "SELECT character_id, rating FROM tournament_ratings WHERE tournament = $1 "
             "AND character_id = ANY($2::bigint[]) ORDER BY character_id FOR UPDATE",
             tournament, id_array(ids))) {
      const auto id = row[0].as<std::int64_t>();
      before[id] = row[1].as<int>();
      sum[team_of[id]] += before[id];
      ++members[team_of[id]];
    }
    const auto change = elo_change(members[1] ? sum[1] / members[1] : kInitialRating,
                                   members[2] ? sum[2] / members[2] : kInitialRating, winner_team);
    nlohmann::json players = nlohmann::json::array();
    std::vector<std::pair<std::int64_t, std::int64_t>> scores;
    for (const auto& [id, rating] : before) {
      const int team = team_of[id];
      const int after = std::max(0, rating + (team == 1 ? change.team_1 : change.team_2));
      const char* outcome = winner_team == 0 ? "draws" : winner_team == team ? "wins" : "losses";
      transaction.exec_params(
          std::string("UPDATE tournament_ratings SET rating = $3, ") + outcome + " = " + outcome +
              " + 1, updated_at = now() WHERE tournament = $1 AND character_id = $2",
          tournament, id, after);
      transaction.exec_params(
          "UPDATE tournament_match_players SET rating_after = $3 WHERE match_id = $1 AND "
          "character_id = $2",
          *match_id, id, after);
      players.push_back({{"character_id", id},
                         {"team", team},
                         {"rating_before", rating},
                         {"rating_after", after}});
      scores.emplace_back(id, after);
    }
    nlohmann::json result = {{"match_id", *match_id},
                             {"tournament", tournament},
                             {"winner_team", winner_team},
                             {"players", players}};
    transaction.exec_params(
        "UPDATE tournament_matches SET state = 'finished', winner_team = $2, finished_at = now(), "
        "result = $3 "
        "WHERE id = $1",
        *match_id, winner_team, result.dump());
    const auto* arena = arenas_.find(tournament);
    if (arena && !arena->leaderboard.empty() && !scores.empty())
      leaderboards_.record_scores(transaction, arena->leaderboard, scores);
    transaction.commit();
    spdlog::info("tournament {}: match {} finished, winner team {}", tournament, *match_id,
                 winner_team);
    return result;
  });
  return json_response(200, answer);
}

}  // namespace omega::api
