#include "api/tournament_matching.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace omega::api {

int RatingWindow::at(std::int64_t waited_ms) const {
  const auto steps = step_ms > 0 ? std::max<std::int64_t>(waited_ms, 0) / step_ms : 0;
  const auto widened = static_cast<std::int64_t>(base) + static_cast<std::int64_t>(step) * steps;
  return static_cast<int>(std::min<std::int64_t>(widened, kMaxRatingWindow));
}

namespace {

bool compatible(const QueuedPlayer& a, const QueuedPlayer& b, const RatingWindow& window,
                std::int64_t now_ms) {
  const int accepted =
      std::min(window.at(now_ms - a.queued_at_ms), window.at(now_ms - b.queued_at_ms));
  return std::abs(a.rating - b.rating) <= accepted;
}

FormedMatch draft(std::vector<QueuedPlayer> group) {
  std::sort(group.begin(), group.end(), [](const QueuedPlayer& a, const QueuedPlayer& b) {
    return a.rating != b.rating ? a.rating > b.rating : a.character_id < b.character_id;
  });
  FormedMatch match;
  for (std::size_t i = 0; i < group.size(); ++i) {
    // Snake order 1,2,2,1,1,2,2,1…: the pick position within each pair of rounds decides.
    const auto round_position = i % 4;
    (round_position == 0 || round_position == 3 ? match.team_1 : match.team_2).push_back(group[i]);
  }
  return match;
}

}  // namespace

std::vector<FormedMatch> form_matches(std::vector<QueuedPlayer> queue, int team_size,
                                      const RatingWindow& window, std::int64_t now_ms) {
  std::vector<FormedMatch> matches;
  if (team_size < 1) return matches;
  const auto group_size = static_cast<std::size_t>(2 * team_size);
  std::sort(queue.begin(), queue.end(), [](const QueuedPlayer& a, const QueuedPlayer& b) {
    return a.queued_at_ms != b.queued_at_ms ? a.queued_at_ms < b.queued_at_ms
                                            : a.character_id < b.character_id;
  });
  std::vector<bool> taken(queue.size(), false);
  for (std::size_t first = 0; first < queue.size(); ++first) {
    if (taken[first]) continue;
    const auto& anchor = queue[first];
    std::vector<std::size_t> candidates;
    for (std::size_t other = first + 1; other < queue.size(); ++other)
      if (!taken[other] && compatible(anchor, queue[other], window, now_ms))
        candidates.push_back(other);
    if (candidates.size() + 1 < group_size) continue;
    // Closest ratings first; among equals the longer wait.
    std::stable_sort(candidates.begin(), candidates.end(), [&](std::size_t a, std::size_t b) {
      return std::abs(queue[a].rating - anchor.rating) < std::abs(queue[b].rating - anchor.rating);
    });
    std::vector<QueuedPlayer> group{anchor};
    taken[first] = true;
    for (std::size_t i = 0; i + 1 < group_size; ++i) {
      group.push_back(queue[candidates[i]]);
      taken[candidates[i]] = true;
    }
    matches.push_back(draft(std::move(group)));
  }
  return matches;
}

RatingChange elo_change(double team_1_rating, double team_2_rating, int winner_team) {
  const double expected_1 = 1.0 / (1.0 + std::pow(10.0, (team_2_rating - team_1_rating) / 400.0));
  const double score_1 = winner_team == 1 ? 1.0 : winner_team == 2 ? 0.0 : 0.5;
  const int delta = static_cast<int>(std::lround(kEloFactor * (score_1 - expected_1)));
  // Zero-sum between the teams: what one gains the other loses, rounding included.
  return {delta, -delta};
}

}  // namespace omega::api
