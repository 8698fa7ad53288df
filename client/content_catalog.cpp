#include "client/content_catalog.hpp"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace omega::client {

namespace {
std::string read_file(const std::string& path, bool& ok) {
  std::ifstream in(path, std::ios::binary);
  ok = static_cast<bool>(in);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}
}  // namespace

ContentCatalog ContentCatalog::load(const std::string& content_root) {
  bool classes_ok = false, abilities_ok = false;
  const std::string classes = read_file(content_root + "/classes.json", classes_ok);
  const std::string abilities = read_file(content_root + "/abilities.json", abilities_ok);
  if (!classes_ok || !abilities_ok) {
    ContentCatalog empty;
    empty.error_ = "cannot read " + content_root + "/classes.json or abilities.json";
    return empty;
  }
  return parse(classes, abilities);
}

ContentCatalog ContentCatalog::parse(std::string_view classes_json,
                                     std::string_view abilities_json) {
  ContentCatalog catalog;
  using nlohmann::json;
  const json classes = json::parse(classes_json, nullptr, false);
  const json abilities = json::parse(abilities_json, nullptr, false);
  try {
    if (classes.is_object() && classes.contains("classes")) {
      for (const auto& c : classes.at("classes")) {
        ClassInfo info;
        info.id = c.value("id", "");
        info.name = c.value("name", info.id);
        info.description = c.value("description", "");
        if (c.contains("abilities"))
          for (const auto& a : c.at("abilities")) info.abilities.push_back(a.get<std::string>());
        if (!info.id.empty()) catalog.classes_.push_back(std::move(info));
      }
    }
    if (abilities.is_object() && abilities.contains("abilities")) {
      for (const auto& a : abilities.at("abilities")) {
        AbilityInfo info;
        info.id = a.value("id", "");
        info.name = a.value("name", info.id);
        info.cooldown_seconds = a.value("cooldown_ms", 1000.0) / 1000.0;
        info.range = a.value("range", 0.0);
        info.mana_cost = a.value("mp_cost", 0);
        if (!info.id.empty()) catalog.abilities_.push_back(std::move(info));
      }
    }
  } catch (const json::exception& e) {
    catalog.error_ = std::string("content: ") + e.what();
  }
  if (catalog.classes_.empty() && catalog.error_.empty()) catalog.error_ = "content: no classes";
  return catalog;
}

const ClassInfo* ContentCatalog::find_class(std::string_view id) const {
  for (const auto& c : classes_)
    if (c.id == id) return &c;
  return nullptr;
}

const AbilityInfo* ContentCatalog::find_ability(std::string_view id) const {
  for (const auto& a : abilities_)
    if (a.id == id) return &a;
  return nullptr;
}

}  // namespace omega::client
