// The parts of content/ the client shows: character classes (for the create screen), their
// abilities (hotbar names and cooldowns) and items (names in the inventory, loot and market).
// Read from content/classes.json, content/abilities.json and content/items.json; a missing or
// malformed file leaves the catalogue empty with an error (the client still runs: the create
// screen offers a class id text field instead; items show by number).
//
// Thread safety: immutable after load.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "protocol/messages.hpp"

namespace omega::client {

struct AbilityInfo {
  std::string id;
  std::string name;
  double cooldown_seconds = 1.0;
  double range = 0.0;
  int mana_cost = 0;
};

// An item as the inventory window shows it. Its index in items() is its content index, the
// number the zone's Inventory and loot events use.
struct ItemInfo {
  std::string id;
  std::string name;
  std::string slot;                // weapon, chest, head, consumable, material
  std::string summary;             // "4–7 damage", "+3 armor +10 mana", "heals 40 hp"
  int value = 0;                   // gold: a guide for a market price
  int heal = 0, restore_mana = 0;  // consumables
  bool equipment() const { return slot == "weapon" || slot == "chest" || slot == "head"; }
  bool consumable() const { return slot == "consumable"; }
};

struct ClassInfo {
  std::string id;
  std::string name;
  std::string description;
  std::vector<std::string> abilities;  // ability ids, hotbar slots 2, 3, ...
};

// The basic attack (hotbar slot 1): what every class has. Its cooldown is the client's guess
// until the zone's ActionConfirm/Reject says otherwise.
inline constexpr double kBasicAttackCooldownSeconds = 1.0;

class ContentCatalog {
 public:
  // Loads `<content_root>/classes.json` and `<content_root>/abilities.json`.
  static ContentCatalog load(const std::string& content_root);
  // Parses the two documents (tests).
  static ContentCatalog parse(std::string_view classes_json, std::string_view abilities_json);

  const std::vector<ClassInfo>& classes() const { return classes_; }
  const ClassInfo* find_class(std::string_view id) const;
  const AbilityInfo* find_ability(std::string_view id) const;
  const std::string& error() const { return error_; }

  // Items in content order; parse_items replaces them (tests).
  const std::vector<ItemInfo>& items() const { return items_; }
  const ItemInfo* item(uint16_t index) const {
    return index < items_.size() ? &items_[index] : nullptr;
  }
  const ItemInfo* find_item(std::string_view id) const;
  // The item's name, or "item N" for an index this content does not know.
  std::string item_name(uint16_t index) const;
  void parse_items(std::string_view items_json);
  // The potions of one kind (mana: those that restore mana, else those that heal) in a bag:
  // the first stack's item (kNoItem without one), which Q or E drinks, and how many in all,
  // which the hotbar shows.
  struct Potions {
    uint16_t first = protocol::kNoItem;
    uint32_t count = 0;
  };
  Potions potions(const std::vector<protocol::InventoryStack>& bag, bool mana) const;
  // How long a dead player waits to respawn (content/progression.json player_respawn_ms).
  double player_respawn_seconds() const { return player_respawn_seconds_; }

 private:
  std::vector<ClassInfo> classes_;
  std::vector<AbilityInfo> abilities_;
  std::vector<ItemInfo> items_;
  double player_respawn_seconds_ = 5.0;
  std::string error_;
};

}  // namespace omega::client
