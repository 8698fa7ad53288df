// The tournament rules that need no storage: the rating window that widens with waiting,
// grouping queued players into balanced matches, and the Elo update of a reported result.
// Pure functions over plain values (the matchmaker thread and the result handler feed them
// from PostgreSQL), so every rule is unit-tested without a database. Thread-safe.
#pragma once

#include <cstdint>
#include <vector>

namespace omega::api {

// How far apart two ratings may be for a match, as a function of waiting time.
struct RatingWindow {
  int base = 100;  // accepted difference at once
  int step = 50;   // added per step_ms waited
  std::int64_t step_ms = 5000;

  // The window of a player who has waited `waited_ms`; never above kMaxRatingWindow.
  int at(std::int64_t waited_ms) const;
};

// Past this, widening stops: a 1000-point gap is a ~99.7 % favourite under Elo, and a match
// that one-sided is no better for the weaker player than waiting longer.
inline constexpr int kMaxRatingWindow = 1000;

struct QueuedPlayer {
  std::int64_t character_id = 0;
  int rating = 0;
  std::int64_t queued_at_ms = 0;
};

struct FormedMatch {
  std::vector<QueuedPlayer> team_1;
  std::vector<QueuedPlayer> team_2;
};

// Groups `queue` into matches of two teams of `team_size`. The longest-waiting player is
// served first; a group is that player and the 2 * team_size - 1 closest ratings that both
// sides' windows accept (each player's window at `now_ms`). Teams are drafted in snake order
// by rating (best to team 1, next two to team 2, …) so their averages stay close. Players
// left over stay queued.
std::vector<FormedMatch> form_matches(std::vector<QueuedPlayer> queue, int team_size,
                                      const RatingWindow& window, std::int64_t now_ms);

// Elo with team ratings as the mean of their members.
inline constexpr int kInitialRating = 1500;
// The usual K for established players: a 1500 v 1500 win moves both ratings by 16.
inline constexpr int kEloFactor = 32;

struct RatingChange {
  int team_1 = 0;  // added to every member of team 1
  int team_2 = 0;
};
// winner_team: 1, 2, or 0 for a draw.
RatingChange elo_change(double team_1_rating, double team_2_rating, int winner_team);

}  // namespace omega::api
