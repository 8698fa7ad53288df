// Support for omega-api integration tests: throwaway PostgreSQL/Redis (shared by the suite
// through the CTest fixture, or private to one test), a fresh database per test, the API
// running in-process on a free port, and a minimal blocking HTTP client whose every answer is
// checked against docs/api/openapi.yaml.
// Test-only code; not thread-safe unless stated.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "api/application.hpp"
#include "api/server.hpp"

namespace omega::api::testing {

// DATABASE_URL (of the cluster's `omega` database) and REDIS_URL of running services.
struct ServiceUrls {
  std::string database_url;
  std::string redis_url;
  std::string directory;  // where services.sh keeps their state
};

// The suite's shared services (CTest fixture), or, when a test binary runs outside CTest,
// a pair started for this process and stopped at exit.
const ServiceUrls& shared_services();

// A PostgreSQL + Redis pair for one test that disrupts them (restart, FLUSHALL).
class PrivateServices {
 public:
  PrivateServices();
  ~PrivateServices();
  PrivateServices(const PrivateServices&) = delete;
  PrivateServices& operator=(const PrivateServices&) = delete;

  const ServiceUrls& urls() const { return urls_; }
  void stop_postgres();
  void start_postgres();

 private:
  ServiceUrls urls_;
};

// Creates a new, empty database in the cluster of `services`; returns its URL.
std::string create_database(const ServiceUrls& services);
// A Redis key prefix no other test uses.
std::string unique_prefix();
// A short random lower-case token for unique names.
std::string unique_suffix();

// A blocking Redis subscriber for one channel (a 2 s reply timeout per read).
class Subscriber {
 public:
  Subscriber(const std::string& redis_url, const std::string& channel);
  ~Subscriber();
  Subscriber(const Subscriber&) = delete;
  Subscriber& operator=(const Subscriber&) = delete;

  // The next message's payload, or null after the timeout.
  nlohmann::json next();

 private:
  struct redisContext* context_ = nullptr;
};

struct HttpResult {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  nlohmann::json json() const;
};

// One request per connection (Connection: close). Every answer is checked against
// docs/api/openapi.yaml (expect_conforms_to_spec). Thread-safe (no shared state).
HttpResult http_request(int port, const std::string& method, const std::string& target,
                        const std::string& body = "",
                        const std::vector<std::pair<std::string, std::string>>& headers = {});

// Fails the running test (ADD_FAILURE, naming method, target, status and the part of the
// spec) unless the response is one docs/api/openapi.yaml allows for `method target`: a
// listed status, the headers it requires and a body valid for its schema. Thread-safe.
void expect_conforms_to_spec(const std::string& method, const std::string& target,
                             const HttpResult& result);

// The API in-process on a free loopback port, migrated, with test credentials.
class TestApi {
 public:
  static constexpr const char* kServiceToken = "test-service-token";

  TestApi(const std::string& database_url, const std::string& redis_url,
          const std::function<void(Config&)>& adjust = {});
  ~TestApi();

  int port() const { return port_; }
  const Config& config() const { return config_; }
  // Stops and starts the API on the same storage (a new process would do the same).
  void restart();

  HttpResult get(const std::string& target, const std::string& token = "") const;
  HttpResult post(const std::string& target, const nlohmann::json& body,
                  const std::string& token = "") const;
  HttpResult del(const std::string& target, const std::string& token = "") const;

  // Creates a staff account as `omega-api admin create` does; returns its id.
  std::int64_t create_admin(const std::string& username, const std::string& password,
                            AdminRole role);

  // Registers and logs in; returns the login response body (access_token, refresh_token…).
  nlohmann::json register_and_login(const std::string& username,
                                    const std::string& password = "correct horse 1");

 private:
  void start();
  void stop();

  Config config_;
  std::unique_ptr<Application> application_;
  std::unique_ptr<HttpServer> server_;
  int port_ = 0;
};

// A loopback TCP port free at the time of the call (for a process that binds it itself).
int free_loopback_port();

// The real omega-api binary as a child process: a second replica next to a TestApi, or the
// process's own behaviour (signals, exit status). Not copyable.
class ApiProcess {
 public:
  // Starts `omega-api serve` with exactly `environment` (NAME=value entries; it should set
  // OMEGA_API_PORT=port) and waits up to 10 s for /healthz on `port`.
  ApiProcess(std::vector<std::string> environment, int port);
  ~ApiProcess();  // kills the process if it still runs
  ApiProcess(const ApiProcess&) = delete;
  ApiProcess& operator=(const ApiProcess&) = delete;

  int port() const { return port_; }
  bool healthy() const { return healthy_; }
  // SIGTERM, then waits up to `deadline`: the waitpid status, or nullopt when the process
  // had to be killed.
  std::optional<int> terminate(std::chrono::milliseconds deadline);

 private:
  int pid_ = -1;
  int port_ = 0;
  bool healthy_ = false;
};

// A test with its own database in the shared cluster and the API started on demand.
class FreshDatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override;
  std::unique_ptr<TestApi> start_api(const std::function<void(Config&)>& adjust = {});
  // The first column of the first row of `sql`, run on this test's database.
  long long count(const std::string& sql);

  std::string database_url_;
};

}  // namespace omega::api::testing
