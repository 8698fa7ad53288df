#include "zone/zone_server.hpp"

#include "zone/zone_server_session.hpp"

#include <algorithm>
#include <cmath>

#include <spdlog/spdlog.h>

#include "common/structured_log.hpp"

namespace omega::zone {
namespace {

using protocol::KickReason;

constexpr int64_t kNanosPerSecond = 1'000'000'000;
// Forgotten ticket nonces are pruned this often (they expire with their tickets).
constexpr int64_t kNoncePruneIntervalNs = 10 * kNanosPerSecond;
// A pong claiming a round trip longer than this is stale or forged and not recorded.
constexpr uint32_t kMaxPlausibleRttMs = 60'000;

int64_t seconds_to_ns(double seconds) {
  return static_cast<int64_t>(seconds * 1e9);
}
uint32_t steady_ms(int64_t ns) {
  return static_cast<uint32_t>(ns / 1'000'000);
}

// Interest cells: half the leave radius, so a view query scans about 5x5 cells.
float grid_cell_size(const ZoneConfig& c) {
  if (c.view_is_infinite()) return 64.0f;
  return std::max(4.0f, (c.view_radius + c.view_margin) * 0.5f);
}

InterestSettings interest_settings(const ZoneConfig& c) {
  InterestSettings s;
  s.view_radius = c.view_radius;
  s.view_margin = c.view_margin;
  s.full_rate_radius = c.full_rate_radius > 0 ? c.full_rate_radius : c.view_radius;
  s.max_entities = c.max_view_entities;
  s.budget_bytes = c.snapshot_budget_bytes;
  return s;
}

// Combat content from content_dir; a directory without it (or with broken content) gives a
// world without combat, loudly.
game::CombatContent load_combat_content(const ZoneConfig& c) {
  game::CombatContent content;
  std::string error;
  if (!content.load(c.content_dir, c.tick_hz, error)) {
    spdlog::error("no combat in this zone: {}", error);
    return {};
  }
  return content;
}

}  // namespace

ZoneServer::ZoneServer(const ZoneConfig& config, const game::TileMap& map, MessagePool& pool,
                       ZoneMetrics& metrics, CharacterService& service)
    : config_(config),
      pool_(pool),
      metrics_(metrics),
      service_(service),
      content_(load_combat_content(config)),
      world_(map,
             WorldSettings{config.player_speed, config.tick_hz, config.spawn, config.world_seed,
                           content_.classes.empty() ? nullptr : &content_,
                           config.spawn_table.empty() ? config.zone_name() : config.spawn_table,
                           config.activation_radius, config.monster_count}),
      grid_(static_cast<float>(map.width()), static_cast<float>(map.height()),
            grid_cell_size(config)),
      planner_(interest_settings(config)),
      tickets_(config.ticket_public_key, config.zone_name(), config.instance_id),
      snapshot_interval_ticks_(std::max<uint32_t>(
          1, static_cast<uint32_t>(std::lround(double(config.tick_hz) / config.snapshot_hz)))) {
  if (!config_.debug_state_log.empty()) {
    debug_state_log_ = std::fopen(config_.debug_state_log.c_str(), "w");
    if (debug_state_log_ == nullptr)
      spdlog::error("cannot open debug_state_log {}", config_.debug_state_log);
  }
}

ZoneServer::~ZoneServer() {
  if (debug_state_log_) std::fclose(debug_state_log_);
}

template <class Message>
void ZoneServer::send(Session& session, const Message& message) {
  MessageRef ref = pool_.acquire();
  protocol::encode_message(message, ref->bytes);
  outbox_.push_back({session.connection, std::move(ref), KickReason::none});
}

// zone_server_service.cpp sends Transfer.
template void ZoneServer::send<protocol::Transfer>(Session&, const protocol::Transfer&);
// zone_server_chat.cpp sends ChatMessage.
template void ZoneServer::send<protocol::ChatMessage>(Session&, const protocol::ChatMessage&);

ZoneServer::Session* ZoneServer::find_session(ConnectionId connection) {
  auto it = session_index_.find(connection);
  return it == session_index_.end() ? nullptr : sessions_[it->second].get();
}

uint32_t ZoneServer::slot_of_connection(ConnectionId connection) const {
  auto it = session_index_.find(connection);
  return it == session_index_.end() ? World::kNoSlot : sessions_[it->second]->slot;
}

void ZoneServer::handle(InboundEvent& event, const Now& now) {
  switch (event.kind) {
    case InboundEvent::Kind::connected:
      on_connected(event.connection, now);
      return;
    case InboundEvent::Kind::disconnected:
      on_disconnected(event.connection, now);
      return;
    case InboundEvent::Kind::message:
      break;
  }
  Session* session = find_session(event.connection);
  if (session == nullptr || session->closing) return;
  session->last_received_ns = std::max(session->last_received_ns, event.arrival_ns);
  on_message(*session, event, now);
}

void ZoneServer::on_connected(ConnectionId connection, const Now& now) {
  if (session_index_.count(connection)) return;
  std::unique_ptr<Session> session;
  if (!spare_sessions_.empty()) {
    session = std::move(spare_sessions_.back());
    spare_sessions_.pop_back();
  } else {
    session = std::make_unique<Session>();
    session->inputs.reserve(kMaxPendingInputsPerSession);
    session->input_arrivals.reserve(kMaxPendingInputsPerSession);
  }
  session->reset(connection, now.steady_ns);
  session_index_[connection] = sessions_.size();
  sessions_.push_back(std::move(session));
}

void ZoneServer::on_disconnected(ConnectionId connection, const Now& now) {
  auto it = session_index_.find(connection);
  if (it == session_index_.end()) return;
  const size_t index = it->second;
  detach_player(*sessions_[index], now);
  session_index_.erase(it);
  if (index != sessions_.size() - 1) {
    std::swap(sessions_[index], sessions_.back());
    session_index_[sessions_[index]->connection] = index;
  }
  spare_sessions_.push_back(std::move(sessions_.back()));
  sessions_.pop_back();
}

// The character keeps its entity for the resume window; the session no longer drives it.
void ZoneServer::detach_player(Session& session, const Now& now) {
  if (session.character_id == 0) return;
  if (session.claim_pending) {
    // The claim still answers; its character then waits in the resume window.
    auto pending = claims_pending_.find(session.character_id);
    if (pending != claims_pending_.end() && pending->second == session.connection)
      pending->second = 0;
    session.claim_pending = false;
  }
  auto it = players_.find(session.character_id);
  if (it != players_.end() && it->second.connection == session.connection) {
    it->second.connection = 0;
    it->second.disconnected_ns = now.steady_ns;
    world_.set_intent(it->second.slot, MoveIntent{});  // stand still while away
  }
  session.character_id = 0;
  session.slot = World::kNoSlot;
}

size_t ZoneServer::kick_account(uint64_t account_id, KickReason reason, const Now& now) {
  size_t kicked = 0;
  for (auto& session : sessions_)
    if (account_id != 0 && session->account_id == account_id && !session->closing) {
      kick(*session, reason, now);
      ++kicked;
    }
  return kicked;
}

void ZoneServer::kick(Session& session, KickReason reason, const Now& now) {
  if (session.closing) return;
  protocol::Kick message{reason, protocol::to_string(reason)};
  MessageRef ref = pool_.acquire();
  protocol::encode_message(message, ref->bytes);
  outbox_.push_back({session.connection, std::move(ref), reason});
  metrics_.count_kick(reason);
  session.closing = true;
  if (reason != KickReason::session_replaced) detach_player(session, now);
}

// The session rules of docs/PROTOCOL.md ("Session rules"): a connection says Hello once, then
// waits for Welcome before its first PlayerInput; Heartbeats may come at any time (the network
// thread answered pings already).
void ZoneServer::on_message(Session& session, InboundEvent& event, const Now& now) {
  const int64_t arrival_ns = event.arrival_ns;
  std::visit(
      protocol::Handlers{
          [&](const protocol::Hello& hello) {
            // Also while the first Hello waits for its lease claim: a second one would claim
            // again.
            if (session.hello_received) return kick(session, KickReason::protocol_error, now);
            session.hello_received = true;
            on_hello(session, hello, event.ticket_signature_verified, now);
          },
          [&](const protocol::PlayerInput& input) { on_input(session, input, arrival_ns, now); },
          [&](const protocol::ChatSend& line) { on_chat(session, line, now); },
          [&](const protocol::ItemAction& action) { on_item_action(session, action, now); },
          [&](const protocol::Heartbeat& heartbeat) {
            // A pong measures our RTT; the zone pings only welcomed sessions, so an earlier
            // pong answers nothing of ours.
            if (heartbeat.pong && session.welcomed) {
              const uint32_t rtt = steady_ms(arrival_ns) - heartbeat.timestamp_ms;
              if (rtt <= kMaxPlausibleRttMs) metrics_.record_rtt(static_cast<double>(rtt));
            }
          },
      },
      event.message);
}

// An input's seq must be newer (wrapping) than the previous one on this connection. WebSocket
// over TCP neither reorders nor duplicates, so a seq that does not advance comes from a broken
// or hostile client; applying it would move the acknowledged seq backwards. The first input
// may carry any seq: numbering is the client's, and some clients continue it across
// connections.
void ZoneServer::on_input(Session& session, const protocol::PlayerInput& input, int64_t arrival_ns,
                          const Now& now) {
  if (!session.welcomed) return kick(session, KickReason::protocol_error, now);
  if (session.any_input_received &&
      !protocol::sequence_greater_than(input.seq, session.last_received_seq))
    return kick(session, KickReason::protocol_error, now);
  session.any_input_received = true;
  session.last_received_seq = input.seq;
  if (session.inputs.size() >= kMaxPendingInputsPerSession) {
    // Within the rate limit this cannot happen in one tick; keep the newest intent.
    session.inputs.back() = input;
    session.input_arrivals.back() = arrival_ns;
    return;
  }
  session.inputs.push_back(input);
  session.input_arrivals.push_back(arrival_ns);
}

void ZoneServer::on_hello(Session& session, const protocol::Hello& hello,
                          bool ticket_signature_verified, const Now& now) {
  const uint16_t version = std::min(hello.max_version, protocol::kProtocolVersion);
  if (version < std::max(hello.min_version, protocol::kMinProtocolVersion))
    return kick(session, KickReason::version_unsupported, now);

  protocol::JoinTicket ticket;
  const KickReason refused =
      tickets_.check(hello.ticket, now.unix_seconds, ticket, ticket_signature_verified);
  if (refused != KickReason::none) return kick(session, refused, now);
  session.account_id = ticket.account_id;
  if (match_ && !arena_admits(session, ticket.character_id, now)) return;

  auto it = players_.find(ticket.character_id);
  if (it == players_.end()) {
    if (players_.size() + claims_pending_.size() >= config_.max_players)
      return kick(session, KickReason::server_full, now);
    // Not live here: the character waits for its claim (resume needs none).
    return request_claim(session, ticket, version, now);
  }
  if (it->second.connection != 0) {
    // The same character connected again: the newer connection wins.
    if (Session* old = find_session(it->second.connection)) {
      kick(*old, KickReason::session_replaced, now);
      old->character_id = 0;
      old->slot = World::kNoSlot;
    }
  }
  Player& player = it->second;
  player.account_id = ticket.account_id;
  welcome(session, ticket.character_id, player, version);
  session.frozen = player.transfer_pending;  // resumed while the API places the character
  session.next_ping_ns = now.steady_ns;
}

// `name` is the character's (the claim's; "Player<id>" in a standalone zone): every client that
// sees the entity gets it in the entity's enter.
ZoneServer::Player* ZoneServer::spawn_character(uint64_t character_id, uint16_t class_index,
                                                std::string_view name) {
  const uint32_t slot = world_.spawn_player(name.substr(0, protocol::kMaxNameBytes), class_index);
  if (slot == World::kNoSlot) return nullptr;
  Player player;
  player.slot = slot;
  return &players_.insert_or_assign(character_id, std::move(player)).first->second;
}

void ZoneServer::welcome(Session& session, uint64_t character_id, Player& player,
                         uint16_t version) {
  player.connection = session.connection;
  session.character_id = character_id;
  session.version = version;
  session.welcomed = true;
  session.claim_pending = false;
  session.slot = player.slot;
  session.snapshot_phase = next_snapshot_phase_++ % snapshot_interval_ticks_;
  session.encoder.reset(tick_);
  session.interest.clear();

  protocol::Welcome welcome;
  welcome.version = version;
  welcome.entity_id = world_.state(player.slot).id;
  welcome.zone = config_.zone_name();
  welcome.instance_id = config_.instance_id;
  welcome.tick_hz = static_cast<uint8_t>(config_.tick_hz);
  welcome.snapshot_hz = static_cast<uint8_t>(config_.snapshot_hz);
  welcome.server_tick = tick_;
  send(session, welcome);
  send_chat_history(session);
  session.bag_sent = false;  // the next tick sends the whole bag
}

// Applied at once (between ticks, on the simulation thread): a potion's heal event goes with
// the next tick's events. A client that has not negotiated items cannot send one.
void ZoneServer::on_item_action(Session& session, const protocol::ItemAction& action,
                                const Now& now) {
  if (!session.welcomed || session.version < protocol::kItemsProtocolVersion)
    return kick(session, KickReason::protocol_error, now);
  if (session.frozen || session.slot == World::kNoSlot) return;
  protocol::ItemRefusal refusal = protocol::ItemRefusal::none;
  switch (action.verb) {
    case protocol::ItemVerb::equip:
      refusal = world_.equip(session.slot, action.item);
      break;
    case protocol::ItemVerb::unequip:
      refusal = world_.unequip(session.slot, action.item);
      break;
    case protocol::ItemVerb::use:
      refusal = world_.use_item(session.slot, action.item);
      break;
  }
  send_inventory(session, action.item, refusal);
}

void ZoneServer::send_inventory(Session& session, uint16_t answered,
                                protocol::ItemRefusal refusal) {
  const Inventory& bag = world_.inventory(session.slot);
  protocol::Inventory message;
  message.gold = bag.gold;
  message.stacks.reserve(bag.stacks.size());
  for (const Inventory::Stack& stack : bag.stacks)
    message.stacks.push_back({stack.item, std::min(stack.quantity, protocol::kMaxStat)});
  message.equipped = bag.equipped;
  message.answered = answered;
  message.refusal = refusal;
  send(session, message);
  session.sent_bag = bag;
  session.bag_sent = true;
}

void ZoneServer::send_inventories() {
  for (auto& s : sessions_) {
    Session& session = *s;
    if (!session.welcomed || session.closing || session.slot == World::kNoSlot ||
        session.version < protocol::kItemsProtocolVersion)
      continue;
    if (!session.bag_sent || !(session.sent_bag == world_.inventory(session.slot)))
      send_inventory(session, protocol::kNoItem, protocol::ItemRefusal::none);
  }
}

void ZoneServer::expire(const Now& now) {
  // The hello and slow-client timeouts are the transport's (WebSocketServer): it can tell the
  // client's delay from ours (bytes waiting unread, messages not yet written in a storm).
  const int64_t idle_timeout = seconds_to_ns(config_.idle_timeout_s);
  for (auto& session : sessions_) {
    if (!session->closing && session->welcomed &&
        now.steady_ns - session->last_received_ns > idle_timeout)
      kick(*session, KickReason::idle_timeout, now);
  }
  // Characters whose resume window ran out leave the world.
  const int64_t resume_window = seconds_to_ns(config_.resume_window_s);
  expired_scratch_.clear();
  for (const auto& [character, player] : players_)
    if (player.connection == 0 && now.steady_ns - player.disconnected_ns >= resume_window)
      expired_scratch_.push_back(character);
  for (uint64_t character : expired_scratch_) {
    leave_world(character, players_[character]);
    players_.erase(character);
  }
  if (now.steady_ns >= next_prune_ns_) {
    tickets_.prune(now.unix_seconds);
    next_prune_ns_ = now.steady_ns + kNoncePruneIntervalNs;
  }
}

void ZoneServer::apply_inputs() {
  for (auto& s : sessions_) {
    Session& session = *s;
    if (session.inputs.empty()) continue;
    if (!session.welcomed || session.closing || session.frozen || session.slot == World::kNoSlot) {
      session.inputs.clear();
      session.input_arrivals.clear();
      continue;
    }
    // In order; movement happens once per tick in the direction of the latest input, so a
    // client sending more inputs does not move further.
    MoveIntent intent;
    for (size_t i = 0; i < session.inputs.size(); ++i) {
      const protocol::PlayerInput& input = session.inputs[i];
      intent = {input.moving, input.move_direction, input.facing};
      if (input.action != 0) apply_action(session, input);
      session.last_input_seq = input.seq;
      if (!session.ack_pending) session.oldest_unacked_ns = session.input_arrivals[i];
      session.ack_pending = true;
    }
    world_.set_intent(session.slot, intent);
    session.inputs.clear();
    session.input_arrivals.clear();
  }
}

// Every action is answered: ActionConfirm when it started, ActionReject{reason} otherwise.
// A target the client has not been sent (out of its view, or an id it guessed) is invalid:
// a client cannot act on what it cannot see.
void ZoneServer::apply_action(Session& session, const protocol::PlayerInput& input) {
  protocol::RejectReason reason = protocol::RejectReason::none;
  if (input.target != 0) {
    const uint32_t target_slot = world_.slot_of_id(input.target);
    bool visible = target_slot == session.slot;
    for (const ClientInterest::Tracked& t : session.interest.tracked())
      if (t.sent && t.id == input.target) visible = true;
    if (target_slot == World::kNoSlot || !visible) reason = protocol::RejectReason::invalid_target;
  }
  if (reason == protocol::RejectReason::none)
    reason = world_.use_action(session.slot, input.action, input.target);
  if (reason == protocol::RejectReason::none)
    send(session, protocol::ActionConfirm{input.seq, input.action});
  else
    send(session, protocol::ActionReject{input.seq, input.action, reason});
}

// GameEvents go only to clients that see the event's entity (their own entity, or one they
// have been sent), in messages of up to kMaxEventsPerMessage. Clients with the same list
// share one encoded payload (a crowd watching one fight).
void ZoneServer::send_events(uint32_t tick) {
  const std::span<const WorldEvent> events = world_.events();
  if (events.empty()) return;
  log_loot(events);
  if (visible_generation_.size() < world_.slot_count())
    visible_generation_.resize(world_.slot_count(), 0);
  MessageRef shared;
  previous_indices_.clear();
  for (auto& s : sessions_) {
    Session& session = *s;
    if (!session.welcomed || session.closing || session.slot == World::kNoSlot) continue;
    ++generation_;
    visible_generation_[session.slot] = generation_;
    for (const ClientInterest::Tracked& t : session.interest.tracked())
      if (t.sent && t.slot < visible_generation_.size()) visible_generation_[t.slot] = generation_;
    event_indices_.clear();
    for (uint32_t i = 0; i < events.size(); ++i)
      if (visible_generation_[events[i].subject_slot] == generation_) event_indices_.push_back(i);
    if (event_indices_.empty()) continue;
    const bool fits = event_indices_.size() <= protocol::kMaxEventsPerMessage;
    if (fits && shared && event_indices_ == previous_indices_) {
      outbox_.push_back({session.connection, shared, KickReason::none});
      continue;
    }
    // A big fight may need several messages; those go to this client alone.
    protocol::GameEvent message;
    message.server_tick = tick;
    for (size_t n = 0; n < event_indices_.size(); ++n) {
      message.events[message.count++] = events[event_indices_[n]].entry;
      if (message.count < protocol::kMaxEventsPerMessage && n + 1 < event_indices_.size()) continue;
      MessageRef ref = pool_.acquire();
      protocol::encode_message(message, ref->bytes);
      if (fits) shared = ref;
      outbox_.push_back({session.connection, std::move(ref), KickReason::none});
      message.count = 0;
    }
    if (fits) previous_indices_.swap(event_indices_);
  }
  world_.clear_events();
}

// Loot is logged at debug, not info: every kill grants some, so a busy zone would write
// many lines a second and bury what matters; what a character holds is durably recorded by
// the checkpoints the API stores. log_level=debug traces it when needed.
void ZoneServer::log_loot(std::span<const WorldEvent> events) const {
  if (!spdlog::should_log(spdlog::level::debug)) return;
  for (const WorldEvent& event : events) {
    if (event.entry.type != protocol::GameEventType::loot) continue;
    const auto owner = std::find_if(players_.begin(), players_.end(), [&event](const auto& entry) {
      return entry.second.slot == event.subject_slot;
    });
    if (owner == players_.end()) continue;
    const uint16_t item = event.entry.detail;
    common::log_event(spdlog::level::debug, "loot_granted",
                      {{"character_id", owner->first},
                       {"item", item < content_.items.size() ? content_.items[item].id : "gold"},
                       {"quantity", event.entry.amount}});
  }
}

void ZoneServer::attach_workers(WorkerPool* workers) {
  workers_ = workers;
  worker_planners_.clear();
  if (workers_ == nullptr) return;
  for (unsigned worker = 1; worker < workers_->threads(); ++worker)
    worker_planners_.push_back(std::make_unique<SnapshotPlanner>(interest_settings(config_)));
}

// Planning and encoding one client's snapshot reads the world and writes only that client's
// interest, encoder and output slot, so clients are independent tasks (WorkerPool); the
// snapshots then join the outbox in session order, as a serial loop would queue them.
void ZoneServer::send_snapshots(uint32_t tick) {
  const uint32_t phase = tick % snapshot_interval_ticks_;
  due_.clear();
  for (auto& s : sessions_) {
    Session& session = *s;
    if (!session.welcomed || session.closing || session.slot == World::kNoSlot) continue;
    // Off its phase, a client still gets a snapshot on a tick that applied one of its inputs
    // (fast_ack), so the input's effect leaves within one tick. It is a whole snapshot, not
    // just the own entity: a snapshot at tick T must show every full-rate entity as at T.
    const bool due = session.snapshot_phase == phase || (config_.fast_ack && session.ack_pending);
    if (due) due_.push_back(&session);
  }
  snapshots_.resize(due_.size());
  const EntityTable table = world_.table();
  auto encode = [&](unsigned worker, size_t index) {
    Session& session = *due_[index];
    SnapshotPlanner& planner = worker == 0 ? planner_ : *worker_planners_[worker - 1];
    const protocol::SnapshotFrame frame =
        planner.plan(table, grid_, session.slot, tick, session.last_input_seq, session.interest,
                     session.encoder);
    MessageRef ref = pool_.acquire();
    session.encoder.encode(frame, ref->bytes);
    if (session.ack_pending) {
      ref->ack_arrival_ns = session.oldest_unacked_ns;
      session.ack_pending = false;
    }
    snapshots_[index] = std::move(ref);
  };
  if (workers_ != nullptr) {
    workers_->run(due_.size(), encode);
  } else {
    for (size_t index = 0; index < due_.size(); ++index) encode(0, index);
  }
  for (size_t index = 0; index < due_.size(); ++index)
    outbox_.push_back({due_[index]->connection, std::move(snapshots_[index]), KickReason::none});
}

// A due ping waits for the session's own snapshot tick (at most one snapshot interval), so it
// leaves in the same socket write as that snapshot (the transport gathers a client's messages
// of a tick) instead of costing a write of its own.
void ZoneServer::send_pings(uint32_t tick, const Now& now) {
  const int64_t interval = seconds_to_ns(config_.heartbeat_interval_s);
  const uint32_t phase = tick % snapshot_interval_ticks_;
  for (auto& s : sessions_) {
    Session& session = *s;
    if (!session.welcomed || session.closing || now.steady_ns < session.next_ping_ns ||
        session.snapshot_phase != phase)
      continue;
    const uint32_t timestamp = steady_ms(now.steady_ns);
    MessageRef ping = pool_.acquire();
    protocol::encode_message(protocol::Heartbeat{false, timestamp}, ping->bytes);
    ping->ping_ms = timestamp;  // the transport times the answer from its write
    ping->is_ping = true;
    outbox_.push_back({session.connection, std::move(ping), KickReason::none});
    session.next_ping_ns = now.steady_ns + interval;
  }
}

void ZoneServer::write_debug_state(uint32_t tick) {
  if (debug_state_log_ == nullptr) return;
  const EntityTable table = world_.table();
  for (size_t slot = 0; slot < table.active.size(); ++slot) {
    if (!table.active[slot]) continue;
    const protocol::EntityState& s = table.states[slot];
    std::fprintf(debug_state_log_, "T %u %u %u %u %u\n", tick, s.id, unsigned{s.x}, unsigned{s.y},
                 s.hp);
  }
  std::fflush(debug_state_log_);
}

void ZoneServer::advance(uint32_t tick, const Now& now) {
  tick_ = tick;
  expire(now);
  expire_whispers(now);
  apply_inputs();
  world_.advance(tick);
  if (match_) advance_match(now);
  check_portals(now);
  send_checkpoints(now);
  if (!config_.view_is_infinite()) {
    const EntityTable table = world_.table();
    grid_.rebuild(table.positions, table.active);
  }
  send_snapshots(tick);
  // After the snapshot: a client has then been sent every entity its events speak about.
  send_events(tick);
  send_inventories();
  send_pings(tick, now);
  write_debug_state(tick);
}

void ZoneServer::leave_world(uint64_t character_id, Player& player) {
  depart(character_id, player, CheckpointReason::leave);
  world_.despawn(player.slot);
}

void ZoneServer::shutdown(const Now& now) {
  for (auto& session : sessions_) kick(*session, KickReason::shutting_down, now);
  release_all();
}

}  // namespace omega::zone
