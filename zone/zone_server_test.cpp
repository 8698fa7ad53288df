// Session logic without sockets: Hello/tickets/resume/timeouts, input validation, snapshots —
// in a standalone zone (its LocalCharacterService; world_contract_test has the API's paths).
#include "zone/zone_server.hpp"
#include "zone/local_character_service.hpp"
#include "zone/zone_test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>

namespace omega::zone {
namespace {

using protocol::KickReason;

constexpr uint64_t kUnixNow = 1'800'000'000;
constexpr int64_t kTickNs = 1'000'000'000 / 30;

game::CombatContent load_content() {
  game::CombatContent content;
  std::string error;
  EXPECT_TRUE(content.load("content", 30, error)) << error;
  return content;
}

// A standalone zone's service, recording the checkpoints and transfers it is asked for.
class RecordingLocalService : public LocalCharacterService {
 public:
  explicit RecordingLocalService(ServiceResults& results)
      : LocalCharacterService(results, load_content()) {}
  void checkpoint(uint32_t instance, CheckpointBatch batch) override {
    batches.push_back(batch);
    LocalCharacterService::checkpoint(instance, std::move(batch));
  }
  void transfer(uint32_t instance, TransferRequest request) override {
    ++transfers;
    LocalCharacterService::transfer(instance, std::move(request));
  }
  // The records that released a character (its leave, or the shutdown).
  std::vector<CheckpointRecord> released() const {
    std::vector<CheckpointRecord> out;
    for (const CheckpointBatch& batch : batches)
      for (const CheckpointRecord& record : batch.records)
        if (record.release) out.push_back(record);
    return out;
  }
  std::vector<CheckpointBatch> batches;
  size_t transfers = 0;
};

struct ZoneFixture : testing::Test {
  protocol::TicketSigningKey key = protocol::ticket_key_from_seed({42});
  game::TileMap map = game::TileMap::open_field(64, 64);
  MessagePool pool;
  ZoneMetrics metrics;
  ServiceResults results;
  RecordingLocalService service{results};
  ZoneConfig config = make_config();
  std::unique_ptr<ZoneServer> server =
      std::make_unique<ZoneServer>(config, map, pool, metrics, service);
  uint32_t tick = 0;
  int64_t now_ns = 1'000'000'000;
  uint8_t next_nonce = 1;

  ZoneConfig make_config() {
    ZoneConfig c;
    c.ticket_public_key = key.public_key;
    c.map = "open:64";
    c.instance_id = 1;
    return c;
  }
  Now now() const { return {now_ns, kUnixNow + static_cast<uint64_t>(now_ns / 1'000'000'000)}; }

  std::string ticket(uint64_t character, std::string zone = "open", uint32_t instance = 1,
                     uint64_t expires = kUnixNow + 600) {
    return testing_support::signed_ticket(
        key, {0, character, std::move(zone), instance, 0, expires, next_nonce++});
  }
  void event(InboundEvent::Kind kind, ConnectionId c, protocol::ClientMessage m = {}) {
    InboundEvent e = testing_support::inbound(kind, c, now_ns, std::move(m));
    server->handle(e, now());
  }
  void connect(ConnectionId c) { event(InboundEvent::Kind::connected, c); }
  void disconnect(ConnectionId c) { event(InboundEvent::Kind::disconnected, c); }
  // A Hello, and the claim's answer delivered as the host delivers it at the start of the next
  // tick (before the tick's snapshots).
  void hello(ConnectionId c, std::string ticket_bytes, uint16_t min_v = 1, uint16_t max_v = 1) {
    event(InboundEvent::Kind::message, c, protocol::Hello{min_v, max_v, std::move(ticket_bytes)});
    answer();
  }
  // What InstanceHost does first in a tick: the service's answers reach the server.
  void answer(ZoneServer& to, ServiceResults& from) {
    std::vector<ServiceResult> answers;
    from.drain(answers);
    for (const ServiceResult& result : answers) to.on_service_result(result, now());
  }
  void answer() { answer(*server, results); }
  void input(ConnectionId c, uint16_t seq, bool moving, uint8_t direction, uint8_t action = 0) {
    event(InboundEvent::Kind::message, c,
          protocol::PlayerInput{seq, moving, direction, direction, action, 0});
  }
  void advance(int ticks = 1) {
    for (int i = 0; i < ticks; ++i) {
      now_ns += kTickNs;
      answer();
      server->advance(++tick, now());
    }
  }
  // Takes the outbox: decoded non-snapshot messages per connection, and close reasons.
  struct Sent {
    std::vector<protocol::ServerMessage> messages;
    size_t snapshots = 0;
    KickReason closed = KickReason::none;
  };
  std::map<ConnectionId, Sent> take() {
    std::map<ConnectionId, Sent> out;
    for (Outgoing& o : server->outbox()) {
      Sent& s = out[o.connection];
      if (o.close != KickReason::none) s.closed = o.close;
      if (o.message.bytes()[0] == static_cast<uint8_t>(protocol::MessageType::state_update)) {
        ++s.snapshots;
        continue;
      }
      protocol::ServerMessage m;
      EXPECT_EQ(protocol::decode_server_message(o.message.bytes(), m), protocol::DecodeError::none);
      s.messages.push_back(std::move(m));
    }
    server->outbox().clear();
    return out;
  }
  uint32_t welcome_entity(ConnectionId c) {
    auto sent = take();
    for (auto& m : sent[c].messages)
      if (auto* w = std::get_if<protocol::Welcome>(&m)) return w->entity_id;
    return 0;
  }
  KickReason kick_of(ConnectionId c) {
    auto sent = take();
    for (auto& m : sent[c].messages)
      if (auto* k = std::get_if<protocol::Kick>(&m)) {
        EXPECT_EQ(sent[c].closed, k->reason);
        return k->reason;
      }
    return KickReason::none;
  }
  uint32_t join(ConnectionId c, uint64_t character) {
    connect(c);
    hello(c, ticket(character));
    return welcome_entity(c);
  }
};

TEST_F(ZoneFixture, HelloGetsWelcome) {
  connect(1);
  hello(1, ticket(7));
  auto sent = take();
  ASSERT_EQ(sent[1].messages.size(), 1u);
  const auto& w = std::get<protocol::Welcome>(sent[1].messages[0]);
  EXPECT_GE(w.entity_id, 1u);
  EXPECT_EQ(w.zone, "open");
  EXPECT_EQ(w.instance_id, 1u);
  EXPECT_EQ(w.tick_hz, 30);
  EXPECT_EQ(w.snapshot_hz, 15);
  EXPECT_EQ(w.version, 1);
  EXPECT_EQ(server->player_count(), 1u);
  advance(2);
  EXPECT_GE(take()[1].snapshots, 1u);
}

TEST_F(ZoneFixture, BadTicketsAreRefusedWithTheirReason) {
  connect(1);
  hello(1, ticket(7, "open", 1, kUnixNow - 5));
  EXPECT_EQ(kick_of(1), KickReason::ticket_expired);
  connect(2);
  hello(2, ticket(7, "open", 2));
  EXPECT_EQ(kick_of(2), KickReason::ticket_wrong_instance);
  connect(3);
  hello(3, ticket(7, "hub_city_1", 1));
  EXPECT_EQ(kick_of(3), KickReason::ticket_wrong_instance);
  connect(4);
  const auto other = protocol::ticket_key_from_seed({43});
  protocol::JoinTicket forged;
  forged.character_id = 7;
  forged.zone = "open";
  forged.instance_id = 1;
  forged.expires_at_unix = kUnixNow + 600;
  hello(4, protocol::sign_ticket(forged, other));
  EXPECT_EQ(kick_of(4), KickReason::ticket_invalid);
  const std::string reused = ticket(8);
  connect(5);
  hello(5, reused);
  EXPECT_NE(welcome_entity(5), 0u);
  connect(6);
  hello(6, reused);
  EXPECT_EQ(kick_of(6), KickReason::ticket_replayed);
  connect(7);
  hello(7, ticket(9), protocol::kProtocolVersion + 1, protocol::kProtocolVersion + 2);
  EXPECT_EQ(kick_of(7), KickReason::version_unsupported);
  EXPECT_EQ(server->player_count(), 1u);
}

TEST_F(ZoneFixture, ProtocolOrderViolations) {
  connect(1);
  input(1, 1, true, 0);  // input before Hello
  EXPECT_EQ(kick_of(1), KickReason::protocol_error);
  EXPECT_NE(join(2, 5), 0u);
  hello(2, ticket(6));  // a second Hello, for another character
  EXPECT_EQ(kick_of(2), KickReason::protocol_error);
  EXPECT_EQ(server->player_count(), 1u);
}

// Session rules (docs/PROTOCOL.md): before Hello only Heartbeats are allowed, and they do not
// hold the connection open past the Hello timeout; a pong answers nothing before Welcome.
TEST_F(ZoneFixture, HeartbeatsBeforeHelloAreAllowedButDoNotDelayTheHelloTimeout) {
  connect(1);
  event(InboundEvent::Kind::message, 1, protocol::Heartbeat{false, 5});
  event(InboundEvent::Kind::message, 1, protocol::Heartbeat{true, 0});  // a pong out of nowhere
  EXPECT_EQ(take()[1].closed, KickReason::none);
  EXPECT_NE(metrics.prometheus().find("omega_zone_rtt_ms_count 0"), std::string::npos)
      << "a pong before Welcome is not an RTT sample";
  hello(1, ticket(5));
  EXPECT_NE(welcome_entity(1), 0u);

  // That heartbeats do not delay the hello timeout is the transport's part (it owns that
  // timeout): ZoneHardening.AJoinStormKicksNoOneWhoseHelloWaitsForTheServer.
}

// PlayerInput.seq is a wrapping 16-bit sequence that must advance on a connection: a repeat
// or a step back is a broken or hostile client (TCP neither reorders nor duplicates).
TEST_F(ZoneFixture, InputSeqThatDoesNotAdvanceIsAProtocolError) {
  join(1, 5);
  input(1, 10, true, 0);
  input(1, 12, true, 0);  // skipping numbers is fine
  advance();
  EXPECT_EQ(take()[1].closed, KickReason::none);
  input(1, 12, true, 0);  // the same seq again
  EXPECT_EQ(kick_of(1), KickReason::protocol_error);

  join(2, 6);
  input(2, 40'000, true, 0);  // the first input may carry any seq
  input(2, 40'001, true, 0);
  input(2, 39'999, true, 0);  // backwards
  EXPECT_EQ(kick_of(2), KickReason::protocol_error);

  join(3, 7);
  input(3, 65'535, true, 0);
  input(3, 0, true, 0);  // wraps: 0 follows 65535
  input(3, 1, true, 0);
  advance();
  EXPECT_EQ(take()[3].closed, KickReason::none);
  input(3, 65'535, true, 0);  // two behind after the wrap
  EXPECT_EQ(kick_of(3), KickReason::protocol_error);
}

// A new connection is a new numbering: a reconnecting client may start again at 1.
TEST_F(ZoneFixture, InputSeqStartsAfreshOnEveryConnection) {
  join(1, 5);
  input(1, 500, true, 0);
  disconnect(1);
  EXPECT_NE(join(2, 5), 0u);  // resumes the character
  input(2, 1, true, 0);
  advance();
  EXPECT_EQ(take()[2].closed, KickReason::none);
}

// The hello timeout belongs to the transport (it can tell our own delay from the client's);
// the simulation closes welcomed sessions that went silent.
TEST_F(ZoneFixture, IdleTimeout) {
  connect(1);
  EXPECT_NE(join(2, 5), 0u);
  advance(static_cast<int>(config.hello_timeout_s * 30) + 30);
  EXPECT_EQ(take()[1].closed, KickReason::none) << "a connection without Hello is the transport's";
  // Session 2 sends nothing: idle after idle_timeout_s.
  advance(static_cast<int>(config.idle_timeout_s * 30) + 2);
  EXPECT_EQ(kick_of(2), KickReason::idle_timeout);
}

TEST_F(ZoneFixture, ReconnectResumesTheSameEntity) {
  const uint32_t entity = join(1, 77);
  ASSERT_NE(entity, 0u);
  disconnect(1);
  advance(30 * 10);  // 10 s later, within the resume window
  EXPECT_EQ(join(2, 77), entity);
  EXPECT_EQ(server->world().entity_count(), 1u);

  // A second live connection replaces the first: same entity, old one kicked.
  connect(3);
  hello(3, ticket(77));
  auto sent = take();
  EXPECT_EQ(sent[2].closed, KickReason::session_replaced);
  ASSERT_FALSE(sent[3].messages.empty());
  EXPECT_EQ(std::get<protocol::Welcome>(sent[3].messages[0]).entity_id, entity);
  disconnect(2);  // the old connection's late disconnect must not detach the new one
  EXPECT_EQ(server->slot_of_connection(3), server->slot_of_connection(3));
  EXPECT_NE(server->slot_of_connection(3), World::kNoSlot);
  EXPECT_EQ(server->world().entity_count(), 1u);

  // After the resume window the character leaves; a later join is a new entity.
  disconnect(3);
  advance(static_cast<int>(config.resume_window_s * 30) + 2);
  EXPECT_EQ(server->world().entity_count(), 0u);
  EXPECT_EQ(service.released().size(), 1u);
  const uint32_t again = join(4, 77);
  EXPECT_NE(again, entity);
}

TEST_F(ZoneFixture, AModeratorKickReachesEverySessionOfTheAccountAndNoOther) {
  auto join_as = [&](ConnectionId c, uint64_t account, uint64_t character) {
    connect(c);
    hello(c, testing_support::signed_ticket(
                 key, {account, character, "open", 1, 0, kUnixNow + 600, next_nonce++}));
    return welcome_entity(c);
  };
  ASSERT_NE(join_as(1, 5, 50), 0u);
  ASSERT_NE(join_as(2, 6, 60), 0u);
  connect(3);  // connected, no Hello yet: belongs to nobody
  EXPECT_EQ(server->kick_account(0, KickReason::banned, now()), 0u);
  EXPECT_EQ(server->kick_account(5, KickReason::banned, now()), 1u);
  auto sent = take();
  EXPECT_EQ(sent[1].closed, KickReason::banned);
  EXPECT_EQ(sent[2].closed, KickReason::none);
  EXPECT_EQ(sent[3].closed, KickReason::none);
  // Kicked once: a second call finds nothing left to kick.
  EXPECT_EQ(server->kick_account(5, KickReason::banned, now()), 0u);
  EXPECT_EQ(server->kick_account(6, KickReason::kicked, now()), 1u);
  EXPECT_EQ(kick_of(2), KickReason::kicked);
}

TEST_F(ZoneFixture, SpeedHackDoesNotMoveFaster) {
  join(1, 5);
  join(2, 6);
  const uint32_t hacker = server->slot_of_connection(1), honest = server->slot_of_connection(2);
  server->world().teleport(hacker, {10.5f, 10.5f});
  server->world().teleport(honest, {10.5f, 30.5f});
  uint16_t seq = 0;
  const int ticks = 60;
  for (int t = 0; t < ticks; ++t) {
    for (int i = 0; i < 20; ++i) input(1, ++seq, true, 0);  // 600 inputs/s, all "east"
    if (t % 3 == 0) input(2, static_cast<uint16_t>(t), true, 0);
    advance();
    take();
  }
  const float max_distance = config.player_speed * ticks / 30.0f + 1e-3f;
  const float hacker_moved = server->world().position(hacker).x - 10.5f;
  const float honest_moved = server->world().position(honest).x - 10.5f;
  EXPECT_LE(hacker_moved, max_distance);
  EXPECT_NEAR(hacker_moved, honest_moved, 1e-3f);
  EXPECT_NEAR(honest_moved, max_distance, 0.05f);
}

TEST_F(ZoneFixture, InputsAreAckedAndActionsRejected) {
  join(1, 5);
  input(1, 41, true, 64);
  input(1, 42, false, 0, /*action=*/1);
  advance(2);
  auto sent = take();
  const protocol::ActionReject* found = nullptr;
  for (const auto& m : sent[1].messages)
    if (const auto* r = std::get_if<protocol::ActionReject>(&m)) found = r;
  ASSERT_NE(found, nullptr);
  const auto& reject = *found;
  EXPECT_EQ(reject.input_seq, 42);
  EXPECT_EQ(reject.reason, protocol::RejectReason::invalid_target);  // an attack needs a target
  EXPECT_GE(sent[1].snapshots, 1u);
}

// The replies to this client's actions, by input seq.
std::map<uint16_t, protocol::RejectReason> replies(
    const std::vector<protocol::ServerMessage>& messages) {
  std::map<uint16_t, protocol::RejectReason> out;
  for (const auto& m : messages) {
    if (const auto* r = std::get_if<protocol::ActionReject>(&m)) out[r->input_seq] = r->reason;
    if (const auto* c = std::get_if<protocol::ActionConfirm>(&m))
      out[c->input_seq] = protocol::RejectReason::none;
  }
  return out;
}

// A cheating client: attacks out of range, ignores cooldowns, targets unseen and dead
// entities, uses slots its class lacks. Every such action is refused and gains nothing.
TEST_F(ZoneFixture, CheatingClientGainsNothing) {
  game::CombatContent content;
  std::string error;
  ASSERT_TRUE(content.load("content", 30, error)) << error;
  const uint16_t wolf_index = content.find_monster("wolf")->index;
  join(1, 3);  // character 3: class 3 % 3 = warrior (attack range 1.6)
  const uint32_t player = server->slot_of_connection(1);
  World& world = server->world();
  world.teleport(player, {20.5f, 20.5f});
  const uint32_t near_wolf = world.spawn_monster(wolf_index, {25.5f, 20.5f});
  const uint32_t hidden_wolf = world.spawn_monster(wolf_index, {60.5f, 60.5f});
  advance(2);  // the near wolf is sent; the far one is out of view (24 tiles)
  take();
  auto send_action = [&](uint16_t seq, uint8_t action, uint32_t target) {
    event(InboundEvent::Kind::message, 1, protocol::PlayerInput{seq, false, 0, 0, action, target});
  };
  const uint32_t near_id = world.state(near_wolf).id;
  const uint32_t hidden_id = world.state(hidden_wolf).id;
  send_action(10, 1, near_id);    // 5 tiles: out of melee range
  send_action(11, 1, hidden_id);  // never sent to this client
  send_action(12, 1, 999'999);    // an id that does not exist
  send_action(13, 15, near_id);   // a slot warriors do not have
  advance();
  auto r = replies(take()[1].messages);
  EXPECT_EQ(r[10], protocol::RejectReason::out_of_range);
  EXPECT_EQ(r[11], protocol::RejectReason::invalid_target);
  EXPECT_EQ(r[12], protocol::RejectReason::invalid_target);
  EXPECT_EQ(r[13], protocol::RejectReason::unknown_action);

  // In range now; the second attack in the same tick ignores the cooldown.
  world.teleport(player, {24.3f, 20.5f});
  send_action(20, 1, near_id);
  send_action(21, 1, near_id);
  advance();
  r = replies(take()[1].messages);
  EXPECT_EQ(r[20], protocol::RejectReason::none);
  EXPECT_EQ(r[21], protocol::RejectReason::on_cooldown);

  // A dead target: refused, and no second reward.
  world.combatant(near_wolf).hp = 1;
  advance(40);  // the cooldown has passed
  take();
  send_action(30, 1, near_id);
  advance();
  EXPECT_TRUE(world.combatant(near_wolf).dead());
  const uint32_t xp = world.combatant(player).xp;
  const uint32_t gold = world.inventory(player).gold;
  EXPECT_GT(xp, 0u);
  advance(40);
  take();
  send_action(31, 1, near_id);
  advance();
  r = replies(take()[1].messages);
  EXPECT_EQ(r[31], protocol::RejectReason::target_dead);
  EXPECT_EQ(world.combatant(player).xp, xp);
  EXPECT_EQ(world.inventory(player).gold, gold);
  EXPECT_EQ(world.kills(player), 1u);
}

// Damage, death and XP events reach the fighter and a client that sees the fight, not a
// client far away.
TEST_F(ZoneFixture, EventsGoOnlyToClientsThatSeeTheEntity) {
  game::CombatContent content;
  std::string error;
  ASSERT_TRUE(content.load("content", 30, error)) << error;
  join(1, 3);
  join(2, 6);
  join(3, 9);
  World& world = server->world();
  world.teleport(server->slot_of_connection(1), {10.5f, 10.5f});
  world.teleport(server->slot_of_connection(2), {14.5f, 10.5f});
  world.teleport(server->slot_of_connection(3), {60.5f, 60.5f});
  const uint32_t wolf = world.spawn_monster(content.find_monster("wolf")->index, {11.5f, 10.5f});
  advance(3);
  take();
  event(InboundEvent::Kind::message, 1,
        protocol::PlayerInput{1, false, 0, 0, 1, world.state(wolf).id});
  advance();
  auto sent = take();
  auto damage_events = [](const std::vector<protocol::ServerMessage>& messages) {
    int n = 0;
    for (const auto& m : messages)
      if (const auto* e = std::get_if<protocol::GameEvent>(&m))
        for (uint32_t i = 0; i < e->count; ++i)
          n += e->events[i].type == protocol::GameEventType::damage;
    return n;
  };
  EXPECT_EQ(damage_events(sent[1].messages), 1);
  EXPECT_EQ(damage_events(sent[2].messages), 1);
  EXPECT_EQ(damage_events(sent[3].messages), 0);
}

TEST_F(ZoneFixture, SnapshotsDecodeAndAckTheLastInput) {
  connect(1);
  hello(1, ticket(5));
  auto sent = take();
  const auto welcome = std::get<protocol::Welcome>(sent[1].messages[0]);
  join(2, 6);
  protocol::WorldView view(welcome.server_tick);
  uint16_t seq = 0;
  for (int t = 0; t < 30; ++t) {
    if (t % 3 == 0) input(1, ++seq, true, 32);
    advance();
    for (Outgoing& o : server->outbox())
      if (o.connection == 1 && o.message.bytes()[0] == 4) {
        ASSERT_EQ(view.apply(o.message.bytes()), protocol::DecodeError::none);
      }
    server->outbox().clear();
  }
  EXPECT_EQ(view.header().last_input_seq, seq);
  ASSERT_NE(view.find(welcome.entity_id), nullptr);
  const uint32_t slot = server->slot_of_connection(1);
  EXPECT_EQ(view.find(welcome.entity_id)->x, server->world().state(slot).x);
  EXPECT_EQ(view.entities().size(), 2u);  // both players
}

// snapshot_threads: snapshots planned and encoded on four threads are the bytes the simulation
// thread alone sends, to the same clients in the same order — in a crowd that overflows the
// view cap and the byte budget, so priorities, waiting and rate scaling all take part.
TEST_F(ZoneFixture, SnapshotsEncodedOnWorkerThreadsAreTheBytesOfTheSerialTick) {
  config.max_view_entities = 12;
  config.snapshot_budget_bytes = 160;
  config.view_radius = 10.0f;
  config.full_rate_radius = 3.0f;
  server = std::make_unique<ZoneServer>(config, map, pool, metrics, service);
  MessagePool parallel_pool;
  ZoneMetrics parallel_metrics;
  ServiceResults parallel_results;
  RecordingLocalService parallel_service(parallel_results);
  ZoneServer parallel(config, map, parallel_pool, parallel_metrics, parallel_service);
  WorkerPool workers(4);
  parallel.attach_workers(&workers);

  size_t snapshots = 0, compared = 0, most_in_view = 0;
  protocol::WorldView view;  // client 1's
  auto compare_outboxes = [&] {
    std::vector<Outgoing>& serial = server->outbox();
    std::vector<Outgoing>& threaded = parallel.outbox();
    ASSERT_EQ(serial.size(), threaded.size()) << "tick " << tick;
    for (size_t i = 0; i < serial.size(); ++i) {
      ASSERT_EQ(serial[i].connection, threaded[i].connection) << "tick " << tick << " #" << i;
      ASSERT_EQ(serial[i].close, threaded[i].close);
      ASSERT_EQ(serial[i].message.bytes(), threaded[i].message.bytes())
          << "tick " << tick << " #" << i;
      const auto& bytes = serial[i].message.bytes();
      if (bytes[0] != static_cast<uint8_t>(protocol::MessageType::state_update)) continue;
      ++snapshots;
      if (serial[i].connection != 1) continue;
      ASSERT_EQ(view.apply(bytes), protocol::DecodeError::none) << "tick " << tick;
      most_in_view = std::max(most_in_view, view.entities().size());
    }
    compared += serial.size();
    serial.clear();
    threaded.clear();
  };
  auto both = [&](InboundEvent::Kind kind, ConnectionId c, protocol::ClientMessage m = {}) {
    InboundEvent a = testing_support::inbound(kind, c, now_ns, m);
    InboundEvent b = testing_support::inbound(kind, c, now_ns, std::move(m));
    server->handle(a, now());
    parallel.handle(b, now());
  };
  auto answer_both = [&] {
    answer();
    answer(parallel, parallel_results);
  };

  constexpr ConnectionId kPlayers = 48;
  for (ConnectionId c = 1; c <= kPlayers; ++c) {
    both(InboundEvent::Kind::connected, c);
    both(InboundEvent::Kind::message, c, protocol::Hello{1, 1, ticket(100 + c)});
  }
  answer_both();
  compare_outboxes();
  uint32_t random = 12345;
  std::vector<uint16_t> seq(kPlayers + 1, 0);
  for (int t = 0; t < 90; ++t) {
    for (ConnectionId c = 1; c <= kPlayers; ++c) {
      random = random * 1103515245u + 12345u;
      const auto direction = static_cast<uint8_t>(random >> 24);
      if ((random >> 16) % 3 == 0)
        both(InboundEvent::Kind::message, c,
             protocol::PlayerInput{++seq[c], true, direction, direction, 0, 0});
    }
    if (t == 45) both(InboundEvent::Kind::disconnected, 7);  // a leave mid-run
    now_ns += kTickNs;
    ++tick;
    answer_both();
    server->advance(tick, now());
    parallel.advance(tick, now());
    compare_outboxes();
    if (HasFatalFailure()) return;
  }
  EXPECT_GT(snapshots, size_t{kPlayers} * 40);  // 15 Hz for 3 s, plus fast acks
  EXPECT_GT(compared, snapshots);
  EXPECT_EQ(most_in_view, 12u);  // the crowd filled client 1's view to the cap
}

// A standalone zone (no API, no Redis) speaks chat too: its world line stays in the instance,
// and each player is called Player<character id>.
TEST_F(ZoneFixture, AStandaloneZoneDeliversChatInItsInstance) {
  connect(1);
  hello(1, ticket(7), 1, protocol::kProtocolVersion);
  connect(2);
  hello(2, ticket(8), 1, protocol::kProtocolVersion);
  take();
  event(InboundEvent::Kind::message, 1,
        protocol::ChatSend{protocol::ChatChannel::world, "", "anyone here?"});
  event(InboundEvent::Kind::message, 2, protocol::ChatSend{protocol::ChatChannel::say, "", "yes"});
  auto sent = take();
  EXPECT_EQ(sent[1].closed, KickReason::none);
  std::vector<std::string> heard;
  for (auto& m : sent[1].messages)
    if (auto* line = std::get_if<protocol::ChatMessage>(&m))
      heard.push_back(line->from + ": " + line->text);
  EXPECT_EQ(heard, (std::vector<std::string>{"Player7: anyone here?", "Player8: yes"}));
}

// The bag goes to a version-3 client after Welcome and whenever it changes; every ItemAction
// is answered with it (and the reason of a refusal). A version-2 client never sees it, and
// sending one is a protocol error.
TEST_F(ZoneFixture, ItemsAreAnsweredWithTheBagAndOnlyInProtocolThree) {
  auto bags = [](Sent& sent) {
    std::vector<protocol::Inventory> out;
    for (auto& m : sent.messages)
      if (auto* bag = std::get_if<protocol::Inventory>(&m)) out.push_back(*bag);
    return out;
  };
  connect(1);
  hello(1, ticket(7), 1, protocol::kProtocolVersion);
  connect(2);
  hello(2, ticket(8), 1, protocol::kChatProtocolVersion);
  advance();
  auto sent = take();
  ASSERT_EQ(bags(sent[1]).size(), 1u);
  EXPECT_TRUE(bags(sent[1])[0].stacks.empty());
  EXPECT_TRUE(bags(sent[2]).empty());
  advance();
  EXPECT_TRUE(bags(take()[1]).empty());  // unchanged: not sent again

  const game::CombatContent& content = server->world().settings().content[0];
  const uint16_t potion = content.find_item("minor_health_potion")->index;
  const uint16_t sword = content.find_item("rusty_sword")->index;
  const uint32_t slot = server->world().slot_of_id(1);
  ASSERT_NE(slot, World::kNoSlot);
  server->world().inventory(slot).add(content.items[sword], 1);
  server->world().inventory(slot).add(content.items[potion], 1);
  advance();
  sent = take();
  ASSERT_EQ(bags(sent[1]).size(), 1u);  // loot, a sale: the change is sent
  EXPECT_EQ(bags(sent[1])[0].stacks.size(), 2u);

  event(InboundEvent::Kind::message, 1, protocol::ItemAction{protocol::ItemVerb::equip, sword});
  event(InboundEvent::Kind::message, 1, protocol::ItemAction{protocol::ItemVerb::use, potion});
  sent = take();
  auto answers = bags(sent[1]);
  ASSERT_EQ(answers.size(), 2u);
  EXPECT_EQ(answers[0].answered, sword);
  EXPECT_EQ(answers[0].refusal, protocol::ItemRefusal::none);
  EXPECT_EQ(answers[0].equipped[0], sword);
  EXPECT_EQ(answers[1].answered, potion);
  EXPECT_EQ(answers[1].refusal, protocol::ItemRefusal::nothing_to_restore);  // full health
  EXPECT_EQ(sent[1].closed, KickReason::none);

  event(InboundEvent::Kind::message, 2, protocol::ItemAction{protocol::ItemVerb::use, potion});
  EXPECT_EQ(kick_of(2), KickReason::protocol_error);
}

TEST_F(ZoneFixture, ServerFullAndShutdown) {
  config.max_players = 1;
  server = std::make_unique<ZoneServer>(config, map, pool, metrics, service);
  join(1, 5);
  connect(2);
  hello(2, ticket(6));
  EXPECT_EQ(kick_of(2), KickReason::server_full);
  server->shutdown(now());
  EXPECT_EQ(kick_of(1), KickReason::shutting_down);
  EXPECT_EQ(service.released().size(), 1u);
}

// A claim still waiting for its answer holds its place: a Hello meanwhile finds the zone full.
TEST_F(ZoneFixture, AWaitingClaimCountsTowardsMaxPlayers) {
  config.max_players = 1;
  server = std::make_unique<ZoneServer>(config, map, pool, metrics, service);
  connect(1);
  event(InboundEvent::Kind::message, 1, protocol::Hello{1, 1, ticket(5)});
  EXPECT_EQ(server->pending_claims(), 1u);
  connect(2);
  hello(2, ticket(6));  // delivers the first claim's answer too
  EXPECT_EQ(kick_of(2), KickReason::server_full);
  EXPECT_EQ(server->player_count(), 1u);
  EXPECT_EQ(server->pending_claims(), 0u);
}

// A standalone zone checkpoints what the character is, as a zone with an API does: its release
// at shutdown carries the position, progress and what it gained since it joined (the claim
// gave it nothing), under the lease epoch of its ticket.
TEST_F(ZoneFixture, AStandaloneCheckpointCarriesTheCharacter) {
  connect(1);
  hello(1,
        testing_support::signed_ticket(key, {0, 77, "open", 1, 9, kUnixNow + 600, next_nonce++}));
  ASSERT_NE(welcome_entity(1), 0u);
  const uint32_t slot = server->slot_of_connection(1);
  ASSERT_NE(slot, World::kNoSlot);
  const game::CombatContent& content = server->world().settings().content[0];
  const game::ItemDefinition& potion = *content.find_item("minor_health_potion");
  Inventory& bag = server->world().inventory(slot);
  bag.gold = 40;
  bag.add(potion, 2);
  bag.add(potion, 1);
  advance(3);
  const game::Vec2 at = server->world().position(slot);
  const uint32_t hp = server->world().state(slot).hp;
  server->shutdown(now());
  ASSERT_FALSE(service.batches.empty());
  EXPECT_EQ(service.batches.back().reason, CheckpointReason::shutdown);
  const std::vector<CheckpointRecord> released = service.released();
  ASSERT_EQ(released.size(), 1u);
  const CheckpointRecord& saved = released[0];
  EXPECT_EQ(saved.character_id, 77u);
  EXPECT_EQ(saved.lease_epoch, 9u);
  EXPECT_EQ(saved.zone, "open");
  EXPECT_TRUE(saved.has_position);
  EXPECT_FLOAT_EQ(saved.x, at.x);
  EXPECT_FLOAT_EQ(saved.y, at.y);
  EXPECT_EQ(saved.hp, hp);
  EXPECT_EQ(saved.level, 1u);
  EXPECT_EQ(saved.gold_delta, 40);
  // One entry per item, whatever its stacks.
  EXPECT_EQ(saved.items_delta, (std::vector<ItemDelta>{{"minor_health_potion", 3}}));
}

// A standalone character is Player<id> of the class its id deals, at the default spawn.
TEST_F(ZoneFixture, AStandaloneCharacterIsNamedAndClassedByItsId) {
  join(1, 3);
  join(2, 4);
  const game::CombatContent& content = server->world().settings().content[0];
  const World& world = server->world();
  const uint32_t first = server->slot_of_connection(1), second = server->slot_of_connection(2);
  EXPECT_EQ(world.state(first).name.view(), "Player3");
  EXPECT_EQ(world.state(second).name.view(), "Player4");
  EXPECT_EQ(content.classes[world.state(first).archetype].id, content.classes[0].id);
  EXPECT_EQ(content.classes[world.state(second).archetype].id, content.classes[1].id);
  EXPECT_EQ(world.combatant(first).level, 1);
}

// Portals need an API to place the character in the target zone: in a standalone zone a player
// walks over one as over any floor (no transfer asked, never frozen).
TEST_F(ZoneFixture, AStandaloneZoneLeavesPortalsInert) {
  map.add_portal({{40, 32, 2, 1}, "forest", "from_open"});
  server = std::make_unique<ZoneServer>(config, map, pool, metrics, service);
  join(1, 5);
  const uint32_t slot = server->slot_of_connection(1);
  server->world().teleport(slot, {39.5f, 32.5f});
  for (uint16_t seq = 1; seq <= 30; ++seq) {
    input(1, seq, true, 0);  // east, across the portal
    advance();
  }
  take();
  EXPECT_GT(server->world().position(slot).x, 42.0f) << "walked on past the portal";
  EXPECT_EQ(service.transfers, 0u);
  EXPECT_EQ(server->player_count(), 1u);
}

}  // namespace
}  // namespace omega::zone
