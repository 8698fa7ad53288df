// ZoneServer and its CharacterService (the API's ApiClient, or a standalone zone's
// LocalCharacterService): claims on Hello, batched checkpoints with deltas and per-character
// seq, releases on leave and shutdown, portals that transfer players to other zones, and market
// changes pushed by the API. The rules are the world contract's (docs/ARCHITECTURE.md "World
// topology").
#include <algorithm>
#include <limits>

#include <spdlog/spdlog.h>

#include "game/movement.hpp"
#include "zone/zone_server.hpp"
#include "zone/zone_server_session.hpp"

namespace omega::zone {
namespace {

using protocol::KickReason;

int64_t seconds_to_ns(double seconds) {
  return static_cast<int64_t>(seconds * 1e9);
}

// After a refused or failed transfer the player stays on the portal; the next attempt waits
// this long, so one player standing there costs the API one request per 5 s, not 30 per second.
constexpr int64_t kPortalBackoffNs = 5'000'000'000;
// A checkpoint that got no answer is sent again (same seq) after this long.
constexpr int64_t kCheckpointRetryNs = 2'000'000'000;

}  // namespace

void ZoneServer::on_service_result(const ServiceResult& result, const Now& now) {
  if (const auto* claim = std::get_if<ClaimResult>(&result.payload))
    on_claim(*claim, now);
  else if (const auto* batch = std::get_if<CheckpointResult>(&result.payload))
    on_checkpoints(*batch, now);
  else if (const auto* transfer = std::get_if<TransferResult>(&result.payload))
    on_transfer(*transfer, now);
  else if (const auto* report = std::get_if<MatchReportResult>(&result.payload))
    on_match_report(*report, now);
}

uint32_t ZoneServer::occupants() const {
  return static_cast<uint32_t>(players_.size() + claims_pending_.size() + sessions_.size() +
                               (report_due_ ? 1 : 0));
}

void ZoneServer::request_claim(Session& session, const protocol::JoinTicket& ticket,
                               uint16_t version, const Now& now) {
  session.claim_pending = true;
  session.character_id = ticket.character_id;
  session.version = version;
  auto [it, inserted] = claims_pending_.try_emplace(ticket.character_id, session.connection);
  if (!inserted) {
    // A claim for this character is already on its way: this newer session takes it over.
    if (Session* old = find_session(it->second); old != nullptr && old != &session) {
      old->claim_pending = false;
      old->character_id = 0;
      kick(*old, KickReason::session_replaced, now);
    }
    it->second = session.connection;
    return;
  }
  service_.claim(service_handle_,
                 ClaimRequest{ticket.character_id, ticket.account_id, config_.zone_name(),
                              config_.instance_id, ticket.lease_epoch});
}

void ZoneServer::on_claim(const ClaimResult& result, const Now& now) {
  auto pending = claims_pending_.find(result.character_id);
  if (pending == claims_pending_.end()) return;
  const ConnectionId connection = pending->second;
  claims_pending_.erase(pending);
  Session* session = connection != 0 ? find_session(connection) : nullptr;
  if (session != nullptr && (session->closing || session->character_id != result.character_id))
    session = nullptr;
  if (result.status != ServiceStatus::ok) {
    spdlog::info(
        "claim of character {} refused ({})", result.character_id,
        result.status == ServiceStatus::unavailable ? "API unavailable" : "lease conflict");
    if (session != nullptr) {
      session->claim_pending = false;
      session->character_id = 0;
      kick(*session,
           result.banned                                 ? KickReason::banned
           : result.status == ServiceStatus::unavailable ? KickReason::service_unavailable
                                                         : KickReason::lease_conflict,
           now);
    }
    return;
  }
  // A class this content does not know (or none): dealt by character id, as a standalone
  // character's is (local_character_service.cpp).
  uint16_t class_index = static_cast<uint16_t>(result.character_id % 3);
  if (const auto* cls = content_.find_class(result.character.class_id))
    class_index = static_cast<uint16_t>(cls - content_.classes.data());
  Player* player = spawn_character(result.character_id, class_index, result.character.name);
  if (player == nullptr) {
    // Entity ids ran out; the lease is held: release it at once.
    if (session != nullptr) kick(*session, KickReason::server_full, now);
    return;
  }
  spawn_claimed(result, *player);
  if (session != nullptr) player->account_id = session->account_id;  // mutes find it by account
  if (match_ && match_->ended()) {
    // Claimed after the match ended: straight back out (released into its saved zone).
    if (session != nullptr) kick(*session, KickReason::match_over, now);
    leave_world(result.character_id, *player);
    players_.erase(result.character_id);
    return;
  }
  if (session != nullptr) {
    welcome(*session, result.character_id, *player, session->version);
    session->next_ping_ns = now.steady_ns;
  } else {
    player->connection = 0;  // gone while the claim was out: waits in the resume window
    player->disconnected_ns = now.steady_ns;
  }
}

// Position (saved x/y, else the named spawn, else the default spawn), progress and holdings.
void ZoneServer::spawn_claimed(const ClaimResult& result, Player& player) {
  const ClaimedCharacter& c = result.character;
  player.party_id = c.party_id;
  player.muted_until = c.muted_until;
  const game::TileMap& map = world_.map();
  std::optional<game::Vec2> at;
  if (match_) {
    arena_spawn(result, player);  // the saved x/y belong to another zone's map
  } else {
    if (c.x && c.y && game::circle_is_clear(map, {*c.x, *c.y})) at = game::Vec2{*c.x, *c.y};
    if (!at && !c.spawn.empty())
      if (const game::SpawnPoint* spawn = map.find_spawn(c.spawn)) at = spawn->position();
    if (at) world_.teleport(player.slot, *at);
  }
  Inventory& bag = world_.inventory(player.slot);
  bag.gold = static_cast<uint32_t>(std::clamp<int64_t>(c.gold, 0, 0xffffffff));
  for (const auto& [id, quantity] : c.items)
    if (const auto* item = content_.find_item(id); item && quantity > 0)
      bag.add(*item, static_cast<uint32_t>(std::min<int64_t>(quantity, 0xffffffff)));
  // What it wears, before its hp and mana: they may count on the equipment's bonuses.
  for (const std::string& id : c.equipped)
    if (const auto* item = content_.find_item(id)) world_.equip(player.slot, item->index);
  // An arena fight starts at full hp and mana (the saved ones go home unchanged).
  world_.restore_progress(
      player.slot, RestoredProgress{static_cast<uint8_t>(std::clamp<uint32_t>(c.level, 1, 255)),
                                    c.experience, match_ ? std::optional<uint32_t>{} : c.hp,
                                    match_ ? std::optional<uint32_t>{} : c.mana});
  player.lease_epoch = result.lease_epoch;
  // The baseline is what the character carries now: items that did not fit (or that this
  // content does not know) stay in the database untouched, as no delta names them.
  player.ledger =
      CharacterLedger(result.character_id, result.lease_epoch, holdings_of(player.slot));
}

CheckpointRecord ZoneServer::state_of(const Player& player) const {
  CheckpointRecord r;
  r.zone = config_.zone_name();
  r.x = world_.position(player.slot).x;
  r.y = world_.position(player.slot).y;
  r.hp = world_.state(player.slot).hp;
  r.mana = world_.state(player.slot).mana;
  const game::Combatant& combatant = world_.combatant(player.slot);
  r.level = combatant.level;
  r.experience = combatant.xp;
  for (const uint16_t worn : world_.inventory(player.slot).equipped)
    if (worn < content_.items.size()) r.equipped.push_back(content_.items[worn].id);
  if (player.home) {
    // Arena: the character stays saved where it came from (a record naming the arena zone
    // is 422 unknown_zone), with the hp and mana it came with — the match costs nothing.
    r.zone = player.home->zone;
    r.has_position = player.home->x && player.home->y;
    r.x = player.home->x.value_or(0.0f);
    r.y = player.home->y.value_or(0.0f);
    r.hp = player.home->hp.value_or(combatant.max_hp);  // unset = full
    r.mana = player.home->mana.value_or(combatant.max_mana);
  }
  return r;
}

Holdings ZoneServer::holdings_of(uint32_t slot) const {
  Holdings h;
  const Inventory& bag = world_.inventory(slot);
  h.gold = bag.gold;
  for (const Inventory::Stack& stack : bag.stacks)
    if (stack.item < content_.items.size())
      h.items[content_.items[stack.item].id] += stack.quantity;
  h.kills = world_.kills(slot);
  return h;
}

// The character leaves the world: its releasing checkpoint goes now, or after the record in
// flight is answered. The caller despawns the entity.
void ZoneServer::depart(uint64_t character_id, Player& player, CheckpointReason reason) {
  Departed d{player.ledger, state_of(player), holdings_of(player.slot), false};
  d.state.release = true;
  if (d.ledger.busy()) {
    d.release_queued = true;
  } else {
    CheckpointBatch batch{reason, {d.ledger.begin(d.state, d.holdings)}};
    service_.checkpoint(service_handle_, std::move(batch));
  }
  departed_.insert_or_assign(character_id, std::move(d));
}

// The lease moved on (stale_epoch): the live character leaves this world at once, unsaved.
void ZoneServer::drop_conflicted(uint64_t character_id, const Now& now) {
  auto it = players_.find(character_id);
  if (it == players_.end()) return;
  if (it->second.connection == 0) {
    // The expected hand-over: the player closed this connection and joined elsewhere (an
    // arena entry, a reconnect to another instance) while the character waited here in the
    // resume window; the new zone's claim took a newer epoch, so this zone's next checkpoint
    // is refused. Nothing is lost: the newer holder has the character.
    spdlog::info("character {}: lease epoch {} taken over while in the resume window; dropped",
                 character_id, it->second.lease_epoch);
  } else {
    // Still played here while another holder has the lease: two zones believed they held it.
    spdlog::warn("character {}: lease epoch {} is stale while connected here; dropped",
                 character_id, it->second.lease_epoch);
  }
  const uint32_t slot = it->second.slot;
  if (Session* session = it->second.connection ? find_session(it->second.connection) : nullptr)
    kick(*session, KickReason::lease_conflict, now);
  world_.despawn(slot);
  players_.erase(character_id);
}

void ZoneServer::on_checkpoints(const CheckpointResult& result, const Now& now) {
  for (const CheckpointResult::Entry& entry : result.entries) {
    // The answer belongs to the ledger whose record it answers: a character that left and
    // came back (a new claim, a new epoch) has two, the departed one and the live one.
    auto answers = [&entry](const CharacterLedger& ledger) {
      const CheckpointRecord* record = ledger.in_flight();
      return record != nullptr && (entry.seq == 0 || record->seq == entry.seq) &&
             (entry.lease_epoch == 0 || record->lease_epoch == entry.lease_epoch);
    };
    auto live = players_.find(entry.character_id);
    auto gone = departed_.find(entry.character_id);
    const bool is_live = live != players_.end() && answers(live->second.ledger);
    if (!is_live && (gone == departed_.end() || !answers(gone->second.ledger))) continue;
    CharacterLedger& ledger = is_live ? live->second.ledger : gone->second.ledger;
    switch (entry.status) {
      case ServiceStatus::stale_epoch:
      case ServiceStatus::refused:
        if (is_live)
          drop_conflicted(entry.character_id, now);
        else
          departed_.erase(gone);
        continue;
      case ServiceStatus::unavailable:
        ledger.failed();
        if (next_retry_ns_ == 0) next_retry_ns_ = now.steady_ns + kCheckpointRetryNs;
        continue;
      case ServiceStatus::ok:
        ledger.accepted();
        break;
    }
    if (is_live) continue;
    Departed& d = gone->second;
    if (!d.release_queued) {
      departed_.erase(gone);  // the release was accepted
    } else {
      d.release_queued = false;
      CheckpointBatch batch{CheckpointReason::leave, {d.ledger.begin(d.state, d.holdings)}};
      service_.checkpoint(service_handle_, std::move(batch));
    }
  }
}

// Periodic batches, and the records that got no answer sent again with their seq.
void ZoneServer::send_checkpoints(const Now& now) {
  if (next_checkpoint_ns_ == 0)
    next_checkpoint_ns_ = now.steady_ns + seconds_to_ns(config_.checkpoint_interval_s);
  if (next_retry_ns_ != 0 && now.steady_ns >= next_retry_ns_) {
    next_retry_ns_ = 0;
    CheckpointBatch retry{CheckpointReason::periodic, {}};
    CheckpointBatch leave{CheckpointReason::leave, {}};
    for (auto& [id, player] : players_)
      if (player.ledger.retry_due()) {
        player.ledger.resending();
        retry.records.push_back(*player.ledger.in_flight());
      }
    for (auto& [id, d] : departed_)
      if (d.ledger.retry_due()) {
        d.ledger.resending();
        leave.records.push_back(*d.ledger.in_flight());
      }
    if (!retry.records.empty()) service_.checkpoint(service_handle_, std::move(retry));
    if (!leave.records.empty()) service_.checkpoint(service_handle_, std::move(leave));
  }
  if (now.steady_ns < next_checkpoint_ns_) return;
  next_checkpoint_ns_ = now.steady_ns + seconds_to_ns(config_.checkpoint_interval_s);
  CheckpointBatch batch{CheckpointReason::periodic, {}};
  for (auto& [id, player] : players_)
    if (!player.ledger.busy() && !player.transfer_pending)
      batch.records.push_back(player.ledger.begin(state_of(player), holdings_of(player.slot)));
  if (!batch.records.empty()) service_.checkpoint(service_handle_, std::move(batch));
}

// Shutdown or instance close: every character is released in one batch. A record still in
// flight is sent again first, and the release is chained after it (the API applies the
// records of a body in order; the resent one is a duplicate if it had landed).
void ZoneServer::release_all() {
  CheckpointBatch batch{CheckpointReason::shutdown, {}};
  auto add = [&batch](CharacterLedger& ledger, CheckpointRecord state, const Holdings& holdings) {
    state.release = true;
    if (ledger.busy()) {
      batch.records.push_back(*ledger.in_flight());
      batch.records.push_back(ledger.chain_after_in_flight(std::move(state), holdings));
    } else {
      batch.records.push_back(ledger.begin(std::move(state), holdings));
    }
  };
  for (auto& [id, player] : players_)
    add(player.ledger, state_of(player), holdings_of(player.slot));
  for (auto& [id, d] : departed_)
    if (d.release_queued || d.ledger.retry_due()) add(d.ledger, d.state, d.holdings);
  if (!batch.records.empty()) service_.checkpoint(service_handle_, std::move(batch));
}

void ZoneServer::check_portals(const Now& now) {
  const game::TileMap& map = world_.map();
  if (map.portals().empty() || !service_.can_transfer()) return;
  for (auto& [id, player] : players_) {
    if (player.connection == 0 || player.transfer_pending ||
        now.steady_ns < player.next_portal_ns || player.ledger.busy())
      continue;
    const game::Vec2 at = world_.position(player.slot);
    const game::Portal* portal = map.portal_at(at.x, at.y);
    if (portal == nullptr) continue;
    TransferRequest request{player.ledger.begin(state_of(player), holdings_of(player.slot)),
                            portal->target_zone, portal->target_spawn};
    service_.transfer(service_handle_, std::move(request));
    player.transfer_pending = true;
    world_.set_intent(player.slot, MoveIntent{});
    if (Session* session = find_session(player.connection)) session->frozen = true;
  }
}

void ZoneServer::on_transfer(const TransferResult& result, const Now& now) {
  auto it = players_.find(result.character_id);
  if (it == players_.end() || !it->second.transfer_pending) return;
  Player& player = it->second;
  player.transfer_pending = false;
  Session* session = player.connection ? find_session(player.connection) : nullptr;
  if (session != nullptr) session->frozen = false;
  switch (result.status) {
    case ServiceStatus::ok: {
      player.ledger.accepted();
      if (session != nullptr && !session->closing) {
        send(*session, protocol::Transfer{result.ws_url, result.zone, result.ticket});
        // The connection stays open for the client to close; it no longer has a character.
        session->character_id = 0;
        session->slot = World::kNoSlot;
      }
      // Never in two instances: the entity goes now, without a resume window.
      world_.despawn(player.slot);
      players_.erase(it);
      return;
    }
    case ServiceStatus::stale_epoch:
      return drop_conflicted(result.character_id, now);
    case ServiceStatus::refused:
    case ServiceStatus::unavailable:
      // The checkpoint part may or may not have landed: send the same record again as a
      // checkpoint (the API answers duplicate if it had), and wait before the next attempt.
      player.ledger.failed();
      if (next_retry_ns_ == 0) next_retry_ns_ = now.steady_ns + kCheckpointRetryNs;
      player.next_portal_ns = now.steady_ns + kPortalBackoffNs;
      return;
  }
}

bool ZoneServer::apply_market(const MarketDelta& delta) {
  auto it = players_.find(delta.character_id);
  if (it == players_.end()) return false;
  Player& player = it->second;
  Inventory& bag = world_.inventory(player.slot);
  const int64_t gold = std::clamp<int64_t>(int64_t{bag.gold} + delta.gold_delta, 0, 0xffffffff);
  player.ledger.external_gold(gold - int64_t{bag.gold});
  if (gold > int64_t{bag.gold})
    world_.announce_received(player.slot, static_cast<uint32_t>(gold - bag.gold),
                             World::kGoldDetail);
  bag.gold = static_cast<uint32_t>(gold);
  for (const ItemDelta& d : delta.items_delta) {
    const auto* item = content_.find_item(d.item_id);
    if (item == nullptr || d.delta == 0) continue;
    const auto amount = static_cast<uint32_t>(std::min<int64_t>(std::abs(d.delta), 0xffffffff));
    if (d.delta > 0) {
      const uint32_t placed = bag.add(*item, amount);
      player.ledger.external_item(d.item_id, placed);
      world_.announce_received(player.slot, placed, item->index);
    } else {
      player.ledger.external_item(d.item_id, -int64_t{bag.remove(item->index, amount)});
    }
  }
  world_.apply_equipment(player.slot);  // a worn item may have been the one sold
  return true;
}

}  // namespace omega::zone
