// The zone's side of the world contract without a network: upgrade path routing, delta and
// seq accounting, the empty-rift close timer, control request parsing, API bodies, and
// ZoneServer with a fake CharacterService (claim-pending sessions, checkpoints with deltas,
// stale epochs, portals → transfers, market pushes).
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include <nlohmann/json.hpp>

#include "protocol/ticket.hpp"
#include "zone/api_json.hpp"
#include "zone/character_ledger.hpp"
#include "zone/instance_directory.hpp"
#include "zone/instance_host.hpp"
#include "zone/local_character_service.hpp"
#include "zone/network.hpp"
#include "zone/redis_registry.hpp"
#include "zone/world_topology.hpp"
#include "zone/zone_server.hpp"
#include "zone/zone_test_support.hpp"

namespace omega::zone {
namespace {

using protocol::KickReason;

// ---- routing ---------------------------------------------------------------------------------

TEST(InstancePath, ParsesZoneAndInstanceAndRoot) {
  auto forest = parse_instance_path("/z/forest/2");
  ASSERT_TRUE(forest);
  EXPECT_EQ(forest->zone, "forest");
  EXPECT_EQ(forest->instance, 2u);
  EXPECT_FALSE(forest->root);
  EXPECT_TRUE(parse_instance_path("/")->root);
  EXPECT_TRUE(parse_instance_path("/?x=1")->root);
  EXPECT_EQ(parse_instance_path("/z/rift_d1/4294967295?t=1")->instance, 4294967295u);
  for (const char* bad :
       {"/z/forest", "/z/forest/", "/z//1", "/z/Forest/1", "/z/forest/01", "/z/forest/-1",
        "/z/forest/4294967296", "/z/forest/1/x", "/zz/a/1", "/z/a b/1", "/metrics"})
    EXPECT_FALSE(parse_instance_path(bad)) << bad;
}

TEST(InstanceDirectory, RoutesPathsAndTheRootToTheOldestOpenInstance) {
  InstanceDirectory directory;
  EXPECT_EQ(directory.resolve("/"), InstanceDirectory::kNone);
  directory.add("hub_city_1", 1, 7);
  directory.add("forest", 2, 8);
  EXPECT_EQ(directory.resolve("/"), 7u);
  EXPECT_EQ(directory.resolve("/z/forest/2"), 8u);
  EXPECT_EQ(directory.resolve("/z/forest/3"), InstanceDirectory::kNone);
  directory.remove("hub_city_1", 1);
  EXPECT_EQ(directory.resolve("/"), 8u);
  EXPECT_EQ(directory.resolve("/z/hub_city_1/1"), InstanceDirectory::kNone);
}

// ---- ledger ----------------------------------------------------------------------------------

Holdings holdings(int64_t gold, std::map<std::string, int64_t> items = {}, int64_t kills = 0) {
  return Holdings{gold, std::move(items), kills};
}

TEST(CharacterLedger, SendsDeltasSinceTheLastAcceptedCheckpointWithIncreasingSeq) {
  CharacterLedger ledger(5, 3, holdings(100, {{"potion", 2}}));
  const CheckpointRecord& first = ledger.begin({}, holdings(130, {{"potion", 1}, {"gem", 1}}, 2));
  EXPECT_EQ(first.seq, 1u);
  EXPECT_EQ(first.lease_epoch, 3u);
  EXPECT_EQ(first.character_id, 5u);
  EXPECT_EQ(first.gold_delta, 30);
  EXPECT_EQ(first.kills, 2);
  EXPECT_EQ(first.items_delta, (std::vector<ItemDelta>{{"gem", 1}, {"potion", -1}}));
  EXPECT_TRUE(ledger.busy());
  ledger.accepted();
  EXPECT_FALSE(ledger.busy());
  const CheckpointRecord& second = ledger.begin({}, holdings(130, {{"potion", 1}, {"gem", 1}}, 2));
  EXPECT_EQ(second.seq, 2u);
  EXPECT_EQ(second.gold_delta, 0);
  EXPECT_EQ(second.kills, 0);
  EXPECT_TRUE(second.items_delta.empty());
}

TEST(CharacterLedger, AFailedRecordIsRetriedUnchangedAndCountedOnce) {
  CharacterLedger ledger(5, 3, holdings(100));
  const CheckpointRecord sent = ledger.begin({}, holdings(150));
  ledger.failed();
  EXPECT_TRUE(ledger.retry_due());
  ledger.resending();
  EXPECT_EQ(ledger.in_flight()->seq, sent.seq);
  EXPECT_EQ(ledger.in_flight()->gold_delta, 50);
  ledger.accepted();  // "duplicate" or "ok": either way applied exactly once
  EXPECT_EQ(ledger.begin({}, holdings(150)).gold_delta, 0);
}

TEST(CharacterLedger, MarketChangesNeverEnterTheDeltas) {
  CharacterLedger ledger(5, 3, holdings(100));
  // The market took 40 gold and gave a sword; the live view applied it; loot added 5 gold.
  ledger.external_gold(-40);
  ledger.external_item("sword", 1);
  const CheckpointRecord& record = ledger.begin({}, holdings(65, {{"sword", 1}}));
  EXPECT_EQ(record.gold_delta, 5);
  EXPECT_TRUE(record.items_delta.empty());
}

TEST(CharacterLedger, AChainedRecordCountsTheRecordInFlightAsApplied) {
  CharacterLedger ledger(5, 3, holdings(100));
  ledger.begin({}, holdings(120));
  const CheckpointRecord chained = ledger.chain_after_in_flight({}, holdings(125));
  EXPECT_EQ(chained.seq, 2u);
  EXPECT_EQ(chained.gold_delta, 5);
}

// ---- rift close timer, topology, control, bodies ----------------------------------------------

TEST(EmptyCloseTimer, ClosesAfterTheDelaySinceLastOccupiedOrSinceOpening) {
  constexpr int64_t s = 1'000'000'000;
  EmptyCloseTimer never_visited(60, 0);
  EXPECT_FALSE(never_visited.due(0, 59 * s));
  EXPECT_TRUE(never_visited.due(0, 60 * s));
  EmptyCloseTimer visited(60, 0);
  EXPECT_FALSE(visited.due(2, 50 * s));
  EXPECT_FALSE(visited.due(0, 100 * s));
  EXPECT_TRUE(visited.due(0, 110 * s));
  EmptyCloseTimer hub(0, 0);
  EXPECT_FALSE(hub.due(0, 1'000'000 * s));
}

TEST(WorldTopology, ReadsZonesAndDefaultsWhenAbsent) {
  auto parsed = parse_world_topology(
      R"({"format":1,"zones":{"hub_city_1":{"kind":"hub","capacity":500,"max_instances":1},
          "rift_d1":{"kind":"rift","capacity":5,"max_instances":100,"close_after_empty_s":30}},
          "start_zone":"hub_city_1"})",
      "world.json");
  ASSERT_EQ(parsed.error, "");
  EXPECT_EQ(parsed.topology.zone("rift_d1", "dungeon").close_after_empty_s, 30);
  EXPECT_EQ(parsed.topology.zone("hub_city_1", "hub").capacity, 500u);
  EXPECT_EQ(parsed.topology.zone("rift_d2", "dungeon").kind, "rift");
  EXPECT_EQ(parsed.topology.zone("rift_d2", "dungeon").close_after_empty_s, 60);
  EXPECT_EQ(parsed.topology.zone("forest", "zone").close_after_empty_s, 0);
  EXPECT_NE(parse_world_topology(R"({"zones":{"x":{"kind":"moon"}}})", "w").error, "");
  EXPECT_FALSE(load_world_topology("/nonexistent/world.json").found);
}

TEST(ControlRequest, NeedsTheServiceTokenAndParsesOpenAndClose) {
  const std::string token = "secret";
  auto parse = [&](std::string_view method, std::string_view target, std::string_view auth,
                   std::string_view body = "") {
    return parse_control_request({method, target, auth, body}, token);
  };
  EXPECT_EQ(parse("POST", "/instances", "", "{}").error.status, 401);
  EXPECT_EQ(parse("POST", "/instances", "Bearer secreT", "{}").error.status, 401);
  EXPECT_EQ(parse_control_request({"POST", "/instances", "Bearer ", "{}"}, "").error.status, 401);
  auto open = parse("POST", "/instances", "Bearer secret",
                    R"({"zone":"forest","instance":2,"kind":"field","party_id":null})");
  ASSERT_TRUE(open.command);
  EXPECT_EQ(open.command->kind, ControlCommand::Kind::open);
  EXPECT_EQ(open.command->zone, "forest");
  EXPECT_EQ(open.command->instance, 2u);
  EXPECT_FALSE(open.command->party_id);
  EXPECT_EQ(parse("POST", "/instances", "Bearer secret", R"({"zone":"forest"})").error.status, 400);
  EXPECT_EQ(
      parse("POST", "/instances", "Bearer secret", R"({"zone":"../x","instance":1})").error.status,
      400);
  auto close = parse("DELETE", "/instances/rift_d1/17", "Bearer secret");
  ASSERT_TRUE(close.command);
  EXPECT_EQ(close.command->kind, ControlCommand::Kind::close);
  EXPECT_EQ(close.command->instance, 17u);
  EXPECT_EQ(parse("GET", "/instances", "Bearer secret").error.status, 405);
  EXPECT_TRUE(is_control_target("/instances/a/1"));
  EXPECT_FALSE(is_control_target("/stats"));
}

TEST(ControlRequest, KicksNameAnAccountAndBannedOrKicked) {
  auto parse = [](std::string_view method, std::string_view body, std::string_view auth) {
    return parse_control_request({method, "/kicks", auth, body}, "secret");
  };
  EXPECT_TRUE(is_control_target("/kicks"));
  auto ban = parse("POST", R"({"account_id":42,"reason":"banned"})", "Bearer secret");
  ASSERT_TRUE(ban.command);
  EXPECT_EQ(ban.command->kind, ControlCommand::Kind::kick);
  EXPECT_EQ(ban.command->account_id, 42u);
  EXPECT_EQ(ban.command->kick_reason, protocol::KickReason::banned);
  auto kick = parse("POST", R"({"account_id":7,"reason":"kicked"})", "Bearer secret");
  ASSERT_TRUE(kick.command);
  EXPECT_EQ(kick.command->kick_reason, protocol::KickReason::kicked);
  EXPECT_EQ(parse("POST", R"({"account_id":7,"reason":"kicked"})", "").error.status, 401);
  EXPECT_EQ(parse("GET", "", "Bearer secret").error.status, 405);
  for (const char* bad :
       {R"({"account_id":7,"reason":"shutting_down"})", R"({"account_id":0,"reason":"kicked"})",
        R"({"account_id":-1,"reason":"kicked"})", R"({"reason":"kicked"})", "[]", "{"})
    EXPECT_EQ(parse("POST", bad, "Bearer secret").error.status, 400) << bad;
}

TEST(ApiJson, CheckpointBodyAndResponses) {
  CheckpointBatch batch{CheckpointReason::leave, {}};
  CheckpointRecord r;
  r.character_id = 9;
  r.lease_epoch = 4;
  r.seq = 2;
  r.zone = "forest";
  r.gold_delta = -3;
  r.items_delta = {{"potion", 1}};
  r.release = true;
  batch.records.push_back(r);
  const auto body = nlohmann::json::parse(checkpoint_body(batch));
  EXPECT_EQ(body["reason"], "leave");
  EXPECT_EQ(body["characters"][0]["seq"], 2);
  EXPECT_EQ(body["characters"][0]["gold_delta"], -3);
  EXPECT_EQ(body["characters"][0]["items_delta"][0]["item_id"], "potion");
  EXPECT_EQ(body["characters"][0]["release"], true);

  CheckpointResult results;
  ASSERT_TRUE(parse_checkpoint_results(
      R"({"results":[{"character_id":9,"status":"duplicate"},{"character_id":3,"status":"stale_epoch"}]})",
      results));
  EXPECT_EQ(results.entries[0].status, ServiceStatus::ok);
  EXPECT_EQ(results.entries[1].status, ServiceStatus::stale_epoch);

  ClaimResult claim;
  ASSERT_TRUE(parse_claim(
      R"({"lease_epoch":8,"character":{"id":9,"account_id":1,"name":"Ayla","class":"mage",
          "level":3,"experience":40,"zone":"forest","x":null,"y":null,"spawn":"from_hub",
          "hp":null,"mana":12,"gold":55,"items":[{"item_id":"potion","quantity":2}]}})",
      claim));
  EXPECT_EQ(claim.lease_epoch, 8u);
  EXPECT_FALSE(claim.character.x);
  EXPECT_EQ(claim.character.spawn, "from_hub");
  EXPECT_FALSE(claim.character.hp);
  EXPECT_EQ(*claim.character.mana, 12u);
  EXPECT_EQ(claim.character.items.size(), 1u);
  EXPECT_FALSE(parse_claim("{", claim));

  TransferResult grant;
  ASSERT_TRUE(parse_transfer_grant(
      R"({"ws_url":"ws://h:1/z/forest/2","ticket":"00ff41","zone":"forest","instance":2})", grant));
  EXPECT_EQ(grant.ticket, std::string("\x00\xff\x41", 3));
  EXPECT_EQ(error_code(R"({"error":{"code":"stale_epoch"}})"), "stale_epoch");

  auto market = parse_market_delta(
      R"({"character_id":9,"gold_delta":-10,"items_delta":[{"item_id":"sword","delta":1}]})");
  ASSERT_TRUE(market);
  EXPECT_EQ(market->gold_delta, -10);
  EXPECT_EQ(market->items_delta[0].item_id, "sword");
  EXPECT_FALSE(parse_market_delta(R"({"gold_delta":1})"));
}

TEST(RegistryValues, FollowTheContract) {
  RegistrySettings settings;
  settings.process_id = "zone-a";
  settings.ws_url = "ws://127.0.0.1:8081";
  settings.control_url = "http://127.0.0.1:9081";
  settings.zones = {"forest"};
  const auto proc = nlohmann::json::parse(zoneproc_value(settings, 1234));
  EXPECT_EQ(proc["id"], "zone-a");
  EXPECT_EQ(proc["zones"][0], "forest");
  EXPECT_EQ(proc["expires_ms"], 1234);
  EXPECT_FALSE(proc.contains("tick_p99_ms")) << "no probe: no load fields";
  const auto loaded = nlohmann::json::parse(zoneproc_value(settings, 1234, LiveLoad{4.5, 2048.0}));
  EXPECT_EQ(loaded["tick_p99_ms"], 4.5);
  EXPECT_EQ(loaded["bytes_out_per_player_s"], 2048.0);
  const auto idle = nlohmann::json::parse(zoneproc_value(settings, 1234, LiveLoad{0.5, {}}));
  EXPECT_TRUE(idle["bytes_out_per_player_s"].is_null());
  const auto instance = nlohmann::json::parse(
      instance_value(settings, InstanceSummary{"forest", 2, "field", 3, 100, std::nullopt}, 99));
  EXPECT_EQ(instance["ws_url"], "ws://127.0.0.1:8081/z/forest/2");
  EXPECT_EQ(instance["proc"], "zone-a");
  EXPECT_EQ(instance["players"], 3);
  EXPECT_TRUE(instance["party_id"].is_null());
}

TEST(RegistryValues, LiveLoadIsTheRecentTickP99AndTheByteRatePerPlayer) {
  ZoneMetrics metrics;
  for (int i = 1; i <= 100; ++i) metrics.record_tick(i * 0.1);
  metrics.players.store(4);
  const LiveLoad first = metrics.live_load(10.0);
  EXPECT_DOUBLE_EQ(first.tick_p99_ms, 9.9);
  EXPECT_FALSE(first.bytes_out_per_player_s) << "no interval measured yet";
  metrics.bytes_out.fetch_add(8000);
  EXPECT_FALSE(metrics.live_load(10.5).bytes_out_per_player_s) << "under the minimum interval";
  const LiveLoad second = metrics.live_load(12.0);
  ASSERT_TRUE(second.bytes_out_per_player_s);
  EXPECT_DOUBLE_EQ(*second.bytes_out_per_player_s, 1000.0);  // 8000 B / 2 s / 4 players
  metrics.stats_json(true);  // a /stats?reset does not empty the registry's window
  EXPECT_DOUBLE_EQ(metrics.live_load(12.1).tick_p99_ms, 9.9);
  metrics.players.store(0);
  EXPECT_FALSE(metrics.live_load(14.0).bytes_out_per_player_s);
}

// The relay with Redis down (nothing listens on port 1): after its 2 s of patience a line comes
// back to its own process marked undelivered, without its text; a lost receipt does not.
TEST(RegistryChat, ALineRedisDoesNotTakeComesBackUndeliveredToItsOwnProcess) {
  ServiceResults results;
  RegistrySettings settings;
  settings.redis_url = "redis://127.0.0.1:1/0";
  settings.process_id = "zone-a";
  settings.zones = {"forest"};
  RedisRegistry registry(
      settings, [] { return std::vector<InstanceSummary>{}; }, &results);
  registry.start();
  ChatLine whisper{protocol::ChatChannel::whisper, 7, "Aragorn", "Faramir", 0, "hello", 1, 41};
  ChatLine receipt = whisper;
  receipt.receipt = true;
  receipt.text.clear();
  registry.publish(whisper);
  registry.publish(receipt);
  std::vector<ServiceResult> back;
  for (int i = 0; i < 100 && back.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    results.drain(back);
  }
  registry.stop();
  std::vector<ServiceResult> later;  // anything pushed after the first drain
  results.drain(later);
  for (auto& result : later) back.push_back(std::move(result));
  ASSERT_EQ(back.size(), 1u) << "the whisper, not its receipt";
  const auto* line = std::get_if<ChatLine>(&back[0].payload);
  ASSERT_NE(line, nullptr);
  EXPECT_TRUE(line->undelivered);
  EXPECT_EQ(line->whisper_id, 41u);
  EXPECT_EQ(line->from_character, 7u);
  EXPECT_TRUE(line->text.empty());
}

// ---- ZoneServer with a fake CharacterService ---------------------------------------------------

constexpr uint64_t kUnixNow = 1'800'000'000;
constexpr int64_t kTickNs = 1'000'000'000 / 30;

class FakeService : public CharacterService {
 public:
  void claim(uint32_t, ClaimRequest request) override { claims.push_back(request); }
  void checkpoint(uint32_t, CheckpointBatch batch) override { batches.push_back(batch); }
  void transfer(uint32_t, TransferRequest request) override { transfers.push_back(request); }
  void report_match(uint32_t, MatchReport report) override { reports.push_back(report); }
  bool can_transfer() const override { return true; }
  std::vector<MatchReport> reports;
  std::vector<ClaimRequest> claims;
  std::vector<CheckpointBatch> batches;
  std::vector<TransferRequest> transfers;
};

// A 64x64 field with a portal at tiles (40..41, 32) to forest/from_open.
game::TileMap portal_map() {
  game::TileMap map = game::TileMap::open_field(64, 64);
  map.add_portal({{40, 32, 2, 1}, "forest", "from_open"});
  return map;
}

struct LeasedZone : testing::Test {
  protocol::TicketSigningKey key = protocol::ticket_key_from_seed({42});
  game::TileMap map = portal_map();
  MessagePool pool;
  ZoneMetrics metrics;
  FakeService service;
  ZoneConfig config = make_config();
  std::unique_ptr<ZoneServer> server = make_server();
  uint32_t tick = 0;
  int64_t now_ns = 1'000'000'000;
  uint8_t next_nonce = 1;

  ZoneConfig make_config() {
    ZoneConfig c;
    c.ticket_public_key = key.public_key;
    c.map = "open:64";
    c.checkpoint_interval_s = 10;
    return c;
  }
  std::unique_ptr<ZoneServer> make_server() {
    auto s = std::make_unique<ZoneServer>(config, map, pool, metrics, service);
    s->set_service_handle(1);
    return s;
  }
  Now now() const { return {now_ns, kUnixNow + static_cast<uint64_t>(now_ns / 1'000'000'000)}; }
  std::string ticket(uint64_t character, uint64_t epoch = 4) {
    return testing_support::signed_ticket(
        key, {100 + character, character, "open", 1, epoch, kUnixNow + 600, next_nonce++});
  }
  void event(InboundEvent::Kind kind, ConnectionId c, protocol::ClientMessage m = {}) {
    InboundEvent e = testing_support::inbound(kind, c, now_ns, std::move(m));
    server->handle(e, now());
  }
  void join(ConnectionId c, uint64_t character, uint16_t version = 1) {
    event(InboundEvent::Kind::connected, c);
    event(InboundEvent::Kind::message, c, protocol::Hello{1, version, ticket(character)});
  }
  // A pong echoing the current time answers every ping sent so far (zone steady clock, ms).
  void heartbeat(ConnectionId c) {
    event(InboundEvent::Kind::message, c,
          protocol::Heartbeat{true, static_cast<uint32_t>(now_ns / 1'000'000)});
  }
  void advance(int ticks = 1) {
    for (int i = 0; i < ticks; ++i) {
      now_ns += kTickNs;
      server->advance(++tick, now());
    }
  }
  // `seconds` of ticks with connection 1 answering pings (so it is never idle).
  void live(double seconds) {
    for (int i = 0; i < static_cast<int>(seconds * 30); ++i) {
      heartbeat(1);
      advance();
    }
  }
  ClaimResult granted(uint64_t character, uint64_t epoch = 5) {
    ClaimResult r;
    r.character_id = character;
    r.status = ServiceStatus::ok;
    r.lease_epoch = epoch;
    r.character.gold = 50;
    r.character.level = 3;
    r.character.x = 10.5f;
    r.character.y = 12.5f;
    return r;
  }
  // Messages of one type sent to `c` since the last call.
  template <class Message>
  std::vector<Message> taken(ConnectionId c) {
    std::vector<Message> found;
    for (Outgoing& out : server->outbox()) {
      if (out.connection != c) continue;
      protocol::ServerMessage decoded;
      if (protocol::decode_server_message(out.message.bytes(), decoded) ==
          protocol::DecodeError::none)
        if (auto* m = std::get_if<Message>(&decoded)) found.push_back(*m);
    }
    return found;
  }
  void clear_outbox() { server->outbox().clear(); }
};

TEST_F(LeasedZone, HelloWaitsWithoutAnEntityUntilTheClaimAnswers) {
  join(1, 7);
  ASSERT_EQ(service.claims.size(), 1u);
  EXPECT_EQ(service.claims[0].character_id, 7u);
  EXPECT_EQ(service.claims[0].account_id, 107u);
  EXPECT_EQ(service.claims[0].ticket_epoch, 4u);
  EXPECT_EQ(service.claims[0].zone, "open");
  advance(200);  // well past the hello timeout: a waiting session is not kicked
  EXPECT_EQ(server->player_count(), 0u);
  EXPECT_TRUE(taken<protocol::Welcome>(1).empty());
  EXPECT_TRUE(taken<protocol::Kick>(1).empty());
  server->on_claim(granted(7), now());
  EXPECT_EQ(server->player_count(), 1u);
  ASSERT_EQ(taken<protocol::Welcome>(1).size(), 1u);
  const uint32_t slot = server->slot_of_connection(1);
  EXPECT_FLOAT_EQ(server->world().position(slot).x, 10.5f);
  EXPECT_EQ(server->world().combatant(slot).level, 3);
  EXPECT_EQ(server->world().inventory(slot).gold, 50u);
}

// A Hello waiting for its claim is still the connection's one Hello: a second one (here for
// another character) must not start a second claim, and an input before Welcome is refused.
TEST_F(LeasedZone, SecondHelloOrAnInputWhileTheClaimWaitsIsAProtocolError) {
  join(1, 7);
  event(InboundEvent::Kind::message, 1, protocol::Hello{1, 1, ticket(8)});
  ASSERT_EQ(taken<protocol::Kick>(1).size(), 1u);
  EXPECT_EQ(taken<protocol::Kick>(1)[0].reason, KickReason::protocol_error);
  EXPECT_EQ(service.claims.size(), 1u);
  clear_outbox();
  server->on_claim(granted(7), now());
  EXPECT_TRUE(taken<protocol::Welcome>(1).empty());

  join(2, 9);
  event(InboundEvent::Kind::message, 2, protocol::PlayerInput{1, true, 0, 0, 0, 0});
  ASSERT_EQ(taken<protocol::Kick>(2).size(), 1u);
  EXPECT_EQ(taken<protocol::Kick>(2)[0].reason, KickReason::protocol_error);
}

TEST_F(LeasedZone, RefusedOrUnreachableClaimsKickWithTheNewReasons) {
  join(1, 7);
  join(2, 8);
  join(3, 9);
  ClaimResult conflict{7, ServiceStatus::refused, 0, {}, false};
  ClaimResult down{8, ServiceStatus::unavailable, 0, {}, false};
  ClaimResult banned{9, ServiceStatus::refused, 0, {}, true};  // a ticket minted before a ban
  server->on_claim(conflict, now());
  server->on_claim(down, now());
  server->on_claim(banned, now());
  ASSERT_EQ(taken<protocol::Kick>(1).size(), 1u);
  EXPECT_EQ(taken<protocol::Kick>(1)[0].reason, KickReason::lease_conflict);
  EXPECT_EQ(taken<protocol::Kick>(2)[0].reason, KickReason::service_unavailable);
  EXPECT_EQ(taken<protocol::Kick>(3)[0].reason, KickReason::banned);
  EXPECT_EQ(server->player_count(), 0u);
}

TEST_F(LeasedZone, PeriodicCheckpointsCarrySeqEpochAndGoldDeltas) {
  join(1, 7);
  server->on_claim(granted(7, 9), now());
  const uint32_t slot = server->slot_of_connection(1);
  server->world().inventory(slot).gold += 25;  // loot
  live(10.1);
  ASSERT_EQ(service.batches.size(), 1u);
  const CheckpointBatch& batch = service.batches[0];
  EXPECT_EQ(batch.reason, CheckpointReason::periodic);
  ASSERT_EQ(batch.records.size(), 1u);
  EXPECT_EQ(batch.records[0].seq, 1u);
  EXPECT_EQ(batch.records[0].lease_epoch, 9u);
  EXPECT_EQ(batch.records[0].gold_delta, 25);
  EXPECT_FALSE(batch.records[0].release);

  // No answer: the same record goes again (same seq), no new one meanwhile.
  CheckpointResult failed;
  failed.request_failed = true;
  failed.entries.push_back({7, 1, 0, ServiceStatus::unavailable});
  server->on_checkpoints(failed, now());
  live(3);
  ASSERT_EQ(service.batches.size(), 2u);
  EXPECT_EQ(service.batches[1].records[0].seq, 1u);
  EXPECT_EQ(service.batches[1].records[0].gold_delta, 25);
  CheckpointResult ok;
  ok.entries.push_back({7, 1, 0, ServiceStatus::ok});
  server->on_checkpoints(ok, now());
  live(10);
  ASSERT_EQ(service.batches.size(), 3u);
  EXPECT_EQ(service.batches[2].records[0].seq, 2u);
  EXPECT_EQ(service.batches[2].records[0].gold_delta, 0);
}

TEST_F(LeasedZone, StaleEpochKicksWithLeaseConflictAndDropsTheCharacter) {
  join(1, 7);
  server->on_claim(granted(7), now());
  live(10.1);
  ASSERT_EQ(service.batches.size(), 1u);
  clear_outbox();
  CheckpointResult stale;
  stale.entries.push_back({7, 1, 0, ServiceStatus::stale_epoch});
  server->on_checkpoints(stale, now());
  ASSERT_EQ(taken<protocol::Kick>(1).size(), 1u);
  EXPECT_EQ(taken<protocol::Kick>(1)[0].reason, KickReason::lease_conflict);
  EXPECT_EQ(server->player_count(), 0u);
  advance(40 * 30);
  EXPECT_EQ(service.batches.size(), 1u);  // never checkpointed again
}

TEST_F(LeasedZone, LeavingReleasesAfterTheResumeWindow) {
  join(1, 7);
  server->on_claim(granted(7), now());
  event(InboundEvent::Kind::disconnected, 1);
  advance(static_cast<int>(config.resume_window_s * 30) + 2);
  // The periodic checkpoint at 10 s got no answer yet: the release waits for it.
  ASSERT_EQ(service.batches.size(), 1u);
  EXPECT_EQ(service.batches[0].reason, CheckpointReason::periodic);
  EXPECT_EQ(server->player_count(), 0u);
  CheckpointResult periodic;
  periodic.entries.push_back({7, 1, 0, ServiceStatus::ok});
  server->on_checkpoints(periodic, now());
  ASSERT_EQ(service.batches.size(), 2u);
  const CheckpointBatch& leave = service.batches.back();
  EXPECT_EQ(leave.records[0].seq, 2u);
  EXPECT_EQ(leave.reason, CheckpointReason::leave);
  EXPECT_TRUE(leave.records[0].release);
  EXPECT_EQ(server->player_count(), 0u);
  EXPECT_EQ(server->departed_count(), 1u);
  CheckpointResult ok;
  ok.entries.push_back({7, leave.records[0].seq, 0, ServiceStatus::ok});
  server->on_checkpoints(ok, now());
  EXPECT_EQ(server->departed_count(), 0u);
}

TEST_F(LeasedZone, AStaleAnswerForALeftCharacterSparesItsNewSession) {
  join(1, 7);
  server->on_claim(granted(7, 5), now());
  event(InboundEvent::Kind::disconnected, 1);
  advance(static_cast<int>(config.resume_window_s * 30) + 2);
  CheckpointResult periodic;
  periodic.entries.push_back({7, 1, 5, ServiceStatus::ok});
  server->on_checkpoints(periodic, now());
  ASSERT_EQ(server->departed_count(), 1u);  // its release (epoch 5) is out
  join(2, 7);                               // back at once: a new claim, epoch 6
  server->on_claim(granted(7, 6), now());
  ASSERT_EQ(server->player_count(), 1u);
  CheckpointResult stale;
  stale.entries.push_back(
      {7, service.batches.back().records[0].seq, 5, ServiceStatus::stale_epoch});
  server->on_checkpoints(stale, now());
  EXPECT_EQ(server->departed_count(), 0u);
  EXPECT_EQ(server->player_count(), 1u);
  EXPECT_TRUE(taken<protocol::Kick>(2).empty());
}

TEST_F(LeasedZone, ShutdownReleasesEveryone) {
  join(1, 7);
  server->on_claim(granted(7), now());
  server->shutdown(now());
  ASSERT_EQ(service.batches.size(), 1u);
  EXPECT_EQ(service.batches[0].reason, CheckpointReason::shutdown);
  EXPECT_TRUE(service.batches[0].records[0].release);
}

TEST_F(LeasedZone, SteppingOnAPortalRequestsATransferAndLeavesOnSuccess) {
  join(1, 7);
  server->on_claim(granted(7), now());
  const uint32_t slot = server->slot_of_connection(1);
  server->world().teleport(slot, {40.5f, 32.5f});
  heartbeat(1);
  advance();
  ASSERT_EQ(service.transfers.size(), 1u);
  EXPECT_EQ(service.transfers[0].target_zone, "forest");
  EXPECT_EQ(service.transfers[0].target_spawn, "from_open");
  EXPECT_EQ(service.transfers[0].checkpoint.seq, 1u);
  EXPECT_FLOAT_EQ(service.transfers[0].checkpoint.x, 40.5f);
  advance(5);
  EXPECT_EQ(service.transfers.size(), 1u);  // one request at a time
  clear_outbox();
  TransferResult ok{7, ServiceStatus::ok, "ws://127.0.0.1:8082/z/forest/1", "forest", "tk"};
  server->on_transfer(ok, now());
  auto transfers = taken<protocol::Transfer>(1);
  ASSERT_EQ(transfers.size(), 1u);
  EXPECT_EQ(transfers[0].address, "ws://127.0.0.1:8082/z/forest/1");
  EXPECT_EQ(transfers[0].ticket, "tk");
  EXPECT_EQ(server->player_count(), 0u);  // gone at once, no resume window
  EXPECT_FALSE(server->world().active(slot));
}

TEST_F(LeasedZone, ARefusedTransferKeepsThePlayerAndBacksOff) {
  join(1, 7);
  server->on_claim(granted(7), now());
  const uint32_t slot = server->slot_of_connection(1);
  server->world().teleport(slot, {40.5f, 32.5f});
  heartbeat(1);
  advance();
  ASSERT_EQ(service.transfers.size(), 1u);
  server->on_transfer(TransferResult{7, ServiceStatus::unavailable, "", "", ""}, now());
  EXPECT_EQ(server->player_count(), 1u);
  live(3);                                  // the checkpoint part is retried as a checkpoint
  EXPECT_EQ(service.transfers.size(), 1u);  // backing off
  ASSERT_EQ(service.batches.size(), 1u);
  EXPECT_EQ(service.batches[0].records[0].seq, 1u);
  CheckpointResult ok;
  ok.entries.push_back({7, 1, 0, ServiceStatus::ok});
  server->on_checkpoints(ok, now());
  live(3);
  ASSERT_EQ(service.transfers.size(), 2u);  // tried again after the backoff
  EXPECT_EQ(service.transfers[1].checkpoint.seq, 2u);
}

TEST_F(LeasedZone, MarketDeltasChangeTheLiveInventoryButNotTheCheckpointDeltas) {
  join(1, 7);
  server->on_claim(granted(7), now());
  const uint32_t slot = server->slot_of_connection(1);
  EXPECT_TRUE(server->apply_market(MarketDelta{7, -20, {}}));
  EXPECT_FALSE(server->apply_market(MarketDelta{8, 5, {}}));
  EXPECT_EQ(server->world().inventory(slot).gold, 30u);
  live(10.1);
  ASSERT_EQ(service.batches.size(), 1u);
  EXPECT_EQ(service.batches[0].records[0].gold_delta, 0);
}

// What the trading post or a staff grant adds reaches the player's client as loot events (gold,
// then each item by content index); what it takes away is not announced.
TEST_F(LeasedZone, MarketDeltasThatAddAreAnnouncedToThePlayerAsLoot) {
  join(1, 7);
  server->on_claim(granted(7), now());
  const uint32_t slot = server->slot_of_connection(1);
  server->world().clear_events();
  ASSERT_TRUE(
      server->apply_market(MarketDelta{7, 15, {{"wolf_pelt", 2}, {"minor_health_potion", -1}}}));
  std::vector<protocol::GameEventEntry> loot;
  for (const WorldEvent& e : server->world().events())
    if (e.entry.type == protocol::GameEventType::loot && e.subject_slot == slot)
      loot.push_back(e.entry);
  ASSERT_EQ(loot.size(), 2u) << "gold and wolf_pelt (content/items.json) announced";
  EXPECT_EQ(loot[0].detail, World::kGoldDetail);
  EXPECT_EQ(loot[0].amount, 15u);
  EXPECT_EQ(loot[1].amount, 2u);
  EXPECT_EQ(server->world().inventory(slot).count(loot[1].detail), 2u);
}

// Every client that sees a player gets its character's name (the claim's), not its id.
TEST_F(LeasedZone, ClaimedNamesReachEveryClientThatSeesThePlayer) {
  join(1, 7);
  ClaimResult aragorn = granted(7);
  aragorn.character.name = "Aragorn";
  server->on_claim(aragorn, now());
  join(2, 8);
  ClaimResult boromir = granted(8);
  boromir.character.name = "Boromir";
  server->on_claim(boromir, now());
  protocol::WorldView view(taken<protocol::Welcome>(2).at(0).server_tick);
  const uint32_t aragorn_id = server->world().state(server->slot_of_connection(1)).id;
  clear_outbox();
  live(0.5);
  for (Outgoing& out : server->outbox()) {
    if (out.connection == 2 && !out.message.bytes().empty() &&
        out.message.bytes()[0] == static_cast<uint8_t>(protocol::MessageType::state_update)) {
      ASSERT_EQ(view.apply(out.message.bytes()), protocol::DecodeError::none);
    }
  }
  const protocol::EntityState* seen = view.find(aragorn_id);
  ASSERT_NE(seen, nullptr) << "Aragorn stands next to Boromir";
  EXPECT_EQ(seen->name.view(), "Aragorn");
}

// ---- chat -----------------------------------------------------------------------------------

class RecordingRelay : public ChatRelay {
 public:
  void publish(const ChatLine& line) override { lines.push_back(line); }
  std::vector<ChatLine> lines;
};

// Aragorn (7, connection 1) and Boromir (8, connection 2) stand together at (10.5, 12.5);
// Faramir (9, connection 3) stands 40 tiles away; an old client (10, connection 4, protocol
// version 1) stands with the first two. The relay records what leaves the instance.
struct ChatZone : LeasedZone {
  RecordingRelay relay;
  ChatHistory history;

  ChatZone() { server->attach_chat(&relay, &history); }
  void enter(ConnectionId c, uint64_t character, const char* name, uint16_t version = 2,
             uint64_t party = 0, uint64_t muted_until = 0) {
    join(c, character, version);
    ClaimResult r = granted(character);
    r.character.name = name;
    r.character.party_id = party;
    r.character.muted_until = muted_until;
    server->on_claim(r, now());
  }
  void everyone() {
    enter(1, 7, "Aragorn", 2, 77);
    enter(2, 8, "Boromir", 2, 77);
    enter(3, 9, "Faramir");
    server->world().teleport(server->slot_of_connection(3), {50.5f, 52.5f});
    enter(4, 10, "Denethor", 1);
    clear_outbox();
  }
  void say(ConnectionId c, protocol::ChatChannel channel, std::string text, std::string to = "") {
    event(InboundEvent::Kind::message, c,
          protocol::ChatSend{channel, std::move(to), std::move(text)});
  }
  // The chat lines sent to `c` since the last call (taken out of the outbox).
  std::vector<std::string> heard(ConnectionId c) {
    std::vector<std::string> lines;
    auto& outbox = server->outbox();
    std::erase_if(outbox, [&](Outgoing& out) {
      protocol::ServerMessage decoded;
      if (out.connection != c || protocol::decode_server_message(out.message.bytes(), decoded) !=
                                     protocol::DecodeError::none)
        return false;
      const auto* m = std::get_if<protocol::ChatMessage>(&decoded);
      if (m == nullptr) return false;
      lines.push_back(std::string(protocol::to_string(m->channel)) + " " + m->from +
                      (m->to.empty() ? "" : ">" + m->to) + ": " + m->text);
      return true;
    });
    return lines;
  }
};

using Lines = std::vector<std::string>;

TEST_F(ChatZone, SayReachesThePlayersNearTheSpeakerWhoseClientsSpeakChat) {
  everyone();
  say(1, protocol::ChatChannel::say, "well met");
  EXPECT_EQ(heard(1), Lines{"say Aragorn: well met"});
  EXPECT_EQ(heard(2), Lines{"say Aragorn: well met"});
  EXPECT_TRUE(heard(3).empty()) << "40 tiles away";
  EXPECT_TRUE(heard(4).empty()) << "a version 1 client gets no message it cannot read";
  EXPECT_TRUE(relay.lines.empty()) << "say never leaves the instance";
}

TEST_F(ChatZone, WorldLinesGoThroughTheRelayAndReachEveryone) {
  everyone();
  say(3, protocol::ChatChannel::world, "LFG rift");
  ASSERT_EQ(relay.lines.size(), 1u);
  EXPECT_EQ(relay.lines[0].from, "Faramir");
  EXPECT_EQ(relay.lines[0].from_character, 9u);
  EXPECT_TRUE(heard(3).empty()) << "delivered when the relay brings it back";
  server->deliver_chat(relay.lines[0]);
  for (ConnectionId c : {1, 2, 3}) EXPECT_EQ(heard(c), Lines{"world Faramir: LFG rift"});
  EXPECT_TRUE(heard(4).empty());
}

TEST_F(ChatZone, WhispersFindTheirRecipientByNameInAnyCase) {
  everyone();
  say(1, protocol::ChatChannel::whisper, "meet at the gate", "faramir");
  EXPECT_EQ(heard(1), Lines{"whisper Aragorn>faramir: meet at the gate"}) << "the sender's copy";
  ASSERT_EQ(relay.lines.size(), 1u);
  server->deliver_chat(relay.lines[0]);
  EXPECT_EQ(heard(3), Lines{"whisper Aragorn>faramir: meet at the gate"});
  EXPECT_TRUE(heard(1).empty()) << "not twice";
  EXPECT_TRUE(heard(2).empty());
  say(1, protocol::ChatChannel::whisper, "me?", "ARAGORN");
  EXPECT_EQ(heard(1), Lines{"system : You cannot whisper to yourself."});
}

TEST_F(ChatZone, AWhisperNobodyReceivesIsToldToItsSenderAndOneDeliveredIsNot) {
  everyone();
  say(1, protocol::ChatChannel::whisper, "are you there?", "Gandalf");  // online nowhere
  say(1, protocol::ChatChannel::whisper, "meet at the gate", "Faramir");
  heard(1);  // the sender's copies
  ASSERT_EQ(relay.lines.size(), 2u);
  EXPECT_NE(relay.lines[0].whisper_id, 0u);
  EXPECT_NE(relay.lines[0].whisper_id, relay.lines[1].whisper_id);
  // Every zone process hears both; only the one holding Faramir delivers, and relays a receipt.
  server->deliver_chat(relay.lines[0]);
  server->deliver_chat(relay.lines[1]);
  EXPECT_EQ(heard(3), Lines{"whisper Aragorn>Faramir: meet at the gate"});
  ASSERT_EQ(relay.lines.size(), 3u);
  const ChatLine receipt = relay.lines[2];
  EXPECT_TRUE(receipt.receipt);
  EXPECT_EQ(receipt.whisper_id, relay.lines[1].whisper_id);
  EXPECT_TRUE(receipt.text.empty()) << "a receipt does not carry the whisper again";
  server->deliver_chat(receipt);
  EXPECT_TRUE(heard(3).empty()) << "a receipt is for the sender's zone, not for players";

  advance(30);  // 1 s: still waiting for Gandalf's receipt
  EXPECT_TRUE(heard(1).empty());
  advance(32);  // 2 s after the tick that saw the whisper relayed
  EXPECT_EQ(heard(1), Lines{"system : Gandalf is not online: nobody got your whisper."})
      << "told once, for Gandalf only";
  advance(90);
  EXPECT_TRUE(heard(1).empty());
}

TEST_F(ChatZone, ALineTheRelayCouldNotPublishIsToldToItsSenderAsNotSentNotAsNobodyOnline) {
  everyone();
  say(1, protocol::ChatChannel::whisper, "are you there?", "Faramir");
  say(2, protocol::ChatChannel::world, "LFG rift");
  heard(1);
  ASSERT_EQ(relay.lines.size(), 2u);
  // Redis is down: the relay hands both lines back, marked undelivered, to this process only.
  for (ChatLine line : relay.lines) {
    line.undelivered = true;
    line.text.clear();
    server->deliver_chat(line);
  }
  EXPECT_EQ(heard(1), Lines{"system : Chat is unavailable right now: your whisper message was "
                            "not sent."});
  EXPECT_EQ(heard(2),
            Lines{"system : Chat is unavailable right now: your world message was not sent."});
  EXPECT_TRUE(heard(3).empty()) << "an undelivered line reaches nobody else";
  live(5);  // the whisper's wait ended with it: no "not online" afterwards
  EXPECT_TRUE(heard(1).empty());

  // A whisper the relay neither brings back nor hands back (the subscription is down): after
  // 10 s its sender hears that it may not have arrived, not that nobody is online.
  say(1, protocol::ChatChannel::whisper, "still there?", "Faramir");
  heard(1);
  live(9.8);
  EXPECT_TRUE(heard(1).empty());
  live(0.4);
  EXPECT_EQ(heard(1), Lines{"system : Chat is unavailable right now: your whisper to Faramir "
                            "may not have arrived."});
}

TEST_F(ChatZone, PartyLinesReachThePartyAndAPartylessPlayerIsTold) {
  everyone();
  say(3, protocol::ChatChannel::party, "anyone?");
  EXPECT_EQ(heard(3), Lines{"system : You are not in a party."});
  EXPECT_TRUE(relay.lines.empty());
  say(1, protocol::ChatChannel::party, "pull");
  ASSERT_EQ(relay.lines.size(), 1u);
  EXPECT_EQ(relay.lines[0].party_id, 77u);
  server->deliver_chat(relay.lines[0]);
  EXPECT_EQ(heard(1), Lines{"party Aragorn: pull"});
  EXPECT_EQ(heard(2), Lines{"party Aragorn: pull"});
  EXPECT_TRUE(heard(3).empty());
  // Faramir joins the party (the API's push), Boromir leaves it.
  server->apply_social({SocialUpdate::Kind::party, 0, 0, 9, 77, {}, {}});
  server->apply_social({SocialUpdate::Kind::party, 0, 0, 8, 0, {}, {}});
  server->deliver_chat(relay.lines[0]);
  EXPECT_EQ(heard(3), Lines{"party Aragorn: pull"});
  EXPECT_TRUE(heard(2).empty());
}

TEST_F(ChatZone, NoticesReachTheNamedCharactersAsSystemLines) {
  everyone();
  SocialUpdate notice;
  notice.kind = SocialUpdate::Kind::notice;
  notice.character_ids = {7, 9, 12345};  // 12345: held by another zone process
  notice.text = "Legolas is online (forest).";
  server->apply_social(notice);
  EXPECT_EQ(heard(1), Lines{"system : Legolas is online (forest)."});
  EXPECT_EQ(heard(3), Lines{"system : Legolas is online (forest)."});
  EXPECT_TRUE(heard(2).empty());
}

TEST_F(ChatZone, AMutedPlayerIsToldAndHeardByNobodyUntilUnmuted) {
  enter(1, 7, "Aragorn", 2, 0, now().unix_seconds + 601);
  enter(2, 8, "Boromir");
  clear_outbox();
  say(1, protocol::ChatChannel::say, "spam");
  say(1, protocol::ChatChannel::world, "spam");
  EXPECT_EQ(heard(1), (Lines{"system : You are muted by a moderator for 10 more minutes.",
                             "system : You are muted by a moderator for 10 more minutes."}));
  EXPECT_TRUE(heard(2).empty());
  EXPECT_TRUE(relay.lines.empty());
  // Boromir's account (108) is muted live; Aragorn's (107) mute is lifted.
  server->apply_social({SocialUpdate::Kind::mute, 108, now().unix_seconds + 61, 0, 0, {}, {}});
  server->apply_social({SocialUpdate::Kind::mute, 107, 0, 0, 0, {}, {}});
  say(2, protocol::ChatChannel::say, "hello?");
  EXPECT_EQ(heard(2), Lines{"system : You are muted by a moderator for 1 more minute."});
  say(1, protocol::ChatChannel::say, "sorry");
  EXPECT_EQ(heard(1), Lines{"say Aragorn: sorry"});
}

TEST_F(ChatZone, LinesAboveTheBudgetAreRefusedWithANoticeAndAFloodIsNotKicked) {
  everyone();
  for (int i = 0; i < 7; ++i) say(1, protocol::ChatChannel::say, "line " + std::to_string(i));
  const Lines got = heard(2);
  EXPECT_EQ(got.size(), static_cast<size_t>(kChatBurst)) << "a burst of five passes";
  const Lines own = heard(1);
  ASSERT_EQ(own.size(), 7u);
  EXPECT_EQ(own.back(), "system : You are sending messages too fast. Wait a moment.");
  now_ns += 2'000'000'000;  // two seconds refill two lines
  say(1, protocol::ChatChannel::say, "again");
  EXPECT_EQ(heard(2), Lines{"say Aragorn: again"});
  EXPECT_TRUE(taken<protocol::Kick>(1).empty());
}

TEST_F(ChatZone, ALineThatIsNotOneLineOfTextOrFromAnOldClientIsAProtocolError) {
  everyone();
  say(1, protocol::ChatChannel::say, "two\nlines");
  ASSERT_EQ(taken<protocol::Kick>(1).size(), 1u);
  EXPECT_EQ(taken<protocol::Kick>(1)[0].reason, KickReason::protocol_error);
  say(4, protocol::ChatChannel::say, "I speak version 1");
  ASSERT_EQ(taken<protocol::Kick>(4).size(), 1u);
  EXPECT_TRUE(heard(2).empty());
}

TEST_F(ChatZone, AJoiningPlayerGetsTheWorldHistoryAfterWelcome) {
  history.add({protocol::ChatChannel::world, 1, "Gandalf", "", 0, "fly, you fools", 0});
  history.add({protocol::ChatChannel::world, 2, "Pippin", "", 0, "sorry", 0});
  enter(1, 7, "Aragorn");
  enter(4, 10, "Denethor", 1);
  EXPECT_EQ(heard(1), (Lines{"world Gandalf: fly, you fools", "world Pippin: sorry"}));
  EXPECT_TRUE(heard(4).empty());
}

// ---- arena: the match of an arena instance ---------------------------------------------------

// Team 1 = characters 7 (and 9 in a 2v2), team 2 = 8; their team spawns stand one tile apart
// (inside melee range), the saved zone of everyone is forest at (10.5, 12.5).
struct ArenaZone : LeasedZone {
  ArenaZone() {
    map.add_spawn({"team_1", 20, 32});
    map.add_spawn({"team_2", 21, 32});
  }
  void open_match(std::vector<uint64_t> team_1, uint32_t time_limit_s = 60) {
    MatchSpec spec{41,
                   "arena_1v1",
                   static_cast<uint32_t>(team_1.size()),
                   time_limit_s,
                   {std::move(team_1), {8}}};
    server->set_match(std::move(spec), now(), /*start_grace_s=*/30);
  }
  ClaimResult home(uint64_t character) {
    ClaimResult r = granted(character);
    r.character.zone = "forest";
    r.character.hp = 40;
    return r;
  }
  void enter(ConnectionId c, uint64_t character) {
    join(c, character);
    server->on_claim(home(character), now());
  }
  // `ticks` with every connection answering pings.
  void play(int ticks) {
    for (int i = 0; i < ticks; ++i) {
      for (ConnectionId c : {1, 2, 3}) heartbeat(c);
      advance();
    }
  }
  uint32_t slot(ConnectionId c) const { return server->slot_of_connection(c); }
  uint32_t id(ConnectionId c) const { return server->world().state(slot(c)).id; }
  protocol::RejectReason attack(ConnectionId from, ConnectionId to) {
    return server->world().use_action(slot(from), 1, id(to));
  }
  std::vector<CheckpointRecord> released() const {
    std::vector<CheckpointRecord> out;
    for (const CheckpointBatch& b : service.batches)
      for (const CheckpointRecord& r : b.records)
        if (r.release) out.push_back(r);
    return out;
  }
};

TEST_F(ArenaZone, OnlyTheMatchsCharactersJoinAtTheirTeamsSpawn) {
  open_match({7});
  join(3, 99);
  ASSERT_EQ(taken<protocol::Kick>(3).size(), 1u);
  EXPECT_EQ(taken<protocol::Kick>(3)[0].reason, KickReason::ticket_wrong_instance);
  EXPECT_TRUE(service.claims.empty());
  enter(1, 7);
  enter(2, 8);
  EXPECT_EQ(service.claims.size(), 2u);
  EXPECT_FLOAT_EQ(server->world().position(slot(1)).x, 20.5f);  // team_1, not the saved x/y
  EXPECT_FLOAT_EQ(server->world().position(slot(2)).x, 21.5f);  // team_2
  // Saved with 40 hp, the fight starts at full hp.
  EXPECT_EQ(server->world().combatant(slot(1)).hp, server->world().combatant(slot(1)).max_hp);
}

TEST_F(ArenaZone, PvpIsOnOnlyBetweenTheTwoTeamsWhileTheMatchRuns) {
  open_match({7, 9});
  enter(1, 7);
  enter(2, 8);
  play(2);  // waiting for character 9: no fighting yet
  EXPECT_EQ(server->match()->phase(), ArenaMatch::Phase::waiting);
  EXPECT_EQ(attack(1, 2), protocol::RejectReason::invalid_target);
  enter(3, 9);
  play(2);
  ASSERT_TRUE(server->match()->running());
  EXPECT_EQ(attack(1, 3), protocol::RejectReason::invalid_target);  // a teammate
  EXPECT_EQ(attack(1, 2), protocol::RejectReason::none);            // the enemy
  // Through the session too: an action on the enemy is confirmed, on a teammate rejected.
  clear_outbox();
  play(60);
  event(InboundEvent::Kind::message, 3,
        protocol::PlayerInput{1, false, 0, 0, 1, static_cast<uint32_t>(id(1))});
  play(1);
  ASSERT_EQ(taken<protocol::ActionReject>(3).size(), 1u);
  EXPECT_EQ(taken<protocol::ActionReject>(3)[0].reason, protocol::RejectReason::invalid_target);
}

TEST_F(LeasedZone, WorldInstancesKeepPvpOff) {
  join(1, 7);
  server->on_claim(granted(7), now());
  join(2, 8);
  server->on_claim(granted(8), now());
  const uint32_t a = server->slot_of_connection(1), b = server->slot_of_connection(2);
  server->world().teleport(b, server->world().position(a));
  EXPECT_EQ(server->world().use_action(a, 1, server->world().state(b).id),
            protocol::RejectReason::invalid_target);
}

TEST_F(ArenaZone, ATeamDownEndsTheMatchReportsOnceAndSendsEveryoneHome) {
  open_match({7});
  enter(1, 7);
  enter(2, 8);
  play(2);
  ASSERT_TRUE(server->match()->running());
  server->world().combatant(slot(2)).hp = 1;
  ASSERT_EQ(attack(1, 2), protocol::RejectReason::none);
  EXPECT_TRUE(server->world().combatant(slot(2)).dead());
  clear_outbox();
  play(1);
  ASSERT_TRUE(server->match()->ended());
  EXPECT_EQ(server->match()->winner(), std::optional<uint8_t>(1));
  ASSERT_EQ(service.reports.size(), 1u);
  EXPECT_EQ(service.reports[0].match_id, 41u);
  EXPECT_EQ(service.reports[0].winner_team, 1);
  for (ConnectionId c : {1, 2}) {
    ASSERT_EQ(taken<protocol::Kick>(c).size(), 1u) << c;
    EXPECT_EQ(taken<protocol::Kick>(c)[0].reason, KickReason::match_over);
  }
  EXPECT_EQ(server->player_count(), 0u);
  // Released into the saved zone and position, with the hp they came with.
  const auto records = released();
  ASSERT_EQ(records.size(), 2u);
  for (const CheckpointRecord& r : records) {
    EXPECT_EQ(r.zone, "forest");
    EXPECT_TRUE(r.has_position);
    EXPECT_FLOAT_EQ(r.x, 10.5f);
    EXPECT_FLOAT_EQ(r.y, 12.5f);
    EXPECT_EQ(r.hp, 40u);
  }
  // No answer: sent again after 2 s, with the same result; answered: never again.
  play(30);
  EXPECT_EQ(service.reports.size(), 1u);  // still in flight
  server->on_match_report({41, ServiceStatus::unavailable}, now());
  play(2 * 30 + 2);
  ASSERT_EQ(service.reports.size(), 2u);
  EXPECT_EQ(service.reports[1].winner_team, 1);
  EXPECT_GT(server->occupants(), 0u);  // an unanswered report keeps the instance open
  server->on_match_report({41, ServiceStatus::ok}, now());
  play(10 * 30);
  EXPECT_EQ(service.reports.size(), 2u);
  for (ConnectionId c : {1, 2}) event(InboundEvent::Kind::disconnected, c);  // the kicks close
  EXPECT_EQ(server->occupants(), 0u);
  // The dead did not respawn, and nobody gets back in.
  join(3, 7);
  EXPECT_EQ(taken<protocol::Kick>(3)[0].reason, KickReason::match_over);
}

TEST_F(ArenaZone, ARefusedReportIsNotSentAgain) {
  open_match({7});
  enter(1, 7);
  enter(2, 8);
  play(2);
  server->world().combatant(slot(1)).hp = 1;
  ASSERT_EQ(attack(2, 1), protocol::RejectReason::none);
  play(1);
  ASSERT_EQ(service.reports.size(), 1u);
  EXPECT_EQ(service.reports[0].winner_team, 2);
  server->on_match_report({41, ServiceStatus::refused}, now());  // 409 result_conflict
  play(10 * 30);
  EXPECT_EQ(service.reports.size(), 1u);
}

TEST_F(ArenaZone, TheTimeLimitEndsTheMatchForTheHealthierTeam) {
  open_match({7}, /*time_limit_s=*/3);
  enter(1, 7);
  enter(2, 8);
  play(2);
  ASSERT_TRUE(server->match()->running());
  ASSERT_EQ(attack(1, 2), protocol::RejectReason::none);
  EXPECT_LT(server->world().combatant(slot(2)).hp, server->world().combatant(slot(2)).max_hp);
  play(2 * 30);
  EXPECT_TRUE(server->match()->running());
  play(30 + 2);
  ASSERT_TRUE(server->match()->ended());
  ASSERT_EQ(service.reports.size(), 1u);
  EXPECT_EQ(service.reports[0].winner_team, 1);
}

TEST_F(ArenaZone, SavedPositionUnsetStaysUnsetInTheCheckpoint) {
  open_match({7}, /*time_limit_s=*/1);
  join(1, 7);
  ClaimResult r = home(7);
  r.character.x.reset();
  r.character.y.reset();
  r.character.hp.reset();
  server->on_claim(r, now());
  enter(2, 8);
  play(2 * 30);  // time limit, both unhurt: a draw
  ASSERT_TRUE(server->match()->ended());
  ASSERT_EQ(service.reports.size(), 1u);
  EXPECT_EQ(service.reports[0].winner_team, 0);
  for (const CheckpointRecord& record : released()) {
    if (record.character_id != 7) continue;
    EXPECT_EQ(record.zone, "forest");
    EXPECT_FALSE(record.has_position);
    const auto body = nlohmann::json::parse(checkpoint_body({CheckpointReason::leave, {record}}));
    EXPECT_TRUE(body["characters"][0]["x"].is_null());
    EXPECT_GT(record.hp, 0u);  // unset = full
  }
}

TEST(ControlRoute, ReadsTheMatchOfAnArenaOpen) {
  HttpRequestView request;
  request.method = "POST";
  request.target = "/instances";
  request.authorization = "Bearer tok";
  const std::string body =
      R"({"zone":"arena_1","instance":3,"kind":"arena","party_id":null,"match":{"id":12,)"
      R"("tournament":"arena_1v1","team_size":1,"time_limit_s":180,"teams":[[5],[6]]}})";
  request.body = body;
  ControlParse parsed = parse_control_request(request, "tok");
  ASSERT_TRUE(parsed.command);
  ASSERT_TRUE(parsed.command->match);
  EXPECT_EQ(parsed.command->match->id, 12u);
  EXPECT_EQ(parsed.command->match->time_limit_s, 180u);
  EXPECT_EQ(parsed.command->match->team_of(6), 2);
  const std::string bad = R"({"zone":"arena_1","instance":3,"match":{"id":12,"teams":[[5]]}})";
  request.body = bad;
  EXPECT_EQ(parse_control_request(request, "tok").error.status, 400);
}

}  // namespace
}  // namespace omega::zone

namespace omega::zone {
namespace {

TEST(InstanceHostTest, OpensInstancesOffTheTickAndClosesThem) {
  const protocol::TicketSigningKey key = protocol::ticket_key_from_seed({42});
  ZoneConfig config;
  config.ticket_public_key = key.public_key;
  config.map = "open:32";
  MessagePool pool;
  ZoneMetrics metrics;
  InstanceDirectory directory;
  ServiceResults results;
  LocalCharacterService service(results, game::CombatContent{});
  InstanceHost host(config, {}, pool, metrics, directory, service, results);
  std::string error;
  ASSERT_TRUE(host.load_maps(error)) << error;
  Now now{1'000'000'000, kUnixNow};
  ASSERT_EQ(host.open("open", 1, std::nullopt, now), InstanceHost::OpenStatus::opened);
  EXPECT_EQ(host.open("open", 1, std::nullopt, now), InstanceHost::OpenStatus::already_open);
  EXPECT_EQ(host.open("forest", 1, std::nullopt, now), InstanceHost::OpenStatus::not_hosted);

  std::optional<InstanceHost::OpenStatus> outcome;
  host.open_async("open", 2, 7,
                  [&](InstanceHost::OpenStatus s, InstanceHost&, const Now&) { outcome = s; });
  for (uint32_t tick = 1; !outcome && tick < 3000; ++tick) {
    now.steady_ns += kTickNs;
    host.advance(tick, now);
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_EQ(outcome, InstanceHost::OpenStatus::opened);
  EXPECT_NE(directory.resolve("/z/open/2"), InstanceDirectory::kNone);
  EXPECT_EQ(directory.resolve("/"), directory.resolve("/z/open/1"));
  const auto summaries = host.summaries();
  ASSERT_EQ(summaries.size(), 2u);
  EXPECT_EQ(summaries[1].party_id, std::optional<uint64_t>(7));
  const uint32_t closing = directory.resolve("/z/open/2");
  EXPECT_TRUE(host.close("open", 2, now));
  host.outbox().clear();
  // A connection routed to it just before it closed is told so.
  InboundEvent late = testing_support::inbound(InboundEvent::Kind::connected, 99, now.steady_ns);
  late.instance = closing;
  host.handle(late, now);
  ASSERT_EQ(host.outbox().size(), 1u);
  EXPECT_EQ(host.outbox()[0].connection, 99u);
  EXPECT_EQ(host.outbox()[0].close, KickReason::shutting_down);
  EXPECT_FALSE(host.close("open", 2, now));
  EXPECT_EQ(directory.resolve("/z/open/2"), InstanceDirectory::kNone);
  EXPECT_EQ(host.instance_count(), 1u);
}

}  // namespace
}  // namespace omega::zone
