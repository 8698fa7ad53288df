// The client's decisions around tournament arenas, pure so they are unit-tested
// (arena_flow_test.cpp): when a queue status means "join the arena", whether a session is in
// an arena instance (PvP targets), which entity Tab targets, and which kick re-plays through
// POST /v1/play at once (match_over) and what the player is told.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "client/api_models.hpp"
#include "protocol/entity_state.hpp"
#include "protocol/messages.hpp"

namespace omega::client {

// A matched queue status (GET /v1/tournaments/{id}/queue) carries the arena's ws_url and a
// ticket: join it (leaving the world instance cleanly first), once per match. nullopt for any
// other status, for a match already joined, or for a matched status without a usable grant.
std::optional<PlayGrant> arena_to_join(const std::optional<TournamentStatus>& status,
                                       int64_t joined_match_id);

// True for an arena instance: the zone name (Welcome) or the ws path /z/arena_…/ names one.
bool is_arena(std::string_view zone, std::string_view ws_url);

// A candidate for Tab targeting: another entity in view.
struct TargetCandidate {
  uint32_t id = 0;
  protocol::EntityKind kind = protocol::EntityKind::monster;
  bool dead = false;
  float distance = 0.0f;  // tiles from us
};
// The nearest live candidate, monsters first in the world; in an arena (`pvp`) the other
// players first (the enemy), then monsters. Loot and projectiles never. 0 when none.
uint32_t choose_target(const std::vector<TargetCandidate>& candidates, bool pvp);

// Non-fatal kicks re-play through POST /v1/play (API characters) like a lost connection, after
// the reconnect backoff (lease_conflict, shutting_down, ...). A kick that is the normal end of
// the place — match_over: the arena ended, back to the saved zone — re-plays at once.
bool kick_replays_at_once(protocol::KickReason reason);
// A session lost inside an arena (not ended by match_over) reconnects with a fresh arena
// ticket from the queue status (GET /v1/tournaments/{id}/queue, still `matched` while the
// match runs) so the player resumes the fight; POST /v1/play would seat it in its world zone.
bool reconnect_through_tournament(bool in_arena, std::optional<protocol::KickReason> last_kick,
                                  bool have_tournament);
// What the player reads for a kick that ended a session on purpose ("Match over"); empty for
// the others (their status text says what went wrong).
std::string kick_outcome_text(protocol::KickReason reason);

}  // namespace omega::client
