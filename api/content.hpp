// Content definitions read from content/ at start: classes, items, abilities, leaderboard
// boards and a summary of the zone maps. Immutable after loading: safe to share between
// threads. Also holds the document served by GET /v1/content and its ETag.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace omega::api {

struct StartingItem {
  std::string item;
  int quantity = 1;
  bool equipped = false;
};

struct ClassDefinition {
  std::string id;
  std::string starting_zone;
  nlohmann::json stats;  // object of numbers, copied into a new character
  std::vector<StartingItem> starting_items;
};

// How a submitted value combines with the stored score.
enum class ScoreAggregate {
  max,     // keep the highest (level)
  sum,     // add the submitted delta (monster kills)
  latest,  // replace (arena rating)
};

struct BoardDefinition {
  std::string id;
  ScoreAggregate aggregate = ScoreAggregate::max;
  bool weekly = true;
};

class ContentCatalog {
 public:
  // Loads and checks the definitions. Throws std::runtime_error naming the bad file.
  static ContentCatalog load(const std::filesystem::path& directory);

  const ClassDefinition* find_class(const std::string& id) const;
  const BoardDefinition* find_board(const std::string& id) const;
  bool has_item(const std::string& id) const { return item_names_.count(id) > 0; }
  // The ids of the items whose display name contains `text`, ignoring ASCII case.
  std::vector<std::string> items_named(std::string_view text) const;

  // The GET /v1/content body and its strong ETag (quoted hex SHA-256 prefix).
  const std::string& document() const { return document_; }
  const std::string& etag() const { return etag_; }

 private:
  std::map<std::string, ClassDefinition> classes_;
  std::map<std::string, BoardDefinition> boards_;
  std::map<std::string, std::string> item_names_;  // id → display name
  std::string document_;
  std::string etag_;
};

// True if an If-None-Match header value matches `etag` (handles lists, W/ and *).
bool etag_matches(std::string_view if_none_match, std::string_view etag);

}  // namespace omega::api
