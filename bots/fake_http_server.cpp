#include "bots/fake_http_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <charconv>
#include <cstdlib>

namespace omega::bots::testing {
namespace {

// A request that has not arrived whole after this long is dropped (a test peer is local).
constexpr int kReadTimeoutMs = 2000;
constexpr size_t kMaxRequestBytes = 1 << 20;

std::atomic<uint64_t> next_order{1};

const char* reason_phrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 204:
      return "No Content";
    case 400:
      return "Bad Request";
    case 404:
      return "Not Found";
    case 409:
      return "Conflict";
    default:
      return "Status";
  }
}

// Reads one request (head and Content-Length body); false on a timeout or a closed peer.
bool read_request(int fd, RecordedRequest& request) {
  std::string raw;
  size_t head_end = std::string::npos, body_size = 0;
  for (;;) {
    if (head_end == std::string::npos && (head_end = raw.find("\r\n\r\n")) != std::string::npos) {
      const std::string head = raw.substr(0, head_end);
      const size_t method_end = head.find(' ');
      const size_t target_end = head.find(' ', method_end + 1);
      if (method_end == std::string::npos || target_end == std::string::npos) return false;
      request.method = head.substr(0, method_end);
      request.target = head.substr(method_end + 1, target_end - method_end - 1);
      std::string lower = head;
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (const size_t at = lower.find("\r\ncontent-length:"); at != std::string::npos) {
        size_t digits = at + 17;
        while (digits < lower.size() && lower[digits] == ' ') ++digits;
        std::from_chars(lower.data() + digits, lower.data() + lower.size(), body_size);
      }
    }
    if (head_end != std::string::npos && raw.size() >= head_end + 4 + body_size) {
      request.body = raw.substr(head_end + 4, body_size);
      return true;
    }
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, kReadTimeoutMs) <= 0) return false;
    char buffer[4096];
    const ssize_t n = read(fd, buffer, sizeof buffer);
    if (n <= 0 || raw.size() + size_t(n) > kMaxRequestBytes) return false;
    raw.append(buffer, size_t(n));
  }
}

}  // namespace

FakeHttpServer::FakeHttpServer(Handler handler) : handler_(std::move(handler)) {
  fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (fd_ < 0 || bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0)
    std::abort();  // a test machine without a loopback interface cannot run these tests
  port_ = ntohs(address.sin_port);
}

FakeHttpServer::~FakeHttpServer() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
  close(fd_);
}

void FakeHttpServer::listen() {
  if (::listen(fd_, 64) != 0) std::abort();
  thread_ = std::thread([this] { serve(); });
}

std::vector<RecordedRequest> FakeHttpServer::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

void FakeHttpServer::serve() {
  while (!stopping_) {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, 50) <= 0) continue;
    const int client = accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    answer(client);
    close(client);
  }
}

void FakeHttpServer::answer(int fd) {
  RecordedRequest request;
  if (!read_request(fd, request)) return;
  request.at = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mutex_);
    request.order = next_order.fetch_add(1);
    requests_.push_back(request);
  }
  const auto [status, body] = handler_(request);
  const std::string response =
      "HTTP/1.1 " + std::to_string(status) + " " + reason_phrase(status) +
      "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
      "\r\nConnection: close\r\n\r\n" + body;
  size_t sent = 0;
  while (sent < response.size()) {
    const ssize_t n = send(fd, response.data() + sent, response.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return;
    sent += size_t(n);
  }
}

}  // namespace omega::bots::testing
