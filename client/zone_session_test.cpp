// ZoneSession against an in-process zone (FakeZone below) that speaks the real protocol and
// moves entities with the shared game/ code, optionally behind a DelayedTransport: the
// prediction, reconciliation, interpolation, reconnect and transfer paths end to end, with
// no sockets and a simulated clock.
#include "client/zone_session.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <deque>
#include <numbers>

#include "client/delayed_transport.hpp"
#include "game/movement.hpp"
#include "protocol/snapshot.hpp"

namespace omega::client {
namespace {

using game::Vec2;
using protocol::EntityState;

constexpr double kFrame = 1.0 / 60.0;
constexpr double kTick = 1.0 / 30.0;
constexpr int kMapSide = 64;
constexpr uint32_t kOwnId = 5;
constexpr uint32_t kWolfId = 9;

float distance(Vec2 a, Vec2 b) {
  return std::hypot(a.x - b.x, a.y - b.y);
}

// A zone in miniature: like World::advance it moves a player one tick per tick with the
// latest input received (held between inputs), and sends delta snapshots every second tick.
class FakeZone final : public Transport {
 public:
  explicit FakeZone(float speed)
      : map_(game::TileMap::open_field(kMapSide, kMapSide)), speed_(speed) {}

  // Transport (the client's side of the connection).
  void connect(const std::string& url) override {
    urls.push_back(url);
    if (refuse_connections) {
      events_.push_back({TransportEvent::Kind::closed, {}, "connection refused"});
      return;
    }
    connected_ = true;
    welcomed_ = false;
    events_.push_back({TransportEvent::Kind::connected, {}, {}});
  }
  void send(std::vector<uint8_t> message) override {
    if (!connected_) return;
    protocol::ClientMessage decoded;
    ASSERT_EQ(protocol::decode_client_message(message, decoded), protocol::DecodeError::none);
    if (auto* hello = std::get_if<protocol::Hello>(&decoded)) {
      tickets.push_back(hello->ticket);
      encoder_.reset(tick_);
      welcomed_ = true;
      push(protocol::Welcome{welcome_version, kOwnId, "open", 1, 30, 15, tick_});
      for (const auto& line : world_history) push(line);  // as zone_server_chat.cpp does
    } else if (auto* line = std::get_if<protocol::ChatSend>(&decoded)) {
      // Like a zone: the line comes back to its speaker (say, world).
      chat_sent.push_back(*line);
      push(protocol::ChatMessage{line->channel, "Me", line->to, line->text});
    } else if (auto* input = std::get_if<protocol::PlayerInput>(&decoded)) {
      inputs_.push_back(*input);
    } else if (auto* heartbeat = std::get_if<protocol::Heartbeat>(&decoded)) {
      if (!heartbeat->pong) push(protocol::Heartbeat{true, heartbeat->timestamp_ms});
    } else if (auto* action = std::get_if<protocol::ItemAction>(&decoded)) {
      // The bag holds one item 0 (worn once equipped); anything else is not equipment.
      protocol::Inventory bag;
      bag.gold = 5;
      bag.stacks = {{0, 1}};
      bag.answered = action->item;
      if (action->item == 0 && action->verb == protocol::ItemVerb::equip)
        bag.equipped[0] = 0;
      else
        bag.refusal = protocol::ItemRefusal::not_equipment;
      push(bag);
    }
  }
  void close() override {
    if (!connected_) return;
    connected_ = false;
    events_.push_back({TransportEvent::Kind::closed, {}, "closed"});
  }
  bool poll(double, TransportEvent& event) override {
    if (events_.empty()) return false;
    event = std::move(events_.front());
    events_.pop_front();
    return true;
  }

  uint16_t welcome_version = 1;
  std::vector<protocol::ChatSend> chat_sent;
  std::vector<protocol::ChatMessage> world_history;  // sent right after each Welcome

  // The zone's side.
  void tick() {
    ++tick_;
    if (!inputs_.empty()) {
      intent_ = inputs_.back();
      ack_ = inputs_.back().seq;
      inputs_.clear();
    }
    if (intent_.moving)
      own_ = game::step_movement(map_, own_, protocol::dequantize_angle(intent_.move_direction),
                                 speed_, float(kTick));
    // The wolf paces east and west across 10 tiles at 3 tiles/s.
    const double t = tick_ * kTick;
    const double phase = std::fmod(t, 20.0 / 3.0);
    wolf_ = {float(20.0 + (phase < 10.0 / 3.0 ? phase * 3.0 : 20.0 - phase * 3.0)), 40.0f};
    if (tick_ % 2 == 0 && connected_ && welcomed_) send_snapshot();
  }
  void kick(protocol::KickReason reason) {
    push(protocol::Kick{reason, "test"});
    close_from_server();
  }
  void close_from_server() {
    connected_ = false;
    events_.push_back({TransportEvent::Kind::closed, {}, "connection reset"});
  }
  void transfer(std::string address, std::string ticket) {
    push(protocol::Transfer{std::move(address), "open", std::move(ticket)});
  }
  void events(std::vector<protocol::GameEventEntry> entries) {
    protocol::GameEvent event;
    event.server_tick = tick_;
    for (const auto& entry : entries) event.events[event.count++] = entry;
    push(event);
  }
  void damage_wolf(uint32_t amount) {
    protocol::GameEvent event;
    event.server_tick = tick_;
    event.count = 1;
    event.events[0] = {protocol::GameEventType::damage, kOwnId, kWolfId, amount, 0, true};
    push(event);
  }

  Vec2 own_position() const { return own_; }
  Vec2 wolf_position() const { return wolf_; }
  uint32_t ticks() const { return tick_; }
  uint64_t input_count = 0;
  bool refuse_connections = false;
  std::vector<std::string> urls, tickets;

 private:
  template <class Message>
  void push(const Message& message) {
    if (!connected_) return;
    TransportEvent event;
    protocol::encode_message(message, event.bytes);
    events_.push_back(std::move(event));
  }
  EntityState state_of(uint32_t id, Vec2 position, protocol::EntityKind kind,
                       const char* name) const {
    EntityState s;
    s.id = id;
    s.kind = kind;
    s.x = uint16_t(protocol::quantize_position(position.x));
    s.y = uint16_t(protocol::quantize_position(position.y));
    s.hp = s.max_hp = 100;
    s.move_state = protocol::MoveState::walking;
    s.name.assign(name);
    return s;
  }
  void send_snapshot() {
    const EntityState states[] = {state_of(kOwnId, own_, protocol::EntityKind::player, "Me"),
                                  state_of(kWolfId, wolf_, protocol::EntityKind::monster, "Wolf")};
    std::vector<EntityState> enters, updates;
    for (const auto& s : states) (encoder_.in_view(s.id) ? updates : enters).push_back(s);
    protocol::SnapshotFrame frame{tick_, ack_, enters, updates, {}};
    TransportEvent event;
    encoder_.encode(frame, event.bytes);
    events_.push_back(std::move(event));
  }

  game::TileMap map_;
  float speed_;
  bool connected_ = false, welcomed_ = false;
  uint32_t tick_ = 1000;
  uint16_t ack_ = 0;
  protocol::PlayerInput intent_;
  std::vector<protocol::PlayerInput> inputs_;
  Vec2 own_{32.5f, 32.5f};
  Vec2 wolf_{20.0f, 40.0f};
  protocol::SnapshotEncoder encoder_;
  std::deque<TransportEvent> events_;
};

ZoneSessionSettings test_settings() {
  ZoneSessionSettings settings;
  settings.open_map_size = kMapSide;
  settings.player_speed = 5.0f;
  settings.item_names = {"Rusty Sword", "Wolf Pelt"};
  return settings;
}

// Drives a session and its zone with a simulated 60 fps clock and a 30 Hz server.
struct Harness {
  explicit Harness(float server_speed, std::optional<LatencyProfile> latency = std::nullopt) {
    auto fake = std::make_unique<FakeZone>(server_speed);
    zone = fake.get();
    std::unique_ptr<Transport> transport = std::move(fake);
    if (latency) transport = std::make_unique<DelayedTransport>(std::move(transport), *latency);
    session = std::make_unique<ZoneSession>(std::move(transport), test_settings());
    session->connect({"ws://zone/", "open", 1}, "ticket-1", now);
  }
  // One frame; returns how far our drawn position moved in it.
  float frame() {
    const Vec2 before = session->draw_position(kOwnId, now);
    now += kFrame;
    session->update(now);
    while (server_time + kTick <= now) {
      server_time += kTick;
      zone->tick();
    }
    return session->state() == SessionState::in_world && session->predictor().initialized()
               ? distance(before, session->draw_position(kOwnId, now))
               : 0.0f;
  }
  void run(double seconds) {
    for (double end = now + seconds; now < end;) frame();
  }
  void walk(float degrees, bool moving = true) {
    session->set_intent({moving, float(degrees * std::numbers::pi / 180.0), 0.0f});
  }

  FakeZone* zone;
  std::unique_ptr<ZoneSession> session;
  double now = 0.0, server_time = 0.0;
};

// The walk used by the smoothness tests: several legs, direction changes and stops.
struct Leg {
  float degrees;
  bool moving;
  double seconds;
};
constexpr Leg kWalk[] = {{0, true, 1.5},   {90, true, 1.0},  {0, false, 0.5},
                         {225, true, 2.0}, {300, true, 0.7}, {0, false, 1.0}};

struct WalkResult {
  float max_frame_move = 0.0f;
};

WalkResult do_walk(Harness& h) {
  WalkResult result;
  for (const Leg& leg : kWalk) {
    h.walk(leg.degrees, leg.moving);
    for (double end = h.now + leg.seconds; h.now < end;)
      result.max_frame_move = std::max(result.max_frame_move, h.frame());
  }
  return result;
}

TEST(ZoneSession, WelcomesAndPlacesUs) {
  Harness h(5.0f);
  h.run(0.2);
  ASSERT_EQ(h.session->state(), SessionState::in_world) << h.session->status_text();
  EXPECT_EQ(h.session->own_entity(), kOwnId);
  EXPECT_EQ(h.session->zone_name(), "open");
  ASSERT_NE(h.session->map(), nullptr);
  EXPECT_EQ(h.zone->tickets, std::vector<std::string>{"ticket-1"});
  EXPECT_TRUE(h.session->predictor().initialized());
  EXPECT_LT(distance(h.session->draw_position(kOwnId, h.now), {32.5f, 32.5f}), 1.0f / 32);
  EXPECT_NE(h.session->world().find(kWolfId), nullptr);
}

TEST(ZoneSession, NoCorrectionsWhenTheServerAgrees) {
  Harness h(5.0f);
  h.run(0.2);
  const WalkResult walk = do_walk(h);
  EXPECT_EQ(h.session->predictor().corrections(), 0u);
  // Never more than one frame of walking (5 tiles/s / 60 fps), give or take float rounding.
  EXPECT_LE(walk.max_frame_move, 5.0f * kFrame + 1e-3f);
  EXPECT_LT(distance(h.session->draw_position(kOwnId, h.now), h.zone->own_position()), 1.0f / 32);
  EXPECT_GT(h.session->inputs_sent(), 100u);
}

TEST(ZoneSession, ConvergesWhenTheServerCorrects) {
  Harness h(4.0f);  // the zone is slower than the client believes: it corrects us constantly
  h.run(0.2);
  const WalkResult walk = do_walk(h);
  EXPECT_GT(h.session->predictor().corrections(), 10u);
  EXPECT_EQ(h.session->predictor().snaps(), 0u);
  // Corrections slide in: a frame never jumps by much more than a frame's walk.
  EXPECT_LE(walk.max_frame_move, 2.0f * 5.0f * kFrame);
  // Standing still, the drawn position converges on the server's.
  EXPECT_LT(distance(h.session->draw_position(kOwnId, h.now), h.zone->own_position()), 1.0f / 32);
}

TEST(ZoneSession, SmoothAt150msRttWithJitter) {
  // 150 ms round trip, each message delayed a further 0-40 ms, in order.
  Harness h(5.0f, LatencyProfile{0.075, 0.04, 7});
  h.run(0.6);
  ASSERT_EQ(h.session->state(), SessionState::in_world);
  const WalkResult walk = do_walk(h);
  EXPECT_EQ(h.session->predictor().snaps(), 0u);
  EXPECT_LE(walk.max_frame_move, 2.0f * 5.0f * kFrame);
  EXPECT_LT(h.session->predictor().last_correction_distance(), 0.5f);
  EXPECT_LT(distance(h.session->draw_position(kOwnId, h.now), h.zone->own_position()), 1.0f / 32);
  // The network panel saw the latency.
  EXPECT_GT(h.session->stats().rtt_ms(), 140.0);
  EXPECT_LT(h.session->stats().rtt_ms(), 240.0);
  EXPECT_NEAR(h.session->stats().snapshots_per_second(), 15.0, 2.0);
}

TEST(ZoneSession, OthersAreInterpolatedSmoothlyUnderJitter) {
  Harness h(5.0f, LatencyProfile{0.075, 0.04, 11});
  h.run(1.0);
  float previous = h.session->draw_position(kWolfId, h.now).x;
  float max_step = 0.0f;
  float max_error = 0.0f;
  for (int i = 0; i < 600; ++i) {
    h.frame();
    const float x = h.session->draw_position(kWolfId, h.now).x;
    max_step = std::max(max_step, std::fabs(x - previous));
    previous = x;
    // Drawn ~75-115 ms (latency) + 100 ms (buffer) in the past: within 0.25 s of walk (0.75 tiles).
    max_error = std::max(max_error, std::fabs(x - h.zone->wolf_position().x));
  }
  EXPECT_LE(max_step, 3.0f * kFrame * 1.6f);  // 3 tiles/s, some slack for the clock following
  EXPECT_LT(max_error, 0.9f);
}

TEST(ZoneSession, ReconnectsWithBackoffAndResumes) {
  Harness h(5.0f);
  h.run(0.5);
  ASSERT_EQ(h.session->state(), SessionState::in_world);
  h.zone->refuse_connections = true;
  h.zone->close_from_server();
  h.run(0.05);
  EXPECT_EQ(h.session->state(), SessionState::reconnecting);
  int tickets = 0;
  double first_ask = -1.0;
  for (int i = 0; i < 240 && tickets < 3; ++i) {  // three refused attempts
    h.frame();
    if (h.session->wants_ticket()) {
      if (first_ask < 0) first_ask = h.now;
      h.session->provide_ticket("fresh-" + std::to_string(++tickets), h.now);
    }
  }
  EXPECT_EQ(tickets, 3);
  EXPECT_GT(first_ask, 0.5 + 0.2 - 1e-9);  // the first retry waits ~0.25 s (±20 %)
  h.zone->refuse_connections = false;
  for (int i = 0; i < 600 && h.session->state() != SessionState::in_world; ++i) {
    h.frame();
    if (h.session->wants_ticket()) h.session->provide_ticket("fresh-ok", h.now);
  }
  ASSERT_EQ(h.session->state(), SessionState::in_world) << h.session->status_text();
  EXPECT_EQ(h.session->resumes(), 1u);
  EXPECT_EQ(h.zone->tickets.back(), "fresh-ok");
  h.run(0.3);
  h.walk(0);
  h.run(0.5);
  EXPECT_GT(h.zone->own_position().x, 33.5f);  // playing again
}

TEST(ZoneSession, FatalKickDoesNotReconnect) {
  Harness h(5.0f);
  h.run(0.3);
  h.zone->kick(protocol::KickReason::session_replaced);
  h.run(1.0);
  EXPECT_EQ(h.session->state(), SessionState::failed);
  EXPECT_NE(
      h.session->status_text().find(protocol::to_string(protocol::KickReason::session_replaced)),
      std::string::npos);
  EXPECT_FALSE(h.session->wants_ticket());
}

TEST(ZoneSession, LeaseConflictAsksForATicketAndGoesWhereTheDirectorySays) {
  Harness h(5.0f);
  h.run(0.3);
  ASSERT_EQ(h.session->state(), SessionState::in_world);
  // The zone lost the character's lease (world contract): not fatal, play again.
  h.zone->kick(protocol::KickReason::lease_conflict);
  for (int i = 0; i < 240 && !h.session->wants_ticket(); ++i) h.frame();
  ASSERT_TRUE(h.session->wants_ticket()) << h.session->status_text();
  EXPECT_NE(
      h.session->status_text().find(protocol::to_string(protocol::KickReason::lease_conflict)),
      std::string::npos);
  h.session->provide_ticket({"ws://elsewhere:9001/z/hub_city_1/2", "hub_city_1", 2}, "replayed",
                            h.now);
  h.run(0.3);
  EXPECT_EQ(h.zone->urls.back(), "ws://elsewhere:9001/z/hub_city_1/2");
  EXPECT_EQ(h.zone->tickets.back(), "replayed");
  EXPECT_EQ(h.session->target().instance, 2u);
  EXPECT_EQ(h.session->state(), SessionState::in_world);
}

TEST(ZoneSession, TransferConnectsToTheNewZoneWithItsTicket) {
  Harness h(5.0f);
  h.run(0.3);
  h.zone->transfer("ws://forest:9000/", "forest-ticket");
  h.run(0.3);
  EXPECT_EQ(h.session->transfers(), 1u);
  ASSERT_EQ(h.zone->urls.size(), 2u);
  EXPECT_EQ(h.zone->urls[1], "ws://forest:9000/");
  EXPECT_EQ(h.zone->tickets.back(), "forest-ticket");
  EXPECT_EQ(h.session->state(), SessionState::in_world);
}

TEST(ZoneSession, JoinLeavesTheWorldInstanceAndEntersTheArenaWithItsTicket) {
  Harness h(5.0f);
  h.run(0.3);
  ASSERT_EQ(h.session->state(), SessionState::in_world);
  EXPECT_FALSE(h.session->in_arena());
  h.session->join({"ws://arena:9000/z/arena_1/7", "arena_1", 7}, "arena-ticket", h.now);
  EXPECT_EQ(h.session->state(), SessionState::transferring);  // the world connection closes first
  h.run(0.3);
  ASSERT_EQ(h.zone->urls.size(), 2u);
  EXPECT_EQ(h.zone->urls[1], "ws://arena:9000/z/arena_1/7");
  EXPECT_EQ(h.zone->tickets.back(), "arena-ticket");
  EXPECT_EQ(h.session->transfers(), 1u);  // the App's loading screen counts it
  EXPECT_EQ(h.session->travel_destination(), "arena_1");
  EXPECT_EQ(h.session->target().instance, 7u);
  EXPECT_EQ(h.session->state(), SessionState::in_world);
  EXPECT_TRUE(h.session->in_arena());
}

TEST(ZoneSession, MatchOverAsksForATicketAtOnceAndPlaysOnWhereTheDirectorySays) {
  Harness h(5.0f);
  h.run(0.3);
  h.session->join({"ws://arena:9000/z/arena_1/7", "arena_1", 7}, "arena-ticket", h.now);
  h.run(0.3);
  ASSERT_TRUE(h.session->in_arena());
  h.zone->kick(protocol::KickReason::match_over);
  h.frame();
  h.frame();
  // No reconnect backoff: the match ended on purpose, the App re-plays through POST /v1/play.
  ASSERT_TRUE(h.session->wants_ticket()) << h.session->status_text();
  EXPECT_EQ(h.session->last_kick(), protocol::KickReason::match_over);
  EXPECT_NE(h.session->status_text().find("Match over"), std::string::npos)
      << h.session->status_text();
  h.session->provide_ticket({"ws://hub:9000/z/hub_city_1/1", "hub_city_1", 1}, "replayed", h.now);
  h.run(0.3);
  EXPECT_EQ(h.zone->urls.back(), "ws://hub:9000/z/hub_city_1/1");
  EXPECT_EQ(h.zone->tickets.back(), "replayed");
  EXPECT_EQ(h.session->state(), SessionState::in_world);
  EXPECT_FALSE(h.session->in_arena());
  EXPECT_FALSE(h.session->last_kick());
}

TEST(ZoneSession, GameEventsFeedTheCombatLogAndFloatingNumbers) {
  Harness h(5.0f);
  h.run(0.3);
  h.zone->damage_wolf(17);
  h.run(0.05);
  ASSERT_FALSE(h.session->combat_log().empty());
  EXPECT_EQ(h.session->combat_log().back().text, "You hit Wolf for 17 (critical)");
  ASSERT_EQ(h.session->floating_texts().size(), 1u);
  EXPECT_EQ(h.session->floating_texts().front().text, "-17!");
  ASSERT_EQ(h.session->combat_effects().size(), 1u);  // the streak from us to the wolf
  EXPECT_EQ(h.session->combat_effects().front().source, kOwnId);
  EXPECT_EQ(h.session->combat_effects().front().target, kWolfId);
  h.run(kFloatingTextSeconds + 0.1);
  EXPECT_TRUE(h.session->floating_texts().empty());
  EXPECT_TRUE(h.session->combat_effects().empty());
}

TEST(ZoneSession, ActionsGoOutWithTheNextInputAndStartCooldowns) {
  Harness h(5.0f);
  h.run(0.3);
  const uint64_t before = h.session->inputs_sent();
  h.session->use_action(1, kWolfId, 1.0, h.now);
  EXPECT_NEAR(h.session->cooldown_remaining(1, h.now), 1.0, 1e-9);
  h.session->use_action(1, kWolfId, 1.0, h.now);  // on cooldown: ignored
  h.run(0.1);
  EXPECT_EQ(h.session->inputs_sent(), before + 1);
  h.run(1.0);
  EXPECT_EQ(h.session->cooldown_remaining(1, h.now), 0.0);
}

TEST(ZoneSession, ChatLinesGoOutOnlyToAZoneThatSpeaksChatAndComeBackIntoTheChatBox) {
  Harness old_zone(5.0f);
  old_zone.run(0.3);
  EXPECT_FALSE(old_zone.session->send_chat(protocol::ChatChannel::world, "", "hi", old_zone.now))
      << "a version 1 zone cannot read ChatSend";

  Harness h(5.0f);
  h.zone->welcome_version = protocol::kChatProtocolVersion;
  EXPECT_FALSE(h.session->send_chat(protocol::ChatChannel::world, "", "hi", h.now))
      << "not in the world yet";
  h.run(0.3);
  EXPECT_TRUE(h.session->send_chat(protocol::ChatChannel::world, "", "hello all", h.now));
  EXPECT_FALSE(h.session->send_chat(protocol::ChatChannel::say, "", "two\nlines", h.now));
  EXPECT_FALSE(h.session->send_chat(protocol::ChatChannel::say, "", "", h.now));
  EXPECT_FALSE(h.session->send_chat(protocol::ChatChannel::whisper, "", "to nobody", h.now));
  EXPECT_FALSE(h.session->send_chat(protocol::ChatChannel::system, "", "I am the zone", h.now));
  EXPECT_TRUE(h.session->send_chat(protocol::ChatChannel::whisper, "Bob", "psst", h.now));
  h.run(0.1);
  ASSERT_EQ(h.zone->chat_sent.size(), 2u);
  EXPECT_EQ(h.zone->chat_sent[1].to, "Bob");
  ASSERT_EQ(h.session->chat().size(), 2u);
  EXPECT_EQ(chat_line_text(h.session->chat()[0], "Me"), "[World] Me: hello all");
  EXPECT_EQ(chat_line_text(h.session->chat()[1], "Me"), "To Bob: psst");
}

TEST(ZoneSession, TheWorldHistoryAfterATransferOrAResumeShowsOnlyLinesNotShownYet) {
  using protocol::ChatChannel;
  Harness h(5.0f);
  h.zone->welcome_version = protocol::kChatProtocolVersion;
  h.zone->world_history = {{ChatChannel::world, "Ann", "", "hi all"},
                           {ChatChannel::world, "Bob", "", "lfg forest"}};
  h.run(0.3);
  ASSERT_EQ(h.session->chat().size(), 2u) << "the first Welcome's history is shown whole";
  ASSERT_TRUE(h.session->send_chat(ChatChannel::world, "", "gg", h.now));
  h.run(0.1);
  ASSERT_EQ(h.session->chat().size(), 3u);

  // The next zone's history: the two lines already shown, then one said meanwhile.
  h.zone->world_history.push_back({ChatChannel::world, "Cid", "", "wts sword"});
  h.zone->transfer("ws://forest:9000/", "forest-ticket");
  h.run(0.3);
  ASSERT_EQ(h.session->transfers(), 1u);
  ASSERT_EQ(h.session->chat().size(), 4u);
  EXPECT_EQ(chat_line_text(h.session->chat()[3], "Me"), "[World] Cid: wts sword");

  // Resumed after a drop: nothing new in the history, nothing added; once the history is over,
  // a live line equal to one shown before is shown again.
  h.zone->close_from_server();
  for (int i = 0; i < 600 && h.session->resumes() == 0; ++i) {
    h.frame();
    if (h.session->wants_ticket()) h.session->provide_ticket("again", h.now);
  }
  ASSERT_EQ(h.session->resumes(), 1u) << h.session->status_text();
  h.run(0.3);
  EXPECT_EQ(h.session->chat().size(), 4u);
  ASSERT_TRUE(h.session->send_chat(ChatChannel::world, "", "gg", h.now));
  h.run(0.1);
  ASSERT_EQ(h.session->chat().size(), 5u);
  EXPECT_EQ(chat_line_text(h.session->chat()[4], "Me"), "[World] Me: gg");
}

TEST(ZoneSession, ItemActionsGoOnlyToAZoneThatSpeaksItemsAndTheAnswersFillTheBag) {
  Harness old_zone(5.0f);
  old_zone.zone->welcome_version = protocol::kChatProtocolVersion;
  old_zone.run(0.3);
  EXPECT_FALSE(old_zone.session->send_item_action(protocol::ItemVerb::equip, 0, old_zone.now))
      << "a version 2 zone cannot read ItemAction";

  Harness h(5.0f);
  h.zone->welcome_version = protocol::kItemsProtocolVersion;
  h.run(0.3);
  EXPECT_FALSE(h.session->inventory().has_value());
  EXPECT_TRUE(h.session->send_item_action(protocol::ItemVerb::equip, 0, h.now));
  h.run(0.05);
  ASSERT_TRUE(h.session->inventory().has_value());
  EXPECT_EQ(h.session->inventory()->stacks, (std::vector<protocol::InventoryStack>{{0, 1}}));
  EXPECT_EQ(h.session->inventory()->equipped[0], 0);
  EXPECT_EQ(h.session->combat_log().back().text, "You equip Rusty Sword.");
  EXPECT_TRUE(h.session->send_item_action(protocol::ItemVerb::equip, 1, h.now));
  h.run(0.05);
  EXPECT_EQ(h.session->combat_log().back().text, "Cannot equip Wolf Pelt: that is not equipment.");
  EXPECT_EQ(h.session->item_answers(), 2u);
  EXPECT_EQ(h.session->last_item_answer().second, protocol::ItemRefusal::not_equipment);
}

// Loot by name, plain words for states, and one kill's texts stacked rather than drawn over
// each other.
TEST(ZoneSession, LootAndStatusesReadAsWordsAndOneKillsTextsTakeSeparateLanes) {
  using protocol::GameEventType;
  Harness h(5.0f);
  h.run(0.3);
  h.zone->events({{GameEventType::experience, 0, kOwnId, 20, 0, false},
                  {GameEventType::level_up, 0, kOwnId, 2, 0, false},
                  {GameEventType::loot, 0, kOwnId, 3, protocol::kGoldDetail, false},
                  {GameEventType::loot, 0, kOwnId, 2, 1, false},
                  {GameEventType::status_applied, kWolfId, kOwnId, 60, 1, false},
                  {GameEventType::heal, kOwnId, kOwnId, 40, protocol::kItemDetail | 0, false}});
  h.run(0.05);
  std::vector<std::string> lines;
  for (const CombatLogLine& line : h.session->combat_log()) lines.push_back(line.text);
  EXPECT_EQ(lines, (std::vector<std::string>{"You gain 20 XP", "You reach level 2!",
                                             "You loot 3 gold", "You loot Wolf Pelt x2",
                                             "You are slowed", "You drink Rusty Sword: +40 hp"}));
  std::vector<std::string> texts;
  std::vector<int> lanes;
  for (const FloatingText& f : h.session->floating_texts()) {
    texts.push_back(f.text);
    lanes.push_back(f.lane);
  }
  EXPECT_EQ(texts,
            (std::vector<std::string>{"+20 XP", "Level 2!", "+3 gold", "Wolf Pelt x2", "+40"}));
  EXPECT_EQ(lanes, (std::vector<int>{0, 1, 2, 3, 4}));
  EXPECT_FALSE(h.session->last_death().has_value());
  h.zone->events({{GameEventType::death, kWolfId, kOwnId, 0, 0, false}});
  h.run(0.05);
  ASSERT_TRUE(h.session->last_death().has_value());
  EXPECT_EQ(h.session->last_death()->killer, "Wolf");
  EXPECT_EQ(h.session->combat_log().back().text, "You die (killed by Wolf)");
}

TEST(CombatLog, FiltersSortEachLineIntoFightsRewardsOrOther) {
  using protocol::GameEventType;
  EXPECT_EQ(log_category(GameEventType::damage), LogCategory::fights);
  EXPECT_EQ(log_category(GameEventType::death), LogCategory::fights);
  EXPECT_EQ(log_category(GameEventType::heal), LogCategory::fights);
  EXPECT_EQ(log_category(GameEventType::loot), LogCategory::rewards);
  EXPECT_EQ(log_category(GameEventType::level_up), LogCategory::rewards);
  EXPECT_EQ(log_category(GameEventType::experience), LogCategory::rewards);
  EXPECT_EQ(log_category(GameEventType::status_applied), LogCategory::other);
  EXPECT_EQ(log_category(GameEventType::status_removed), LogCategory::other);
}

TEST(ChatBox, WritesEachChannelTheWayAPlayerReadsIt) {
  EXPECT_EQ(chat_line_text({0, protocol::ChatChannel::say, "Ann", "", "hi"}, "Me"), "Ann: hi");
  EXPECT_EQ(chat_line_text({0, protocol::ChatChannel::party, "Ann", "", "go"}, "Me"),
            "[Party] Ann: go");
  EXPECT_EQ(chat_line_text({0, protocol::ChatChannel::whisper, "Ann", "Me", "psst"}, "Me"),
            "From Ann: psst");
  EXPECT_EQ(chat_line_text({0, protocol::ChatChannel::system, "", "", "You are muted."}, "Me"),
            "You are muted.");
}

}  // namespace
}  // namespace omega::client
