#include "common/http_client.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <openssl/ssl.h>

#include "common/tls_client.hpp"
#include "common/url.hpp"

namespace omega::common {

namespace {

using Clock = std::chrono::steady_clock;

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

// A connected socket, plain or with a TLS session on top. Both directions are non-blocking
// and bounded by the request's deadline.
class Channel {
 public:
  explicit Channel(int fd) : fd_(fd) {}
  ~Channel() {
    if (ssl_ != nullptr) SSL_free(ssl_);
    close(fd_);
  }
  Channel(const Channel&) = delete;
  Channel& operator=(const Channel&) = delete;

  // TLS client handshake with certificate and host-name verification.
  bool start_tls(const HttpEndpoint& endpoint, Clock::time_point deadline, std::string& error) {
    const auto context = tls_client_context(endpoint.ca_file, error);
    if (!context) return false;
    ssl_ = SSL_new(context.get());
    if (ssl_ == nullptr || SSL_set_fd(ssl_, fd_) != 1) {
      error = "TLS: " + tls_failure_reason(ssl_);
      return false;
    }
    if (error = prepare_tls_client(ssl_, endpoint.host); !error.empty()) return false;
    for (;;) {
      const int rc = SSL_connect(ssl_);
      if (rc == 1) return true;
      if (!wait_tls(rc, deadline)) {
        error = "TLS handshake with " + endpoint.host + ": " +
                (timed_out_ ? std::string("timeout") : tls_failure_reason(ssl_));
        return false;
      }
    }
  }

  bool send_all(const std::string& data, Clock::time_point deadline, std::string& error) {
    size_t sent = 0;
    while (sent < data.size()) {
      if (ssl_ != nullptr) {
        const int n = SSL_write(ssl_, data.data() + sent, int(data.size() - sent));
        if (n > 0) {
          sent += size_t(n);
        } else if (!wait_tls(n, deadline)) {
          error = timed_out_ ? "timeout while sending" : "TLS send: " + tls_failure_reason(ssl_);
          return false;
        }
        continue;
      }
      const ssize_t n = send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
      if (n > 0) {
        sent += size_t(n);
      } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
        if (!wait_for(fd_, POLLOUT, deadline)) {
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

  // Reads to the end of the stream into `raw`; false with `error` on failure.
  bool read_all(std::string& raw, Clock::time_point deadline, std::string& error) {
    char buffer[16 * 1024];
    for (;;) {
      ssize_t n = 0;
      if (ssl_ != nullptr) {
        n = SSL_read(ssl_, buffer, sizeof buffer);
        if (n <= 0) {
          if (SSL_get_error(ssl_, int(n)) == SSL_ERROR_ZERO_RETURN) return true;
          if (!wait_tls(int(n), deadline)) {
            error = timed_out_ ? "timeout while reading the response"
                               : "TLS read: " + tls_failure_reason(ssl_);
            return false;
          }
          continue;
        }
      } else {
        n = recv(fd_, buffer, sizeof buffer, 0);
        if (n == 0) return true;
        if (n < 0) {
          if (errno != EAGAIN && errno != EINTR) {
            error = std::string("recv: ") + std::strerror(errno);
            return false;
          }
          if (!wait_for(fd_, POLLIN, deadline)) {
            error = "timeout while reading the response";
            return false;
          }
          continue;
        }
      }
      raw.append(buffer, size_t(n));
      if (raw.size() > kMaxHttpResponseBytes) {
        error = "response larger than the limit";
        return false;
      }
    }
  }

 private:
  // After an SSL call returned `rc` <= 0: waits for the socket when OpenSSL asks to; false when
  // the call failed for good or the deadline passed (timed_out_ says which).
  bool wait_tls(int rc, Clock::time_point deadline) {
    const int code = SSL_get_error(ssl_, rc);
    short events = 0;
    if (code == SSL_ERROR_WANT_READ)
      events = POLLIN;
    else if (code == SSL_ERROR_WANT_WRITE)
      events = POLLOUT;
    else
      return false;
    timed_out_ = !wait_for(fd_, events, deadline);
    return !timed_out_;
  }

  int fd_;
  SSL* ssl_ = nullptr;
  bool timed_out_ = false;
};

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
  const std::optional<Url> parsed = parse_url(url);
  if (!parsed || parsed->websocket()) return std::nullopt;
  HttpEndpoint endpoint{parsed->host, parsed->port, parsed->target, parsed->tls(), ""};
  while (!endpoint.prefix.empty() && endpoint.prefix.back() == '/') endpoint.prefix.pop_back();
  return endpoint;
}

std::optional<WebSocketAddress> parse_ws_url(const std::string& url) {
  const std::optional<Url> parsed = parse_url(url);
  if (!parsed || !parsed->websocket()) return std::nullopt;
  return WebSocketAddress{parsed->host, parsed->port, parsed->target, parsed->tls()};
}

HttpResponse http_call(const HttpEndpoint& endpoint, const HttpRequest& request) {
  HttpResponse response;
  const auto deadline = Clock::now() + std::chrono::microseconds(int64_t(request.timeout_s * 1e6));
  const int fd = connect_to(endpoint, deadline, response.error);
  if (fd < 0) return response;
  Channel channel(fd);
  if (endpoint.tls && !channel.start_tls(endpoint, deadline, response.error)) return response;
  const bool default_port = endpoint.port == (endpoint.tls ? 443 : 80);
  const bool v6 = endpoint.host.find(':') != std::string::npos;
  std::string wire = request.method + " " + endpoint.prefix + request.target + " HTTP/1.1\r\n";
  wire += "Host: " + (v6 ? "[" + endpoint.host + "]" : endpoint.host) +
          (default_port ? "" : ":" + std::to_string(endpoint.port)) + "\r\n";
  wire += "User-Agent: omega\r\nAccept: application/json\r\nConnection: close\r\n";
  for (const auto& [name, value] : request.headers) wire += name + ": " + value + "\r\n";
  if (!request.body.empty()) wire += "Content-Type: application/json\r\n";
  if (!request.body.empty() || request.method == "POST" || request.method == "PUT" ||
      request.method == "PATCH")
    wire += "Content-Length: " + std::to_string(request.body.size()) + "\r\n";
  wire += "\r\n";
  wire += request.body;
  std::string raw;
  if (channel.send_all(wire, deadline, response.error) &&
      channel.read_all(raw, deadline, response.error))
    parse_response(raw, response);
  return response;
}

bool check_health(const std::string& url, std::string& message) {
  std::optional<HttpEndpoint> endpoint = parse_http_url(url);
  if (!endpoint) {
    message = "not an http[s]:// URL: " + url;
    return false;
  }
  // The whole URL is the target: the prefix is the path itself.
  HttpRequest request;
  request.target = endpoint->prefix.empty() ? "/" : endpoint->prefix;
  request.timeout_s = kHealthCheckTimeoutSeconds;
  endpoint->prefix.clear();
  const HttpResponse response = http_call(*endpoint, request);
  if (response.status == 0) {
    message = url + ": " + response.error;
    return false;
  }
  message = url + ": " + std::to_string(response.status);
  return response.status == 200;
}

int health_check_command(std::string url, const char* port_variable, int default_port) {
  if (url.empty()) {
    const char* port = std::getenv(port_variable);
    url = "http://127.0.0.1:" +
          (port != nullptr && *port ? std::string(port) : std::to_string(default_port)) +
          "/healthz";
  }
  std::string message;
  const bool healthy = check_health(url, message);
  std::printf("%s %s\n", healthy ? "healthy:" : "unhealthy:", message.c_str());
  return healthy ? 0 : 1;
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
