#include "api/integration_test_support.hpp"

#include <arpa/inet.h>
#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <poll.h>
#include <sodium.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <pqxx/pqxx>
#include <stdexcept>
#include <thread>

#include "api/openapi_contract.hpp"

namespace omega::api::testing {

Subscriber::Subscriber(const std::string& redis_url, const std::string& channel) {
  // redis://host:port/db
  const auto host_start = redis_url.find("//") + 2;
  const auto colon = redis_url.find(':', host_start);
  const auto slash = redis_url.find('/', colon);
  const auto host = redis_url.substr(host_start, colon - host_start);
  const int port = std::stoi(redis_url.substr(colon + 1, slash - colon - 1));
  context_ = redisConnect(host.c_str(), port);
  if (!context_ || context_->err) throw std::runtime_error("redis connect failed");
  const timeval timeout{2, 0};
  redisSetTimeout(context_, timeout);
  freeReplyObject(redisCommand(context_, "SUBSCRIBE %s", channel.c_str()));
}

Subscriber::~Subscriber() {
  redisFree(context_);
}

nlohmann::json Subscriber::next() {
  void* raw = nullptr;
  if (redisGetReply(context_, &raw) != REDIS_OK || !raw) return nullptr;
  auto* reply = static_cast<redisReply*>(raw);
  nlohmann::json payload;
  if (reply->type == REDIS_REPLY_ARRAY && reply->elements == 3)
    payload = nlohmann::json::parse(std::string(reply->element[2]->str, reply->element[2]->len));
  freeReplyObject(reply);
  return payload;
}

namespace {

std::string run_shell(const std::string& script) {
  const std::string command = "bash -c '" + script + "' 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) throw std::runtime_error("popen failed");
  std::string output;
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, pipe)) output += buffer;
  const int status = pclose(pipe);
  if (status != 0) throw std::runtime_error("command failed: " + script + "\n" + output);
  return output;
}

std::string services_call(const std::string& function, const std::string& directory) {
  return run_shell("source scripts/lib/services.sh && " + function + " " + directory);
}

ServiceUrls read_urls(const std::string& directory) {
  std::ifstream file(directory + "/services.env");
  ServiceUrls urls;
  urls.directory = directory;
  std::string line;
  while (std::getline(file, line)) {
    const auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    const auto key = line.substr(0, eq);
    if (key == "DATABASE_URL") urls.database_url = line.substr(eq + 1);
    if (key == "REDIS_URL") urls.redis_url = line.substr(eq + 1);
  }
  return urls;
}

std::string make_temp_directory() {
  std::string pattern = (std::filesystem::temp_directory_path() / "omega-api-it.XXXXXX").string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  return pattern;
}

// Services started by this process when no fixture provided them; stopped at exit.
std::string g_own_services_directory;
void stop_own_services() {
  if (!g_own_services_directory.empty()) {
    try {
      services_call("omega_services_stop", g_own_services_directory);
    } catch (...) {
    }
  }
}

}  // namespace

const ServiceUrls& shared_services() {
  static const ServiceUrls urls = [] {
    const std::string directory = OMEGA_API_SERVICES_DIR;
    if (std::filesystem::exists(directory + "/services.env")) return read_urls(directory);
    g_own_services_directory = make_temp_directory();
    services_call("omega_services_start", g_own_services_directory);
    std::atexit(stop_own_services);
    return read_urls(g_own_services_directory);
  }();
  return urls;
}

PrivateServices::PrivateServices() {
  const auto directory = make_temp_directory();
  services_call("omega_services_start", directory);
  urls_ = read_urls(directory);
}

PrivateServices::~PrivateServices() {
  try {
    services_call("omega_services_stop", urls_.directory);
    std::filesystem::remove_all(urls_.directory);
  } catch (...) {
  }
}

void PrivateServices::stop_postgres() {
  services_call("omega_pg_stop", urls_.directory);
}
void PrivateServices::start_postgres() {
  services_call("omega_pg_start", urls_.directory);
}

std::string unique_suffix() {
  unsigned char bytes[6];
  randombytes_buf(bytes, sizeof bytes);
  std::string out;
  for (unsigned char b : bytes) out += static_cast<char>('a' + b % 26);
  return out;
}

std::string unique_prefix() {
  return "it_" + unique_suffix() + ":";
}

std::string create_database(const ServiceUrls& services) {
  const auto name = "it_" + unique_suffix();
  pqxx::connection admin(services.database_url);
  pqxx::nontransaction session(admin);
  session.exec("CREATE DATABASE " + name);
  const auto slash = services.database_url.rfind('/');
  return services.database_url.substr(0, slash + 1) + name;
}

nlohmann::json HttpResult::json() const {
  try {
    return nlohmann::json::parse(body);
  } catch (const std::exception&) {
    return nlohmann::json();
  }
}

HttpResult http_request(int port, const std::string& method, const std::string& target,
                        const std::string& body,
                        const std::vector<std::pair<std::string, std::string>>& headers) {
  HttpResult result;
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return result;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    close(fd);
    return result;
  }
  std::string request =
      method + " " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n";
  for (const auto& [name, value] : headers) request += name + ": " + value + "\r\n";
  if (!body.empty() || method == "POST")
    request += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  request += "\r\n";
  request += body;
  // Send in pieces and stop as soon as the server answers early (e.g. 413 for a huge body).
  std::size_t sent = 0;
  while (sent < request.size()) {
    pollfd readable{fd, POLLIN, 0};
    if (poll(&readable, 1, 0) > 0) break;
    const auto chunk = std::min<std::size_t>(64 * 1024, request.size() - sent);
    const auto n = send(fd, request.data() + sent, chunk, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<std::size_t>(n);
  }
  std::string response;
  char buffer[16 * 1024];
  for (;;) {
    pollfd readable{fd, POLLIN, 0};
    if (poll(&readable, 1, 15'000) <= 0) break;  // a hung server fails the test, not the suite
    const auto n = recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    response.append(buffer, static_cast<std::size_t>(n));
  }
  close(fd);
  const auto header_end = response.find("\r\n\r\n");
  if (header_end == std::string::npos || response.size() < 12) return result;
  result.status = std::atoi(response.c_str() + 9);
  std::size_t line_start = response.find("\r\n") + 2;
  while (line_start < header_end) {
    const auto line_end = response.find("\r\n", line_start);
    const auto line = response.substr(line_start, line_end - line_start);
    const auto colon = line.find(':');
    if (colon != std::string::npos) {
      auto name = line.substr(0, colon);
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      auto value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      result.headers[name] = value;
    }
    line_start = line_end + 2;
  }
  result.body = response.substr(header_end + 4);
  expect_conforms_to_spec(method, target, result);
  return result;
}

void expect_conforms_to_spec(const std::string& method, const std::string& target,
                             const HttpResult& result) {
  if (result.status == 0)
    return;  // no answer at all: the test's own assertions say what it expected
  // Loaded once; an unreadable spec fails every check rather than passing them.
  static const std::unique_ptr<const OpenApiContract> contract =
      []() -> std::unique_ptr<const OpenApiContract> {
    try {
      // `new` rather than make_unique: the contract is built in place, never moved.
      return std::unique_ptr<const OpenApiContract>(
          new OpenApiContract(OpenApiContract::load("docs/api/openapi.yaml")));
    } catch (const std::exception& error) {
      ADD_FAILURE() << "docs/api/openapi.yaml: " << error.what();
      return nullptr;
    }
  }();
  if (!contract) {
    ADD_FAILURE() << method << " " << target << ": no spec to check the response against";
    return;
  }
  for (const auto& problem :
       contract->check(method, target, {result.status, result.headers, result.body}))
    ADD_FAILURE() << "response differs from docs/api/openapi.yaml: " << problem
                  << "\n  body: " << result.body.substr(0, 500);
}

TestApi::TestApi(const std::string& database_url, const std::string& redis_url,
                 const std::function<void(Config&)>& adjust) {
  config_.listen_address = "127.0.0.1";
  config_.port = 0;
  config_.database_url = database_url;
  config_.redis_url = redis_url;
  config_.redis_prefix = unique_prefix();
  config_.jwt_secret = "integration-test-secret-0123456789abcdef";
  config_.service_token = kServiceToken;
  config_.worker_threads = 8;
  config_.database_pool_size = 6;
  config_.redis_pool_size = 4;
  config_.shutdown_grace_s = 5;
  if (adjust) adjust(config_);
  start();
}

TestApi::~TestApi() {
  stop();
}

void TestApi::start() {
  application_ = std::make_unique<Application>(config_);
  application_->migrate();
  server_ = std::make_unique<HttpServer>(*application_);
  port_ = server_->start();
}

void TestApi::stop() {
  if (server_) server_->stop(std::chrono::seconds(config_.shutdown_grace_s));
  server_.reset();
  application_.reset();
}

void TestApi::restart() {
  stop();
  start();
}

namespace {
std::vector<std::pair<std::string, std::string>> auth_headers(const std::string& token) {
  std::vector<std::pair<std::string, std::string>> headers{{"Content-Type", "application/json"}};
  if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + token);
  return headers;
}
}  // namespace

HttpResult TestApi::get(const std::string& target, const std::string& token) const {
  return http_request(port_, "GET", target, "", auth_headers(token));
}

HttpResult TestApi::post(const std::string& target, const nlohmann::json& body,
                         const std::string& token) const {
  return http_request(port_, "POST", target, body.dump(), auth_headers(token));
}

HttpResult TestApi::del(const std::string& target, const std::string& token) const {
  return http_request(port_, "DELETE", target, "", auth_headers(token));
}

std::int64_t TestApi::create_admin(const std::string& username, const std::string& password,
                                   AdminRole role) {
  const auto id = application_->create_admin(username, password, role);
  if (!id) throw std::runtime_error("admin username taken: " + username);
  return *id;
}

nlohmann::json TestApi::register_and_login(const std::string& username,
                                           const std::string& password) {
  const auto registered =
      post("/v1/auth/register", {{"username", username}, {"password", password}});
  if (registered.status != 201) throw std::runtime_error("register failed: " + registered.body);
  const auto login = post("/v1/auth/login", {{"username", username}, {"password", password}});
  if (login.status != 200) throw std::runtime_error("login failed: " + login.body);
  return login.json();
}

int free_loopback_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket failed");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    close(fd);
    throw std::runtime_error("cannot find a free port");
  }
  close(fd);
  return ntohs(address.sin_port);
}

ApiProcess::ApiProcess(std::vector<std::string> environment, int port) : port_(port) {
  const char* binary = OMEGA_API_BINARY;
  // Everything the child needs is prepared before fork: a forked multi-threaded process
  // may only call async-signal-safe functions until exec.
  std::vector<char*> envp;
  for (auto& entry : environment) envp.push_back(entry.data());
  envp.push_back(nullptr);
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    execle(binary, binary, "serve", static_cast<char*>(nullptr), envp.data());
    _exit(127);
  }
  for (int attempt = 0; attempt < 100 && !healthy_; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    healthy_ = http_request(port_, "GET", "/healthz").status == 200;
  }
}

ApiProcess::~ApiProcess() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
}

std::optional<int> ApiProcess::terminate(std::chrono::milliseconds deadline) {
  if (pid_ <= 0) return std::nullopt;
  kill(pid_, SIGTERM);
  int status = 0;
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < until) {
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return status;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return std::nullopt;  // the destructor kills it
}

void FreshDatabaseTest::SetUp() {
  database_url_ = create_database(shared_services());
}

std::unique_ptr<TestApi> FreshDatabaseTest::start_api(const std::function<void(Config&)>& adjust) {
  return std::make_unique<TestApi>(database_url_, shared_services().redis_url, adjust);
}

long long FreshDatabaseTest::count(const std::string& sql) {
  pqxx::connection connection(database_url_);
  pqxx::nontransaction query(connection);
  return query.exec(sql)[0][0].as<long long>();
}

}  // namespace omega::api::testing
