// The tournaments on offer (content/arenas.json): one per arena format, with its team size,
// the arena zone its matches are played in, the match time limit and the leaderboard its
// ratings feed. Immutable after loading: safe to share between threads.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace omega::api {

class ContentCatalog;

struct ArenaDefinition {
  std::string id;  // the tournament id in /v1/tournaments/{id}
  std::string name;
  int team_size = 1;
  std::string zone;  // the arena map (content/zones/<zone>.json, kind "arena")
  int time_limit_s = 180;
  std::string leaderboard;  // a board of content/leaderboards.json; empty: none
};

struct ArenaCatalog {
  std::vector<ArenaDefinition> arenas;

  const ArenaDefinition* find(std::string_view id) const;
  nlohmann::json to_json() const;
};

// Parses and checks an arenas document against the content (leaderboards must exist).
// Throws std::runtime_error naming the bad field.
ArenaCatalog parse_arenas(const nlohmann::json& document, const ContentCatalog& content);
// `<content_dir>/arenas.json`; a missing file is an empty catalog (no tournaments).
ArenaCatalog load_arenas(const std::filesystem::path& content_dir, const ContentCatalog& content);

}  // namespace omega::api
