// The HTTP side port (Boost.Beast): one request per connection, small bodies, a timeout on
// every read; routing is the pure function http_route() (http_route.cpp).
#include <utility>  // Boost 1.74's Asio misses this include

#include <chrono>
#include <optional>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "zone/listen_acceptor.hpp"
#include "zone/network.hpp"

namespace omega::zone {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

// Scrapes, probes and control requests are tiny: a small limit and a short timeout keep a stray or
// hostile client from holding resources.
constexpr size_t kMaxRequestBytes = 8 * 1024;
constexpr auto kRequestTimeout = std::chrono::seconds(5);

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(tcp::socket socket, ZoneMetrics& metrics, const ControlHandler& control)
      : stream_(std::move(socket)), metrics_(metrics), control_(control) {}

  void start() {
    parser_.emplace();
    parser_->body_limit(kMaxRequestBytes);
    parser_->header_limit(kMaxRequestBytes);
    stream_.expires_after(kRequestTimeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, size_t) {
                       if (!ec) self->respond();
                     });
  }

 private:
  void respond() {
    const auto& request = parser_->get();
    const auto method = request.method_string();
    const auto target = request.target();
    const auto authorization = request[http::field::authorization];
    const HttpRequestView view{{method.data(), method.size()},
                               {target.data(), target.size()},
                               {authorization.data(), authorization.size()},
                               request.body()};
    if (control_) {
      // The answer comes later from the simulation thread; it is written on this one.
      auto executor = stream_.get_executor();
      auto answer = [self = shared_from_this(), executor](HttpReply reply) {
        asio::post(executor, [self, reply = std::move(reply)] { self->write(reply); });
      };
      if (control_(view, std::move(answer))) return;
    }
    write(http_route(view.method, view.target, metrics_));
  }

  void write(const HttpReply& reply) {
    const auto& request = parser_->get();
    response_.result(static_cast<http::status>(reply.status));
    response_.version(request.version());
    response_.set(http::field::server, "omega-zone");
    response_.set(http::field::content_type, reply.content_type);
    response_.keep_alive(false);
    response_.body() = reply.body;
    response_.prepare_payload();
    http::async_write(stream_, response_, [self = shared_from_this()](beast::error_code, size_t) {
      beast::error_code ignored;
      self->stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    });
  }

  beast::tcp_stream stream_;
  ZoneMetrics& metrics_;
  const ControlHandler& control_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;
};

}  // namespace

struct HttpServer::Impl : std::enable_shared_from_this<HttpServer::Impl> {
  Impl(asio::io_context& io, ZoneMetrics& m, ControlHandler c)
      : acceptor(io),
        backoff(io, "http side port", m.accept_errors),
        metrics(m),
        control(std::move(c)) {}
  void accept() {
    acceptor.async_accept([self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted || !self->acceptor.is_open()) return;
      if (AcceptBackoff::is_resource_error(ec))
        return self->backoff.wait(ec, [self] {
          if (self->acceptor.is_open()) self->accept();
        });
      self->backoff.reset();
      if (!ec)
        std::make_shared<HttpSession>(std::move(socket), self->metrics, self->control)->start();
      self->accept();
    });
  }
  tcp::acceptor acceptor;
  AcceptBackoff backoff;
  ZoneMetrics& metrics;
  ControlHandler control;
};

HttpServer::HttpServer(asio::io_context& io, ZoneMetrics& metrics, ControlHandler control)
    : impl_(std::make_shared<Impl>(io, metrics, std::move(control))) {}

HttpServer::~HttpServer() = default;

uint16_t HttpServer::listen(const std::string& host, uint16_t port, std::string& error) {
  const uint16_t bound = listen_acceptor(impl_->acceptor, host, port, error);
  if (bound != 0) impl_->accept();
  return bound;
}

void HttpServer::stop() {
  asio::post(impl_->acceptor.get_executor(), [impl = impl_] {
    beast::error_code ec;
    impl->acceptor.close(ec);
    impl->backoff.cancel();
  });
}

}  // namespace omega::zone
