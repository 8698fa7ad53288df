#include <utility>
// <utility> before Asio: see docs/ARCHITECTURE.md, Dependencies.
#include "api/server.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <spdlog/spdlog.h>

#include <array>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "api/application.hpp"

namespace omega::api {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {
// Request lines and headers beyond this are refused: no legitimate client needs more.
constexpr std::uint32_t kHeaderLimitBytes = 16 * 1024;
// How long a refused client may keep sending before we close regardless.
constexpr auto kLingerTime = std::chrono::seconds(2);

Method to_method(http::verb verb) {
  switch (verb) {
    case http::verb::get:
      return Method::get;
    case http::verb::post:
      return Method::post;
    case http::verb::put:
      return Method::put;
    case http::verb::patch:
      return Method::patch;
    case http::verb::delete_:
      return Method::del;
    case http::verb::head:
      return Method::head;
    case http::verb::options:
      return Method::options;
    default:
      return Method::other;
  }
}
}  // namespace

class Session;

// Lets worker threads hand responses back only while the I/O context exists.
struct ResponseGate {
  std::mutex mutex;
  bool open = true;
};

struct HttpServer::Impl {
  explicit Impl(Application& app) : application(app), config(app.config()), io(config.io_threads) {}

  Application& application;
  const Config& config;
  std::shared_ptr<ResponseGate> gate = std::make_shared<ResponseGate>();
  std::atomic<bool> stopping{false};
  bool stopped = false;
  std::mutex sessions_mutex;
  std::condition_variable sessions_done;
  // Owns every open session: a session waiting for a worker thread has no pending I/O to
  // keep it alive. A session removes itself when it closes.
  std::unordered_map<Session*, std::shared_ptr<Session>> sessions;
  net::io_context io;
  std::optional<tcp::acceptor> acceptor;
  std::vector<std::thread> threads;

  void accept();
  void add(const std::shared_ptr<Session>& session);
  void remove(Session* session);
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, HttpServer::Impl& server)
      : stream_(std::move(socket)), server_(server) {}

  void start() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read(); });
  }

  // Called on shutdown from any thread: idle connections close now, busy ones after their
  // response (which then carries Connection: close).
  void shutdown() {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      if (self->reading_) self->close();
    });
  }

 private:
  void read() {
    if (server_.stopping) return close();
    parser_.emplace();
    parser_->body_limit(static_cast<std::uint64_t>(server_.config.body_limit_bytes));
    parser_->header_limit(kHeaderLimitBytes);
    stream_.expires_after(std::chrono::seconds(served_ == 0 ? server_.config.request_timeout_s
                                                            : server_.config.idle_timeout_s));
    reading_ = true;
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    reading_ = false;
    if (ec == http::error::end_of_stream || ec == net::error::operation_aborted ||
        ec == beast::error::timeout)
      return close();
    if (ec == http::error::body_limit)
      return respond_and_close(413, "payload_too_large", "request body too large");
    if (ec == http::error::header_limit)
      return respond_and_close(431, "headers_too_large", "request headers too large");
    if (ec.category() ==
        http::make_error_code(http::error::bad_target).category())  // any parse error
      return respond_and_close(400, "bad_request", "malformed HTTP request");
    if (ec) return close();

    auto& message = parser_->get();
    keep_alive_ = message.keep_alive();
    head_ = message.method() == http::verb::head;
    HttpRequest request;
    request.method = to_method(message.method());
    const std::string_view target(message.target().data(), message.target().size());
    const auto question = target.find('?');
    auto path = percent_decode(target.substr(0, question), false);
    if (!path) return respond_and_close(400, "bad_request", "malformed request target");
    request.path = std::move(*path);
    if (question != std::string_view::npos)
      request.query = std::string(target.substr(question + 1));
    for (const auto& field : message) {
      std::string name(field.name_string());
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      request.headers.emplace_back(std::move(name), std::string(field.value()));
    }
    request.body = std::move(message.body());
    beast::error_code endpoint_error;
    const auto remote = stream_.socket().remote_endpoint(endpoint_error);
    request.remote_address = endpoint_error ? std::string("unknown") : remote.address().to_string();

    // The worker holds only a weak reference: the registry keeps the session alive, and the
    // gate stops hand-backs once the I/O context is going away.
    auto gate = server_.gate;
    std::weak_ptr<Session> weak = shared_from_this();
    server_.application.handle(std::move(request), [weak, gate](HttpResponse response) {
      std::lock_guard lock(gate->mutex);
      if (!gate->open) return;
      if (auto self = weak.lock())
        net::dispatch(
            self->stream_.get_executor(),
            [self, response = std::move(response)]() mutable { self->write(std::move(response)); });
    });
  }

  void respond_and_close(int status, std::string_view code, std::string_view message) {
    keep_alive_ = false;
    head_ = false;
    write(error_response(status, code, message));
  }

  void write(HttpResponse response) {
    response_ = {};
    response_.version(11);
    response_.result(static_cast<unsigned>(response.status));
    response_.set(http::field::server, "omega-api");
    if (!response.content_type.empty())
      response_.set(http::field::content_type, response.content_type);
    for (auto& [name, value] : response.headers) response_.set(name, value);
    response_.body() = std::move(response.body);
    response_.prepare_payload();
    if (head_) response_.body().clear();  // keeps the Content-Length of the GET answer
    response_.keep_alive(keep_alive_ && !server_.stopping);
    ++served_;
    stream_.expires_after(std::chrono::seconds(server_.config.request_timeout_s));
    http::async_write(stream_, response_,
                      [self = shared_from_this()](beast::error_code ec, std::size_t) {
                        if (ec) return self->close();
                        if (!self->response_.keep_alive()) return self->linger_close();
                        self->read();
                      });
  }

  // Half-closes and discards what the client is still sending (e.g. the rest of a body we
  // refused with 413) for a short time: closing with unread data would reset the connection
  // and could destroy our response before the client reads it.
  void linger_close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(kLingerTime);
    drain();
  }

  void drain() {
    stream_.async_read_some(net::buffer(discard_),
                            [self = shared_from_this()](beast::error_code ec, std::size_t) {
                              if (ec) return self->close();
                              self->drain();
                            });
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.socket().close(ignored);
    server_.remove(this);
  }

  beast::tcp_stream stream_;
  HttpServer::Impl& server_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;
  bool keep_alive_ = false;
  bool head_ = false;
  bool reading_ = false;
  std::uint64_t served_ = 0;
  std::array<char, 16 * 1024> discard_;
};

void HttpServer::Impl::accept() {
  // Captures `this`, not a shared pointer: a pending accept must not keep the context that
  // owns it alive (HttpServer stops and joins before Impl goes away).
  acceptor->async_accept(net::make_strand(io),
                         [self = this](beast::error_code ec, tcp::socket socket) {
                           if (ec) {
                             if (ec == net::error::operation_aborted || self->stopping) return;
                             spdlog::warn("accept failed: {}", ec.message());
                           } else {
                             socket.set_option(tcp::no_delay(true), ec);
                             auto session = std::make_shared<Session>(std::move(socket), *self);
                             self->add(session);
                             session->start();
                           }
                           if (!self->stopping) self->accept();
                         });
}

void HttpServer::Impl::add(const std::shared_ptr<Session>& session) {
  std::lock_guard lock(sessions_mutex);
  sessions.emplace(session.get(), session);
}

void HttpServer::Impl::remove(Session* session) {
  std::lock_guard lock(sessions_mutex);
  sessions.erase(session);
  if (sessions.empty()) sessions_done.notify_all();
}

HttpServer::HttpServer(Application& application) : impl_(std::make_shared<Impl>(application)) {}

HttpServer::~HttpServer() {
  stop(std::chrono::milliseconds(0));
}

std::uint16_t HttpServer::start() {
  const auto& config = impl_->config;
  beast::error_code ec;
  const auto address = net::ip::make_address(config.listen_address, ec);
  if (ec) throw std::runtime_error("bad listen address " + config.listen_address);
  const tcp::endpoint endpoint(address, static_cast<unsigned short>(config.port));
  auto& acceptor = impl_->acceptor.emplace(impl_->io);
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec)
    throw std::runtime_error("cannot listen on " + config.listen_address + ":" +
                             std::to_string(config.port) + ": " + ec.message());
  impl_->accept();
  for (int i = 0; i < config.io_threads; ++i)
    impl_->threads.emplace_back([impl = impl_] { impl->io.run(); });
  return acceptor.local_endpoint().port();
}

void HttpServer::stop(std::chrono::milliseconds grace) {
  if (impl_->stopped) return;
  impl_->stopped = true;
  impl_->stopping = true;
  // Raw pointer: a handler left queued when the context stops must not own the context.
  net::post(impl_->io, [impl = impl_.get()] {
    beast::error_code ignored;
    if (impl->acceptor) impl->acceptor->close(ignored);
  });
  {
    std::lock_guard lock(impl_->sessions_mutex);
    for (auto& [raw, session] : impl_->sessions) session->shutdown();
  }
  {
    std::unique_lock lock(impl_->sessions_mutex);
    impl_->sessions_done.wait_for(lock, grace, [&] { return impl_->sessions.empty(); });
  }
  {
    std::lock_guard lock(impl_->gate->mutex);
    impl_->gate->open = false;
  }
  impl_->io.stop();
  for (auto& thread : impl_->threads) thread.join();
  impl_->threads.clear();
  if (impl_->acceptor) {  // the posted close may not have run before the context stopped
    beast::error_code ignored;
    impl_->acceptor->close(ignored);
  }
  // Sessions still registered were mid-request; their sockets go while the context lives.
  std::unordered_map<Session*, std::shared_ptr<Session>> remaining;
  {
    std::lock_guard lock(impl_->sessions_mutex);
    remaining.swap(impl_->sessions);
  }
  remaining.clear();
}

void HttpServer::run_until_signal() {
  net::io_context signals_io;
  net::signal_set signals(signals_io, SIGINT, SIGTERM);
  signals.async_wait(
      [](beast::error_code, int signal) { spdlog::info("signal {}: shutting down", signal); });
  signals_io.run();
  stop(std::chrono::seconds(impl_->config.shutdown_grace_s));
}

}  // namespace omega::api
