#include "bots/zone_process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

namespace omega::bots::testing {

std::string build_dir() {
  const char* dir = std::getenv("OMEGA_BUILD_DIR");
  return dir && *dir ? dir : "build/release";
}

std::unique_ptr<ZoneProcess> ZoneProcess::start(const std::map<std::string, std::string>& env,
                                                double timeout_s, std::string& error,
                                                unsigned open_files_limit) {
  const std::string binary = build_dir() + "/zone/omega-zone";
  std::unique_ptr<ZoneProcess> zone(new ZoneProcess());
  char pattern[] = "/tmp/omega-zone-e2e-XXXXXX";
  const int err_fd = mkstemp(pattern);
  if (err_fd < 0) {
    error = "mkstemp failed";
    return nullptr;
  }
  zone->stderr_path_ = pattern;
  int out[2];
  if (pipe(out) != 0) {
    error = "pipe failed";
    return nullptr;
  }
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(out[1], STDOUT_FILENO);
    dup2(err_fd, STDERR_FILENO);
    close(out[0]);
    close(out[1]);
    for (const auto& [name, value] : env) setenv(name.c_str(), value.c_str(), 1);
#ifdef OMEGA_E2E_ZONE_THREADS
    // The *_threads variants of the e2e suites: the same tests against a zone that spreads its
    // connections and its snapshot encoding over threads and writes with a sendmsg per client
    // (a test's own setting wins).
    setenv("OMEGA_ZONE_NETWORK_THREADS", OMEGA_E2E_ZONE_THREADS, 0);
    setenv("OMEGA_ZONE_SNAPSHOT_THREADS", OMEGA_E2E_ZONE_THREADS, 0);
    setenv("OMEGA_ZONE_SEND_IO", OMEGA_E2E_ZONE_SEND_IO, 0);
#endif
    if (open_files_limit > 0) {
      const rlimit limit{open_files_limit, open_files_limit};
      if (setrlimit(RLIMIT_NOFILE, &limit) != 0) _exit(126);
    }
    execl(binary.c_str(), binary.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(out[1]);
  close(err_fd);
  zone->pid_ = pid;
  // Read stdout until the listening line (or the deadline).
  std::string line;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  while (line.find('\n') == std::string::npos) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          deadline - std::chrono::steady_clock::now())
                          .count();
    pollfd p{out[0], POLLIN, 0};
    if (left <= 0 || poll(&p, 1, int(left)) <= 0) break;
    char buffer[512];
    const ssize_t n = read(out[0], buffer, sizeof buffer);
    if (n <= 0) break;
    line.append(buffer, size_t(n));
  }
  // Keep the pipe's read end open in a detached drain so the zone never gets SIGPIPE.
  std::thread([fd = out[0]] {
    char buffer[512];
    while (read(fd, buffer, sizeof buffer) > 0) {
    }
    close(fd);
  }).detach();
  try {
    const auto json = nlohmann::json::parse(line.substr(0, line.find('\n')));
    zone->ws_port_ = json.at("ws_port").get<uint16_t>();
    zone->http_port_ = json.at("http_port").get<uint16_t>();
  } catch (const std::exception& e) {
    error = "no listening line from " + binary + " (got '" + line + "'): " + e.what() +
            "\nstderr:\n" + zone->stderr_text();
    return nullptr;
  }
  return zone;
}

std::string ZoneProcess::stderr_text() const {
  std::ifstream in(stderr_path_);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

bool ZoneProcess::running() {
  if (pid_ <= 0) return false;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) != pid_) return true;
  pid_ = -1;
  exit_description_ = WIFSIGNALED(status)
                          ? "killed by signal " + std::to_string(WTERMSIG(status))
                          : "exited with status " + std::to_string(WEXITSTATUS(status));
  return false;
}

int ZoneProcess::terminate(double timeout_s) {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  int status = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    const pid_t done = waitpid(pid_, &status, WNOHANG);
    if (done == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return -1;
}

ZoneProcess::~ZoneProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
  if (!stderr_path_.empty()) unlink(stderr_path_.c_str());
}

std::string http_get(uint16_t port, const std::string& path) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return "";
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string response;
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
    const std::string request = "GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
    if (write(fd, request.data(), request.size()) == ssize_t(request.size())) {
      char buffer[4096];
      ssize_t n;
      while ((n = read(fd, buffer, sizeof buffer)) > 0) response.append(buffer, size_t(n));
    }
  }
  close(fd);
  const size_t body = response.find("\r\n\r\n");
  return body == std::string::npos ? "" : response.substr(body + 4);
}

}  // namespace omega::bots::testing
