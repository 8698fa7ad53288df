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
  ContentCatalog catalog = parse(classes, abilities);
  bool items_ok = false;
  const std::string items = read_file(content_root + "/items.json", items_ok);
  if (items_ok) catalog.parse_items(items);
  bool progression_ok = false;
  const std::string progression = read_file(content_root + "/progression.json", progression_ok);
  const auto parsed = nlohmann::json::parse(progression, nullptr, false);
  if (progression_ok && parsed.is_object() && parsed.contains("player_respawn_ms") &&
      parsed["player_respawn_ms"].is_number())
    catalog.player_respawn_seconds_ = parsed["player_respawn_ms"].get<double>() / 1000.0;
  return catalog;
}

void ContentCatalog::parse_items(std::string_view items_json) {
  using nlohmann::json;
  items_.clear();
  const json doc = json::parse(items_json, nullptr, false);
  if (!doc.is_object() || !doc.contains("items") || !doc.at("items").is_array()) {
    error_ = "content: items.json has no items";
    return;
  }
  try {
    for (const auto& j : doc.at("items")) {
      ItemInfo info;
      info.id = j.value("id", "");
      info.name = j.value("name", info.id);
      info.slot = j.value("slot", "material");
      info.value = j.value("value", 0);
      info.heal = j.value("heal", 0);
      info.restore_mana = j.value("restore_mp", 0);
      std::string summary;
      auto add = [&summary](const std::string& part) {
        summary += (summary.empty() ? "" : ", ") + part;
      };
      if (const auto damage = j.find("damage"); damage != j.end() && damage->size() == 2)
        add(std::to_string(damage->at(0).get<int>()) + "\u2013" +
            std::to_string(damage->at(1).get<int>()) + " damage");
      for (const auto& [key, label] : {std::pair{"armor", "armor"},
                                       {"strength", "strength"},
                                       {"intelligence", "intelligence"},
                                       {"max_hp", "max hp"},
                                       {"max_mp", "max mana"}})
        if (j.value(key, 0) > 0) add("+" + std::to_string(j.value(key, 0)) + " " + label);
      if (j.value("heal", 0) > 0) add("heals " + std::to_string(j.value("heal", 0)) + " hp");
      if (j.value("restore_mp", 0) > 0)
        add("restores " + std::to_string(j.value("restore_mp", 0)) + " mana");
      info.summary = summary;
      items_.push_back(std::move(info));
    }
  } catch (const json::exception& e) {
    error_ = std::string("content: items: ") + e.what();
  }
}

const ItemInfo* ContentCatalog::find_item(std::string_view id) const {
  for (const auto& item : items_)
    if (item.id == id) return &item;
  return nullptr;
}

ContentCatalog::Potions ContentCatalog::potions(const std::vector<protocol::InventoryStack>& bag,
                                                bool mana) const {
  Potions found;
  for (const protocol::InventoryStack& stack : bag) {
    const ItemInfo* info = item(stack.item);
    if (info == nullptr || !info->consumable() || (mana ? info->restore_mana : info->heal) <= 0)
      continue;
    if (found.count == 0) found.first = stack.item;
    found.count += stack.quantity;
  }
  return found;
}

std::string ContentCatalog::item_name(uint16_t index) const {
  if (const ItemInfo* info = item(index)) return info->name;
  return "item " + std::to_string(index);
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
