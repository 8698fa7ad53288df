// The admin console's read-only views (GET /admin/v1/world, GET /admin/v1/tournaments, GET
// /admin/v1/reports) and its
// web pages (GET /admin/, /admin/<file> from admin.static_dir). Declared in admin_service.hpp.
#include <algorithm>
#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "api/admin_service.hpp"
#include "api/directory.hpp"
#include "api/errors.hpp"
#include "api/request_body.hpp"
#include "api/static_files.hpp"

namespace omega::api {

namespace {

// The tournaments view: enough matches for a screen, bounded per request.
constexpr int kLiveMatchesShown = 50;
constexpr int kRecentResultsShown = 20;
// The reports view pages like the audit log.
constexpr std::int64_t kDefaultReportsPage = 50;
constexpr std::int64_t kMaxReportsPage = 200;

nlohmann::json optional_number(const std::optional<double>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json();
}

// Processes sorted by id, instances by zone then number, each process with the instances and
// players the registry lists for it.
nlohmann::json world_document(RegistrySnapshot snapshot) {
  std::sort(snapshot.processes.begin(), snapshot.processes.end(),
            [](const auto& a, const auto& b) { return a.id < b.id; });
  std::sort(snapshot.instances.begin(), snapshot.instances.end(), [](const auto& a, const auto& b) {
    return a.zone != b.zone ? a.zone < b.zone : a.instance < b.instance;
  });
  struct Load {
    int instances = 0;
    long long players = 0;
    long long capacity = 0;
  };
  std::map<std::string, Load> load_of;
  nlohmann::json instances = nlohmann::json::array();
  long long players = 0;
  for (const auto& entry : snapshot.instances) {
    auto& load = load_of[entry.process_id];
    ++load.instances;
    load.players += entry.players;
    load.capacity += entry.capacity;
    players += entry.players;
    instances.push_back(
        {{"zone", entry.zone},
         {"instance", entry.instance},
         {"kind", zone_kind_name(entry.kind)},
         {"process_id", entry.process_id},
         {"ws_url", entry.ws_url},
         {"players", entry.players},
         {"capacity", entry.capacity},
         {"party_id", entry.party_id ? nlohmann::json(*entry.party_id) : nlohmann::json()}});
  }
  nlohmann::json processes = nlohmann::json::array();
  for (const auto& process : snapshot.processes) {
    const auto& load = load_of[process.id];
    std::optional<double> kilobytes;
    if (process.bytes_out_per_player_s) kilobytes = *process.bytes_out_per_player_s / 1000.0;
    processes.push_back({{"id", process.id},
                         {"ws_url", process.ws_url},
                         {"control_url", process.control_url},
                         {"zones", process.zones},
                         {"instances", load.instances},
                         {"players", load.players},
                         {"capacity", load.capacity},
                         {"tick_p99_ms", optional_number(process.tick_p99_ms)},
                         {"kb_per_player_s", optional_number(kilobytes)},
                         {"expires_ms", process.expires_ms}});
  }
  return {{"processes", processes},
          {"instances", instances},
          {"totals",
           {{"processes", snapshot.processes.size()},
            {"instances", snapshot.instances.size()},
            {"players", players}}}};
}

// Matches in `states` (an SQL list of literals), newest first, with their players.
nlohmann::json matches(pqxx::read_transaction& read, const std::string& states, int limit) {
  nlohmann::json list = nlohmann::json::array();
  const auto players =
      "COALESCE((SELECT json_agg(json_build_object('character_id', p.character_id, 'name', "
      "c.name, 'team', p.team, 'rating_before', p.rating_before, 'rating_after', p.rating_after) "
      "ORDER BY p.team, p.character_id) FROM tournament_match_players p JOIN characters c ON c.id "
      "= p.character_id WHERE p.match_id = m.id), '[]'::json)::text";
  for (const auto& row :
       read.exec_params("SELECT m.id, m.tournament, m.state, m.zone, m.instance, " +
                            sql_utc_text("m.created_at") + ", " + sql_utc_text("m.opened_at") +
                            ", " + sql_utc_text("m.finished_at") + ", m.winner_team, " + players +
                            " FROM tournament_matches m WHERE m.state IN (" + states +
                            ") ORDER BY m.id DESC LIMIT $1",
                        limit)) {
    auto text_or_null = [&](int column) {
      return row[column].is_null() ? nlohmann::json() : nlohmann::json(row[column].c_str());
    };
    list.push_back(
        {{"id", row[0].as<std::int64_t>()},
         {"tournament", row[1].as<std::string>()},
         {"state", row[2].as<std::string>()},
         {"zone", text_or_null(3)},
         {"instance",
          row[4].is_null() ? nlohmann::json() : nlohmann::json(row[4].as<std::int64_t>())},
         {"created_at", row[5].as<std::string>()},
         {"opened_at", text_or_null(6)},
         {"finished_at", text_or_null(7)},
         {"winner_team", row[8].is_null() ? nlohmann::json() : nlohmann::json(row[8].as<int>())},
         {"players", nlohmann::json::parse(row[9].as<std::string>())}});
  }
  return list;
}

}  // namespace

void AdminService::register_view_routes(Router& router) {
  router.add(
      Method::get, "/admin/v1/world", [this](const HttpRequest& r) { return world(r); }, {},
      Access::admin);
  router.add(
      Method::get, "/admin/v1/tournaments", [this](const HttpRequest& r) { return tournaments(r); },
      {}, Access::admin);
  router.add(
      Method::get, "/admin/v1/reports", [this](const HttpRequest& r) { return reports(r); }, {},
      Access::admin);
  // The pages themselves hold no data: anyone may load them; every call they make needs a
  // staff token.
  router.add(
      Method::get, "/admin",
      [](const HttpRequest&) {
        HttpResponse response;
        response.status = 308;  // the pages' relative URLs need the trailing slash
        response.content_type.clear();
        response.headers.emplace_back("Location", "/admin/");
        return response;
      },
      {}, Access::anonymous);
  router.add(
      Method::get, "/admin/", [this](const HttpRequest& r) { return console_file(r); }, {},
      Access::anonymous);
  router.add(
      Method::get, "/admin/{file}", [this](const HttpRequest& r) { return console_file(r); }, {},
      Access::anonymous);
}

HttpResponse AdminService::console_file(const HttpRequest& request) const {
  const auto file = request.path_params.find("file");
  return serve_static_file(context_.config.admin_static_dir,
                           file == request.path_params.end() ? "index.html" : file->second);
}

HttpResponse AdminService::world(const HttpRequest& request) {
  authorize(request, AdminRole::viewer);
  auto document = world_document(registry_.snapshot("", now_ms()));
  document["at_ms"] = now_ms();
  return json_response(200, document);
}

nlohmann::json AdminService::tournament_queues(pqxx::read_transaction& read) const {
  struct Queue {
    long long waiting = 0;
    std::optional<long long> longest_wait_ms;
  };
  std::map<std::string, Queue> queues;
  for (const auto& row : read.exec(
           "SELECT tournament, count(*), (extract(epoch from clock_timestamp() - min(queued_at)) * "
           "1000)::bigint FROM tournament_queue GROUP BY tournament"))
    queues[row[0].as<std::string>()] = {row[1].as<long long>(), row[2].as<long long>()};
  nlohmann::json list = nlohmann::json::array();
  auto add = [&](const std::string& id, const ArenaDefinition* arena) {
    const auto queue = queues.count(id) ? queues[id] : Queue{};
    list.push_back(
        {{"tournament", id},
         {"name", arena ? nlohmann::json(arena->name) : nlohmann::json()},
         {"team_size", arena ? nlohmann::json(arena->team_size) : nlohmann::json()},
         {"waiting", queue.waiting},
         {"longest_wait_ms",
          queue.longest_wait_ms ? nlohmann::json(*queue.longest_wait_ms) : nlohmann::json()}});
  };
  // Every tournament on offer, even with an empty queue; then queues of tournaments that
  // content no longer offers (players still wait there until they leave).
  for (const auto& arena : arenas_.arenas) add(arena.id, &arena);
  for (const auto& [id, queue] : queues)
    if (!arenas_.find(id)) add(id, nullptr);
  return list;
}

HttpResponse AdminService::tournaments(const HttpRequest& request) {
  authorize(request, AdminRole::viewer);
  return context_.database.run([&](pqxx::connection& connection) {
    pqxx::read_transaction read(connection);
    return json_response(
        200, {{"queues", tournament_queues(read)},
              {"live_matches", matches(read, "'allocating', 'open'", kLiveMatchesShown)},
              {"recent_results",
               matches(read, "'finished', 'cancelled', 'abandoned'", kRecentResultsShown)}});
  });
}

// Newest first; `before` is the id the previous page's `next_before` named (null on the
// last page).
HttpResponse AdminService::reports(const HttpRequest& request) {
  authorize(request, AdminRole::viewer);
  const auto limit = query_integer(request, "limit", kDefaultReportsPage, 1, kMaxReportsPage);
  const auto before = query_integer(request, "before", 0, 0, INT64_MAX);
  return context_.database.run([&](pqxx::connection& connection) {
    pqxx::read_transaction read(connection);
    nlohmann::json list = nlohmann::json::array();
    for (const auto& row : read.exec_params(
             "SELECT r.id, r.reason, r.quoted, " + sql_utc_text("r.created_at") +
                 ", r.reporter_account_id, r.reporter_character_id, reporter.name, "
                 "reported.account_id, r.reported_character_id, reported.name "
                 "FROM player_reports r JOIN characters reported ON reported.id = "
                 "r.reported_character_id LEFT JOIN characters reporter ON reporter.id = "
                 "r.reporter_character_id WHERE ($1 = 0 OR r.id < $1) ORDER BY r.id DESC LIMIT $2",
             before, limit))
      list.push_back({{"id", row[0].as<std::int64_t>()},
                      {"reason", row[1].as<std::string>()},
                      {"quoted", row[2].as<std::string>()},
                      {"created_at", row[3].as<std::string>()},
                      {"reporter",
                       {{"account_id", row[4].as<std::int64_t>()},
                        {"character_id", row[5].as<std::int64_t>()},
                        {"name", row[6].is_null() ? nlohmann::json()
                                                  : nlohmann::json(row[6].as<std::string>())}}},
                      {"reported",
                       {{"account_id", row[7].as<std::int64_t>()},
                        {"character_id", row[8].as<std::int64_t>()},
                        {"name", row[9].as<std::string>()}}}});
    nlohmann::json next_before;
    if (static_cast<std::int64_t>(list.size()) == limit) next_before = list.back()["id"];
    return json_response(200, {{"reports", list}, {"next_before", next_before}});
  });
}

}  // namespace omega::api
