// Outages and process lifecycle: PostgreSQL restarts under a running API; SIGTERM; transactions
// that lose a deadlock to a concurrent one.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <latch>
#include <string>
#include <thread>
#include <vector>

#include "api/db_pool.hpp"
#include "api/integration_test_support.hpp"

namespace omega::api::testing {
namespace {

// Two transactions that lock rows 1 and 2 in opposite orders, both holding their first lock
// before either asks for its second: a real deadlock, which PostgreSQL breaks (after
// deadlock_timeout, 1 s) by rolling one back. `retrying` wraps each in retry_conflicts.
// Returns what each transaction ended with: "committed" or the error it let through.
std::vector<std::string> run_crossed_transactions(DbPool& pool, bool retrying,
                                                  std::atomic<int>& reruns) {
  std::latch both_hold_first_lock(2);
  std::vector<std::string> outcome(2);
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      bool first_attempt = true;
      auto transaction = [&] {
        return pool.run([&](pqxx::connection& connection) {
          pqxx::work work(connection);
          work.exec_params("UPDATE crossed SET v = v + 1 WHERE id = $1", t == 0 ? 1 : 2);
          if (first_attempt) {
            first_attempt = false;
            both_hold_first_lock.arrive_and_wait();
          }
          work.exec_params("UPDATE crossed SET v = v + 1 WHERE id = $1", t == 0 ? 2 : 1);
          work.commit();
          return std::string("committed");
        });
      };
      try {
        outcome[static_cast<size_t>(t)] =
            retrying ? retry_conflicts(transaction, [&] { ++reruns; }) : transaction();
      } catch (const TransactionConflict& error) {
        outcome[static_cast<size_t>(t)] = std::string("TransactionConflict: ") + error.what();
      }
    });
  }
  for (auto& thread : threads) thread.join();
  return outcome;
}

TEST(ApiResilienceIT, ADeadlockVictimIsAConflictTheServiceMayRunAgainUntilBothCommit) {
  DbPool pool(create_database(shared_services()), 4, std::chrono::milliseconds(5000));
  pool.run([](pqxx::connection& connection) {
    pqxx::work work(connection);
    work.exec("CREATE TABLE crossed (id int PRIMARY KEY, v int NOT NULL)");
    work.exec("INSERT INTO crossed VALUES (1, 0), (2, 0)");
    work.commit();
  });
  auto values = [&] {
    return pool.run([](pqxx::connection& connection) {
      pqxx::read_transaction read(connection);
      const auto rows = read.exec("SELECT v FROM crossed ORDER BY id");
      return std::vector<int>{rows[0][0].as<int>(), rows[1][0].as<int>()};
    });
  };

  // Without a rerun: one side commits, the victim comes out as TransactionConflict (which the
  // dispatcher answers 503 + Retry-After, as every ServiceUnavailable) and changed nothing.
  std::atomic<int> reruns = 0;
  auto outcome = run_crossed_transactions(pool, false, reruns);
  std::sort(outcome.begin(), outcome.end());
  ASSERT_EQ(outcome[0].rfind("TransactionConflict: ", 0), 0u) << outcome[0];
  EXPECT_NE(outcome[0].find("deadlock"), std::string::npos) << outcome[0];
  EXPECT_EQ(outcome[1], "committed");
  EXPECT_EQ(values(), (std::vector<int>{1, 1})) << "the victim's first update was rolled back";

  // With retry_conflicts the victim runs again after the winner commits: both count.
  outcome = run_crossed_transactions(pool, true, reruns);
  EXPECT_EQ(outcome, (std::vector<std::string>{"committed", "committed"}));
  EXPECT_EQ(reruns.load(), 1);
  EXPECT_EQ(values(), (std::vector<int>{3, 3}));
}

TEST(ApiResilienceIT, PostgresRestartGives503ThenRecoversWithoutApiRestart) {
  PrivateServices services;
  TestApi api(create_database(services.urls()), services.urls().redis_url, [](Config& config) {
    config.database_acquire_timeout_ms = 500;
    config.character_cache_ms = 0;
  });
  const std::string token = api.register_and_login("survivor")["access_token"];
  ASSERT_EQ(api.post("/v1/characters", {{"name", "Steady"}, {"class", "mage"}}, token).status, 201);
  ASSERT_EQ(api.get("/v1/characters", token).status, 200);

  services.stop_postgres();
  const auto during = api.get("/v1/characters", token);
  EXPECT_EQ(during.status, 503) << during.body;
  EXPECT_EQ(during.json()["error"]["code"], "unavailable");
  EXPECT_EQ(during.headers.count("retry-after"), 1u);
  EXPECT_EQ(api.get("/readyz").status, 503);
  EXPECT_EQ(api.post("/v1/characters", {{"name", "Another"}, {"class", "mage"}}, token).status,
            503);
  EXPECT_EQ(api.get("/healthz").status, 200) << "the process itself is alive";
  // What the PostgreSQL-unreachable alert reads (deployment/prometheus/alerts.yml).
  const std::string metrics = api.get("/metrics", TestApi::kServiceToken).body;
  EXPECT_NE(metrics.find("\nomega_api_postgresql_up 0\n"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("\nomega_api_redis_up 1\n"), std::string::npos) << metrics;

  services.start_postgres();
  int status = 0;
  for (int attempt = 0; attempt < 50 && status != 200; ++attempt) {
    status = api.get("/v1/characters", token).status;
    if (status != 200) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(status, 200);
  EXPECT_EQ(api.get("/readyz").status, 200);
  EXPECT_NE(api.get("/metrics", TestApi::kServiceToken).body.find("\nomega_api_postgresql_up 1\n"),
            std::string::npos);
  EXPECT_EQ(api.post("/v1/characters", {{"name", "Another"}, {"class", "mage"}}, token).status,
            201);
  EXPECT_EQ(api.get("/v1/characters", token).json()["characters"].size(), 2u);
}

TEST(ApiResilienceIT, BinaryMigratesServesAndStopsGracefullyOnSigterm) {
  const auto database_url = create_database(shared_services());
  const int port = free_loopback_port();
  ApiProcess process(
      {"DATABASE_URL=" + database_url, "REDIS_URL=" + shared_services().redis_url,
       "OMEGA_API_LISTEN=127.0.0.1", "OMEGA_API_PORT=" + std::to_string(port),
       "OMEGA_JWT_SECRET=binary-test-secret-0123456789abcdefgh",
       "OMEGA_REDIS_PREFIX=" + unique_prefix(), "OMEGA_LOG_LEVEL=warn", "PATH=/usr/bin:/bin"},
      port);
  EXPECT_TRUE(process.healthy());
  EXPECT_EQ(http_request(port, "GET", "/readyz").status, 200);
  const auto status = process.terminate(std::chrono::seconds(10));
  ASSERT_TRUE(status) << "omega-api did not stop within 10 s of SIGTERM";
  ASSERT_TRUE(WIFEXITED(*status));
  EXPECT_EQ(WEXITSTATUS(*status), 0);
}

}  // namespace
}  // namespace omega::api::testing
