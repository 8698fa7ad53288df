// ZoneServer in an arena instance: the match of POST /instances "match" (arena_match.hpp has
// the rules; docs/ARCHITECTURE.md "Tournaments" the contract). Only the match's characters
// join; players spawn at their team's spawn point; PvP is on between the two teams while the
// match runs (World::set_team) and the dead do not respawn; at the end the result is reported
// through the CharacterService (sent again every 2 s until the API answers), and every
// character is kicked (match_over) and released with a checkpoint carrying its saved zone,
// position, hp and mana — so the arena zone never becomes anyone's saved zone.
#include <spdlog/spdlog.h>

#include "game/movement.hpp"

#include "zone/zone_server.hpp"
#include "zone/zone_server_session.hpp"

namespace omega::zone {
namespace {

using protocol::KickReason;

// A report that got no answer is sent again after this long.
constexpr int64_t kReportRetryNs = 2'000'000'000;
// Members of one team stand this far apart around their spawn point.
constexpr float kTeamSpacing = 1.5f;

}  // namespace

void ZoneServer::set_match(MatchSpec spec, const Now& now, double start_grace_s) {
  spdlog::info("instance {}:{} hosts match {} ({}, {} vs {}, time limit {} s)", config_.zone_name(),
               config_.instance_id, spec.id, spec.tournament, spec.teams[0].size(),
               spec.teams[1].size(), spec.time_limit_s);
  match_.emplace(std::move(spec), now.steady_ns, start_grace_s);
  world_.set_player_respawn(false);
}

// Hello of a character: refused unless it plays in this match (ticket_wrong_instance: the
// ticket is for another seat), and refused once the match is over.
bool ZoneServer::arena_admits(Session& session, uint64_t character_id, const Now& now) {
  if (match_->spec().team_of(character_id) == 0) {
    kick(session, KickReason::ticket_wrong_instance, now);
    return false;
  }
  if (match_->ended() && players_.count(character_id) == 0) {
    kick(session, KickReason::match_over, now);
    return false;
  }
  return true;
}

void ZoneServer::arena_spawn(const ClaimResult& result, Player& player) {
  const ClaimedCharacter& c = result.character;
  player.home = Player::Home{c.zone, c.x, c.y, c.hp, c.mana};
  const MatchSpec& spec = match_->spec();
  const uint8_t team = spec.team_of(result.character_id);
  const game::TileMap& map = world_.map();
  if (const game::SpawnPoint* spawn = map.find_spawn(team == 2 ? "team_2" : "team_1")) {
    const auto& members = spec.teams[team == 2 ? 1 : 0];
    size_t index = 0;
    while (index < members.size() && members[index] != result.character_id) ++index;
    // 0, +1, -1, +2, ... steps along y from the spawn point.
    const float step = static_cast<float>((index + 1) / 2) * (index % 2 == 1 ? 1.0f : -1.0f);
    game::Vec2 at = spawn->position();
    const game::Vec2 spaced{at.x, at.y + step * kTeamSpacing};
    if (game::circle_is_clear(map, spaced)) at = spaced;
    world_.teleport(player.slot, at);
  }
  if (match_->running()) world_.set_team(player.slot, team);
}

void ZoneServer::advance_match(const Now& now) {
  if (report_due_ && !report_in_flight_ && now.steady_ns >= next_report_ns_) send_match_report(now);
  if (match_->ended()) return;
  auto status = [this](uint64_t character) {
    MemberStatus s;
    auto it = players_.find(character);
    if (it == players_.end()) return s;
    const game::Combatant& c = world_.combatant(it->second.slot);
    s.present = true;
    s.alive = !c.dead();
    s.hp_fraction = c.max_hp > 0 ? static_cast<float>(c.hp) / static_cast<float>(c.max_hp) : 0.0f;
    return s;
  };
  if (!match_->update(now.steady_ns, status)) return;
  if (match_->running()) {
    spdlog::info("match {} started with {} player(s)", match_->spec().id, players_.size());
    for (auto& [character, player] : players_)
      world_.set_team(player.slot, match_->spec().team_of(character));
    return;
  }
  end_match(now);
}

void ZoneServer::end_match(const Now& now) {
  const MatchSpec& spec = match_->spec();
  const std::optional<uint8_t> winner = match_->winner();
  if (winner) {
    spdlog::info("match {} over: {}", spec.id,
                 *winner == 0 ? std::string("draw") : "team " + std::to_string(*winner) + " won");
    report_due_ = true;
    next_report_ns_ = now.steady_ns;
    send_match_report(now);
  } else {
    spdlog::warn("match {}: nobody came; no result (the API abandons it)", spec.id);
  }
  for (auto& session : sessions_) kick(*session, KickReason::match_over, now);
  for (auto& [character, player] : players_) leave_world(character, player);
  players_.clear();
}

void ZoneServer::send_match_report(const Now& now) {
  report_in_flight_ = true;
  next_report_ns_ = now.steady_ns + kReportRetryNs;
  service_.report_match(service_handle_,
                        MatchReport{match_->spec().id, match_->winner().value_or(0)});
}

void ZoneServer::on_match_report(const MatchReportResult& result, const Now& now) {
  if (!match_ || result.match_id != match_->spec().id || !report_in_flight_) return;
  report_in_flight_ = false;
  switch (result.status) {
    case ServiceStatus::ok:
      spdlog::info("match {}: result recorded", result.match_id);
      report_due_ = false;
      return;
    case ServiceStatus::refused:
    case ServiceStatus::stale_epoch:
      // 409 result_conflict / match_not_open: sending it again cannot change the answer.
      spdlog::error("match {}: result refused by the API; not sent again", result.match_id);
      report_due_ = false;
      return;
    case ServiceStatus::unavailable:
      next_report_ns_ = now.steady_ns + kReportRetryNs;
      return;
  }
}

}  // namespace omega::zone
