#include "zone/agones_lifecycle.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "zone/agones_sdk.hpp"

namespace omega::zone {
namespace {

constexpr int64_t kMs = 1'000'000;
constexpr int64_t kS = 1'000'000'000;

const char* kGameServer = R"({
  "object_meta": {"name": "omega-zone-x7k2p", "namespace": "omega"},
  "status": {"state": "Scheduled", "address": "203.0.113.7",
             "ports": [{"name": "metrics", "port": 7002}, {"name": "ws", "port": 7001}]}
})";

AgonesSettings settings() {
  AgonesSettings s;
  s.health_interval_s = 2.0;
  s.update_interval_s = 1.0;
  s.player_capacity = 100;
  s.instance_capacity = 4;
  s.ready_after_empty_s = 10.0;
  s.zones = {"hub_city_1", "forest"};
  return s;
}

// Sends whatever is due at `now` and answers each request with `status`, until nothing is due;
// returns "METHOD path body" per request, in order.
std::vector<std::string> drain(AgonesLifecycle& lifecycle, const AgonesOccupancy& occupancy,
                               uint64_t ticks, int64_t now, int status = 200) {
  std::vector<std::string> sent;
  while (auto request = lifecycle.next(occupancy, ticks, now)) {
    sent.push_back(request->method + " " + request->path + " " + request->body);
    lifecycle.done(*request, status,
                   request->kind == SdkRequest::Kind::game_server ? kGameServer : "{}", now);
    if (sent.size() > 50) break;
  }
  return sent;
}

// A lifecycle past GET /gameserver and POST /ready at t = 0, with one hub open and no players.
AgonesLifecycle running(const AgonesOccupancy& occupancy) {
  AgonesLifecycle lifecycle(settings());
  lifecycle.allow_ready();
  drain(lifecycle, occupancy, 1, 0);
  EXPECT_TRUE(lifecycle.ready_sent());
  return lifecycle;
}

AgonesOccupancy occupancy(uint32_t players, uint32_t hubs = 1) {
  AgonesOccupancy o;
  o.players = players;
  o.instances = hubs;
  if (hubs > 0) o.open_per_zone["hub_city_1"] = hubs;
  return o;
}

TEST(AgonesLifecycle, RetriesWithBackoffUntilTheSidecarAnswersThenReadiesWhenAllowed) {
  AgonesLifecycle lifecycle(settings());
  int64_t now = 0;
  std::vector<int64_t> attempts;
  for (int i = 0; i < 7; ++i) {
    while (!lifecycle.next(occupancy(0), 1, now)) now += kMs;
    attempts.push_back(now);
    lifecycle.done({SdkRequest::Kind::game_server, "GET", "/gameserver", "", ""}, 0, "", now);
  }
  // 0.1 s doubling, at most 1 s.
  EXPECT_EQ(attempts, (std::vector<int64_t>{0, 100 * kMs, 300 * kMs, 700 * kMs, 1500 * kMs,
                                            2500 * kMs, 3500 * kMs}));
  auto get = lifecycle.next(occupancy(0), 1, now + kS);
  ASSERT_TRUE(get);
  EXPECT_EQ(get->method + " " + get->path, "GET /gameserver");
  lifecycle.done(*get, 200, kGameServer, now + kS);
  ASSERT_TRUE(lifecycle.game_server());
  EXPECT_EQ(lifecycle.game_server()->name, "omega-zone-x7k2p");

  // Not allowed to be Ready yet (not registered): only health pings.
  EXPECT_EQ(drain(lifecycle, occupancy(0), 1, now + kS),
            (std::vector<std::string>{"POST /health {}"}));
  lifecycle.allow_ready();
  const auto sent = drain(lifecycle, occupancy(0), 2, now + kS);
  ASSERT_FALSE(sent.empty());
  EXPECT_EQ(sent[0], "POST /ready {}");
  EXPECT_TRUE(lifecycle.ready_sent());
}

TEST(AgonesLifecycle, ReportsCountersCapacityFirstAsStringsAndLabelsPerHostedZone) {
  AgonesLifecycle lifecycle(settings());
  lifecycle.allow_ready();
  const auto sent = drain(lifecycle, occupancy(0), 1, 0);
  EXPECT_EQ(sent, (std::vector<std::string>{
                      "GET /gameserver ", "POST /ready {}", "POST /health {}",
                      R"(PATCH /v1beta1/counters/players {"capacity":"100"})",
                      R"(PATCH /v1beta1/counters/players {"count":"0"})",
                      R"(PATCH /v1beta1/counters/instances {"capacity":"4"})",
                      R"(PATCH /v1beta1/counters/instances {"count":"1"})",
                      R"(PUT /metadata/label {"key":"zone-hub_city_1","value":"1"})",
                      R"(PUT /metadata/label {"key":"zone-forest","value":"0"})"}));
  // Nothing changed: nothing sent.
  EXPECT_TRUE(drain(lifecycle, occupancy(0), 1, 500 * kMs).empty());
}

TEST(AgonesLifecycle, CountUpdatesAreRateLimitedAndTheLastValueWins) {
  AgonesLifecycle lifecycle = running(occupancy(0));
  drain(lifecycle, occupancy(3), 2, 100 * kMs);  // allocate + count 3... once the limit allows
  // Within the update interval of the first count (t = 0), further changes wait.
  EXPECT_TRUE(drain(lifecycle, occupancy(4), 3, 900 * kMs).empty());
  EXPECT_TRUE(drain(lifecycle, occupancy(5), 4, 950 * kMs).empty());
  EXPECT_EQ(drain(lifecycle, occupancy(5), 5, 1000 * kMs),
            (std::vector<std::string>{R"(PATCH /v1beta1/counters/players {"count":"5"})"}));
}

TEST(AgonesLifecycle, CapacityGrowsWithACountAboveItSoTheCounterStaysInRange) {
  AgonesLifecycle lifecycle = running(occupancy(0));
  const auto sent = drain(lifecycle, occupancy(150), 2, 2 * kS);
  EXPECT_EQ(sent, (std::vector<std::string>{"POST /health {}", "POST /allocate {}",
                                            R"(PATCH /v1beta1/counters/players {"capacity":"150"})",
                                            R"(PATCH /v1beta1/counters/players {"count":"150"})"}));
}

TEST(AgonesLifecycle, AllocatesOnTheFirstPlayerAndIsReadyAgainAfterStayingEmpty) {
  AgonesLifecycle lifecycle = running(occupancy(0));
  auto sends = [&](uint32_t players, uint64_t ticks, int64_t now, const std::string& line) {
    const auto sent = drain(lifecycle, occupancy(players), ticks, now);
    return std::find(sent.begin(), sent.end(), line) != sent.end();
  };
  EXPECT_TRUE(sends(1, 2, kS, "POST /allocate {}"));
  EXPECT_TRUE(lifecycle.allocated());
  EXPECT_FALSE(sends(2, 3, 3 * kS, "POST /allocate {}"));  // more players: allocated already
  // Empty from t = 4 s: Ready again 10 s later, not before.
  EXPECT_FALSE(sends(0, 4, 4 * kS, "POST /ready {}"));
  EXPECT_FALSE(sends(0, 5, 13 * kS, "POST /ready {}"));
  EXPECT_TRUE(sends(0, 6, 14 * kS, "POST /ready {}"));
  EXPECT_FALSE(lifecycle.allocated());
  EXPECT_TRUE(sends(1, 7, 15 * kS, "POST /allocate {}"));  // a player again: allocated again
}

TEST(AgonesLifecycle, HealthPingsOnlyWhileTheSimulationTicksExceptWhileDraining) {
  AgonesLifecycle lifecycle = running(occupancy(0));
  auto pings = [&](uint64_t ticks, int64_t now) {
    int n = 0;
    for (const std::string& line : drain(lifecycle, occupancy(0), ticks, now))
      n += line == "POST /health {}";
    return n;
  };
  EXPECT_EQ(pings(10, 2 * kS), 1);
  EXPECT_EQ(pings(10, 4 * kS), 0);      // stalled: held back
  EXPECT_EQ(pings(11, 4100 * kMs), 1);  // ticking again: at once
  lifecycle.begin_drain();
  EXPECT_EQ(pings(11, 6200 * kMs), 1);  // draining: the simulation stopped on purpose
  EXPECT_EQ(pings(11, 8300 * kMs), 1);
}

TEST(AgonesLifecycle, DrainingChangesNoStateButStillReportsCounters) {
  AgonesLifecycle lifecycle = running(occupancy(0));
  lifecycle.begin_drain();
  const auto sent = drain(lifecycle, occupancy(2), 2, 2 * kS);
  for (const std::string& line : sent) EXPECT_NE(line, "POST /allocate {}");
  EXPECT_NE(std::find(sent.begin(), sent.end(), R"(PATCH /v1beta1/counters/players {"count":"2"})"),
            sent.end());
}

TEST(AgonesLifecycle, ACounterTheGameServerDoesNotDeclareIsDroppedAfter404) {
  AgonesLifecycle lifecycle(settings());
  lifecycle.allow_ready();
  drain(lifecycle, occupancy(0), 1, 0, 404);  // GET/ready fail as well: retried later
  EXPECT_FALSE(lifecycle.game_server());
  auto get = lifecycle.next(occupancy(0), 1, kS);
  ASSERT_TRUE(get);
  lifecycle.done(*get, 200, kGameServer, kS);
  int counters = 0;
  for (int second = 1; second < 5; ++second) {
    while (auto request = lifecycle.next(occupancy(0), second, second * kS)) {
      if (request->kind == SdkRequest::Kind::counter) ++counters;
      lifecycle.done(*request, request->kind == SdkRequest::Kind::counter ? 404 : 200, "{}",
                     second * kS);
    }
  }
  EXPECT_EQ(counters, 2);  // one try each for players and instances
}

TEST(AgonesLifecycle, ReadsTheGameServerInEitherFieldNaming) {
  auto info = parse_game_server(kGameServer);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->state, "Scheduled");
  EXPECT_EQ(advertised_ws_url(*info), "ws://203.0.113.7:7001");
  auto camel = parse_game_server(
      R"({"objectMeta":{"name":"gs-1"},"status":{"address":"10.1.2.3","ports":[{"name":"game","port":"7777"}]}})");
  ASSERT_TRUE(camel);
  EXPECT_EQ(advertised_ws_url(*camel), "ws://10.1.2.3:7777");  // no "ws" port: the first one
  auto early = parse_game_server(R"({"object_meta":{"name":"gs-2"},"status":{}})");
  ASSERT_TRUE(early);
  EXPECT_EQ(advertised_ws_url(*early), "");
  EXPECT_FALSE(parse_game_server(R"({"status":{}})"));
  EXPECT_FALSE(parse_game_server("not json"));
}

TEST(AgonesLifecycle, OccupancyCountsPlayersAndInstancesPerZone) {
  const AgonesOccupancy o = agones_occupancy({{"hub_city_1", 1, "hub", 40, 500, std::nullopt},
                                              {"rift_d1", 7, "rift", 3, 5, 12},
                                              {"rift_d1", 9, "rift", 2, 5, 13}});
  EXPECT_EQ(o.players, 45u);
  EXPECT_EQ(o.instances, 3u);
  EXPECT_EQ(o.open_per_zone.at("rift_d1"), 2u);
  EXPECT_EQ(o.open_per_zone.at("hub_city_1"), 1u);
}

}  // namespace
}  // namespace omega::zone
