#include "client/level_progress.hpp"

namespace omega::client {

uint64_t LevelProgress::needed(const game::Progression& progression) const {
  if (level >= progression.max_level || level >= progression.xp_to_next.size()) return 0;
  return progression.xp_to_next[level];
}

void LevelProgress::add(uint64_t amount, const game::Progression& progression) {
  experience += amount;
  for (uint64_t next = needed(progression); next > 0 && experience >= next;
       next = needed(progression)) {
    experience -= next;
    ++level;
  }
  if (needed(progression) == 0) experience = 0;
}

}  // namespace omega::client
