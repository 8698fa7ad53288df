// The parts of content/ the client shows: character classes (for the create screen) and their
// abilities (hotbar names and cooldowns). Read from content/classes.json and
// content/abilities.json; a missing or malformed file leaves the catalogue empty with an error
// (the client still runs: the create screen offers a class id text field instead).
//
// Thread safety: immutable after load.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace omega::client {

struct AbilityInfo {
  std::string id;
  std::string name;
  double cooldown_seconds = 1.0;
  double range = 0.0;
  int mana_cost = 0;
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

 private:
  std::vector<ClassInfo> classes_;
  std::vector<AbilityInfo> abilities_;
  std::string error_;
};

}  // namespace omega::client
