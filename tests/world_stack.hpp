// WorldStack: the whole Omega Realm topology as real processes for end-to-end tests —
// throwaway PostgreSQL + Redis (scripts/lib/services.sh) in a temporary directory, omega-api,
// and omega-zone processes on free loopback ports, with the DEV-ONLY test secrets.
//
// Every piece can be stopped (SIGTERM), killed (SIGKILL) and started again on the same ports
// and data, which is what the restart and crash tests do. The destructor kills whatever still
// runs and deletes the services' data. Binaries come from $OMEGA_BUILD_DIR (set by CTest).
//
// Thread safety: none; drive it from the test's thread.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace omega::e2e {

// DEV ONLY test secrets (the same dev ticket seed as scripts/run-local).
inline constexpr const char* kDevTicketSeed =
    "0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d";
inline constexpr const char* kServiceToken = "e2e-DEV-ONLY-service-token";
inline constexpr const char* kJwtSecret = "e2e-DEV-ONLY-jwt-secret-0123456789abcdef";

// A child process with its environment, stdout and stderr in one log file.
class ChildProcess {
 public:
  ChildProcess(std::string name, std::string binary, std::map<std::string, std::string> env,
               std::string log_path);
  ~ChildProcess();  // SIGKILL if still running
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  bool start(std::string& error);
  bool running();
  // SIGTERM, wait up to timeout_s, then SIGKILL. True when it exited by itself.
  bool stop(double timeout_s = 10.0);
  void kill9();
  std::string log() const;
  const std::string& name() const { return name_; }

 private:
  std::string name_, binary_, log_path_;
  std::map<std::string, std::string> env_;
  pid_t pid_ = -1;
};

// One zone process of the stack.
struct ZoneSpec {
  std::string id;     // OMEGA_ZONE_PROCESS_ID
  std::string hosts;  // OMEGA_ZONE_HOSTS
  std::string open;   // OMEGA_ZONE_OPEN
  std::map<std::string, std::string> extra_env;
};

class WorldStack {
 public:
  // `world_file`: content/world.json or a test topology. Starts nothing yet.
  explicit WorldStack(std::string world_file = "content/world.json");
  ~WorldStack();
  WorldStack(const WorldStack&) = delete;
  WorldStack& operator=(const WorldStack&) = delete;

  // Each returns "" on success, else what went wrong (with the log tail).
  std::string start_services();  // first call creates them; later calls restart (data kept)
  void stop_services();          // data kept
  std::string start_api();
  void stop_api();
  // `omega-api admin create` on the stack's database: "" or what went wrong.
  std::string create_admin(const std::string& username, const std::string& password,
                           const std::string& role);
  std::string start_zone(const ZoneSpec& spec);  // same ports as before for the same id
  void stop_zone(const std::string& id);
  void kill_zone(const std::string& id);
  std::string start_all(const std::vector<ZoneSpec>& zones);
  void stop_all();

  std::string api_url() const;
  uint16_t zone_http_port(const std::string& id) const;
  const std::string& database_url() const { return database_url_; }
  // Runs SQL through psql on the stack's database; the first column of the first row ("" on
  // error or no row).
  std::string sql(const std::string& query) const;
  // POST to the API with the service token (internal endpoints); status, body.
  std::pair<int, std::string> internal_post(const std::string& target,
                                            const std::string& body) const;
  std::string logs() const;  // tails of every process log, for failure messages

 private:
  std::map<std::string, std::string> api_environment() const;
  struct Zone {
    ZoneSpec spec;
    uint16_t ws_port = 0, http_port = 0;
    std::unique_ptr<ChildProcess> process;
  };
  std::string directory_;
  std::string world_file_;
  std::string database_url_, redis_url_;
  bool services_created_ = false;
  uint16_t api_port_ = 0;
  std::unique_ptr<ChildProcess> api_;
  std::map<std::string, Zone> zones_;
  std::string public_key_hex_;
};

// Polls `ready` every 100 ms until it holds (true) or timeout_s passes (false).
bool wait_until(double timeout_s, const std::function<bool()>& ready);
// A TCP port on 127.0.0.1 that was free a moment ago, outside the kernel's ephemeral range and
// never handed out before by this process.
uint16_t free_port();
// The build directory (OMEGA_BUILD_DIR, else build/release).
std::string build_dir();
// True in a sanitizer build (the tests skip themselves there; see tests/CMakeLists.txt).
bool sanitizer_build();

}  // namespace omega::e2e
