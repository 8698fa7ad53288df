#include "client/zone_session.hpp"

#include <algorithm>
#include <cmath>
#include <variant>

#include "client/arena_flow.hpp"
#include "game/tile_map_loader.hpp"
#include "protocol/quantize.hpp"

namespace omega::client {

using protocol::GameEventType;
using protocol::KickReason;

namespace {

game::Vec2 world_position(const protocol::EntityState& state) {
  return {protocol::dequantize_position(state.x), protocol::dequantize_position(state.y)};
}

// Kicks after which reconnecting cannot help (or would fight another client for the
// character); the others (shutting_down, server_full, idle_timeout, ...) are retried.
bool kick_is_fatal(KickReason reason) {
  switch (reason) {
    case KickReason::protocol_error:
    case KickReason::message_too_large:
    case KickReason::text_frame:
    case KickReason::ticket_invalid:
    case KickReason::ticket_wrong_instance:
    case KickReason::version_unsupported:
    case KickReason::session_replaced:
    case KickReason::banned:
    case KickReason::kicked:
      return true;
    default:
      return false;
  }
}

const char* reject_text(protocol::RejectReason reason) {
  switch (reason) {
    case protocol::RejectReason::unknown_action:
      return "you have no such action";
    case protocol::RejectReason::on_cooldown:
      return "it is not ready yet";
    case protocol::RejectReason::not_enough_mana:
      return "not enough mana";
    case protocol::RejectReason::out_of_range:
      return "the target is too far away";
    case protocol::RejectReason::no_line_of_sight:
      return "you cannot see the target";
    case protocol::RejectReason::invalid_target:
      return "no enemy targeted";
    case protocol::RejectReason::target_dead:
      return "the target is already dead";
    case protocol::RejectReason::caster_dead:
      return "you are dead";
    case protocol::RejectReason::stunned:
      return "you are stunned";
    case protocol::RejectReason::busy_casting:
      return "you are casting";
    case protocol::RejectReason::none:
      break;
  }
  return "refused";
}

// "slowed" in "You are slowed": game::StatusEffect by number (haste, slow, stun, regen).
std::string status_word(uint16_t effect) {
  static constexpr const char* kWords[] = {"hasted", "slowed", "stunned", "regenerating"};
  return effect < std::size(kWords) ? kWords[effect] : "affected";
}

}  // namespace

LogCategory log_category(GameEventType type) {
  switch (type) {
    case GameEventType::damage:
    case GameEventType::heal:
    case GameEventType::death:
      return LogCategory::fights;
    case GameEventType::experience:
    case GameEventType::level_up:
    case GameEventType::loot:
      return LogCategory::rewards;
    case GameEventType::status_applied:
    case GameEventType::status_removed:
      break;
  }
  return LogCategory::other;
}

const char* to_string(SessionState state) {
  switch (state) {
    case SessionState::idle:
      return "idle";
    case SessionState::connecting:
      return "connecting";
    case SessionState::handshaking:
      return "handshaking";
    case SessionState::in_world:
      return "in world";
    case SessionState::reconnecting:
      return "reconnecting";
    case SessionState::transferring:
      return "travelling";
    case SessionState::failed:
      return "disconnected";
    case SessionState::closed:
      return "closed";
  }
  return "?";
}

ZoneSession::ZoneSession(std::unique_ptr<Transport> transport, ZoneSessionSettings settings)
    : transport_(std::move(transport)),
      settings_(std::move(settings)),
      backoff_(settings_.backoff),
      predictor_(nullptr, settings_.player_speed, 1.0f / 30.0f),
      clock_(settings_.interpolation_delay) {}

void ZoneSession::connect(const ZoneTarget& target, std::string ticket, double now) {
  target_ = target;
  ticket_ = std::move(ticket);
  pending_transfer_.reset();
  kick_.reset();
  fatal_kick_ = false;
  failure_reason_.clear();
  awaiting_ticket_ = false;
  state_ = SessionState::connecting;
  status_ = "connecting to " + target.url;
  connected_at_ = now;
  transport_->connect(target.url);
}

std::optional<ZoneTarget> ZoneSession::wants_ticket() const {
  if (awaiting_ticket_) return target_;
  return std::nullopt;
}

void ZoneSession::provide_ticket(std::string ticket, double now) {
  provide_ticket(target_, std::move(ticket), now);
}

void ZoneSession::provide_ticket(const ZoneTarget& target, std::string ticket, double now) {
  if (!awaiting_ticket_) return;
  ++reconnect_attempts_;
  const std::string status = status_;
  connect(target, std::move(ticket), now);
  status_ = status + " — reconnecting (attempt " + std::to_string(backoff_.attempts()) + ")";
}

void ZoneSession::ticket_unavailable(const std::string& reason, double now) {
  if (!awaiting_ticket_) return;
  awaiting_ticket_ = false;
  schedule_reconnect("cannot get a join ticket: " + reason, now);
}

void ZoneSession::join(const ZoneTarget& target, std::string ticket, double now) {
  travel_destination_ = target.zone;
  if (state_ == SessionState::in_world || state_ == SessionState::handshaking ||
      state_ == SessionState::connecting || state_ == SessionState::transferring) {
    pending_transfer_ = protocol::Transfer{target.url, target.zone, std::move(ticket)};
    pending_instance_ = target.instance;
    state_ = SessionState::transferring;
    status_ = "leaving " + (zone_name_.empty() ? target_.zone : zone_name_) + " for " + target.zone;
    transport_->close();  // on_closed connects to the target
    return;
  }
  // Not connected (reconnecting, failed, idle): nothing to leave.
  ++transfers_;
  previous_entity_ = 0;
  connect(target, std::move(ticket), now);
}

bool ZoneSession::in_arena() const {
  return is_arena(zone_name_, target_.url);
}

void ZoneSession::leave() {
  state_ = SessionState::closed;
  status_ = "left the world";
  awaiting_ticket_ = false;
  transport_->close();
}

void ZoneSession::simulate_drop() {
  if (state_ != SessionState::in_world && state_ != SessionState::handshaking) return;
  transport_->close();  // no state change first: handled exactly as a network failure
}

std::string chat_line_text(const ChatEntry& line, std::string_view own_name) {
  switch (line.channel) {
    case protocol::ChatChannel::say:
      return line.from + ": " + line.text;
    case protocol::ChatChannel::party:
      return "[Party] " + line.from + ": " + line.text;
    case protocol::ChatChannel::whisper:
      return (line.from == own_name ? "To " + line.to : "From " + line.from) + ": " + line.text;
    case protocol::ChatChannel::world:
      return "[World] " + line.from + ": " + line.text;
    case protocol::ChatChannel::system:
      return line.text;
  }
  return line.text;
}

bool ZoneSession::send_chat(protocol::ChatChannel channel, const std::string& to,
                            const std::string& text, double now) {
  if (state_ != SessionState::in_world || version_ < protocol::kChatProtocolVersion ||
      channel == protocol::ChatChannel::system || !protocol::valid_chat_text(text))
    return false;
  if (channel == protocol::ChatChannel::whisper &&
      (to.empty() || to.size() > protocol::kMaxChatNameBytes))
    return false;
  send(protocol::ChatSend{channel, channel == protocol::ChatChannel::whisper ? to : "", text}, now);
  return true;
}

bool ZoneSession::send_item_action(protocol::ItemVerb verb, uint16_t item, double now) {
  if (state_ != SessionState::in_world || version_ < protocol::kItemsProtocolVersion ||
      item == protocol::kNoItem)
    return false;
  send(protocol::ItemAction{verb, item}, now);
  asked_[item] = verb;
  return true;
}

std::string ZoneSession::item_name(uint16_t item) const {
  if (item < settings_.item_names.size()) return settings_.item_names[item];
  return "item " + std::to_string(item);
}

void ZoneSession::on_inventory(const protocol::Inventory& inventory, double now) {
  if (inventory.answered != protocol::kNoItem) {
    const auto asked = asked_.find(inventory.answered);
    const protocol::ItemVerb verb = asked != asked_.end() ? asked->second : protocol::ItemVerb::use;
    if (asked != asked_.end()) asked_.erase(asked);
    const std::string name = item_name(inventory.answered);
    ++item_answers_;
    last_answer_ = {inventory.answered, inventory.refusal};
    if (inventory.refusal != protocol::ItemRefusal::none) {
      log(now, GameEventType::status_removed,
          std::string("Cannot ") + protocol::to_string(verb) + " " + name + ": " +
              protocol::to_string(inventory.refusal) + ".");
    } else if (verb == protocol::ItemVerb::equip) {
      log(now, GameEventType::loot, "You equip " + name + ".");
    } else if (verb == protocol::ItemVerb::unequip) {
      log(now, GameEventType::loot, "You take off " + name + ".");
    }
  }
  inventory_ = inventory;
}

void ZoneSession::use_action(uint8_t slot, uint32_t target, double cooldown_seconds, double now) {
  if (slot == 0 || slot > protocol::kMaxActionSlot || state_ != SessionState::in_world) return;
  if (cooldown_remaining(slot, now) > 0.0) return;
  pending_action_ = slot;
  pending_target_ = target;
  cooldowns_[slot] = {now + cooldown_seconds, cooldown_seconds};
}

double ZoneSession::cooldown_remaining(uint8_t slot, double now) const {
  const auto it = cooldowns_.find(slot);
  if (it == cooldowns_.end()) return 0.0;
  return std::max(0.0, it->second.first - now);
}

double ZoneSession::cooldown_duration(uint8_t slot) const {
  const auto it = cooldowns_.find(slot);
  return it == cooldowns_.end() ? 0.0 : it->second.second;
}

game::Vec2 ZoneSession::draw_position(uint32_t id, double now) const {
  if (id == own_entity_ && predictor_.initialized()) return predictor_.display_position();
  const auto it = tracks_.find(id);
  if (it != tracks_.end() && !it->second.empty()) return it->second.sample(clock_.render_time(now));
  const protocol::EntityState* state = world_.find(id);
  return state ? world_position(*state) : game::Vec2{};
}

template <class Message>
void ZoneSession::send(const Message& message, double now) {
  std::vector<uint8_t> bytes;
  protocol::encode_message(message, bytes);
  stats_.record_out(now, bytes.size());
  transport_->send(std::move(bytes));
}

void ZoneSession::update(double now) {
  const double frame_seconds = last_update_ > 0.0 ? now - last_update_ : 0.0;
  last_update_ = now;
  TransportEvent event;
  while (transport_->poll(now, event)) {
    handle_event(event, now);
    event = {};
  }
  stats_.update(now);
  predictor_.advance_display(static_cast<float>(frame_seconds));

  while (!floating_.empty() && now - floating_.front().born > kFloatingTextSeconds)
    floating_.pop_front();
  while (!effects_.empty() && now - effects_.front().born > kCombatEffectSeconds)
    effects_.pop_front();

  switch (state_) {
    case SessionState::in_world:
      send_inputs(now);
      [[fallthrough]];
    case SessionState::handshaking:
      if (now >= next_heartbeat_at_) send_heartbeat(now);
      if (state_ == SessionState::handshaking && now - connected_at_ > settings_.welcome_timeout)
        fail_connection("no Welcome from the zone");
      break;
    case SessionState::reconnecting:
      if (!awaiting_ticket_ && now >= retry_at_) awaiting_ticket_ = true;
      break;
    default:
      break;
  }
  if (state_ == SessionState::in_world) {
    // next_input_at_ is the end of the current input tick.
    predictor_.set_tick_fraction(static_cast<float>(1.0 - (next_input_at_ - now) / tick_seconds_));
  }
}

void ZoneSession::handle_event(TransportEvent& event, double now) {
  switch (event.kind) {
    case TransportEvent::Kind::connected: {
      if (state_ != SessionState::connecting) return;
      state_ = SessionState::handshaking;
      connected_at_ = now;
      protocol::Hello hello;
      hello.ticket = ticket_;
      send(hello, now);
      next_heartbeat_at_ = now + settings_.heartbeat_interval;
      return;
    }
    case TransportEvent::Kind::message:
      stats_.record_in(now, event.bytes.size());
      if (state_ == SessionState::handshaking || state_ == SessionState::in_world)
        handle_message(event.bytes, now);
      return;
    case TransportEvent::Kind::closed:
      on_closed(event.reason, now);
      return;
  }
}

void ZoneSession::handle_message(const std::vector<uint8_t>& bytes, double now) {
  protocol::MessageType type;
  if (protocol::peek_type(bytes, type) != protocol::DecodeError::none) {
    return fail_connection("protocol error: unknown message from the zone");
  }
  // The world-chat history follows Welcome directly; anything else ends it.
  if (type != protocol::MessageType::chat_message) replaying_history_ = false;
  if (type == protocol::MessageType::state_update) {
    if (state_ != SessionState::in_world)
      return fail_connection("protocol error: snapshot before Welcome");
    return on_snapshot(bytes, now);
  }
  protocol::ServerMessage message;
  if (const auto error = protocol::decode_server_message(bytes, message);
      error != protocol::DecodeError::none)
    return fail_connection(std::string("protocol error: ") + protocol::to_string(error));
  std::visit(
      protocol::Handlers{
          [&](const protocol::Welcome& welcome) { on_welcome(welcome, now); },
          [&](const protocol::Heartbeat& heartbeat) {
            if (heartbeat.pong) {
              const uint32_t sent = heartbeat.timestamp_ms;
              const uint32_t received = static_cast<uint32_t>(static_cast<uint64_t>(now * 1000.0));
              stats_.record_rtt(static_cast<double>(static_cast<uint32_t>(received - sent)));
            } else {
              send(protocol::Heartbeat{true, heartbeat.timestamp_ms}, now);
            }
          },
          [&](const protocol::ChatMessage& line) { on_chat(line, now); },
          [&](const protocol::Inventory& inventory) { on_inventory(inventory, now); },
          [&](const protocol::Kick& kick) {
            kick_ = kick;
            last_kick_ = kick.reason;
            fatal_kick_ = kick_is_fatal(kick.reason);
            status_ = std::string("the zone closed the session: ") +
                      protocol::to_string(kick.reason) +
                      (kick.detail.empty() ? "" : " (" + kick.detail + ")");
          },
          // The rest only matter in the world (a late one after a transfer began is dropped).
          [&](const protocol::GameEvent& event) {
            if (state_ == SessionState::in_world) on_game_event(event, now);
          },
          // The cooldown already runs from the moment we pressed the key.
          [](const protocol::ActionConfirm&) {},
          [&](const protocol::ActionReject& reject) {
            // The cooldown keeps running: a refused action retried every frame would flood the
            // zone.
            if (state_ != SessionState::in_world) return;
            log(now, GameEventType::status_removed,
                std::string(reject.action == 1 ? "Attack"
                                               : "Ability " + std::to_string(reject.action - 1)) +
                    " failed: " + reject_text(reject.reason) + ".");
          },
          [&](const protocol::Transfer& transfer) {
            if (state_ != SessionState::in_world) return;
            pending_transfer_ = transfer;
            pending_instance_ = 0;
            travel_destination_ = transfer.zone;
            state_ = SessionState::transferring;
            status_ = "travelling to " + (transfer.zone.empty() ? transfer.address : transfer.zone);
            transport_->close();
          },
      },
      message);
}

// Each zone greets a session with the last world lines (zone_server_chat.cpp): after a
// transfer or a resume the chat box already shows most of them. While that history arrives,
// a world line the box already held before this Welcome is not shown twice.
void ZoneSession::on_chat(const protocol::ChatMessage& line, double now) {
  if (line.channel != protocol::ChatChannel::world) {
    replaying_history_ = false;
  } else if (replaying_history_) {
    const auto held =
        chat_.begin() + static_cast<std::ptrdiff_t>(std::min(chat_held_at_welcome_, chat_.size()));
    const bool shown = std::any_of(chat_.begin(), held, [&](const ChatEntry& entry) {
      return entry.channel == protocol::ChatChannel::world && entry.from == line.from &&
             entry.text == line.text;
    });
    if (shown) return;
  }
  chat_.push_back({now, line.channel, line.from, line.to, line.text});
  if (chat_.size() > kChatLines) {
    chat_.pop_front();
    if (chat_held_at_welcome_ > 0) --chat_held_at_welcome_;
  }
}

void ZoneSession::on_welcome(const protocol::Welcome& welcome, double now) {
  if (state_ != SessionState::handshaking) return fail_connection("protocol error: second Welcome");
  replaying_history_ = true;
  chat_held_at_welcome_ = chat_.size();
  const bool resumed = welcome.entity_id == previous_entity_ && welcome.zone == previous_zone_;
  if (resumed) ++resumes_;
  if (welcome.zone != zone_name_ || !map_) load_map(welcome.zone);
  own_entity_ = welcome.entity_id;
  version_ = welcome.version;
  zone_name_ = welcome.zone;
  instance_id_ = welcome.instance_id;
  tick_seconds_ = 1.0 / static_cast<double>(welcome.tick_hz);
  world_.reset(welcome.server_tick);
  tracks_.clear();
  clock_.reset();
  predictor_ = MovementPredictor(map(), settings_.player_speed, static_cast<float>(tick_seconds_));
  input_seq_ = 0;
  sent_any_input_ = false;
  pending_action_ = 0;
  next_input_at_ = now;
  backoff_.reset();
  last_kick_.reset();
  state_ = SessionState::in_world;
  status_ = resumed ? "session resumed" : "in " + welcome.zone;
}

void ZoneSession::load_map(const std::string& zone) {
  map_.reset();
  map_error_.clear();
  if (zone == "open") {
    map_ = game::TileMap::open_field(settings_.open_map_size, settings_.open_map_size);
    return;
  }
  auto loaded = game::load_zone_map(zone, settings_.content_root);
  if (loaded.ok())
    map_ = std::move(*loaded.map);
  else
    map_error_ = loaded.error;
}

void ZoneSession::on_snapshot(const std::vector<uint8_t>& bytes, double now) {
  stats_.record_snapshot(now);
  if (const auto error = world_.apply(bytes); error != protocol::DecodeError::none)
    return fail_connection(std::string("protocol error in snapshot: ") +
                           protocol::to_string(error));
  const protocol::SnapshotHeader& header = world_.header();
  const double server_seconds = static_cast<double>(header.server_tick) * tick_seconds_;
  clock_.on_snapshot(now, server_seconds);
  auto track = [&](uint32_t id) {
    if (id == own_entity_) return;
    const protocol::EntityState* state = world_.find(id);
    if (!state) return;
    tracks_[id].push({server_seconds, world_position(*state),
                      state->move_state == protocol::MoveState::walking});
  };
  for (uint32_t id : world_.entered()) track(id);
  for (uint32_t id : world_.updated()) track(id);
  for (uint32_t id : world_.left()) tracks_.erase(id);
  if (const protocol::EntityState* own = world_.find(own_entity_)) {
    previous_entity_ = own_entity_;
    previous_zone_ = zone_name_;
    predictor_.reconcile(header.last_input_seq, world_position(*own));
  }
}

std::string ZoneSession::entity_label(uint32_t id) const {
  if (id == own_entity_) return "You";
  if (const protocol::EntityState* state = world_.find(id); state && state->name.length > 0)
    return std::string(state->name.view());
  return "#" + std::to_string(id);
}

std::string ZoneSession::object_label(uint32_t id) const {
  return id == own_entity_ ? "you" : entity_label(id);
}

void ZoneSession::log(double now, GameEventType type, std::string text) {
  combat_log_.push_back({now, type, std::move(text)});
  if (combat_log_.size() > kCombatLogLines) combat_log_.pop_front();
}

void ZoneSession::on_game_event(const protocol::GameEvent& message, double now) {
  for (uint32_t i = 0; i < message.count; ++i) {
    const protocol::GameEventEntry& e = message.events[i];
    const bool mine = e.target == own_entity_;
    const std::string target = entity_label(e.target);
    const std::string source = e.source ? entity_label(e.source) : "";
    const std::string amount = std::to_string(e.amount);
    const std::string is = mine ? " are " : " is ";
    std::string line, floating;
    switch (e.type) {
      case GameEventType::damage:
        line = (source.empty() ? "Something" : source) + " hit " + object_label(e.target) +
               " for " + amount + (e.critical ? " (critical)" : "");
        floating = "-" + amount + (e.critical ? "!" : "");
        break;
      case GameEventType::heal:
        if (e.detail & protocol::kItemDetail) {
          const std::string item = item_name(e.detail & ~protocol::kItemDetail);
          line = target + (mine ? " drink " : " drinks ") + item + ": +" + amount + " hp";
        } else {
          line = target + is + "healed for " + amount;
        }
        floating = "+" + amount;
        break;
      case GameEventType::death:
        if (mine) last_death_ = Death{now, e.source ? entity_label(e.source) : ""};
        line = target + (mine ? " die" : " died") +
               (source.empty() ? "" : " (killed by " + object_label(e.source) + ")");
        floating = "dead";
        break;
      case GameEventType::experience:
        line = target + (mine ? " gain " : " gained ") + amount + " XP";
        if (mine) experience_gained_ += e.amount;
        floating = "+" + amount + " XP";
        break;
      case GameEventType::level_up:
        line = target + (mine ? " reach" : " reached") + " level " + amount + "!";
        floating = "Level " + amount + "!";
        break;
      case GameEventType::loot:
        if (e.detail == protocol::kGoldDetail) {
          line = target + (mine ? " loot " : " looted ") + amount + " gold";
          floating = "+" + amount + " gold";
        } else {
          const std::string item = item_name(e.detail);
          line =
              target + (mine ? " loot " : " looted ") + item + (e.amount > 1 ? " x" + amount : "");
          floating = item + (e.amount > 1 ? " x" + amount : "");
        }
        break;
      case GameEventType::status_applied:
        line = target + is + status_word(e.detail);
        break;
      case GameEventType::status_removed:
        line = target + is + "no longer " + status_word(e.detail);
        break;
    }
    log(now, e.type, line);
    if (e.type == GameEventType::damage || e.type == GameEventType::heal)
      effects_.push_back({now, e.type, e.source, e.target, e.detail, e.critical});
    if (floating.empty()) continue;
    int lane = 0;
    for (const FloatingText& f : floating_)
      if (f.entity == e.target && now - f.born < kFloatingLaneSeconds)
        lane = std::max(lane, f.lane + 1);
    floating_.push_back(
        {now, e.target, draw_position(e.target, now), e.type, e.critical, mine, floating, lane});
  }
}

void ZoneSession::send_inputs(double now) {
  // A long frame (window dragged, debugger) must not turn into a burst of inputs: the zone
  // would count them against the rate limit, and they describe no real intent anyway.
  if (now - next_input_at_ > 0.25) next_input_at_ = now;
  while (now >= next_input_at_) {
    next_input_at_ += tick_seconds_;
    protocol::PlayerInput input;
    input.moving = intent_.moving;
    input.move_direction = intent_.moving ? protocol::quantize_angle(intent_.direction) : 0;
    input.facing = protocol::quantize_angle(intent_.facing);
    input.action = pending_action_;
    input.target = pending_action_ ? pending_target_ : 0;
    // Standing still with nothing new to say: the zone holds our last intent, so stay quiet.
    const bool changed = !sent_any_input_ || input.moving || last_sent_moving_ ||
                         input.facing != last_sent_facing_ || input.action != 0;
    if (!changed) {
      predictor_.hold();
      continue;
    }
    input.seq = ++input_seq_;
    pending_action_ = 0;
    pending_target_ = 0;
    sent_any_input_ = true;
    last_sent_moving_ = input.moving;
    last_sent_facing_ = input.facing;
    predictor_.apply({input.seq, input.moving, input.move_direction});
    send(input, now);
    ++inputs_sent_;
  }
}

void ZoneSession::send_heartbeat(double now) {
  next_heartbeat_at_ = now + settings_.heartbeat_interval;
  send(protocol::Heartbeat{false, static_cast<uint32_t>(static_cast<uint64_t>(now * 1000.0))}, now);
}

void ZoneSession::fail_connection(const std::string& reason) {
  failure_reason_ = reason;
  transport_->close();  // the closed event schedules the reconnect
}

void ZoneSession::schedule_reconnect(const std::string& reason, double now) {
  if (backoff_.exhausted()) {
    state_ = SessionState::failed;
    status_ = reason + " — gave up after " + std::to_string(backoff_.attempts()) + " attempts";
    return;
  }
  state_ = SessionState::reconnecting;
  status_ = reason;
  retry_at_ = now + backoff_.next_delay();
  awaiting_ticket_ = false;
}

void ZoneSession::on_closed(const std::string& reason, double now) {
  if (state_ == SessionState::closed || state_ == SessionState::failed) return;
  if (state_ == SessionState::transferring && pending_transfer_) {
    protocol::Transfer transfer = std::move(*pending_transfer_);
    ++transfers_;
    previous_entity_ = 0;  // a new zone: a new entity
    ZoneTarget next{transfer.address, transfer.zone, pending_instance_};
    const std::string status = status_;
    connect(next, std::move(transfer.ticket), now);
    state_ = SessionState::connecting;
    status_ = status;
    return;
  }
  if (kick_ && fatal_kick_) {
    state_ = SessionState::failed;
    return;
  }
  if (kick_ && kick_replays_at_once(kick_->reason)) {
    // The normal end of the place (an arena match): no backoff, ask for a ticket right away
    // (the App re-plays through POST /v1/play, which seats the character in its saved zone).
    status_ = kick_outcome_text(kick_->reason) + " — returning to the world";
    kick_.reset();
    previous_entity_ = 0;
    state_ = SessionState::reconnecting;
    retry_at_ = now;
    awaiting_ticket_ = true;
    return;
  }
  std::string why = kick_ ? status_ : !failure_reason_.empty() ? failure_reason_ : reason;
  if (why.empty()) why = "connection lost";
  kick_.reset();
  failure_reason_.clear();
  schedule_reconnect(why, now);
}

}  // namespace omega::client
