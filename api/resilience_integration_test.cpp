// Outages and process lifecycle: PostgreSQL restarts under a running API; SIGTERM.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <string>
#include <thread>
#include <vector>

#include "api/integration_test_support.hpp"

namespace omega::api::testing {
namespace {

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
