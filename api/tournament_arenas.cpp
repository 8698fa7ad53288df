#include "api/tournament_arenas.hpp"

#include <fstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "api/content.hpp"

namespace omega::api {

namespace {
// Teams larger than a party would need party queueing, which tournaments do not have yet.
constexpr int kMaxTeamSize = 5;
// A match longer than an hour is not an arena match; the bound also keeps timestamps sane.
constexpr int kMaxTimeLimitSeconds = 3600;

ArenaDefinition parse_arena(const nlohmann::json& object, const ContentCatalog& content) {
  if (!object.is_object()) throw std::runtime_error("arenas: every entry must be an object");
  ArenaDefinition arena;
  try {
    arena.id = object.at("id").get<std::string>();
    arena.name = object.value("name", arena.id);
    arena.team_size = object.at("team_size").get<int>();
    arena.zone = object.at("zone").get<std::string>();
    arena.time_limit_s = object.at("time_limit_s").get<int>();
    if (object.contains("leaderboard") && !object["leaderboard"].is_null())
      arena.leaderboard = object["leaderboard"].get<std::string>();
  } catch (const nlohmann::json::exception& error) {
    throw std::runtime_error("arenas: " + object.value("id", std::string("?")) + ": " +
                             error.what());
  }
  const auto where = "arenas: " + arena.id + ": ";
  if (arena.id.empty() || arena.id.size() > 64)
    throw std::runtime_error("arenas: id must be 1-64 characters");
  if (arena.team_size < 1 || arena.team_size > kMaxTeamSize)
    throw std::runtime_error(where + "team_size must be 1-5");
  if (arena.zone.empty()) throw std::runtime_error(where + "zone is required");
  if (arena.time_limit_s < 10 || arena.time_limit_s > kMaxTimeLimitSeconds)
    throw std::runtime_error(where + "time_limit_s must be 10-3600");
  if (!arena.leaderboard.empty() && !content.find_board(arena.leaderboard))
    throw std::runtime_error(where + "leaderboard " + arena.leaderboard +
                             " is not in leaderboards.json");
  return arena;
}

}  // namespace

const ArenaDefinition* ArenaCatalog::find(std::string_view id) const {
  for (const auto& arena : arenas)
    if (arena.id == id) return &arena;
  return nullptr;
}

nlohmann::json ArenaCatalog::to_json() const {
  auto list = nlohmann::json::array();
  for (const auto& arena : arenas)
    list.push_back(
        {{"id", arena.id},
         {"name", arena.name},
         {"team_size", arena.team_size},
         {"zone", arena.zone},
         {"time_limit_s", arena.time_limit_s},
         {"leaderboard",
          arena.leaderboard.empty() ? nlohmann::json() : nlohmann::json(arena.leaderboard)}});
  return {{"tournaments", std::move(list)}};
}

ArenaCatalog parse_arenas(const nlohmann::json& document, const ContentCatalog& content) {
  if (!document.is_object() || !document.contains("arenas") || !document["arenas"].is_array())
    throw std::runtime_error("arenas: expected {\"arenas\": [...]}");
  ArenaCatalog catalog;
  for (const auto& entry : document["arenas"]) {
    auto arena = parse_arena(entry, content);
    if (catalog.find(arena.id)) throw std::runtime_error("arenas: duplicate id " + arena.id);
    catalog.arenas.push_back(std::move(arena));
  }
  return catalog;
}

ArenaCatalog load_arenas(const std::filesystem::path& content_dir, const ContentCatalog& content) {
  const auto path = content_dir / "arenas.json";
  std::ifstream file(path);
  if (!file) return {};
  const auto document = nlohmann::json::parse(file, nullptr, false);
  if (document.is_discarded()) throw std::runtime_error(path.string() + ": not valid JSON");
  return parse_arenas(document, content);
}

}  // namespace omega::api
