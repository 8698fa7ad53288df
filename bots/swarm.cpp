// The bots' scheduling and message handling. Connections are bots/zone_connection's (the
// bots' only Boost.Beast translation unit) and the API calls bots/api_flow's; this file sees
// their events and applies them to its bots.
#include <utility>  // before Asio (docs/ARCHITECTURE.md, Dependencies)

#include "bots/swarm.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <random>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "bots/api_flow.hpp"
#include "bots/fixed_ring.hpp"
#include "bots/own_track.hpp"
#include "bots/pacing.hpp"
#include "bots/http_client.hpp"
#include "bots/zone_connection.hpp"
#include "common/tls_client.hpp"
#include "protocol/quantize.hpp"

namespace omega::bots {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
using boost::system::error_code;

namespace {

// Inputs sent and not yet acknowledged: seq and send time. At 10 Hz and ~100 ms of ack
// latency 2–3 are in flight; a flooding bot overwrites its oldest (latency is not its point).
struct PendingInput {
  uint16_t seq = 0;
  double sent_s = 0.0;
};
using PendingInputs = FixedRing<PendingInput, 64>;

// waiting → [api → party →] api → connecting → playing; a lost zone in API mode goes
// replay_wait → api → connecting again until replay_timeout_s runs out.
enum class Phase : uint8_t { waiting, api, party, replay_wait, connecting, playing, finished };

struct Bot {
  size_t index = 0;
  BotOptions options;
  BotResult result;
  Phase phase = Phase::waiting;
  std::shared_ptr<ZoneConnection> conn;
  protocol::WorldView view;
  BehaviourState behaviour;
  PendingInputs pending;
  OwnTrack track;
  uint16_t input_seq = 0;
  uint32_t tick_hz = 30;
  double welcome_s = 0.0;
  double next_input_s = 0.0;
  double next_ping_s = 0.0;
  uint32_t ping_timestamp_ms = 0;
  double ping_sent_s = -1.0;
  double window_since_s = -1.0;  // welcomed inside the window since then; < 0 = not
  bool misbehaved = false;
  bool reconnect_done = false;

  WebSocketAddress target;  // where the next connection goes
  std::string ticket;       // API mode: Hello.ticket from /v1/play or a Transfer
  std::string zone;         // from the latest Welcome
  uint32_t instance = 0;
  TravelState travel;
  double next_trip_s = -1.0;  // demo trips: when the next one may start
  double next_api_attempt_s = 0.0;
  double lost_at_s = -1.0;          // API mode: when the zone was lost; < 0 = not lost
  double connect_deadline_s = 0.0;  // while connecting: lost if not upgraded by then (0: upgraded)
  double next_chat_s = -1.0;        // < 0: not chatting
  uint64_t chat_seq = 0;
  bool tournament_started = false;  // queued (once per bot)
  std::string arena_zone;           // the matched arena's zone: fight players there
};

using Clock = std::chrono::steady_clock;

// A loot event with this item detail is gold (docs/PROTOCOL.md).
constexpr uint16_t kGoldDetail = 0xffff;

ApiFlowSettings api_flow_settings(const SwarmConfig& config) {
  ApiFlowSettings settings;
  settings.account_prefix = config.account_prefix;
  settings.character_classes = config.character_classes;
  settings.play_zone = config.play_zone;
  settings.party_size = config.party_size;
  settings.join_timeout_s = config.join_timeout_s;
  settings.replay_timeout_s = config.replay_timeout_s;
  settings.tournament = config.tournament;
  settings.tournament_wait_s = config.tournament_wait_s;
  settings.threads = config.api_threads;
  return settings;
}

class Swarm final : private ConnectionEvents, private ApiFlowEvents {
 public:
  explicit Swarm(const SwarmConfig& config)
      : config_(config),
        timer_(io_),
        rng_(config.seed),
        start_(Clock::now()),
        maps_(config.content_dir) {
    // wss:// needs no flag: the zone (or the API's ws_url) names the scheme per connection.
    tls_error_ = common::configure_tls_client_context(tls_.native_handle(), config_.ca_file);
    const ApiFlowSettings api_settings = api_flow_settings(config_);
    if (std::optional<HttpEndpoint> api = parse_http_url(config_.api_url); api && api_mode()) {
      api->ca_file = config_.ca_file;
      api_flow_ = std::make_unique<ApiFlow>(
          *api, api_settings, config_.bots.size(),
          [this](std::function<void()> job) { asio::post(io_, std::move(job)); },
          static_cast<ApiFlowEvents&>(*this));
    }
    bots_.resize(config_.bots.size());
    for (size_t i = 0; i < bots_.size(); ++i) {
      Bot& bot = bots_[i];
      bot.index = i;
      bot.options = config_.bots[i];
      bot.target = {config_.host, config_.port, config_.path, config_.tls};
      bot.travel.route.assign(config_.route.begin(), config_.route.end());
      bot.travel.dwell_s = config_.route_dwell_s;
      bot.result.username = bot_account(api_settings, i).username;
      if (!api_mode()) bot.result.character_id = config_.first_character_id + i;
    }
  }

  SwarmReport run() {
    schedule_tick();
    io_.run();
    report_.bots = bots_.size();
    for (Bot& bot : bots_) {
      if (bot.result.welcomed) ++report_.welcomed;
      report_.per_bot.push_back(bot.result);
    }
    return std::move(report_);
  }

 private:
  double now_s() const override {
    return std::chrono::duration<double>(Clock::now() - start_).count();
  }
  bool api_mode() const { return !config_.api_url.empty(); }
  uint32_t now_ms() const { return static_cast<uint32_t>(now_s() * 1000.0); }

  void write_heartbeat() {
    if (std::FILE* f = std::fopen(config_.heartbeat_file.c_str(), "w")) {
      std::fprintf(f, "%.0f\n", now_s());
      std::fclose(f);
    }
  }

  void schedule_tick() {
    timer_.expires_after(std::chrono::microseconds(int64_t(1e6 / config_.scheduler_hz)));
    timer_.async_wait([this](error_code ec) {
      if (ec) return;
      on_tick();
      if (!stopped_) schedule_tick();
    });
  }

  // ---- the scheduler: one timer paces every bot -------------------------------------------
  void on_tick() {
    const double now = now_s();
    const bool stop_requested = config_.stop_flag && config_.stop_flag->load();
    if (!config_.heartbeat_file.empty() && now >= next_heartbeat_s_) {
      next_heartbeat_s_ = now + 1.0;
      write_heartbeat();
    }
    connect_pacer_.tick();
    size_t settled = 0;
    for (Bot& bot : bots_) {
      switch (bot.phase) {
        case Phase::waiting:
          if (!shutting_down_ && now >= bot.next_api_attempt_s && connect_pacer_.take()) {
            if (api_mode())
              start_enter(bot);
            else
              start_connect(bot);
          }
          break;
        case Phase::replay_wait:
          if (!shutting_down_ && now >= bot.next_api_attempt_s) start_play(bot);
          break;
        case Phase::connecting:
          if (bot.connect_deadline_s > 0.0 && now >= bot.connect_deadline_s)
            lost(bot, "error:connect: timed out (no WebSocket upgrade)");
          break;
        case Phase::api:
        case Phase::party:
          break;
        case Phase::playing:
          drive(bot, now);
          break;
        case Phase::finished:
          break;
      }
      if (bot.result.welcomed || bot.phase == Phase::finished) ++settled;
    }
    if (config_.party_size > 1 && !shutting_down_) form_waiting_parties();
    if (!window_started_ && !shutting_down_ &&
        (settled == bots_.size() || now >= config_.join_timeout_s || stop_requested))
      start_window(now);
    const bool all_finished = std::all_of(bots_.begin(), bots_.end(),
                                          [](const Bot& b) { return b.phase == Phase::finished; });
    if (window_started_ && !shutting_down_ &&
        (now >= window_start_s_ + config_.seconds || stop_requested || all_finished))
      begin_shutdown(now);
    if (shutting_down_) {
      const bool all_closed =
          std::none_of(bots_.begin(), bots_.end(), [](const Bot& b) { return b.conn != nullptr; });
      if (all_closed || now >= shutdown_deadline_s_) {
        stopped_ = true;
        for (Bot& bot : bots_)
          if (bot.conn) bot.conn->abort();
        io_.stop();
      }
    }
  }

  void start_window(double now) {
    window_started_ = true;
    measuring_ = true;
    window_start_s_ = now;
    report_.join_seconds = now;
    for (Bot& bot : bots_)
      if (bot.phase == Phase::playing) bot.window_since_s = now;
  }

  void begin_shutdown(double now) {
    measuring_ = false;
    shutting_down_ = true;
    report_.window_seconds = now - window_start_s_;
    shutdown_deadline_s_ = now + config_.stop_grace_s;
    for (Bot& bot : bots_) {
      leave_window(bot, now);
      if (bot.conn) close_connection(bot);
      bot.phase = Phase::finished;
    }
  }

  void leave_window(Bot& bot, double now) {
    if (bot.window_since_s < 0.0) return;
    bot.result.window_connected_s += now - bot.window_since_s;
    report_.bot_seconds += now - bot.window_since_s;
    bot.window_since_s = -1.0;
  }

  // A welcomed bot's turn: misbehaviour, reconnect, inputs, pings.
  void drive(Bot& bot, double now) {
    const BotOptions& options = bot.options;
    if (options.misbehaviour != Misbehaviour::none && !bot.misbehaved &&
        options.misbehaviour != Misbehaviour::speedhack &&
        now >= bot.welcome_s + config_.misbehave_after_s) {
      bot.misbehaved = true;
      misbehave(bot);
    }
    if (options.reconnect_after_s > 0.0 && !bot.reconnect_done &&
        now >= bot.welcome_s + options.reconnect_after_s) {
      bot.reconnect_done = true;
      reconnect(bot, now);
      return;
    }
    const double hz = input_hz(bot);
    if (hz > 0.0) {
      if (bot.next_input_s < now - 1.0) bot.next_input_s = now;  // a stall is not made up
      while (bot.next_input_s <= now && bot.conn) {
        send_input(bot, now);
        bot.next_input_s += 1.0 / hz;
      }
    }
    if (api_flow_ && !config_.tournament.empty() && !bot.tournament_started &&
        now >= bot.welcome_s + config_.tournament_after_s)
      start_queue(bot);
    if (config_.chat_every_s > 0.0 && bot.next_chat_s >= 0.0 && now >= bot.next_chat_s &&
        bot.conn) {
      bot.next_chat_s =
          now + config_.chat_every_s * std::uniform_real_distribution<double>(0.5, 1.5)(rng_);
      send_chat(bot);
    }
    if (now >= bot.next_ping_s && bot.conn) {
      bot.next_ping_s = now + config_.ping_interval_s;
      bot.ping_timestamp_ms = now_ms();
      bot.ping_sent_s = now;
      send(bot, protocol::Heartbeat{false, bot.ping_timestamp_ms});
    }
  }

  double input_hz(const Bot& bot) const {
    if (bot.options.misbehaviour == Misbehaviour::flood && bot.misbehaved) return config_.flood_hz;
    if (bot.options.misbehaviour == Misbehaviour::speedhack) return config_.speedhack_hz;
    return bot.options.input_hz;
  }

  void send_input(Bot& bot, double now) {
    Behaviour behaviour = bot.options.behaviour;
    if (bot.options.misbehaviour == Misbehaviour::speedhack) behaviour = Behaviour::wander;
    MoveIntent intent;
    if (!travel_intent(bot, now, intent))
      intent =
          decide(behaviour, bot.behaviour, bot.view, bot.result.entity, now, rng_, in_arena(bot));
    protocol::PlayerInput input;
    input.seq = ++bot.input_seq;
    input.moving = intent.moving;
    input.move_direction = intent.moving ? protocol::quantize_angle(intent.direction) : 0;
    input.facing = protocol::quantize_angle(intent.direction);
    input.action = intent.action;
    input.target = intent.action != 0 ? intent.target : 0;
    if (send(bot, input)) {
      ++bot.result.inputs_sent;
      bot.pending.push_overwriting() = {input.seq, now};
    }
  }

  // Travel along the route (or a demo trip) when one is due; false = behave as usual.
  bool travel_intent(Bot& bot, double now, MoveIntent& intent) {
    if (bot.options.misbehaviour != Misbehaviour::none || in_arena(bot)) return false;
    const protocol::EntityState* self = bot.view.find(bot.result.entity);
    if (self == nullptr || self->hp == 0) return false;
    const game::TileMap* map = maps_.get(bot.zone);
    if (map == nullptr) return false;
    if (config_.trip_every_s > 0.0 && bot.travel.route.empty() && bot.next_trip_s >= 0.0 &&
        now >= bot.next_trip_s)
      start_trip(bot, *map, now);
    if (!wants_to_travel(bot.travel, now)) return false;
    const game::Vec2 position{float(self->x) / protocol::kPositionUnitsPerTile,
                              float(self->y) / protocol::kPositionUnitsPerTile};
    intent = travel_step(*map, bot.travel, position, now);
    if (bot.travel.unreachable) bot.travel.route.clear();  // nowhere to go from here
    return true;
  }

  // Demo: from a hub to a random field behind one of its portals, and back.
  void start_trip(Bot& bot, const game::TileMap& hub, double now) {
    bot.next_trip_s = -1.0;  // the next one is scheduled when the bot is back in a hub
    if (hub.kind() != game::ZoneKind::kHub) return;
    std::vector<std::string> fields;
    for (const game::Portal& portal : hub.portals())
      if (const game::TileMap* m = maps_.get(portal.target_zone);
          m && m->kind() == game::ZoneKind::kZone)
        fields.push_back(portal.target_zone);
    if (fields.empty()) return;
    const size_t pick = std::uniform_int_distribution<size_t>(0, fields.size() - 1)(rng_);
    bot.travel.route = {fields[pick], bot.zone};
    bot.travel.dwell_s = config_.trip_every_s / 2.0;
    bot.travel.dwell_until_s = now;
  }

  void misbehave(Bot& bot) {
    std::vector<uint8_t>* out = nullptr;
    switch (bot.options.misbehaviour) {
      case Misbehaviour::garbage:
        if ((out = queue(bot, false))) {
          out->push_back(0xee);  // no such message type
          for (int i = 0; i < 31; ++i) out->push_back(static_cast<uint8_t>(rng_()));
        }
        break;
      case Misbehaviour::oversized:
        if ((out = queue(bot, false))) {
          out->assign(config_.oversized_bytes, 0);
          (*out)[0] = static_cast<uint8_t>(protocol::MessageType::player_input);
        }
        break;
      case Misbehaviour::text:
        if ((out = queue(bot, true))) {
          const char hello[] = "{\"hello\":\"zone\"}";
          out->assign(hello, hello + sizeof hello - 1);
        }
        break;
      case Misbehaviour::flood:  // input_hz() switches to flood_hz from now on
      case Misbehaviour::speedhack:
      case Misbehaviour::none:
        return;
    }
    if (out) bot.conn->flush();
  }

  // ---- API mode: bots/api_flow runs the calls and decides the steps; they land here -------
  void start_enter(Bot& bot) {
    if (!api_flow_) return give_up(bot, "api: bad --api address " + config_.api_url);
    bot.phase = Phase::api;
    api_flow_->enter(bot.index);
  }

  // Bots with a character form parties with their neighbours (parties_to_form).
  void form_waiting_parties() {
    party_standing_.resize(bots_.size());
    for (size_t i = 0; i < bots_.size(); ++i)
      party_standing_[i] = bots_[i].phase == Phase::party      ? PartyStanding::ready
                           : bots_[i].phase == Phase::finished ? PartyStanding::gone
                                                               : PartyStanding::pending;
    for (std::vector<size_t>& members : parties_to_form(party_standing_, config_.party_size)) {
      for (size_t member : members) bots_[member].phase = Phase::api;
      api_flow_->form_party(std::move(members));
    }
  }

  void start_play(Bot& bot) {
    bot.phase = Phase::api;
    api_flow_->play(bot.index);
  }

  // Queue for the tournament and wait for the match on a worker; the bot plays on meanwhile.
  void start_queue(Bot& bot) {
    bot.tournament_started = true;
    bot.result.tournament = "queued";
    api_flow_->queue(bot.index);
  }

  // An answer is dropped once the run shuts down (every bot is then finished) or the bot
  // moved on: it finished, or a match took it to the arena while a /v1/play was in flight.
  bool awaits(size_t index, ApiCall call) const override {
    const Bot& bot = bots_[index];
    if (shutting_down_) return false;
    return call == ApiCall::queue ? bot.phase != Phase::finished : bot.phase == Phase::api;
  }

  void on_step(size_t index, ApiCall call, const ApiStep& step) override {
    Bot& bot = bots_[index];
    if (call == ApiCall::enter) bot.result.character_id = api_flow_->account(index).character_id;
    if (step.party_id != 0) bot.result.party_id = step.party_id;
    if (!step.api_error.empty()) bot.result.api_error = step.api_error;
    switch (step.kind) {
      case ApiStep::Kind::connect:
        bot.target = step.target;
        bot.ticket = step.ticket;
        return start_connect(bot);
      case ApiStep::Kind::wait_for_party:
        bot.phase = Phase::party;
        return;
      case ApiStep::Kind::retry_enter:
        bot.phase = Phase::waiting;  // paced by the connect budget again
        bot.next_api_attempt_s = step.at_s;
        return;
      case ApiStep::Kind::retry_play:
        bot.phase = Phase::replay_wait;
        bot.next_api_attempt_s = step.at_s;
        return;
      case ApiStep::Kind::give_up:
        return give_up(bot, step.reason);
    }
  }

  void on_match(size_t index, const MatchStep& match) override {
    Bot& bot = bots_[index];
    bot.result.tournament = match.status;
    if (!match.matched) return;
    // Leave the world instance and go: the arena claims the lease with the ticket's epoch.
    bot.arena_zone = match.zone;
    leave_window(bot, now_s());
    if (bot.conn) close_connection(bot);
    bot.target = match.arena;
    bot.ticket = match.ticket;
    start_connect(bot);
  }

  static bool in_arena(const Bot& bot) {
    return !bot.arena_zone.empty() && bot.zone == bot.arena_zone;
  }

  // The bot stops for good (no more API calls or connections).
  void give_up(Bot& bot, std::string reason) {
    if (bot.result.disconnect.empty()) bot.result.disconnect = reason;
    ++report_.disconnects[reason];
    bot.phase = Phase::finished;
  }

  // ---- connections ----------------------------------------------------------------------
  void start_connect(Bot& bot) {
    bot.phase = Phase::connecting;
    bot.connect_deadline_s = now_s() + config_.connect_timeout_s;
    if (bot.target.tls && !tls_error_.empty()) return lost(bot, "error:tls: " + tls_error_);
    bot.conn =
        ZoneConnection::open(io_, bot.target.tls ? &tls_ : nullptr, bot.target, bot.index, *this);
  }

  void on_upgraded(size_t index) override {
    Bot& bot = bots_[index];
    bot.connect_deadline_s = 0.0;  // upgraded: the Welcome may take as long as the zone needs
    send_hello(bot);
  }

  void send_hello(Bot& bot) {
    if (!bot.ticket.empty()) {  // from the API (or a Transfer): used once
      protocol::Hello hello;
      hello.ticket = std::move(bot.ticket);
      bot.ticket.clear();
      send(bot, hello);
      return;
    }
    protocol::JoinTicket ticket;
    ticket.account_id = ticket.character_id = config_.first_character_id + bot.index;
    ticket.zone = config_.zone;
    ticket.instance_id = config_.instance_id;
    ticket.lease_epoch = config_.lease_epoch;
    ticket.expires_at_unix =
        static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                  std::chrono::system_clock::now().time_since_epoch())
                                  .count()) +
        config_.ticket_ttl_s;
    protocol::randomize_nonce(ticket);
    protocol::Hello hello;
    hello.ticket = protocol::sign_ticket(ticket, config_.key);
    send(bot, hello);
  }

  void reconnect(Bot& bot, double now) {
    leave_window(bot, now);
    close_connection(bot);
    bot.result.reconnected = true;
    if (api_flow_) {  // a fresh ticket comes from the API
      api_flow_->start_replay(bot.index, now);
      return start_play(bot);
    }
    start_connect(bot);
  }

  // Starts a clean close of the bot's connection and lets go of it.
  void close_connection(Bot& bot) {
    std::shared_ptr<ZoneConnection> conn = std::move(bot.conn);
    bot.conn = nullptr;
    conn->close();
  }

  // The zone (or the network) ended the bot's connection.
  void lost(Bot& bot, std::string reason) {
    const double now = now_s();
    leave_window(bot, now);
    ++report_.disconnects[reason];
    const bool replays = replays_after(bot.result.kick);
    if (bot.result.kick == protocol::KickReason::match_over) {
      bot.result.tournament = "played";  // back to the saved zone through /v1/play
      bot.arena_zone.clear();
    }
    if (bot.result.disconnect.empty()) bot.result.disconnect = std::move(reason);
    if (bot.conn) bot.conn->abort();
    bot.conn = nullptr;
    bot.phase = Phase::finished;
    // API mode: ask /v1/play where to go now (crash recovery), unless another session took
    // the character over on purpose or a moderator removed the player.
    if (api_flow_ && !shutting_down_ && replays) {
      bot.result.kick = protocol::KickReason::none;  // the next connection starts clean
      if (bot.lost_at_s < 0.0) bot.lost_at_s = now;
      bot.phase = Phase::replay_wait;
      api_flow_->start_replay(bot.index, now);
      bot.next_api_attempt_s = now + ReplayBackoff::kFirstDelaySeconds;
    }
  }

  void on_message(size_t index, std::span<const uint8_t> message) override {
    handle_message(bots_[index], message);
  }

  void on_end(size_t index, const ConnectionEnd& end) override {
    Bot& bot = bots_[index];
    switch (end.kind) {
      case ConnectionEnd::Kind::failed:
        return lost(bot, "error:" + end.detail);
      case ConnectionEnd::Kind::text_frame:
        bot.result.decode_error = "text frame from the zone";
        ++report_.decode_errors;
        return lost(bot, "error:text frame from the zone");
      case ConnectionEnd::Kind::read_error:
      case ConnectionEnd::Kind::closed:
        break;
    }
    if (bot.result.kick != protocol::KickReason::none)  // Kick first, then any kind of close
      return lost(bot, std::string("kick:") + protocol::kick_label(bot.result.kick));
    if (end.kind == ConnectionEnd::Kind::read_error) return lost(bot, "error:" + end.detail);
    bot.result.kick = kick_from_text(end.detail);
    if (bot.result.kick != protocol::KickReason::none)
      return lost(bot, std::string("kick:") + protocol::kick_label(bot.result.kick));
    lost(bot, "close:" + (end.detail.empty() ? std::to_string(end.close_code) : end.detail));
  }

  static protocol::KickReason kick_from_text(const std::string& text) {
    for (uint8_t r = 1; r <= uint8_t(protocol::kMaxKickReason); ++r) {
      const auto reason = static_cast<protocol::KickReason>(r);
      if (text == protocol::kick_label(reason) || text == protocol::to_string(reason))
        return reason;
    }
    return protocol::KickReason::none;
  }

  // ---- messages from the zone ------------------------------------------------------------
  void handle_message(Bot& bot, std::span<const uint8_t> message) {
    if (measuring_) {
      report_.bytes_down += message.size();
      ++report_.messages_down;
    }
    protocol::MessageType type;
    protocol::DecodeError error = protocol::peek_type(message, type);
    if (error == protocol::DecodeError::none && type == protocol::MessageType::state_update) {
      error = bot.view.apply(message);
      if (error == protocol::DecodeError::none) on_snapshot(bot);
    } else if (error == protocol::DecodeError::none) {
      protocol::ServerMessage decoded;
      error = protocol::decode_server_message(message, decoded);
      if (error == protocol::DecodeError::none) {
        std::visit(protocol::Handlers{
                       [&](const protocol::Welcome& welcome) { on_welcome(bot, welcome); },
                       [&](const protocol::Heartbeat& beat) { on_heartbeat(bot, beat); },
                       [&](const protocol::Kick& kick) { bot.result.kick = kick.reason; },
                       [&](const protocol::ChatMessage& line) { on_chat(bot, line); },
                       [&](const protocol::GameEvent& event) { on_game_event(bot, event); },
                       [&](protocol::Transfer& transfer) { on_transfer(bot, std::move(transfer)); },
                       // A refused attack is retried by the behaviour's own pace.
                       [](const protocol::ActionConfirm&) {},
                       [](const protocol::ActionReject&) {},
                       // Bots play without their bags (loot counts come from GameEvents).
                       [](const protocol::Inventory&) {},
                   },
                   decoded);
        return;
      }
    }
    if (error != protocol::DecodeError::none) {
      bot.result.decode_error = protocol::to_string(error);
      ++report_.decode_errors;
      lost(bot, std::string("error:decode: ") + protocol::to_string(error));
    }
  }

  void on_welcome(Bot& bot, const protocol::Welcome& welcome) {
    const double now = now_s();
    if (bot.result.welcomed && bot.result.reconnected)
      bot.result.same_entity_after_reconnect = welcome.entity_id == bot.result.first_entity;
    if (!bot.result.welcomed) bot.result.first_entity = welcome.entity_id;
    bot.result.welcomed = true;
    bot.result.entity = welcome.entity_id;
    bot.tick_hz = welcome.tick_hz;
    bot.view.reset(welcome.server_tick);
    bot.track.clear();
    bot.pending.clear();
    bot.phase = Phase::playing;
    bot.welcome_s = now;
    bot.result.visits.push_back(welcome.zone + "/" + std::to_string(welcome.instance_id));
    if (bot.lost_at_s >= 0.0) {
      ++bot.result.replays;
      bot.result.max_replay_s = std::max(bot.result.max_replay_s, now - bot.lost_at_s);
      bot.lost_at_s = -1.0;
    }
    bot.zone = welcome.zone;
    bot.instance = welcome.instance_id;
    enter_zone(bot.travel, welcome.zone, now);
    if (!config_.route.empty() && bot.travel.route.empty()) bot.result.route_done = true;
    if (config_.trip_every_s > 0.0 && bot.travel.route.empty()) {
      const double jitter = std::uniform_real_distribution<double>(0.5, 1.5)(rng_);
      bot.next_trip_s = now + config_.trip_every_s * jitter;
    }
    // Spread the bots' inputs and pings over their periods instead of all on one tick.
    const double hz = input_hz(bot);
    bot.next_input_s = now + (hz > 0 ? std::uniform_real_distribution<double>(0, 1 / hz)(rng_) : 0);
    bot.next_ping_s =
        now + std::uniform_real_distribution<double>(0, config_.ping_interval_s)(rng_);
    if (config_.chat_every_s > 0.0)
      bot.next_chat_s = now + std::uniform_real_distribution<double>(0, config_.chat_every_s)(rng_);
    if (measuring_) bot.window_since_s = now;
  }

  // The zone hands the bot over to another instance (a portal): it has already removed the
  // entity, so go at once.
  void on_transfer(Bot& bot, protocol::Transfer transfer) {
    const auto address = parse_ws_url(transfer.address);
    if (!address) return lost(bot, "error:transfer to a bad address " + transfer.address);
    ++bot.result.transfers;
    leave_window(bot, now_s());
    close_connection(bot);
    bot.target = *address;
    bot.ticket = std::move(transfer.ticket);
    start_connect(bot);
  }

  // ---- chat: "bot line <seq> t=<unix µs>" carries the send time, so a line from another
  // swarm on this machine (another process) is timed as well --------------------------------
  static uint64_t unix_us() {
    return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count());
  }

  void send_chat(Bot& bot) {
    protocol::ChatSend line;
    // The name was checked by the command line: say, party or world.
    protocol::parse_open_chat_channel(config_.chat_channel, line.channel);
    if (!config_.chat_to.empty()) {
      line.channel = protocol::ChatChannel::whisper;
      line.to = config_.chat_to;
    }
    line.text = "bot line " + std::to_string(++bot.chat_seq) + " t=" + std::to_string(unix_us());
    send(bot, line);
    ++bot.result.chat_sent;
    if (measuring_) ++report_.chat_sent;
  }

  void on_chat(Bot& bot, const protocol::ChatMessage& line) {
    ++bot.result.chat_received;
    auto& heard = bot.result.chat_heard;
    if (heard.size() == kChatLinesKept) heard.erase(heard.begin());
    heard.push_back(std::string(protocol::to_string(line.channel)) + " " + line.from + ": " +
                    line.text);
    if (!measuring_) return;
    ++report_.chat_received;
    const size_t at = line.text.rfind(" t=");
    if (line.channel == protocol::ChatChannel::system || at == std::string::npos) return;
    const uint64_t sent_us = std::strtoull(line.text.c_str() + at + 3, nullptr, 10);
    const uint64_t now_us = unix_us();
    if (sent_us > 0 && sent_us <= now_us) report_.chat_delivery.record(now_us - sent_us);
  }
  static constexpr size_t kChatLinesKept = 50;

  void on_game_event(Bot& bot, const protocol::GameEvent& event) {
    for (uint32_t i = 0; i < event.count; ++i) {
      const protocol::GameEventEntry& e = event.events[i];
      if (e.type == protocol::GameEventType::loot && e.detail == kGoldDetail &&
          e.target == bot.result.entity)
        bot.result.gold_earned += e.amount;
      if (e.type == protocol::GameEventType::damage && e.source == bot.result.entity &&
          in_arena(bot))
        bot.result.arena_damage_dealt += e.amount;
    }
    if (config_.on_event) config_.on_event(bot.index, bot.result.entity, event);
  }

  void on_heartbeat(Bot& bot, const protocol::Heartbeat& beat) {
    if (!beat.pong) {
      send(bot, protocol::Heartbeat{true, beat.timestamp_ms});
      return;
    }
    if (beat.timestamp_ms == bot.ping_timestamp_ms && bot.ping_sent_s >= 0.0) {
      if (measuring_) report_.rtt.record(uint64_t((now_s() - bot.ping_sent_s) * 1e6));
      bot.ping_sent_s = -1.0;
    }
  }

  void on_snapshot(Bot& bot) {
    const double now = now_s();
    ++bot.result.snapshots;
    const protocol::SnapshotHeader& header = bot.view.header();
    if (measuring_) {
      ++bot.result.window_snapshots;
      ++report_.window_snapshots;
    }
    while (!bot.pending.empty() &&
           !protocol::sequence_greater_than(bot.pending.front().seq, header.last_input_seq)) {
      if (measuring_) report_.input_ack.record(uint64_t((now - bot.pending.front().sent_s) * 1e6));
      bot.pending.pop();
    }
    if (const protocol::EntityState* self = bot.view.find(bot.result.entity)) {
      const double speed = bot.track.add(header.server_tick, self->x, self->y, bot.tick_hz);
      bot.result.max_speed_tiles_per_s = std::max(bot.result.max_speed_tiles_per_s, speed);
    }
    if (config_.on_snapshot)
      config_.on_snapshot(SnapshotObservation{bot.index, bot.result.entity, &bot.view, &bot.zone,
                                              bot.instance, bot.result.character_id});
  }

  // ---- writing -------------------------------------------------------------------------
  std::vector<uint8_t>* queue(Bot& bot, bool text) {
    if (!bot.conn) return nullptr;
    std::vector<uint8_t>* out = bot.conn->queue(text);
    if (out == nullptr) ++dropped_sends_;
    return out;
  }

  template <class Message>
  bool send(Bot& bot, const Message& message) {
    std::vector<uint8_t>* out = queue(bot, false);
    if (out == nullptr) return false;
    protocol::encode_message(message, *out);
    bot.conn->flush();
    return true;
  }

  void on_sending(size_t, size_t bytes) override {
    if (!measuring_) return;
    report_.bytes_up += bytes;
    ++report_.messages_up;
  }

  const SwarmConfig& config_;
  asio::io_context io_{1};
  ssl::context tls_{ssl::context::tls_client};  // every wss:// connection of the run
  std::string tls_error_;                       // the CA file could not be loaded
  asio::steady_timer timer_;
  std::vector<Bot> bots_;
  std::mt19937 rng_;
  Clock::time_point start_;
  SwarmReport report_;
  ConnectPacer connect_pacer_{config_.connect_rate, config_.scheduler_hz};
  bool window_started_ = false, measuring_ = false, shutting_down_ = false, stopped_ = false;
  double window_start_s_ = 0.0, shutdown_deadline_s_ = 0.0, next_heartbeat_s_ = 0.0;
  uint64_t dropped_sends_ = 0;
  ZoneMaps maps_;
  std::vector<PartyStanding> party_standing_;  // form_waiting_parties' scratch, reused
  // Declared after io_: destroyed first, so no worker posts into a destroyed io_context.
  std::unique_ptr<ApiFlow> api_flow_;
};

}  // namespace

bool parse_misbehaviour(std::string_view text, Misbehaviour& out) {
  for (auto m : {Misbehaviour::none, Misbehaviour::garbage, Misbehaviour::oversized,
                 Misbehaviour::text, Misbehaviour::flood, Misbehaviour::speedhack})
    if (text == to_string(m)) {
      out = m;
      return true;
    }
  return false;
}

const char* to_string(Misbehaviour misbehaviour) {
  switch (misbehaviour) {
    case Misbehaviour::none:
      return "none";
    case Misbehaviour::garbage:
      return "garbage";
    case Misbehaviour::oversized:
      return "oversized";
    case Misbehaviour::text:
      return "text";
    case Misbehaviour::flood:
      return "flood";
    case Misbehaviour::speedhack:
      return "speedhack";
  }
  return "unknown";
}

SwarmReport run_swarm(const SwarmConfig& config) {
  return Swarm(config).run();
}

}  // namespace omega::bots
