// World endpoints (directory, tickets, leases, checkpoints, transfers, parties) against a
// real PostgreSQL and Redis.
//
// Zone processes are simulated: tests write registry entries straight into Redis, as a zone
// would, and FakeZoneControl stands in for a zone's control port. It only records
// POST /instances and registers the instance in Redis the way the contract says a zone does.
// A real omega-zone is not used here: this suite runs in the API's build alone, without the
// zone binary, and a real zone would also claim and checkpoint on its own schedule, which
// would make these exact-state checks racy. The zone side is covered by the e2e suite.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "api/integration_test_support.hpp"
#include "api/redis_pool.hpp"
#include "protocol/ticket.hpp"

namespace omega::api::testing {
namespace {

const std::string kSeed = [] {
  std::string seed;
  for (int i = 0; i < 32; ++i) seed += "0d";  // the dev seed of scripts/run-local
  return seed;
}();

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int capacity_of(const std::string& zone) {
  if (zone.rfind("rift", 0) == 0) return 5;
  if (zone.rfind("hub", 0) == 0) return 500;
  return 100;
}

std::string kind_of(const std::string& zone) {
  if (zone.rfind("rift", 0) == 0) return "rift";
  if (zone.rfind("hub", 0) == 0) return "hub";
  return "field";
}

// Writes registry entries the way zone processes do.
class RegistryWriter {
 public:
  RegistryWriter(const std::string& redis_url, std::string prefix)
      : redis_(redis_url, 2, std::chrono::milliseconds(2000)), prefix_(std::move(prefix)) {}

  void instance(const std::string& zone, std::uint32_t number, int players, std::int64_t expires_ms = 0,
                std::optional<std::int64_t> party_id = std::nullopt, const std::string& process = "p1") {
    const nlohmann::json entry = {{"zone", zone},
                                  {"instance", number},
                                  {"proc", process},
                                  {"ws_url", "ws://127.0.0.1:8081/z/" + zone + "/" + std::to_string(number)},
                                  {"players", players},
                                  {"capacity", capacity_of(zone)},
                                  {"kind", kind_of(zone)},
                                  {"party_id", party_id ? nlohmann::json(*party_id) : nlohmann::json()},
                                  {"expires_ms", expires_ms ? expires_ms : now_ms() + 10'000}};
    redis_.command({"HSET", prefix_ + "instances", zone + ":" + std::to_string(number), entry.dump()});
  }

  void process(const std::string& id, const std::string& control_url, const std::vector<std::string>& zones) {
    const nlohmann::json entry = {{"id", id},
                                  {"ws_url", "ws://127.0.0.1:8081"},
                                  {"control_url", control_url},
                                  {"zones", zones},
                                  {"expires_ms", now_ms() + 10'000}};
    redis_.command({"HSET", prefix_ + "zoneprocs", id, entry.dump()});
  }

  RedisValue command(const RedisCommand& args) { return redis_.command(args); }
  const std::string& prefix() const { return prefix_; }

 private:
  RedisPool redis_;
  std::string prefix_;
};

// A stand-in for a zone process' control port: records POST /instances, registers the
// instance in Redis (as a zone does before answering) and answers 201.
class FakeZoneControl {
 public:
  explicit FakeZoneControl(RegistryWriter& registry) : registry_(registry) {
    listener_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || listen(listener_, 16) != 0)
      throw std::runtime_error("fake zone control: cannot listen");
    socklen_t length = sizeof address;
    getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~FakeZoneControl() {
    stopping_ = true;
    thread_.join();
    close(listener_);
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::vector<nlohmann::json> opened() const {
    std::lock_guard lock(mutex_);
    return opened_;
  }
  std::vector<std::string> authorizations() const {
    std::lock_guard lock(mutex_);
    return authorizations_;
  }

 private:
  void serve() {
    while (!stopping_) {
      pollfd ready{listener_, POLLIN, 0};
      if (poll(&ready, 1, 50) <= 0) continue;
      const int client = accept(listener_, nullptr, nullptr);
      if (client < 0) continue;
      answer(client);
      close(client);
    }
  }

  void answer(int client) {
    std::string request;
    char buffer[4096];
    std::size_t header_end = std::string::npos;
    std::size_t body_length = 0;
    while (header_end == std::string::npos || request.size() < header_end + 4 + body_length) {
      pollfd readable{client, POLLIN, 0};
      if (poll(&readable, 1, 2000) <= 0) return;
      const auto n = recv(client, buffer, sizeof buffer, 0);
      if (n <= 0) return;
      request.append(buffer, static_cast<std::size_t>(n));
      if (header_end == std::string::npos && (header_end = request.find("\r\n\r\n")) != std::string::npos) {
        auto lower = request.substr(0, header_end);
        for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        const auto length = lower.find("content-length:");
        if (length != std::string::npos) body_length = std::stoul(lower.substr(length + 15));
      }
    }
    const auto body = nlohmann::json::parse(request.substr(header_end + 4, body_length), nullptr, false);
    std::string authorization;
    if (const auto at = request.find("Authorization: "); at != std::string::npos)
      authorization = request.substr(at + 15, request.find("\r\n", at) - at - 15);
    const bool is_open = request.rfind("POST /instances ", 0) == 0 && body.is_object();
    std::string response_body;
    if (is_open) {
      const auto zone = body["zone"].get<std::string>();
      const auto number = body["instance"].get<std::uint32_t>();
      std::optional<std::int64_t> party;
      if (body["party_id"].is_number_integer()) party = body["party_id"].get<std::int64_t>();
      registry_.instance(zone, number, 0, 0, party, "fake");
      response_body = nlohmann::json{{"zone", zone},
                                     {"instance", number},
                                     {"ws_url", "ws://127.0.0.1:8081/z/" + zone + "/" + std::to_string(number)}}
                          .dump();
      std::lock_guard lock(mutex_);
      opened_.push_back(body);
      authorizations_.push_back(authorization);
    }
    const std::string response = std::string(is_open ? "HTTP/1.1 201 Created" : "HTTP/1.1 404 Not Found") +
                                 "\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: " +
                                 std::to_string(response_body.size()) + "\r\n\r\n" + response_body;
    send(client, response.data(), response.size(), MSG_NOSIGNAL);
  }

  RegistryWriter& registry_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
  mutable std::mutex mutex_;
  std::vector<nlohmann::json> opened_;
  std::vector<std::string> authorizations_;
};

struct Player {
  std::string token;
  std::int64_t account_id = 0;
  std::int64_t character_id = 0;
};

class ApiWorldIT : public FreshDatabaseTest {
 protected:
  void SetUp() override {
    FreshDatabaseTest::SetUp();
    api_ = start_api([](Config& config) { config.ticket_signing_seed = kSeed; });
    registry_ = std::make_unique<RegistryWriter>(shared_services().redis_url, api_->config().redis_prefix);
  }

  Player player(const std::string& name) {
    const auto login = api_->register_and_login("acct_" + unique_suffix());
    Player created;
    created.token = login["access_token"];
    created.account_id = login["account_id"];
    const auto character = api_->post("/v1/characters", {{"name", name}, {"class", "warrior"}}, created.token);
    if (character.status != 201) throw std::runtime_error(character.body);
    created.character_id = character.json()["character"]["id"];
    return created;
  }

  HttpResult play(const Player& who, const std::optional<std::string>& zone = std::nullopt) {
    nlohmann::json body = {{"character_id", who.character_id}};
    if (zone) body["zone"] = *zone;
    return api_->post("/v1/play", body, who.token);
  }

  HttpResult claim(const Player& who, const nlohmann::json& seat, std::int64_t ticket_epoch) {
    return api_->post("/internal/v1/leases/claim",
                      {{"character_id", who.character_id},
                       {"account_id", who.account_id},
                       {"zone", seat["zone"]},
                       {"instance", seat["instance"]},
                       {"ticket_epoch", ticket_epoch}},
                      TestApi::kServiceToken);
  }

  // Plays and claims: the character is live in a zone with the returned lease epoch.
  std::int64_t enter(const Player& who, const std::optional<std::string>& zone = std::nullopt) {
    const auto seat = play(who, zone);
    if (seat.status != 200) throw std::runtime_error(seat.body);
    const auto claimed = claim(who, seat.json(), seat.json()["lease_epoch"]);
    if (claimed.status != 200) throw std::runtime_error(claimed.body);
    return claimed.json()["lease_epoch"];
  }

  static nlohmann::json record(const Player& who, std::int64_t epoch, std::int64_t seq) {
    return {{"character_id", who.character_id},
            {"lease_epoch", epoch},
            {"seq", seq},
            {"zone", "hub_city_1"},
            {"x", 12.5},
            {"y", 7.25},
            {"hp", 90},
            {"mana", 20},
            {"level", 2},
            {"experience", 150},
            {"kills", 1},
            {"gold_delta", 0},
            {"items_delta", nlohmann::json::array()},
            {"release", false}};
  }

  HttpResult checkpoint(const std::vector<nlohmann::json>& records) {
    return api_->post("/internal/v1/checkpoints", {{"reason", "periodic"}, {"characters", records}},
                      TestApi::kServiceToken);
  }

  long long column(const Player& who, const std::string& expression) {
    return count("SELECT " + expression + " FROM characters WHERE id = " + std::to_string(who.character_id));
  }

  std::unique_ptr<TestApi> api_;
  std::unique_ptr<RegistryWriter> registry_;
};

std::string decode_hex(const std::string& hex) {
  std::string bytes;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    bytes.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return bytes;
}

protocol::JoinTicket verified(const nlohmann::json& seat) {
  const auto key = protocol::ticket_key_from_seed(*protocol::from_hex<32>(kSeed));
  protocol::JoinTicket ticket;
  const auto now = static_cast<std::uint64_t>(now_ms() / 1000);
  EXPECT_EQ(protocol::verify_ticket(decode_hex(seat["ticket"]), key.public_key, now, ticket),
            protocol::TicketError::none);
  return ticket;
}

TEST_F(ApiWorldIT, PlayAssignsAnInstanceAndMintsAVerifiableTicket) {
  registry_->process("p1", "http://127.0.0.1:1", {"hub_city_1"});
  registry_->instance("hub_city_1", 1, 10);
  const auto hero = player("Hero");
  const auto seat = play(hero);
  ASSERT_EQ(seat.status, 200) << seat.body;
  const auto body = seat.json();
  EXPECT_EQ(body["zone"], "hub_city_1");
  EXPECT_EQ(body["instance"], 1);
  EXPECT_EQ(body["ws_url"], "ws://127.0.0.1:8081/z/hub_city_1/1");
  EXPECT_EQ(body["lease_epoch"], 0);
  const auto ticket = verified(body);
  EXPECT_EQ(ticket.account_id, static_cast<std::uint64_t>(hero.account_id));
  EXPECT_EQ(ticket.character_id, static_cast<std::uint64_t>(hero.character_id));
  EXPECT_EQ(ticket.zone, "hub_city_1");
  EXPECT_EQ(ticket.instance_id, 1u);
  EXPECT_EQ(ticket.lease_epoch, 0u);
  EXPECT_EQ(ticket.expires_at_unix, body["expires_at"].get<std::uint64_t>());
  // The seat is reserved until the claim arrives.
  EXPECT_EQ(registry_->command({"ZCARD", registry_->prefix() + "reserve:hub_city_1:1"}).integer, 1);

  const auto stranger = player("Stranger");
  EXPECT_EQ(api_->post("/v1/play", {{"character_id", hero.character_id}}, stranger.token).status, 404);
  EXPECT_EQ(api_->post("/v1/play", {{"character_id", hero.character_id}}).status, 401);
  const auto unknown = play(hero, "atlantis");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(unknown.json()["error"]["code"], "unknown_zone");
}

TEST_F(ApiWorldIT, ClaimBumpsTheEpochAndAnOlderTicketIsRefused) {
  registry_->instance("hub_city_1", 1, 10);
  const auto hero = player("Hero");
  const auto seat = play(hero).json();
  const auto claimed = claim(hero, seat, 0);
  ASSERT_EQ(claimed.status, 200) << claimed.body;
  const auto body = claimed.json();
  EXPECT_EQ(body["lease_epoch"], 1);
  EXPECT_EQ(body["character"]["name"], "Hero");
  EXPECT_EQ(body["character"]["zone"], "hub_city_1");
  EXPECT_TRUE(body["character"]["x"].is_null());
  EXPECT_TRUE(body["character"]["hp"].is_null());
  EXPECT_EQ(body["character"]["items"].size(), 3u);
  EXPECT_EQ(column(hero, "lease_epoch"), 1);
  EXPECT_EQ(column(hero, "lease_released::int"), 0);
  EXPECT_EQ(registry_->command({"ZCARD", registry_->prefix() + "reserve:hub_city_1:1"}).integer, 0);

  const auto again = claim(hero, seat, 0);
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(again.json()["error"]["code"], "stale_ticket");
  EXPECT_EQ(column(hero, "lease_epoch"), 1);

  // A second play resumes the held instance with the current epoch.
  registry_->instance("hub_city_1", 1, 11);
  const auto resumed = play(hero).json();
  EXPECT_EQ(resumed["instance"], 1);
  EXPECT_EQ(resumed["lease_epoch"], 1);

  auto other = hero;
  other.account_id += 1000;  // a ticket for someone else's character
  EXPECT_EQ(claim(other, seat, 1).status, 404);
  EXPECT_EQ(api_->post("/internal/v1/leases/claim", {{"character_id", hero.character_id}}, "").status, 401);
}

TEST_F(ApiWorldIT, AStaleEpochCheckpointIsRefusedAndACurrentOneApplies) {
  registry_->instance("hub_city_1", 1, 10);
  const auto hero = player("Hero");
  const auto old_epoch = enter(hero);
  const auto current = enter(hero);  // a newer session took the character over
  ASSERT_EQ(current, old_epoch + 1);

  auto stale = record(hero, old_epoch, 1);
  stale["gold_delta"] = 100;
  const auto refused = checkpoint({stale});
  EXPECT_EQ(refused.status, 409);
  EXPECT_EQ(refused.json()["results"][0]["status"], "stale_epoch");
  EXPECT_EQ(column(hero, "level"), 1);
  EXPECT_EQ(column(hero, "gold"), 0);
  EXPECT_EQ(column(hero, "checkpoint_seq"), 0);
  EXPECT_EQ(column(hero, "(position_x IS NULL)::int"), 1);

  const auto applied = checkpoint({record(hero, current, 1)});
  ASSERT_EQ(applied.status, 200) << applied.body;
  EXPECT_EQ(applied.json()["results"][0]["status"], "ok");
  EXPECT_EQ(column(hero, "level"), 2);
  EXPECT_EQ(column(hero, "experience"), 150);
  EXPECT_EQ(column(hero, "hp"), 90);
  EXPECT_EQ(column(hero, "(position_x * 100)::int"), 1250);
  EXPECT_EQ(column(hero, "checkpoint_seq"), 1);
}

TEST_F(ApiWorldIT, ARepeatedSeqIsADuplicateWithNoSecondEffect) {
  registry_->instance("hub_city_1", 1, 10);
  const auto hero = player("Hero");
  const auto epoch = enter(hero);
  auto first = record(hero, epoch, 1);
  first["gold_delta"] = 50;
  first["items_delta"] = {{{"item_id", "wolf_pelt"}, {"delta", 3}}, {{"item_id", "minor_health_potion"}, {"delta", -1}}};
  for (const char* expected : {"ok", "duplicate"}) {  // the zone retries a request it got no answer to
    const auto result = checkpoint({first});
    ASSERT_EQ(result.status, 200) << result.body;
    EXPECT_EQ(result.json()["results"][0]["status"], expected);
  }
  EXPECT_EQ(column(hero, "gold"), 50);
  EXPECT_EQ(count("SELECT coalesce(sum(quantity), 0) FROM inventory_items WHERE item_id = 'wolf_pelt' AND character_id = " +
                  std::to_string(hero.character_id)),
            3);

  // Gold never goes below zero; the delta is clamped.
  auto second = record(hero, epoch, 2);
  second["gold_delta"] = -500;
  second["release"] = true;
  EXPECT_EQ(checkpoint({second}).json()["results"][0]["status"], "ok");
  EXPECT_EQ(column(hero, "gold"), 0);
  EXPECT_EQ(column(hero, "lease_released::int"), 1);
  // After the release only a retry of the releasing checkpoint is accepted (as a duplicate).
  EXPECT_EQ(checkpoint({second}).json()["results"][0]["status"], "duplicate");
  const auto late = checkpoint({record(hero, epoch, 3)});
  EXPECT_EQ(late.status, 409);
  EXPECT_EQ(late.json()["results"][0]["status"], "stale_epoch");
  EXPECT_EQ(checkpoint({record(hero, epoch, 0)}).status, 422);
}

TEST_F(ApiWorldIT, ATransferReleasesTheLeaseAndReturnsATicketForTheTarget) {
  registry_->process("p1", "http://127.0.0.1:1", {"hub_city_1", "forest"});
  registry_->instance("hub_city_1", 1, 10);
  registry_->instance("forest", 1, 10);
  const auto hero = player("Hero");
  const auto epoch = enter(hero);
  auto leaving = record(hero, epoch, 1);
  leaving["gold_delta"] = 7;
  const nlohmann::json transfer = {{"checkpoint", leaving}, {"target_zone", "forest"}, {"target_spawn", "from_hub"}};
  const auto moved = api_->post("/internal/v1/transfers", transfer, TestApi::kServiceToken);
  ASSERT_EQ(moved.status, 200) << moved.body;
  const auto seat = moved.json();
  EXPECT_EQ(seat["zone"], "forest");
  EXPECT_EQ(seat["instance"], 1);
  EXPECT_EQ(seat["lease_epoch"], epoch);
  EXPECT_EQ(verified(seat).zone, "forest");
  EXPECT_EQ(column(hero, "lease_released::int"), 1);
  EXPECT_EQ(column(hero, "gold"), 7);
  EXPECT_EQ(count("SELECT count(*) FROM characters WHERE zone = 'forest' AND spawn = 'from_hub' AND position_x IS NULL"),
            1);

  // A retried transfer (the answer was lost) applies nothing twice and still gets a ticket.
  const auto retried = api_->post("/internal/v1/transfers", transfer, TestApi::kServiceToken);
  EXPECT_EQ(retried.status, 200) << retried.body;
  EXPECT_EQ(column(hero, "gold"), 7);

  // The target zone claims; the source zone's late checkpoint is fenced off.
  const auto claimed = claim(hero, seat, epoch);
  ASSERT_EQ(claimed.status, 200) << claimed.body;
  EXPECT_EQ(claimed.json()["character"]["spawn"], "from_hub");
  EXPECT_EQ(checkpoint({record(hero, epoch, 2)}).status, 409);
  EXPECT_EQ(api_->post("/internal/v1/transfers", transfer, TestApi::kServiceToken).status, 409);
}

TEST_F(ApiWorldIT, AZoneAtItsSoftCapMakesPlayOpenANewInstance) {
  FakeZoneControl zone_control(*registry_);
  registry_->process("p1", zone_control.url(), {"forest"});
  registry_->instance("forest", 1, 80);  // 80 % of 100
  const auto hero = player("Hero");
  const auto seat = play(hero, "forest");
  ASSERT_EQ(seat.status, 200) << seat.body;
  EXPECT_EQ(seat.json()["instance"], 2);
  EXPECT_EQ(seat.json()["ws_url"], "ws://127.0.0.1:8081/z/forest/2");
  const auto opened = zone_control.opened();
  ASSERT_EQ(opened.size(), 1u);
  EXPECT_EQ(opened[0]["zone"], "forest");
  EXPECT_EQ(opened[0]["instance"], 2);
  EXPECT_EQ(opened[0]["kind"], "field");
  EXPECT_TRUE(opened[0]["party_id"].is_null());
  EXPECT_EQ(zone_control.authorizations()[0], std::string("Bearer ") + TestApi::kServiceToken);
  EXPECT_EQ(column(hero, "(zone = 'forest')::int"), 1);

  // The next player fills the new instance rather than opening a third.
  const auto next = play(player("Second"), "forest");
  EXPECT_EQ(next.json()["instance"], 2);
  EXPECT_EQ(zone_control.opened().size(), 1u);
}

TEST_F(ApiWorldIT, AtTheHardCapWithMaxInstancesOpenPlayIsRefusedZoneFull) {
  registry_->process("p1", "http://127.0.0.1:1", {"forest"});
  for (std::uint32_t i = 1; i <= 5; ++i) registry_->instance("forest", i, 95);
  const auto hero = player("Hero");
  const auto refused = play(hero, "forest");
  EXPECT_EQ(refused.status, 409);
  EXPECT_EQ(refused.json()["error"]["code"], "zone_full");
  const std::string message = refused.json()["error"]["message"];
  EXPECT_NE(message.find("95% hard cap"), std::string::npos) << message;
  EXPECT_EQ(column(hero, "(zone = 'hub_city_1')::int"), 1);  // a refused zone is not saved

  registry_->instance("forest", 3, 94);  // one seat left below the hard cap
  const auto seated = play(player("Second"), "forest");
  EXPECT_EQ(seated.status, 200) << seated.body;
  EXPECT_EQ(seated.json()["instance"], 3);
}

TEST_F(ApiWorldIT, ADeadInstanceIsNotUsed) {
  registry_->instance("forest", 1, 10, now_ms() - 1000);  // its process stopped refreshing it
  const auto hero = player("Hero");
  const auto refused = play(hero, "forest");
  EXPECT_EQ(refused.status, 503);
  EXPECT_EQ(refused.json()["error"]["code"], "no_capacity");

  FakeZoneControl zone_control(*registry_);
  registry_->process("p2", zone_control.url(), {"forest"});
  const auto seat = play(hero, "forest");
  ASSERT_EQ(seat.status, 200) << seat.body;
  ASSERT_EQ(zone_control.opened().size(), 1u);  // a new instance, not the dead one
  EXPECT_EQ(zone_control.opened()[0]["instance"], 1);
}

TEST_F(ApiWorldIT, ThreePartyMembersEnteringARiftShareOnePrivateInstance) {
  FakeZoneControl zone_control(*registry_);
  registry_->process("p1", zone_control.url(), {"hub_city_1", "rift_d1"});
  const auto leader = player("Leader");
  const auto second = player("Second");
  const auto third = player("Third");
  const auto created = api_->post("/v1/parties", {{"character_id", leader.character_id}}, leader.token);
  ASSERT_EQ(created.status, 201) << created.body;
  const auto party = std::to_string(created.json()["id"].get<std::int64_t>());
  for (const auto* member : {&second, &third}) {
    ASSERT_EQ(api_->post("/v1/parties/" + party + "/invite",
                         {{"character_id", leader.character_id}, {"invitee", member->character_id}}, leader.token)
                  .status,
              200);
    const auto joined = api_->post("/v1/parties/" + party + "/join", {{"character_id", member->character_id}}, member->token);
    ASSERT_EQ(joined.status, 200) << joined.body;
  }
  EXPECT_EQ(api_->get("/v1/parties/" + party, third.token).json()["members"].size(), 3u);

  std::set<std::int64_t> instances;
  for (const auto* member : {&leader, &second, &third}) {
    const auto seat = play(*member, "rift_d1");
    ASSERT_EQ(seat.status, 200) << seat.body;
    instances.insert(seat.json()["instance"].get<std::int64_t>());
  }
  EXPECT_EQ(instances.size(), 1u);
  ASSERT_EQ(zone_control.opened().size(), 1u);
  EXPECT_EQ(zone_control.opened()[0]["kind"], "rift");
  EXPECT_EQ(std::to_string(zone_control.opened()[0]["party_id"].get<std::int64_t>()), party);

  // A solo player gets a rift of their own.
  const auto solo = play(player("Loner"), "rift_d1");
  ASSERT_EQ(solo.status, 200) << solo.body;
  EXPECT_FALSE(instances.count(solo.json()["instance"].get<std::int64_t>()));
}

TEST_F(ApiWorldIT, PartyRules) {
  std::vector<Player> players;
  for (const char* name : {"Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot"}) players.push_back(player(name));
  const auto& leader = players[0];
  const auto party = std::to_string(
      api_->post("/v1/parties", {{"character_id", leader.character_id}}, leader.token).json()["id"].get<std::int64_t>());
  const auto invite = [&](const Player& by, const Player& whom) {
    return api_->post("/v1/parties/" + party + "/invite",
                      {{"character_id", by.character_id}, {"invitee", whom.character_id}}, by.token);
  };
  const auto join = [&](const Player& who) {
    return api_->post("/v1/parties/" + party + "/join", {{"character_id", who.character_id}}, who.token);
  };
  EXPECT_EQ(join(players[1]).json()["error"]["code"], "not_invited");
  EXPECT_EQ(invite(players[1], players[2]).json()["error"]["code"], "not_leader");
  for (int i = 1; i < 5; ++i) {
    ASSERT_EQ(invite(leader, players[i]).status, 200);
    ASSERT_EQ(join(players[i]).status, 200);
  }
  EXPECT_EQ(invite(leader, players[5]).json()["error"]["code"], "party_full");
  // Already in a party: cannot found another.
  EXPECT_EQ(api_->post("/v1/parties", {{"character_id", players[1].character_id}}, players[1].token).status, 409);
  EXPECT_EQ(api_->get("/v1/parties/" + party, players[5].token).status, 404);  // not involved

  // The leader leaves: the longest member leads.
  EXPECT_EQ(api_->post("/v1/parties/" + party + "/leave", {{"character_id", leader.character_id}}, leader.token).status,
            204);
  const auto after = api_->get("/v1/parties/" + party, players[1].token).json();
  EXPECT_EQ(after["leader"], players[1].character_id);
  EXPECT_EQ(after["members"].size(), 4u);
  for (int i = 1; i < 5; ++i)
    EXPECT_EQ(api_->post("/v1/parties/" + party + "/leave", {{"character_id", players[i].character_id}},
                         players[i].token)
                  .status,
              204);
  EXPECT_EQ(count("SELECT count(*) FROM parties"), 0);
}

}  // namespace
}  // namespace omega::api::testing
