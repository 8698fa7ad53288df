// The deploy test (issue 14; CTest `deploy_swarm`, label `deploy`, release preset only): the
// whole world on a single-node Docker Swarm, built from this build tree, exercised from the
// host over TLS through the proxy's published port on 127.0.0.1, like players and operators:
//
//   - the TLS front door: the API through https://localhost with the deployment's private CA;
//     refused without the CA and for a wrong host name; /internal and /metrics not exposed;
//   - bots in API mode register, play, fight and travel hub → field → hub over https/wss;
//   - Prometheus scrapes every API replica and zone process;
//   - `docker kill` of a zone task: Swarm restarts it, its players rejoin within 10 s with at
//     most 10 s of progress lost, and gold and items are never above what was earned;
//   - `docker service update --force` of the API while bots play: no player-visible failure
//     beyond the documented retries;
//   - a PostgreSQL backup restored into a scratch database holds what the live one holds.
//
// scripts/tests/deploy_stack.sh does the Docker side (up before the first test, down after
// the last, whatever happened). A missing piece (docker.io, mmdebstrap, a registry-less base
// image that cannot be made) FAILS the test and the script says what is missing.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <future>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "bots/http_client.hpp"
#include "bots/swarm.hpp"
#include "tests/bot_run.hpp"

namespace omega::e2e {
namespace {

using bots::SwarmConfig;
using bots::SwarmReport;

const std::string kScript = "scripts/tests/deploy_stack.sh";

// What `deploy_stack.sh up` wrote: STACK, PORT, CA, WORK, image names.
struct Deployment {
  std::string env_file;
  std::map<std::string, std::string> env;
  bool up = false;

  std::string https_url(const std::string& host = "localhost") const {
    return "https://" + host + ":" + env.at("PORT");
  }
  bots::HttpEndpoint api(const std::string& host = "localhost", bool with_ca = true) const {
    bots::HttpEndpoint endpoint = *bots::parse_http_url(https_url(host));
    if (with_ca) endpoint.ca_file = env.at("CA");
    return endpoint;
  }
};
Deployment g_deployment;

// Runs deploy_stack.sh with `args`; its stderr goes to the test's output, stdout is returned.
std::string script(const std::string& args, int* status = nullptr) {
  const std::string command = kScript + " " + args;
  std::string out;
  if (std::FILE* pipe = popen(command.c_str(), "r")) {
    char buffer[4096];
    size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
    const int rc = pclose(pipe);
    if (status) *status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  } else if (status) {
    *status = -1;
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

std::string quoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string sql(const std::string& query) {
  return script("psql " + g_deployment.env_file + " " + quoted(query));
}

class DeployEnvironment : public testing::Environment {
 public:
  void SetUp() override {
    // Developers: OMEGA_DEPLOY_REUSE_ENV=FILE runs the checks against a deployment that
    // `deploy_stack.sh up FILE` brought up before, and leaves it up.
    if (const char* reuse = std::getenv("OMEGA_DEPLOY_REUSE_ENV")) {
      g_deployment.env_file = reuse;
      reused_ = true;
    } else {
      g_deployment.env_file = "/tmp/omega-deploy-test-" + std::to_string(getpid()) + ".env";
      const auto start = std::chrono::steady_clock::now();
      const int rc = std::system((kScript + " up " + g_deployment.env_file).c_str());
      std::printf("deploy_stack up: %.0f s\n", seconds_since(start));
      if (rc != 0) return;
    }
    std::ifstream file(g_deployment.env_file);
    std::string line;
    while (std::getline(file, line))
      if (const size_t eq = line.find('='); eq != std::string::npos)
        g_deployment.env[line.substr(0, eq)] = line.substr(eq + 1);
    g_deployment.up = g_deployment.env.count("PORT") && g_deployment.env.count("CA");
  }
  void TearDown() override {
    if (reused_) return;
    if (testing::UnitTest::GetInstance()->failed_test_count() > 0)
      (void)std::system((kScript + " logs " + g_deployment.env_file).c_str());
    const auto start = std::chrono::steady_clock::now();
    (void)std::system((kScript + " down " + g_deployment.env_file).c_str());
    std::printf("deploy_stack down: %.0f s\n", seconds_since(start));
  }

 private:
  bool reused_ = false;
};

#define REQUIRE_DEPLOYMENT()                                                           \
  ASSERT_TRUE(g_deployment.up)                                                         \
      << "the deployment did not come up: the deploy_stack output above says what is " \
         "missing or what failed"

SwarmConfig tls_swarm(const std::string& prefix, size_t count, bots::Behaviour behaviour) {
  SwarmConfig c = api_swarm_config(g_deployment.https_url(), prefix, count, behaviour);
  c.ca_file = g_deployment.env.at("CA");
  c.join_timeout_s = 90.0;
  c.connect_rate = 10.0;
  c.replay_timeout_s = 30.0;
  return c;
}

std::string describe(const SwarmReport& report) {
  return bots::report_json(report, true);
}

TEST(DeploySwarm, TheProxyServesTheApiOverTlsAndKeepsInternalRoutesInside) {
  REQUIRE_DEPLOYMENT();
  EXPECT_EQ(bots::http_get(g_deployment.api(), "/healthz").status, 200);
  const auto ready = bots::http_get(g_deployment.api(), "/readyz");
  EXPECT_EQ(ready.status, 200) << ready.body << ready.error;
  const auto content = bots::http_get(g_deployment.api(), "/v1/content");
  EXPECT_EQ(content.status, 200) << content.error;
  // Zone-facing routes and metrics never leave the private network.
  EXPECT_EQ(bots::http_post(g_deployment.api(), "/internal/v1/checkpoints", "{}").status, 404);
  EXPECT_EQ(bots::http_get(g_deployment.api(), "/metrics").status, 404);
  // Without the private CA the certificate is not trusted; by IP address it names the wrong
  // host (and no SNI reaches the proxy, which refuses the handshake).
  const auto no_ca = bots::http_get(g_deployment.api("localhost", false), "/healthz");
  EXPECT_EQ(no_ca.status, 0);
  EXPECT_NE(no_ca.error.find("certificate verify failed"), std::string::npos) << no_ca.error;
  const auto by_ip = bots::http_get(g_deployment.api("127.0.0.1"), "/healthz");
  EXPECT_EQ(by_ip.status, 0) << "a certificate for localhost accepted for 127.0.0.1";
  std::printf("without the CA: %s\nby IP address: %s\n", no_ca.error.c_str(), by_ip.error.c_str());
}

TEST(DeploySwarm, BotsRegisterPlayFightAndTravelHubFieldHubOverTls) {
  REQUIRE_DEPLOYMENT();
  constexpr size_t kBots = 4;
  SwarmConfig config = tls_swarm("travel", kBots, bots::Behaviour::fight);
  config.route = {"forest", "hub_city_1"};
  config.route_dwell_s = 20.0;  // fight in the forest before walking back
  BotRun run(config);
  const auto went_and_came_back = [&](size_t bot) {
    int stage = 0;  // 0: not yet in the hub, 1: hub, 2: forest, 3: hub again
    for (const Sighting& s : run.track(bot)) {
      if (stage == 0 && s.zone == "hub_city_1")
        stage = 1;
      else if (stage == 1 && s.zone == "forest")
        stage = 2;
      else if (stage == 2 && s.zone == "hub_city_1")
        stage = 3;
    }
    return stage == 3;
  };
  const bool travelled = run.wait(180.0, [&] {
    for (size_t bot = 0; bot < kBots; ++bot)
      if (!went_and_came_back(bot)) return false;
    return true;
  });
  const SwarmReport& report = run.stop();
  ASSERT_TRUE(travelled) << describe(report);
  EXPECT_EQ(report.welcomed, kBots);
  int64_t kills = 0;
  for (size_t bot = 0; bot < kBots; ++bot) {
    const bots::BotResult& r = report.per_bot[bot];
    EXPECT_TRUE(r.route_done) << "bot " << bot << "\n" << describe(report);
    EXPECT_GE(r.transfers, 2u) << "bot " << bot;
    EXPECT_NE(r.character_id, 0u);
    kills += run.kills(bot);
  }
  EXPECT_GT(kills, 0) << "no bot killed anything in 20 s of forest\n" << describe(report);
  std::printf("4 bots: hub -> forest -> hub over wss, %lld kills\n", static_cast<long long>(kills));
}

TEST(DeploySwarm, PrometheusScrapesEveryApiReplicaAndZoneProcess) {
  REQUIRE_DEPLOYMENT();
  const auto count = [](const std::string& query) {
    const std::string out =
        script("prometheus " + g_deployment.env_file + " " + quoted("count(" + query + ")"));
    const size_t arrow = out.find("=> ");
    return arrow == std::string::npos ? -1 : std::atoi(out.c_str() + arrow + 3);
  };
  int api = -1, zones = -1, databases = -1;
  wait_until(60.0, [&] {
    api = count("up{job=\"omega-api\"} == 1");
    zones = count("up{job=\"omega-zone\"} == 1");
    // Scraped with the service token: the API's /metrics answers nobody else.
    databases = count("omega_api_postgresql_up == 1 and omega_api_redis_up == 1");
    return api == 2 && zones == 2 && databases == 2;
  });
  EXPECT_EQ(api, 2) << "API replicas scraped and up";
  EXPECT_EQ(zones, 2) << "zone processes scraped and up";
  EXPECT_EQ(databases, 2) << "each API replica reports PostgreSQL and Redis up";
}

TEST(DeploySwarm, AKilledZoneTaskIsRestartedAndItsPlayersRejoinWithin10s) {
  REQUIRE_DEPLOYMENT();
  constexpr size_t kBots = 4;
  SwarmConfig config = tls_swarm("crash", kBots, bots::Behaviour::fight);
  config.play_zone = "forest";  // zone-b
  BotRun run(config);
  ASSERT_TRUE(all_seen(run, kBots, 90.0)) << describe(run.stop());
  std::this_thread::sleep_for(std::chrono::seconds(14));  // at least one periodic checkpoint
  const double killed_at = run.now();
  script("kill-zone " + g_deployment.env_file + " zone-b");
  const auto back = [&](size_t bot, Sighting* first) {
    for (const Sighting& s : run.track(bot))
      if (s.t > killed_at + 0.5) {  // snapshots still in flight at the kill are not a rejoin
        if (first) *first = s;
        return true;
      }
    return false;
  };
  const bool all_back = run.wait(40.0, [&] {
    for (size_t bot = 0; bot < kBots; ++bot)
      if (!back(bot, nullptr)) return false;
    return true;
  });
  std::this_thread::sleep_for(std::chrono::seconds(2));
  const SwarmReport& report = run.stop();
  ASSERT_TRUE(all_back) << describe(report);
  for (size_t bot = 0; bot < kBots; ++bot) {
    Sighting after;
    back(bot, &after);
    EXPECT_LE(after.t - killed_at, 10.0) << "bot " << bot << " rejoined late\n" << describe(report);
    EXPECT_GE(report.per_bot[bot].replays, 1u) << "bot " << bot;
    const double lost = progress_lost_s(run.track(bot), killed_at, after);
    EXPECT_GE(lost, 0.0) << "bot " << bot << " came back somewhere it never was";
    EXPECT_LE(lost, 11.0) << "bot " << bot << " lost more than 10 s of progress";
    std::printf("bot %zu: back in %s %.2f s after the kill, %.1f s of progress lost\n", bot,
                after.zone.c_str(), after.t - killed_at, lost);
  }
  // The database never holds more than was earned (no duplicated gold or items).
  const std::map<std::string, int64_t> starting_items = starting_items_by_class();
  for (size_t bot = 0; bot < kBots; ++bot) {
    const bots::BotResult& result = report.per_bot[bot];
    const std::string id = std::to_string(result.character_id);
    const std::string row =
        sql("SELECT gold || ' ' || class || ' ' || (SELECT COALESCE(SUM(quantity), 0) "
            "FROM inventory_items WHERE character_id = " +
            id + ") FROM characters WHERE id = " + id);
    std::istringstream fields(row);
    int64_t gold = -1, items = -1;
    std::string cls;
    fields >> gold >> cls >> items;
    ASSERT_GE(gold, 0) << "no character " << id << ": " << row;
    EXPECT_LE(gold, result.gold_earned) << "bot " << bot << " gold duplicated";
    EXPECT_LE(items, starting_items.at(cls) + run.items_looted(bot))
        << "bot " << bot << " items duplicated";
    std::printf("bot %zu: gold %lld saved / %lld earned, items %lld saved / %lld + %lld looted\n",
                bot, static_cast<long long>(gold), static_cast<long long>(result.gold_earned),
                static_cast<long long>(items), static_cast<long long>(starting_items.at(cls)),
                static_cast<long long>(run.items_looted(bot)));
  }
}

// What a player sees of the API during a rolling update: each call is retried like the
// bots retry /v1/play (0.25 s doubling, here up to 4 attempts); only a call whose every
// attempt failed is a player-visible failure.
struct ApiProbe {
  int calls = 0, retried = 0, failed = 0;
  std::string last_error;
};

TEST(DeploySwarm, ARollingApiUpdateWhileBotsPlayCostsNoPlayerVisibleFailure) {
  REQUIRE_DEPLOYMENT();
  constexpr size_t kBots = 4;
  SwarmConfig config = tls_swarm("update", kBots, bots::Behaviour::fight);
  config.trip_every_s = 8.0;  // hub ⇄ field trips: transfers go through the API meanwhile
  BotRun run(config);
  ASSERT_TRUE(all_seen(run, kBots, 90.0)) << describe(run.stop());

  std::atomic<bool> stop{false};
  ApiProbe probe;
  std::thread prober([&] {
    const auto api = g_deployment.api();
    while (!stop) {
      ++probe.calls;
      double backoff = 0.25;
      bool ok = false;
      for (int attempt = 0; attempt < 4 && !ok; ++attempt) {
        if (attempt > 0) {
          ++probe.retried;
          std::this_thread::sleep_for(std::chrono::duration<double>(backoff));
          backoff *= 2;
        }
        const auto r = bots::http_get(api, "/v1/leaderboards/level");
        ok = r.status == 200;
        if (!ok) probe.last_error = std::to_string(r.status) + " " + r.error + r.body;
      }
      if (!ok) ++probe.failed;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
  const auto start = std::chrono::steady_clock::now();
  int status = -1;
  script("update-api " + g_deployment.env_file, &status);
  const double update_s = seconds_since(start);
  std::this_thread::sleep_for(std::chrono::seconds(5));
  stop = true;
  prober.join();
  const SwarmReport& report = run.stop();
  EXPECT_EQ(status, 0) << "docker service update failed";
  EXPECT_EQ(probe.failed, 0) << "player-visible API failures; last: " << probe.last_error;
  for (size_t bot = 0; bot < kBots; ++bot) {
    const bots::BotResult& r = report.per_bot[bot];
    EXPECT_EQ(r.disconnect.rfind("api:", 0), std::string::npos)
        << "bot " << bot << " gave up on the API\n"
        << describe(report);
  }
  std::printf("API rolling update: %.0f s; %d calls, %d retried, %d failed (last retry: %s)\n",
              update_s, probe.calls, probe.retried, probe.failed, probe.last_error.c_str());
}

TEST(DeploySwarm, APostgresBackupRestoresIntoAScratchDatabase) {
  REQUIRE_DEPLOYMENT();
  int status = -1;
  const std::string out = script("backup-restore " + g_deployment.env_file, &status);
  ASSERT_EQ(status, 0) << out;
  // "live A C G restored A C G": accounts, characters, gold.
  std::istringstream words(out);
  std::string live, restored;
  int64_t a1, c1, g1, a2, c2, g2;
  words >> live >> a1 >> c1 >> g1 >> restored >> a2 >> c2 >> g2;
  ASSERT_TRUE(words) << out;
  EXPECT_GT(c1, 0) << out;
  EXPECT_EQ(a1, a2) << out;
  EXPECT_EQ(c1, c2) << out;
  EXPECT_LE(g2, g1) << out;  // zones may checkpoint gold between the dump and the count
  std::printf("%s\n", out.c_str());
}

}  // namespace
}  // namespace omega::e2e

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  testing::AddGlobalTestEnvironment(new omega::e2e::DeployEnvironment);
  return RUN_ALL_TESTS();
}
