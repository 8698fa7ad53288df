// The bots' transport and scheduling. The only translation unit that includes Boost.Beast.
#include <utility>  // before Asio (DESIGN.md §3)

#include "bots/swarm.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <memory>
#include <random>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>

#include "protocol/quantize.hpp"

namespace omega::bots {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using boost::system::error_code;

namespace {

// Outgoing messages of one connection, in a fixed ring of reused buffers: no allocation per
// message once every slot has grown to its message size.
class OutgoingRing {
 public:
  // An honest bot queues at most two messages per scheduler tick (an input and a ping); a
  // flooding one ten. 64 slots absorb a socket that stalls for several ticks; when the ring is
  // full the zone has stopped reading and the message is dropped (and counted).
  static constexpr size_t kSlots = 64;

  // A cleared buffer at the back of the ring, or nullptr when full.
  std::vector<uint8_t>* push(bool text) {
    if (count_ == kSlots) return nullptr;
    const size_t i = (head_ + count_++) % kSlots;
    slots_[i].bytes.clear();
    slots_[i].text = text;
    return &slots_[i].bytes;
  }
  bool empty() const { return count_ == 0; }
  const std::vector<uint8_t>& front() const { return slots_[head_].bytes; }
  bool front_is_text() const { return slots_[head_].text; }
  void pop() {
    head_ = (head_ + 1) % kSlots;
    --count_;
  }

 private:
  struct Slot {
    std::vector<uint8_t> bytes;
    bool text = false;
  };
  std::array<Slot, kSlots> slots_;
  size_t head_ = 0, count_ = 0;
};

// One WebSocket connection. Shared by the handlers in flight, so a connection a bot has let go
// of (reconnect, shutdown) lives until its last handler has run; handlers compare it with the
// bot's current connection and ignore it when stale.
struct Connection {
  explicit Connection(asio::io_context& io) : ws(io) {}
  websocket::stream<tcp::socket> ws;
  beast::flat_buffer buffer;  // reused for every read
  OutgoingRing out;
  bool writing = false;
  bool closing = false;  // this side started the close: whatever follows is not a disconnect
};

// Inputs sent and not yet acknowledged: seq and send time. At 10 Hz and ~100 ms of ack
// latency 2–3 are in flight; a flooding bot overwrites its oldest (latency is not its point).
class PendingInputs {
 public:
  static constexpr size_t kSlots = 64;
  void push(uint16_t seq, double sent_s) {
    if (count_ == kSlots) pop();
    slots_[(head_ + count_++) % kSlots] = {seq, sent_s};
  }
  bool empty() const { return count_ == 0; }
  uint16_t front_seq() const { return slots_[head_].seq; }
  double front_sent_s() const { return slots_[head_].sent_s; }
  void pop() {
    head_ = (head_ + 1) % kSlots;
    --count_;
  }
  void clear() { head_ = count_ = 0; }

 private:
  struct Entry {
    uint16_t seq = 0;
    double sent_s = 0.0;
  };
  std::array<Entry, kSlots> slots_{};
  size_t head_ = 0, count_ = 0;
};

// The bot's own positions by server tick, to bound its speed over ≥ 1 s spans.
class OwnTrack {
 public:
  static constexpr size_t kSlots = 64;  // 4 s of 15 Hz snapshots
  void clear() { count_ = 0; }
  // Adds a sample; returns the speed (tiles/s) over the newest span of ≥ 1 s, or -1.
  double add(uint32_t tick, uint16_t x, uint16_t y, uint32_t tick_hz) {
    slots_[(head_ + count_) % kSlots] = {tick, x, y};
    if (count_ < kSlots) ++count_;
    else head_ = (head_ + 1) % kSlots;
    for (size_t k = count_ - 1; k-- > 0;) {
      const Sample& s = slots_[(head_ + k) % kSlots];
      const uint32_t span = tick - s.tick;
      if (span >= tick_hz) {
        const double dx = (double(x) - s.x) / protocol::kPositionUnitsPerTile;
        const double dy = (double(y) - s.y) / protocol::kPositionUnitsPerTile;
        return std::sqrt(dx * dx + dy * dy) / (double(span) / tick_hz);
      }
    }
    return -1.0;
  }

 private:
  struct Sample {
    uint32_t tick = 0;
    uint16_t x = 0, y = 0;
  };
  std::array<Sample, kSlots> slots_{};
  size_t head_ = 0, count_ = 0;
};

enum class Phase : uint8_t { waiting, connecting, playing, finished };

struct Bot {
  size_t index = 0;
  BotOptions options;
  BotResult result;
  Phase phase = Phase::waiting;
  std::shared_ptr<Connection> conn;
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
};

using Clock = std::chrono::steady_clock;

class Swarm {
 public:
  explicit Swarm(const SwarmConfig& config)
      : config_(config), timer_(io_), rng_(config.seed), start_(Clock::now()) {
    error_code ec;
    const auto address = asio::ip::make_address(config_.host, ec);
    if (!ec) {
      endpoint_ = tcp::endpoint(address, config_.port);
    } else {
      tcp::resolver resolver(io_);
      endpoint_ = *resolver.resolve(config_.host, std::to_string(config_.port)).begin();
    }
    host_header_ = config_.host + ":" + std::to_string(config_.port);
    bots_.resize(config_.bots.size());
    for (size_t i = 0; i < bots_.size(); ++i) {
      bots_[i].index = i;
      bots_[i].options = config_.bots[i];
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
  double now_s() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }
  uint32_t now_ms() const { return static_cast<uint32_t>(now_s() * 1000.0); }

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
    connect_budget_ = std::min(connect_budget_ + config_.connect_rate / config_.scheduler_hz,
                               std::max(1.0, config_.connect_rate / config_.scheduler_hz));
    size_t settled = 0;
    for (Bot& bot : bots_) {
      switch (bot.phase) {
        case Phase::waiting:
          if (!shutting_down_ && connect_budget_ >= 1.0) {
            connect_budget_ -= 1.0;
            start_connect(bot);
          }
          break;
        case Phase::connecting:
          break;
        case Phase::playing:
          drive(bot, now);
          break;
        case Phase::finished:
          break;
      }
      if (bot.result.welcomed || bot.phase == Phase::finished) ++settled;
    }
    if (!window_started_ && !shutting_down_ &&
        (settled == bots_.size() || now >= config_.join_timeout_s || stop_requested))
      start_window(now);
    const bool all_finished = std::all_of(bots_.begin(), bots_.end(), [](const Bot& b) {
      return b.phase == Phase::finished;
    });
    if (window_started_ && !shutting_down_ &&
        (now >= window_start_s_ + config_.seconds || stop_requested || all_finished))
      begin_shutdown(now);
    if (shutting_down_) {
      const bool all_closed =
          std::none_of(bots_.begin(), bots_.end(), [](const Bot& b) { return b.conn != nullptr; });
      if (all_closed || now >= shutdown_deadline_s_) {
        stopped_ = true;
        for (Bot& bot : bots_)
          if (bot.conn) {
            error_code ignored;
            bot.conn->ws.next_layer().close(ignored);
          }
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
    const MoveIntent intent = decide(behaviour, bot.behaviour, bot.view, bot.result.entity, now, rng_);
    protocol::PlayerInput input;
    input.seq = ++bot.input_seq;
    input.moving = intent.moving;
    input.move_direction = intent.moving ? protocol::quantize_angle(intent.direction) : 0;
    input.facing = protocol::quantize_angle(intent.direction);
    input.action = intent.action;
    input.target = intent.action != 0 ? intent.target : 0;
    if (send(bot, input)) {
      ++bot.result.inputs_sent;
      bot.pending.push(input.seq, now);
    }
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
    if (out) flush(bot);
  }

  // ---- connections ----------------------------------------------------------------------
  void start_connect(Bot& bot) {
    bot.phase = Phase::connecting;
    auto conn = std::make_shared<Connection>(io_);
    bot.conn = conn;
    conn->ws.next_layer().async_connect(endpoint_, [this, b = &bot, conn](error_code ec) {
      if (b->conn != conn) return;
      if (ec) return lost(*b, "error:connect: " + ec.message());
      error_code ignored;
      conn->ws.next_layer().set_option(tcp::no_delay(true), ignored);
      conn->ws.auto_fragment(false);
      conn->ws.binary(true);
      conn->ws.read_message_max(1 << 20);
      conn->ws.async_handshake(host_header_, config_.path, [this, b, conn](error_code ec) {
        if (b->conn != conn) return;
        if (ec) return lost(*b, "error:handshake: " + ec.message());
        send_hello(*b);
        read_next(*b, conn);
      });
    });
  }

  void send_hello(Bot& bot) {
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
    start_connect(bot);
  }

  // Starts a clean close of the bot's connection and lets go of it.
  void close_connection(Bot& bot) {
    std::shared_ptr<Connection> conn = std::move(bot.conn);
    bot.conn = nullptr;
    conn->closing = true;
    conn->ws.async_close(websocket::close_code::normal, [conn](error_code) {
      error_code ignored;
      conn->ws.next_layer().close(ignored);
    });
  }

  // The zone (or the network) ended the bot's connection.
  void lost(Bot& bot, std::string reason) {
    const double now = now_s();
    leave_window(bot, now);
    if (bot.result.disconnect.empty()) bot.result.disconnect = std::move(reason);
    ++report_.disconnects[bot.result.disconnect];
    if (bot.conn) {
      error_code ignored;
      bot.conn->ws.next_layer().close(ignored);
    }
    bot.conn = nullptr;
    bot.phase = Phase::finished;
  }

  void read_next(Bot& bot, const std::shared_ptr<Connection>& conn) {
    conn->ws.async_read(conn->buffer, [this, b = &bot, conn](error_code ec, size_t bytes) {
      if (b->conn != conn) return;
      if (ec) return on_read_error(*b, *conn, ec);
      if (!conn->ws.got_binary()) {
        b->result.decode_error = "text frame from the zone";
        ++report_.decode_errors;
        return lost(*b, "error:text frame from the zone");
      }
      const auto data = conn->buffer.cdata();
      handle_message(*b, {static_cast<const uint8_t*>(data.data()), bytes});
      conn->buffer.consume(bytes);
      if (b->conn == conn) read_next(*b, conn);
    });
  }

  void on_read_error(Bot& bot, Connection& conn, error_code ec) {
    if (bot.result.kick != protocol::KickReason::none)  // Kick first, then any kind of close
      return lost(bot, std::string("kick:") + kick_reason_name(bot.result.kick));
    if (ec == websocket::error::closed) {
      const std::string text(conn.ws.reason().reason.c_str());
      if (bot.result.kick == protocol::KickReason::none) bot.result.kick = kick_from_text(text);
      if (bot.result.kick != protocol::KickReason::none)
        return lost(bot, std::string("kick:") + kick_reason_name(bot.result.kick));
      return lost(bot, "close:" + (text.empty() ? std::to_string(conn.ws.reason().code) : text));
    }
    lost(bot, "error:" + ec.message());
  }

  static protocol::KickReason kick_from_text(const std::string& text) {
    for (uint8_t r = 1; r <= uint8_t(protocol::kMaxKickReason); ++r) {
      const auto reason = static_cast<protocol::KickReason>(r);
      if (text == kick_reason_name(reason) || text == protocol::to_string(reason)) return reason;
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
    const auto body = message.size() > 0 ? message.subspan(1) : message;
    if (error == protocol::DecodeError::none) {
      switch (type) {
        case protocol::MessageType::state_update:
          error = bot.view.apply(message);
          if (error == protocol::DecodeError::none) on_snapshot(bot);
          break;
        case protocol::MessageType::welcome: {
          protocol::Welcome welcome;
          error = protocol::decode_body(body, welcome);
          if (error == protocol::DecodeError::none) on_welcome(bot, welcome);
          break;
        }
        case protocol::MessageType::heartbeat: {
          protocol::Heartbeat beat;
          error = protocol::decode_body(body, beat);
          if (error == protocol::DecodeError::none) on_heartbeat(bot, beat);
          break;
        }
        case protocol::MessageType::kick: {
          protocol::Kick kick;
          error = protocol::decode_body(body, kick);
          if (error == protocol::DecodeError::none) bot.result.kick = kick.reason;
          break;
        }
        case protocol::MessageType::game_event:
        case protocol::MessageType::action_confirm:
        case protocol::MessageType::action_reject:
        case protocol::MessageType::transfer:
          break;  // bots neither fight nor travel yet
        case protocol::MessageType::hello:
        case protocol::MessageType::player_input:
          error = protocol::DecodeError::unexpected_type;
          break;
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
    // Spread the bots' inputs and pings over their periods instead of all on one tick.
    const double hz = input_hz(bot);
    bot.next_input_s = now + (hz > 0 ? std::uniform_real_distribution<double>(0, 1 / hz)(rng_) : 0);
    bot.next_ping_s =
        now + std::uniform_real_distribution<double>(0, config_.ping_interval_s)(rng_);
    if (measuring_) bot.window_since_s = now;
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
           !protocol::sequence_greater_than(bot.pending.front_seq(), header.last_input_seq)) {
      if (measuring_) report_.input_ack.record(uint64_t((now - bot.pending.front_sent_s()) * 1e6));
      bot.pending.pop();
    }
    if (const protocol::EntityState* self = bot.view.find(bot.result.entity)) {
      const double speed = bot.track.add(header.server_tick, self->x, self->y, bot.tick_hz);
      bot.result.max_speed_tiles_per_s = std::max(bot.result.max_speed_tiles_per_s, speed);
    }
    if (config_.on_snapshot)
      config_.on_snapshot(SnapshotObservation{bot.index, bot.result.entity, &bot.view});
  }

  // ---- writing -------------------------------------------------------------------------
  std::vector<uint8_t>* queue(Bot& bot, bool text) {
    if (!bot.conn) return nullptr;
    std::vector<uint8_t>* out = bot.conn->out.push(text);
    if (out == nullptr) ++dropped_sends_;
    return out;
  }

  template <class Message>
  bool send(Bot& bot, const Message& message) {
    std::vector<uint8_t>* out = queue(bot, false);
    if (out == nullptr) return false;
    protocol::encode_message(message, *out);
    flush(bot);
    return true;
  }

  void flush(Bot& bot) {
    if (bot.conn && !bot.conn->writing) write_next(bot, bot.conn);
  }

  void write_next(Bot& bot, const std::shared_ptr<Connection>& conn) {
    if (conn->out.empty() || conn->closing) return;
    conn->writing = true;
    const std::vector<uint8_t>& bytes = conn->out.front();
    if (measuring_) {
      report_.bytes_up += bytes.size();
      ++report_.messages_up;
    }
    conn->ws.text(conn->out.front_is_text());
    conn->ws.async_write(asio::buffer(bytes), [this, b = &bot, conn](error_code ec, size_t) {
      conn->writing = false;
      conn->out.pop();
      if (b->conn != conn) return;
      if (ec) return lost(*b, "error:write: " + ec.message());
      write_next(*b, conn);
    });
  }

  const SwarmConfig& config_;
  asio::io_context io_{1};
  asio::steady_timer timer_;
  tcp::endpoint endpoint_;
  std::string host_header_;
  std::vector<Bot> bots_;
  std::mt19937 rng_;
  Clock::time_point start_;
  SwarmReport report_;
  double connect_budget_ = 0.0;
  bool window_started_ = false, measuring_ = false, shutting_down_ = false, stopped_ = false;
  double window_start_s_ = 0.0, shutdown_deadline_s_ = 0.0;
  uint64_t dropped_sends_ = 0;
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
    case Misbehaviour::none: return "none";
    case Misbehaviour::garbage: return "garbage";
    case Misbehaviour::oversized: return "oversized";
    case Misbehaviour::text: return "text";
    case Misbehaviour::flood: return "flood";
    case Misbehaviour::speedhack: return "speedhack";
  }
  return "unknown";
}

const char* kick_reason_name(protocol::KickReason reason) {
  using protocol::KickReason;
  switch (reason) {
    case KickReason::none: return "none";
    case KickReason::protocol_error: return "protocol_error";
    case KickReason::message_too_large: return "message_too_large";
    case KickReason::text_frame: return "text_frame";
    case KickReason::input_rate: return "input_rate";
    case KickReason::too_many_connections: return "too_many_connections";
    case KickReason::ticket_invalid: return "ticket_invalid";
    case KickReason::ticket_expired: return "ticket_expired";
    case KickReason::ticket_wrong_instance: return "ticket_wrong_instance";
    case KickReason::ticket_replayed: return "ticket_replayed";
    case KickReason::version_unsupported: return "version_unsupported";
    case KickReason::slow_client: return "slow_client";
    case KickReason::idle_timeout: return "idle_timeout";
    case KickReason::shutting_down: return "shutting_down";
    case KickReason::session_replaced: return "session_replaced";
    case KickReason::server_full: return "server_full";
    case KickReason::hello_timeout: return "hello_timeout";
    case KickReason::lease_conflict: return "lease_conflict";
    case KickReason::service_unavailable: return "service_unavailable";
  }
  return "unknown";
}

SwarmReport run_swarm(const SwarmConfig& config) { return Swarm(config).run(); }

}  // namespace omega::bots
