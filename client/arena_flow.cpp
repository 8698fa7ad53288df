#include "client/arena_flow.hpp"

#include "common/url.hpp"

namespace omega::client {

namespace {

constexpr std::string_view kArenaPrefix = "arena_";

}  // namespace

std::optional<PlayGrant> arena_to_join(const std::optional<TournamentStatus>& status,
                                       int64_t joined_match_id) {
  if (!status || status->status != "matched" || !status->arena) return std::nullopt;
  if (status->match_id != 0 && status->match_id == joined_match_id) return std::nullopt;
  if (status->arena->ws_url.empty() || status->arena->ticket.empty()) return std::nullopt;
  return status->arena;
}

bool is_arena(std::string_view zone, std::string_view ws_url) {
  if (zone.substr(0, kArenaPrefix.size()) == kArenaPrefix) return true;
  const auto url = common::parse_url(ws_url);
  if (!url) return false;
  const std::string_view target = url->target;
  constexpr std::string_view kPath = "/z/arena_";
  return target.substr(0, kPath.size()) == kPath;
}

uint32_t choose_target(const std::vector<TargetCandidate>& candidates, bool pvp) {
  const protocol::EntityKind first =
      pvp ? protocol::EntityKind::player : protocol::EntityKind::monster;
  float best = 0.0f;
  uint32_t best_id = 0;
  for (const auto& c : candidates) {
    if (c.dead || c.kind == protocol::EntityKind::loot ||
        c.kind == protocol::EntityKind::projectile)
      continue;
    // The preferred kind first: any of them beats anything else in view.
    const float score = c.distance + (c.kind == first ? 0.0f : 1e6f);
    if (best_id == 0 || score < best) {
      best = score;
      best_id = c.id;
    }
  }
  return best_id;
}

bool kick_replays_at_once(protocol::KickReason reason) {
  return reason == protocol::KickReason::match_over;
}

bool reconnect_through_tournament(bool in_arena, std::optional<protocol::KickReason> last_kick,
                                  bool have_tournament) {
  return in_arena && have_tournament && last_kick != protocol::KickReason::match_over;
}

std::string kick_outcome_text(protocol::KickReason reason) {
  if (reason == protocol::KickReason::match_over) return "Match over";
  return {};
}

}  // namespace omega::client
