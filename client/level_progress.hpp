// The XP bar's numbers: where our character stands inside its level. The zone replicates the
// level but not the XP, so the client starts from the character's stored XP (the API's
// "experience", XP earned inside the current level as the zone checkpoints it) and adds the
// experience events the zone sends us, rolling over levels by the same curve as
// game::grant_xp (content/progression.json).
//
// Thread safety: value type, none needed.
#pragma once

#include <cstdint>

#include "game/combat_content.hpp"

namespace omega::client {

struct LevelProgress {
  uint32_t level = 1;
  uint64_t experience = 0;  // inside `level`

  // XP needed from `level` to the next; 0 at the maximum level (the bar shows full).
  uint64_t needed(const game::Progression& progression) const;
  // Adds `amount` XP, levelling up as the zone does (XP at the maximum level is dropped).
  void add(uint64_t amount, const game::Progression& progression);
};

}  // namespace omega::client
