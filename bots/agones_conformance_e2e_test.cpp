// Agones SDK conformance harness (issue 15), re-implemented from the shape of Agones' own SDK
// conformance test (a local SDK server in test mode records the name of every call it gets, and
// the set of calls is compared with the expected one when the game server is done), run against
// the real omega-zone process:
//
//   - the stand-in sidecar (`SidecarStandIn`, a FakeHttpServer in this process) keeps what the
//     real one keeps — the GameServer's state, its Counters (declared with a capacity, refusing
//     a count outside [0, capacity] and 64-bit values that are not JSON strings, as the REST
//     gateway's mapping has them), its labels — and records every call;
//   - it starts listening 1-5 s after the zone (the real sidecar starts beside the game server in
//     no set order; until then the zone's connections are refused);
//   - a stand-in for omega-api's internal endpoints grants leases and records the checkpoints, so
//     the test sees the drain;
//   - after each step (ready, players join, allocate, counters, players leave, SIGTERM,
//     shutdown) the calls recorded so far and the Counter values are checked.
#include <gtest/gtest.h>

#include <future>
#include <map>
#include <mutex>
#include <random>
#include <set>

#include <nlohmann/json.hpp>

#include "bots/fake_http_server.hpp"
#include "bots/zone_e2e_support.hpp"

namespace omega::bots {
namespace {

using nlohmann::json;
using testing::BackgroundBots;
using testing::FakeHttpServer;
using testing::kSlowdown;
using testing::RecordedRequest;
using testing::swarm_config;
using testing::wait_for;
using testing::zone_env;
using testing::ZoneProcess;

constexpr const char* kGameServerName = "omega-zone-conformance-x7k2p";
constexpr const char* kPublicAddress = "203.0.113.7";  // TEST-NET-3: advertised, never dialled
constexpr int kPublicWsPort = 7001;

struct Counter {
  int64_t count = 0, capacity = 0;
  bool operator==(const Counter&) const = default;
};

// The SDK sidecar as a game server sees it over REST (the subset omega-zone may use; anything
// else is recorded as unexpected and answered 404).
class SidecarStandIn {
 public:
  std::pair<int, std::string> handle(const RecordedRequest& request) {
    std::lock_guard lock(mutex_);
    const std::string& path = request.target;
    if (request.method == "GET" && path == "/gameserver") return call("gameserver", game_server());
    if (request.method == "POST" && path == "/ready") return call("ready", "{}", "Ready");
    if (request.method == "POST" && path == "/health") {
      if (request.body != "{}") violations_.push_back("health body " + request.body);
      return call("health", "{}");
    }
    if (request.method == "POST" && path == "/allocate") return call("allocate", "{}", "Allocated");
    if (request.method == "POST" && path == "/shutdown") return call("shutdown", "{}", "Shutdown");
    if (request.method == "PUT" && path == "/metadata/label") return set_label(request.body);
    const std::string counters = "/v1beta1/counters/";
    if (request.method == "PATCH" && path.rfind(counters, 0) == 0)
      return update_counter(path.substr(counters.size()), request.body);
    calls_.push_back("unexpected " + request.method + " " + path);
    return {404, R"({"error":"not found"})"};
  }

  std::vector<std::string> calls() const {
    std::lock_guard lock(mutex_);
    return calls_;
  }
  std::set<std::string> call_set() const {
    const auto all = calls();
    return {all.begin(), all.end()};
  }
  size_t count(const std::string& name) const {
    const auto all = calls();
    return static_cast<size_t>(std::count(all.begin(), all.end(), name));
  }
  std::string state() const {
    std::lock_guard lock(mutex_);
    return state_;
  }
  Counter counter(const std::string& name) const {
    std::lock_guard lock(mutex_);
    return counters_.at(name);
  }
  std::map<std::string, std::string> labels() const {
    std::lock_guard lock(mutex_);
    return labels_;
  }
  std::vector<std::string> violations() const {
    std::lock_guard lock(mutex_);
    return violations_;
  }

 private:
  std::pair<int, std::string> call(const std::string& name, std::string body,
                                   const char* new_state = nullptr) {
    calls_.push_back(name);
    if (new_state != nullptr) state_ = new_state;
    return {200, std::move(body)};
  }

  std::string game_server() const {
    return json{{"object_meta", {{"name", kGameServerName}, {"namespace", "omega"}}},
                {"status",
                 {{"state", state_},
                  {"address", kPublicAddress},
                  {"ports", {{{"name", "ws"}, {"port", kPublicWsPort}}}}}}}
        .dump();
  }

  std::pair<int, std::string> set_label(const std::string& body) {
    const json kv = json::parse(body, nullptr, false);
    if (!kv.is_object() || !kv["key"].is_string() || !kv["value"].is_string()) {
      violations_.push_back("label body " + body);
      return {400, "{}"};
    }
    labels_["agones.dev/sdk-" + kv["key"].get<std::string>()] = kv["value"].get<std::string>();
    return call("setlabel", "{}");
  }

  // PATCH /v1beta1/counters/{name} {"count"|"capacity"|"countDiff": "N"}: the Beta API.
  std::pair<int, std::string> update_counter(const std::string& name, const std::string& body) {
    auto it = counters_.find(name);
    if (it == counters_.end()) {
      calls_.push_back("updatecounter of an undeclared Counter " + name);
      return {404, R"({"error":"not found"})"};
    }
    const json update = json::parse(body, nullptr, false);
    Counter next = it->second;
    if (!update.is_object()) return violation("counter body " + body);
    for (const auto& [field, value] : update.items()) {
      if (!value.is_string()) return violation("64-bit value not a JSON string: " + body);
      const int64_t number = std::stoll(value.get<std::string>());
      if (field == "count")
        next.count = number;
      else if (field == "capacity")
        next.capacity = number;
      else if (field == "countDiff")
        next.count += number;
      else
        return violation("counter field " + field);
    }
    if (next.capacity < 0 || next.count < 0 || next.count > next.capacity)
      return violation("counter " + name + " out of range: " + body);
    it->second = next;
    calls_.push_back("updatecounter");
    return {200, json{{"name", name},
                      {"count", std::to_string(next.count)},
                      {"capacity", std::to_string(next.capacity)}}
                     .dump()};
  }

  std::pair<int, std::string> violation(std::string what) {
    violations_.push_back(std::move(what));
    return {400, R"({"error":"invalid"})"};
  }

  mutable std::mutex mutex_;
  std::string state_ = "Scheduled";
  // Declared in the GameServer spec (the Fleet's `counters`) with a capacity the zone replaces.
  std::map<std::string, Counter> counters_{{"players", {0, 1}}, {"instances", {0, 1}}};
  std::map<std::string, std::string> labels_;
  std::vector<std::string> calls_;
  std::vector<std::string> violations_;
};

// omega-api's internal endpoints: every claim granted, every checkpoint applied.
class ApiStandIn {
 public:
  std::pair<int, std::string> handle(const RecordedRequest& request) {
    const json body = json::parse(request.body, nullptr, false);
    if (request.target == "/internal/v1/leases/claim" && body.is_object()) {
      const json character = {{"name", "c" + std::to_string(body.value("character_id", 0))},
                              {"class", "warrior"},
                              {"zone", "hub_city_1"},
                              {"level", 1},
                              {"experience", 0},
                              {"gold", 0},
                              {"items", json::array()}};
      return {200,
              json{{"lease_epoch", body.value("ticket_epoch", 0) + 1}, {"character", character}}
                  .dump()};
    }
    if (request.target == "/internal/v1/checkpoints" && body.is_object()) {
      json results = json::array();
      for (const json& record : body["characters"])
        results.push_back({{"character_id", record["character_id"]}, {"status", "ok"}});
      return {200, json{{"results", results}}.dump()};
    }
    return {404, R"({"error":{"code":"not_found"}})"};
  }
};

// Characters released by checkpoints with `reason`, and the order of the last such request.
std::pair<std::set<uint64_t>, uint64_t> released(const FakeHttpServer& api,
                                                 const std::string& reason) {
  std::set<uint64_t> characters;
  uint64_t last = 0;
  for (const RecordedRequest& request : api.requests()) {
    if (request.target != "/internal/v1/checkpoints") continue;
    const json body = json::parse(request.body);
    if (body["reason"] != reason) continue;
    for (const json& record : body["characters"])
      if (record["release"] == true) characters.insert(record["character_id"].get<uint64_t>());
    last = request.order;
  }
  return {characters, last};
}

// The sidecar starts 1-5 s after the zone: random, but printed so a failure can be replayed
// with OMEGA_AGONES_SIDECAR_DELAY_MS.
int sidecar_delay_ms() {
  if (const char* fixed = std::getenv("OMEGA_AGONES_SIDECAR_DELAY_MS")) return std::atoi(fixed);
  std::random_device random;
  return std::uniform_int_distribution<int>(1000, 5000)(random);
}

SwarmConfig players(const ZoneProcess& zone, size_t count, uint64_t first_character) {
  SwarmConfig config = swarm_config(zone, "hub_city_1", count, 600.0);
  config.first_character_id = first_character;
  config.bots.assign(count, BotOptions{Behaviour::idle});
  return config;
}

TEST(AgonesConformance, ReadyPlayersAllocateCountersSigtermShutdown) {
  SidecarStandIn sidecar;
  FakeHttpServer sidecar_server([&](const RecordedRequest& r) { return sidecar.handle(r); });
  ApiStandIn api;
  FakeHttpServer api_server([&](const RecordedRequest& r) { return api.handle(r); });
  api_server.listen();

  auto env = zone_env("hub_city_1");
  env["AGONES_SDK_HTTP_PORT"] = std::to_string(sidecar_server.port());
  env["OMEGA_ZONE_API_URL"] = "http://127.0.0.1:" + std::to_string(api_server.port());
  env["OMEGA_ZONE_SERVICE_TOKEN"] = "conformance-test-token";
  env["OMEGA_ZONE_OPEN"] = "hub_city_1:1";
  env["OMEGA_ZONE_HOSTS"] = "hub_city_1,forest";
  env["OMEGA_ZONE_RESUME_WINDOW_S"] = "0.2";
  env["OMEGA_ZONE_AGONES_HEALTH_INTERVAL_S"] = "0.25";
  env["OMEGA_ZONE_AGONES_UPDATE_INTERVAL_S"] = "0.1";
  env["OMEGA_ZONE_AGONES_PLAYER_CAPACITY"] = "50";
  env["OMEGA_ZONE_AGONES_INSTANCE_CAPACITY"] = "4";
  env["OMEGA_ZONE_AGONES_READY_AFTER_EMPTY_S"] = "1";

  // The zone starts; its sidecar is late. The zone's listening line follows the sidecar's
  // answer (it advertises the address the GameServer names), so the start waits in the back.
  auto starting = std::async(std::launch::async, [&] { return testing::start_zone(env); });
  const int delay_ms = sidecar_delay_ms();
  std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
  EXPECT_TRUE(sidecar.calls().empty());
  sidecar_server.listen();
  const auto listening_at = std::chrono::steady_clock::now();
  std::unique_ptr<ZoneProcess> zone = starting.get();
  ASSERT_NE(zone, nullptr) << "sidecar delay " << delay_ms << " ms";
  SCOPED_TRACE("sidecar delay " + std::to_string(delay_ms) + " ms");

  // Step 1, ready: the zone found the late sidecar (backing off at most 1 s), read its
  // GameServer, became Ready, pings, and declared its capacity and state.
  ASSERT_TRUE(wait_for(5 * kSlowdown, [&] {
    return sidecar.state() == "Ready" && sidecar.counter("instances") == Counter{1, 4} &&
           sidecar.labels().size() == 2 && sidecar.count("health") >= 3;
  })) << zone->stderr_text();
  const auto first_call = sidecar_server.requests().front();
  EXPECT_LT(std::chrono::duration<double>(first_call.at - listening_at).count(), 1.5 * kSlowdown);
  EXPECT_EQ(first_call.target, "/gameserver");
  EXPECT_EQ(sidecar.call_set(),
            (std::set<std::string>{"gameserver", "ready", "health", "updatecounter", "setlabel"}));
  EXPECT_EQ(sidecar.count("ready"), 1u);
  EXPECT_EQ(sidecar.counter("players"), (Counter{0, 50}));
  EXPECT_EQ(sidecar.labels(),
            (std::map<std::string, std::string>{{"agones.dev/sdk-zone-hub_city_1", "1"},
                                                {"agones.dev/sdk-zone-forest", "0"}}));
  // The registry would advertise what the GameServer says, under the GameServer's name.
  EXPECT_NE(
      zone->stderr_text().find(std::string("process ") + kGameServerName + ": players at ws://" +
                               kPublicAddress + ":" + std::to_string(kPublicWsPort)),
      std::string::npos)
      << zone->stderr_text();

  // Step 2, players join: the first player allocates the server; the Counter follows.
  {
    BackgroundBots first(players(*zone, 2, 1));
    ASSERT_TRUE(wait_for(10 * kSlowdown, [&] {
      return sidecar.state() == "Allocated" && sidecar.counter("players") == Counter{2, 50};
    })) << zone->stderr_text();
    EXPECT_EQ(sidecar.count("allocate"), 1u);
    EXPECT_EQ(sidecar.call_set(), (std::set<std::string>{"gameserver", "ready", "health",
                                                         "updatecounter", "setlabel", "allocate"}));
    const SwarmReport report = first.finish();
    EXPECT_EQ(report.welcomed, 2u);
  }

  // Step 3, players leave: released, the Counter drops to 0, and after 1 s without players the
  // server is Ready again (the fleet may scale it down); no second allocate meanwhile.
  ASSERT_TRUE(wait_for(10 * kSlowdown, [&] {
    return sidecar.state() == "Ready" && sidecar.counter("players") == Counter{0, 50};
  })) << zone->stderr_text();
  EXPECT_EQ(released(api_server, "leave").first, (std::set<uint64_t>{1, 2}));
  EXPECT_EQ(sidecar.count("ready"), 2u);
  EXPECT_EQ(sidecar.count("allocate"), 1u);

  // Step 4, players again: allocated again, Counter 3.
  BackgroundBots second(players(*zone, 3, 11));
  ASSERT_TRUE(wait_for(10 * kSlowdown, [&] {
    return sidecar.state() == "Allocated" && sidecar.counter("players") == Counter{3, 50};
  })) << zone->stderr_text();
  EXPECT_EQ(sidecar.count("allocate"), 2u);

  // Step 5, SIGTERM: the zone drains (Kick, releasing checkpoints that reach the API), and only
  // then tells the sidecar to shut the GameServer down; that is its last call.
  EXPECT_EQ(zone->terminate(15 * kSlowdown), 0) << zone->stderr_text();
  const SwarmReport report = second.finish();
  const auto kicked = report.disconnects.find("kick:shutting_down");
  EXPECT_TRUE(kicked != report.disconnects.end() && kicked->second == 3)
      << report_json(report, false);
  const auto [drained, drain_order] = released(api_server, "shutdown");
  EXPECT_EQ(drained, (std::set<uint64_t>{11, 12, 13}));
  const auto calls = sidecar.calls();
  ASSERT_FALSE(calls.empty());
  EXPECT_EQ(calls.back(), "shutdown");
  EXPECT_EQ(sidecar.count("shutdown"), 1u);
  EXPECT_EQ(sidecar.state(), "Shutdown");
  EXPECT_GT(sidecar_server.requests().back().order, drain_order);

  // The whole run: exactly the expected set of calls, every value in range and well formed.
  EXPECT_EQ(sidecar.call_set(),
            (std::set<std::string>{"gameserver", "ready", "health", "updatecounter", "setlabel",
                                   "allocate", "shutdown"}));
  EXPECT_TRUE(sidecar.violations().empty()) << ::testing::PrintToString(sidecar.violations());
}

}  // namespace
}  // namespace omega::bots
