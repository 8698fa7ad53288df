#include "tests/world_stack.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "bots/http_client.hpp"
#include "protocol/ticket.hpp"

namespace omega::e2e {

namespace {

using Clock = std::chrono::steady_clock;

// Runs a bash snippet from the repository root; its output, and whether it succeeded.
bool shell(const std::string& script, std::string* output = nullptr) {
  const std::string command = "bash -c '" + script + "' 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return false;
  std::string text;
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, pipe)) text += buffer;
  const int status = pclose(pipe);
  if (output) *output = text;
  return status == 0;
}

std::string services(const std::string& function, const std::string& directory) {
  std::string output;
  if (!shell("source scripts/lib/services.sh && " + function + " " + directory, &output))
    return function + " failed:\n" + output;
  return "";
}

std::string env_value(const std::string& directory, const std::string& key) {
  std::ifstream file(directory + "/services.env");
  std::string line, value;
  while (std::getline(file, line))
    if (line.rfind(key + "=", 0) == 0) value = line.substr(key.size() + 1);
  return value;
}

std::string tail(const std::string& text, size_t lines) {
  size_t at = text.size();
  for (size_t n = 0; n <= lines && at > 0; ++n) {
    const size_t nl = text.rfind('\n', at - 1);
    if (nl == std::string::npos) return text;
    at = nl;
  }
  return text.substr(at);
}

}  // namespace

bool wait_until(double timeout_s, const std::function<bool()>& ready) {
  const auto deadline = Clock::now() + std::chrono::duration<double>(timeout_s);
  while (Clock::now() < deadline) {
    if (ready()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return ready();
}

namespace {
// Binds 127.0.0.1:port (0: the kernel picks one) and returns the port bound, or 0.
uint16_t bind_and_release(uint16_t port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port);
  socklen_t length = sizeof address;
  uint16_t bound = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0)
    bound = ntohs(address.sin_port);
  close(fd);
  return bound;
}
}  // namespace

// Below the kernel's ephemeral range (ip_local_port_range): a port the kernel picked for
// bind(0) can be handed to an outgoing connection, or picked again for the next bind(0) (a
// zone's two ports once came out the same), before the server binds it. Never one this
// process handed out before.
uint16_t free_port() {
  static std::mutex mutex;
  static std::set<uint16_t> handed_out;
  static std::mt19937 random{std::random_device{}()};
  constexpr int kLowest = 10000;
  int ephemeral_low = 32768;
  if (std::ifstream range("/proc/sys/net/ipv4/ip_local_port_range"); range) range >> ephemeral_low;
  std::lock_guard lock(mutex);
  std::uniform_int_distribution<int> pick(kLowest, std::max(kLowest, ephemeral_low - 1));
  for (int attempt = 0; attempt < 1000; ++attempt) {
    const auto port = static_cast<uint16_t>(pick(random));
    if (!handed_out.count(port) && bind_and_release(port) == port) {
      handed_out.insert(port);
      return port;
    }
  }
  const uint16_t port = bind_and_release(0);  // no room below the range
  handed_out.insert(port);
  return port;
}

std::string build_dir() {
  const char* dir = std::getenv("OMEGA_BUILD_DIR");
  return dir && *dir ? dir : "build/release";
}

bool sanitizer_build() {
#if defined(__SANITIZE_ADDRESS__)
  return true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
  return true;
#else
  return false;
#endif
#else
  return false;
#endif
}

// ---- ChildProcess ----------------------------------------------------------------------------

ChildProcess::ChildProcess(std::string name, std::string binary,
                           std::map<std::string, std::string> env, std::string log_path)
    : name_(std::move(name)),
      binary_(std::move(binary)),
      log_path_(std::move(log_path)),
      env_(std::move(env)) {}

ChildProcess::~ChildProcess() {
  if (pid_ > 0) kill9();
}

bool ChildProcess::start(std::string& error) {
  const int log = open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log < 0) {
    error = "cannot open " + log_path_;
    return false;
  }
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(log, STDOUT_FILENO);
    dup2(log, STDERR_FILENO);
    for (const auto& [key, value] : env_) setenv(key.c_str(), value.c_str(), 1);
    execl(binary_.c_str(), binary_.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(log);
  if (pid < 0) {
    error = "fork failed";
    return false;
  }
  pid_ = pid;
  return true;
}

bool ChildProcess::running() {
  if (pid_ <= 0) return false;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) == pid_) {
    pid_ = -1;
    return false;
  }
  return true;
}

bool ChildProcess::stop(double timeout_s) {
  if (!running()) return true;
  kill(pid_, SIGTERM);
  const auto deadline = Clock::now() + std::chrono::duration<double>(timeout_s);
  while (Clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill9();
  return false;
}

void ChildProcess::kill9() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

std::string ChildProcess::log() const {
  std::ifstream in(log_path_);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// ---- WorldStack ------------------------------------------------------------------------------

WorldStack::WorldStack(std::string world_file) : world_file_(std::move(world_file)) {
  std::string pattern =
      (std::filesystem::temp_directory_path() / "omega-world-e2e.XXXXXX").string();
  if (mkdtemp(pattern.data()) != nullptr) directory_ = pattern;
  const auto seed = protocol::from_hex<32>(kDevTicketSeed);
  public_key_hex_ = protocol::to_hex(protocol::ticket_key_from_seed(*seed).public_key);
}

WorldStack::~WorldStack() {
  for (auto& [id, zone] : zones_)
    if (zone.process) zone.process->kill9();
  if (api_) api_->kill9();
  if (services_created_) services("omega_services_stop", directory_);
  if (!directory_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(directory_, ignored);
  }
}

std::string WorldStack::start_services() {
  if (directory_.empty()) return "mkdtemp failed";
  std::string error;
  if (!services_created_) {
    error = services("omega_services_start", directory_);
    services_created_ = error.empty();
  } else {
    error = services("omega_pg_start", directory_);
    if (error.empty()) error = services("omega_redis_start", directory_);
  }
  database_url_ = env_value(directory_, "DATABASE_URL");
  redis_url_ = env_value(directory_, "REDIS_URL");
  return error;
}

void WorldStack::stop_services() {
  services("omega_redis_stop", directory_);
  services("omega_pg_stop", directory_);
}

std::map<std::string, std::string> WorldStack::api_environment() const {
  return {
      {"OMEGA_API_LISTEN", "127.0.0.1"},      {"OMEGA_API_PORT", std::to_string(api_port_)},
      {"DATABASE_URL", database_url_},        {"REDIS_URL", redis_url_},
      {"OMEGA_REDIS_PREFIX", "omega:"},       {"OMEGA_JWT_SECRET", kJwtSecret},
      {"OMEGA_SERVICE_TOKEN", kServiceToken}, {"OMEGA_API_TICKET_SEED", kDevTicketSeed},
      {"OMEGA_API_WORLD_FILE", world_file_},  {"OMEGA_API_WORKER_THREADS", "8"},
      {"OMEGA_REGISTRATIONS_PER_HOUR", "0"},  // bots register many accounts from one address
  };
}

std::string WorldStack::create_admin(const std::string& username, const std::string& password,
                                     const std::string& role) {
  // shell() quotes the script in single quotes: values go in double quotes, so they must hold
  // no quotes, $ or backslashes (the test secrets and URLs do not).
  std::string command;
  for (const auto& [name, value] : api_environment()) command += name + "=\"" + value + "\" ";
  command += "OMEGA_ADMIN_PASSWORD=\"" + password + "\" " + build_dir() +
             "/api/omega-api admin create --username " + username + " --role " + role +
             " </dev/null 2>&1";
  std::string output;
  if (!shell(command, &output)) return "omega-api admin create failed:\n" + output;
  return "";
}

std::string WorldStack::start_api() {
  if (api_port_ == 0) api_port_ = free_port();
  api_ = std::make_unique<ChildProcess>("omega-api", build_dir() + "/api/omega-api",
                                        api_environment(), directory_ + "/api.log");
  std::string error;
  if (!api_->start(error)) return error;
  const auto endpoint = bots::parse_http_url(api_url());
  const bool up = wait_until(30.0, [&] {
    return !api_->running() || bots::http_get(*endpoint, "/healthz").status == 200;
  });
  if (!up || !api_->running()) return "omega-api did not come up:\n" + tail(api_->log(), 30);
  return "";
}

void WorldStack::stop_api() {
  if (api_) api_->stop();
}

std::string WorldStack::start_zone(const ZoneSpec& spec) {
  Zone& zone = zones_[spec.id];
  zone.spec = spec;
  if (zone.ws_port == 0) {
    zone.ws_port = free_port();
    zone.http_port = free_port();
  }
  std::map<std::string, std::string> env = {
      {"OMEGA_ZONE_HOST", "127.0.0.1"},
      {"OMEGA_ZONE_PORT", std::to_string(zone.ws_port)},
      {"OMEGA_ZONE_HTTP_PORT", std::to_string(zone.http_port)},
      {"OMEGA_ZONE_TICKET_PUBLIC_KEY", public_key_hex_},
      {"OMEGA_ZONE_API_URL", api_url()},
      {"OMEGA_ZONE_SERVICE_TOKEN", kServiceToken},
      {"OMEGA_ZONE_REDIS_URL", redis_url_},
      {"OMEGA_ZONE_REDIS_PREFIX", "omega:"},
      {"OMEGA_ZONE_PROCESS_ID", spec.id},
      {"OMEGA_ZONE_PUBLIC_WS_URL", "ws://127.0.0.1:" + std::to_string(zone.ws_port)},
      {"OMEGA_ZONE_HOSTS", spec.hosts},
      {"OMEGA_ZONE_OPEN", spec.open},
      {"OMEGA_ZONE_WORLD_FILE", world_file_},
      // Every bot connects from 127.0.0.1: the per-address limits are for the Internet.
      {"OMEGA_ZONE_MAX_CONNECTIONS_PER_IP", "100000"},
      {"OMEGA_ZONE_MAX_PENDING_PER_IP", "100000"},
  };
  for (const auto& [key, value] : spec.extra_env) env[key] = value;
  const std::string log_path = directory_ + "/" + spec.id + ".log";
  std::filesystem::remove(log_path);  // the listening line of this start, not the last one
  zone.process =
      std::make_unique<ChildProcess>(spec.id, build_dir() + "/zone/omega-zone", env, log_path);
  std::string error;
  if (!zone.process->start(error)) return error;
  const bool up = wait_until(30.0, [&] {
    return !zone.process->running() ||
           zone.process->log().find("\"listening\"") != std::string::npos;
  });
  if (!up || !zone.process->running())
    return spec.id + " did not come up:\n" + tail(zone.process->log(), 30);
  return "";
}

void WorldStack::stop_zone(const std::string& id) {
  if (auto it = zones_.find(id); it != zones_.end() && it->second.process)
    it->second.process->stop();
}

void WorldStack::kill_zone(const std::string& id) {
  if (auto it = zones_.find(id); it != zones_.end() && it->second.process)
    it->second.process->kill9();
}

std::string WorldStack::start_all(const std::vector<ZoneSpec>& zones) {
  std::string error = start_services();
  if (error.empty()) error = start_api();
  for (const ZoneSpec& zone : zones)
    if (error.empty()) error = start_zone(zone);
  return error;
}

void WorldStack::stop_all() {
  for (auto& [id, zone] : zones_)
    if (zone.process) zone.process->stop();
  stop_api();
  stop_services();
}

std::string WorldStack::api_url() const {
  return "http://127.0.0.1:" + std::to_string(api_port_);
}

uint16_t WorldStack::zone_http_port(const std::string& id) const {
  const auto it = zones_.find(id);
  return it == zones_.end() ? 0 : it->second.http_port;
}

std::string WorldStack::sql(const std::string& query) const {
  const char* bin = std::getenv("OMEGA_PG_BIN");
  const std::string psql = std::string(bin && *bin ? bin : "/usr/lib/postgresql/15/bin") + "/psql";
  std::string output;
  // The query must not hold single quotes (it goes inside the shell's single quotes).
  if (!shell(psql + " \"" + database_url_ + "\" -tAc \"" + query + "\"", &output)) return "";
  while (!output.empty() && (output.back() == '\n' || output.back() == ' ')) output.pop_back();
  return output.substr(0, output.find('\n'));
}

std::pair<int, std::string> WorldStack::internal_post(const std::string& target,
                                                      const std::string& body) const {
  bots::HttpRequest request;
  request.method = "POST";
  request.target = target;
  request.body = body;
  request.headers.emplace_back("Authorization", std::string("Bearer ") + kServiceToken);
  const bots::HttpResponse response = bots::http_call(*bots::parse_http_url(api_url()), request);
  return {response.status, response.body};
}

std::string WorldStack::logs() const {
  std::string text;
  if (api_) text += "---- omega-api ----" + tail(api_->log(), 25) + "\n";
  for (const auto& [id, zone] : zones_)
    if (zone.process) text += "---- " + id + " ----" + tail(zone.process->log(), 25) + "\n";
  return text;
}

}  // namespace omega::e2e
