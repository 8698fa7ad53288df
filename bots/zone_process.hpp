// ZoneProcess: a real omega-zone child process for end-to-end tests.
//
// Starts `$OMEGA_BUILD_DIR/zone/omega-zone` with the given environment (ports 0: the zone picks
// free ones, so tests may run in parallel), reads its `{"event":"listening",...}` line, and
// stops it on request or in the destructor (SIGKILL if it has not exited by then).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>

namespace omega::bots::testing {

class ZoneProcess {
 public:
  // nullptr on failure, with `error` explaining (and the zone's stderr, if any).
  // `open_files_limit` > 0: the child's RLIMIT_NOFILE (soft and hard) before exec.
  static std::unique_ptr<ZoneProcess> start(const std::map<std::string, std::string>& env,
                                            double timeout_s, std::string& error,
                                            unsigned open_files_limit = 0);
  ~ZoneProcess();
  ZoneProcess(const ZoneProcess&) = delete;
  ZoneProcess& operator=(const ZoneProcess&) = delete;

  uint16_t ws_port() const { return ws_port_; }
  uint16_t http_port() const { return http_port_; }
  pid_t pid() const { return pid_; }
  std::string stderr_text() const;

  // False once the process has ended (it is reaped; `exit_description` says how).
  bool running();
  std::string exit_description() const { return exit_description_; }

  // Sends SIGTERM and waits up to timeout_s; the exit status (WEXITSTATUS), or -1 if it was
  // killed by a signal or did not exit in time (then it is SIGKILLed).
  int terminate(double timeout_s);

 private:
  ZoneProcess() = default;
  pid_t pid_ = -1;
  uint16_t ws_port_ = 0, http_port_ = 0;
  std::string stderr_path_;
  std::string exit_description_;
};

// The body of GET http://127.0.0.1:port/path (HTTP/1.0), or "" on failure.
std::string http_get(uint16_t port, const std::string& path);

// The build directory from OMEGA_BUILD_DIR (set by omega_add_test), else "build/release".
std::string build_dir();

}  // namespace omega::bots::testing
