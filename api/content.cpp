#include "api/content.hpp"

#include <sodium.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <stdexcept>

namespace omega::api {

namespace {

nlohmann::json read_json(const std::filesystem::path& path) {
  std::ifstream file(path);
  if (!file) throw std::runtime_error("cannot read " + path.string());
  try {
    return nlohmann::json::parse(file);
  } catch (const nlohmann::json::exception& error) {
    throw std::runtime_error(path.string() + ": " + error.what());
  }
}

// Zone maps are written by the game team in their own format; we only summarise the fields
// a client needs before it connects, tolerating either "width"/"height" or "size".
nlohmann::json summarise_zone(const std::filesystem::path& path, const nlohmann::json& zone) {
  nlohmann::json summary;
  summary["id"] = zone.value("id", path.stem().string());
  summary["name"] = zone.value("name", summary["id"].get<std::string>());
  summary["kind"] = zone.value("kind", zone.value("type", std::string("zone")));
  if (zone.contains("width") && zone.contains("height")) {
    summary["size"] = {{"width", zone["width"]}, {"height", zone["height"]}};
  } else if (zone.contains("size")) {
    summary["size"] = zone["size"];
  } else if (zone.contains("tiles") && zone["tiles"].is_array() && !zone["tiles"].empty()) {
    const auto& first = zone["tiles"][0];
    summary["size"] = {
        {"width", first.is_string() ? first.get<std::string>().size() : first.size()},
        {"height", zone["tiles"].size()}};
  }
  return summary;
}

ScoreAggregate parse_aggregate(const std::string& text) {
  if (text == "max") return ScoreAggregate::max;
  if (text == "sum") return ScoreAggregate::sum;
  if (text == "latest") return ScoreAggregate::latest;
  throw std::runtime_error("leaderboards.json: unknown aggregate " + text);
}

}  // namespace

ContentCatalog ContentCatalog::load(const std::filesystem::path& directory) {
  ContentCatalog catalog;
  nlohmann::json document;
  try {
    const auto classes = read_json(directory / "classes.json");
    const auto items = read_json(directory / "items.json");
    const auto abilities = read_json(directory / "abilities.json");
    const auto boards = read_json(directory / "leaderboards.json");
    for (const auto& item : items.at("items"))
      catalog.item_names_[item.at("id")] = item.value("name", item.at("id").get<std::string>());
    for (const auto& entry : classes.at("classes")) {
      ClassDefinition definition;
      definition.id = entry.at("id");
      definition.starting_zone = entry.at("starting_zone");
      definition.stats = entry.at("stats");
      for (const auto& item : entry.value("starting_items", nlohmann::json::array())) {
        StartingItem starting{item.at("item"), item.value("quantity", 1),
                              item.value("equipped", false)};
        if (!catalog.has_item(starting.item))
          throw std::runtime_error("class " + definition.id + " starts with unknown item " +
                                   starting.item);
        definition.starting_items.push_back(starting);
      }
      catalog.classes_[definition.id] = std::move(definition);
    }
    for (const auto& entry : boards.at("boards")) {
      BoardDefinition board;
      board.id = entry.at("id");
      board.aggregate = parse_aggregate(entry.at("aggregate"));
      const auto periods = entry.value("periods", nlohmann::json::array({"all"}));
      board.weekly = std::find(periods.begin(), periods.end(), "weekly") != periods.end();
      catalog.boards_[board.id] = board;
    }
    document["classes"] = classes.at("classes");
    document["items"] = items.at("items");
    document["abilities"] = abilities.at("abilities");
    document["leaderboards"] = boards.at("boards");
  } catch (const nlohmann::json::exception& error) {
    throw std::runtime_error("content in " + directory.string() + ": " + error.what());
  }
  document["zones"] = nlohmann::json::array();
  const auto zones_dir = directory / "zones";
  if (std::filesystem::is_directory(zones_dir)) {
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(zones_dir))
      if (entry.path().extension() == ".json") files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    for (const auto& file : files)
      document["zones"].push_back(summarise_zone(file, read_json(file)));
  }
  catalog.document_ = document.dump();
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(catalog.document_.data()),
                     catalog.document_.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  catalog.etag_ = "\"" + std::string(hex, 32) + "\"";
  return catalog;
}

const ClassDefinition* ContentCatalog::find_class(const std::string& id) const {
  const auto it = classes_.find(id);
  return it == classes_.end() ? nullptr : &it->second;
}

const BoardDefinition* ContentCatalog::find_board(const std::string& id) const {
  const auto it = boards_.find(id);
  return it == boards_.end() ? nullptr : &it->second;
}

std::vector<std::string> ContentCatalog::items_named(std::string_view text) const {
  const auto lower = [](std::string_view in) {
    std::string out(in);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
  };
  const auto needle = lower(text);
  std::vector<std::string> ids;
  for (const auto& [id, name] : item_names_)
    if (lower(name).find(needle) != std::string::npos) ids.push_back(id);
  return ids;
}

bool etag_matches(std::string_view if_none_match, std::string_view etag) {
  std::string_view rest = if_none_match;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    auto candidate = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    while (!candidate.empty() && candidate.front() == ' ') candidate.remove_prefix(1);
    while (!candidate.empty() && candidate.back() == ' ') candidate.remove_suffix(1);
    if (candidate == "*") return true;
    if (candidate.substr(0, 2) == "W/") candidate.remove_prefix(2);  // weak comparison (RFC 9110)
    if (candidate == etag) return true;
  }
  return false;
}

}  // namespace omega::api
