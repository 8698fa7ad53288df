#include "common/http_client.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>

namespace omega::common {

namespace {

using Clock = std::chrono::steady_clock;

bool parse_port(std::string_view text, uint16_t& port) {
  unsigned value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value == 0 || value > 65535)
    return false;
  port = static_cast<uint16_t>(value);
  return true;
}

// "host[:port]" → host and port (default kept when absent).
bool split_authority(std::string_view authority, std::string& host, uint16_t& port) {
  const size_t colon = authority.rfind(':');
  if (colon != std::string_view::npos) {
    if (!parse_port(authority.substr(colon + 1), port)) return false;
    authority = authority.substr(0, colon);
  }
  host = std::string(authority);
  return !host.empty();
}

int remaining_ms(Clock::time_point deadline) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left <= 0 ? 0 : static_cast<int>(left);
}

// Waits until `fd` is ready for `events` or the deadline passes.
bool wait_for(int fd, short events, Clock::time_point deadline) {
  for (;;) {
    pollfd p{fd, events, 0};
    const int n = poll(&p, 1, remaining_ms(deadline));
    if (n > 0) return true;
    if (n == 0 || errno != EINTR) return false;
  }
}

// A connected non-blocking socket, or -1 with `error` set.
int connect_to(const HttpEndpoint& endpoint, Clock::time_point deadline, std::string& error) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(endpoint.port);
  if (const int rc = getaddrinfo(endpoint.host.c_str(), port.c_str(), &hints, &found); rc != 0) {
    error = std::string("resolve ") + endpoint.host + ": " + gai_strerror(rc);
    return -1;
  }
  int fd = -1;
  for (addrinfo* a = found; a != nullptr && fd < 0; a = a->ai_next) {
    fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    if (connect(fd, a->ai_addr, a->ai_addrlen) == 0) break;
    int so_error = errno;
    if (so_error == EINPROGRESS && wait_for(fd, POLLOUT, deadline)) {
      socklen_t len = sizeof so_error;
      getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &len);
      if (so_error == 0) break;
    } else if (so_error == EINPROGRESS) {
      so_error = ETIMEDOUT;
    }
    error = "connect " + endpoint.host + ":" + port + ": " + std::strerror(so_error);
    close(fd);
    fd = -1;
  }
  freeaddrinfo(found);
  return fd;
}

bool send_all(int fd, const std::string& data, Clock::time_point deadline, std::string& error) {
  size_t sent = 0;
  while (sent < data.size()) {
    const ssize_t n = send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += size_t(n);
    } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      if (!wait_for(fd, POLLOUT, deadline)) {
        error = "timeout while sending";
        return false;
      }
    } else {
      error = std::string("send: ") + std::strerror(errno);
      return false;
    }
  }
  return true;
}

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// Decodes a chunked body; false when it is malformed.
bool dechunk(std::string_view raw, std::string& body) {
  body.clear();
  for (;;) {
    const size_t line_end = raw.find("\r\n");
    if (line_end == std::string_view::npos) return false;
    size_t size = 0;
    auto [end, ec] = std::from_chars(raw.data(), raw.data() + line_end, size, 16);
    if (ec != std::errc{}) return false;
    (void)end;  // chunk extensions after the size are ignored
    raw.remove_prefix(line_end + 2);
    if (size == 0) return true;
    if (raw.size() < size + 2) return false;
    body.append(raw.substr(0, size));
    raw.remove_prefix(size + 2);
  }
}

// Splits a complete response into status and body.
void parse_response(const std::string& raw, HttpResponse& out) {
  const size_t header_end = raw.find("\r\n\r\n");
  if (header_end == std::string::npos || raw.compare(0, 5, "HTTP/") != 0) {
    out.error = "malformed HTTP response";
    return;
  }
  const size_t space = raw.find(' ');
  int status = 0;
  std::from_chars(raw.data() + space + 1, raw.data() + header_end, status);
  const std::string headers = lower(raw.substr(0, header_end));
  std::string_view body(raw);
  body.remove_prefix(header_end + 4);
  if (headers.find("\r\ntransfer-encoding: chunked") != std::string::npos) {
    if (!dechunk(body, out.body)) {
      out.error = "malformed chunked body";
      return;
    }
  } else {
    const size_t cl = headers.find("\r\ncontent-length:");
    if (cl != std::string::npos) {
      size_t length = 0;
      size_t at = cl + 17;
      while (at < headers.size() && headers[at] == ' ') ++at;
      std::from_chars(headers.data() + at, headers.data() + headers.size(), length);
      if (body.size() < length) {
        out.error = "truncated HTTP body";
        return;
      }
      body = body.substr(0, length);
    }
    out.body = std::string(body);
  }
  out.status = status;
}

}  // namespace

std::optional<HttpEndpoint> parse_http_url(const std::string& url) {
  const std::string scheme = "http://";
  if (url.rfind(scheme, 0) != 0) return std::nullopt;
  std::string_view rest(url);
  rest.remove_prefix(scheme.size());
  const size_t slash = rest.find('/');
  HttpEndpoint endpoint;
  if (!split_authority(rest.substr(0, slash), endpoint.host, endpoint.port)) return std::nullopt;
  if (slash != std::string_view::npos) endpoint.prefix = std::string(rest.substr(slash));
  while (!endpoint.prefix.empty() && endpoint.prefix.back() == '/') endpoint.prefix.pop_back();
  return endpoint;
}

std::optional<WebSocketAddress> parse_ws_url(const std::string& url) {
  const std::string scheme = "ws://";
  if (url.rfind(scheme, 0) != 0) return std::nullopt;
  std::string_view rest(url);
  rest.remove_prefix(scheme.size());
  const size_t slash = rest.find('/');
  WebSocketAddress address;
  address.port = 0;
  if (!split_authority(rest.substr(0, slash), address.host, address.port) || address.port == 0)
    return std::nullopt;
  if (slash != std::string_view::npos) address.path = std::string(rest.substr(slash));
  return address;
}

HttpResponse http_call(const HttpEndpoint& endpoint, const HttpRequest& request) {
  HttpResponse response;
  const auto deadline = Clock::now() + std::chrono::microseconds(int64_t(request.timeout_s * 1e6));
  const int fd = connect_to(endpoint, deadline, response.error);
  if (fd < 0) return response;
  std::string wire = request.method + " " + endpoint.prefix + request.target + " HTTP/1.1\r\n";
  wire += "Host: " + endpoint.host + ":" + std::to_string(endpoint.port) + "\r\n";
  wire += "User-Agent: omega\r\nAccept: application/json\r\nConnection: close\r\n";
  for (const auto& [name, value] : request.headers) wire += name + ": " + value + "\r\n";
  if (!request.body.empty()) wire += "Content-Type: application/json\r\n";
  if (!request.body.empty() || request.method == "POST" || request.method == "PUT" ||
      request.method == "PATCH")
    wire += "Content-Length: " + std::to_string(request.body.size()) + "\r\n";
  wire += "\r\n";
  wire += request.body;
  if (send_all(fd, wire, deadline, response.error)) {
    std::string raw;
    char buffer[16 * 1024];
    for (;;) {
      const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
      if (n > 0) {
        raw.append(buffer, size_t(n));
        if (raw.size() > kMaxHttpResponseBytes) {
          response.error = "response larger than the limit";
          break;
        }
      } else if (n == 0) {
        parse_response(raw, response);
        break;
      } else if (errno == EAGAIN || errno == EINTR) {
        if (!wait_for(fd, POLLIN, deadline)) {
          response.error = "timeout while reading the response";
          break;
        }
      } else {
        response.error = std::string("recv: ") + std::strerror(errno);
        break;
      }
    }
  }
  close(fd);
  return response;
}

HttpResponse http_get(const HttpEndpoint& endpoint, const std::string& target,
                      const std::string& bearer) {
  HttpRequest request;
  request.target = target;
  if (!bearer.empty()) request.headers.emplace_back("Authorization", "Bearer " + bearer);
  return http_call(endpoint, request);
}

HttpResponse http_post(const HttpEndpoint& endpoint, const std::string& target,
                       const std::string& json_body, const std::string& bearer) {
  HttpRequest request;
  request.method = "POST";
  request.target = target;
  request.body = json_body;
  if (!bearer.empty()) request.headers.emplace_back("Authorization", "Bearer " + bearer);
  return http_call(endpoint, request);
}

}  // namespace omega::common
