#include <utility>  // before Asio (docs/ARCHITECTURE.md, Dependencies)

#include "client/websocket_transport.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <chrono>
#include <deque>
#include <mutex>
#include <thread>
#include <type_traits>

#include "common/url.hpp"
#include "common/tls_client.hpp"

namespace omega::client {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace ssl = asio::ssl;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

namespace detail {

// What the transport needs of a connection, whatever its stream.
class ZoneConnection {
 public:
  virtual ~ZoneConnection() = default;
  virtual void start() = 0;
  virtual void send(std::vector<uint8_t> message) = 0;
  virtual void close() = 0;
  virtual bool poll(TransportEvent& event) = 0;
  // Stops the I/O thread and runs the cancelled handlers, so they release the connection.
  virtual void shutdown() = 0;
};

}  // namespace detail

namespace {

using PlainStream = websocket::stream<beast::tcp_stream>;
using TlsStream = websocket::stream<beast::ssl_stream<beast::tcp_stream>>;

// One connection attempt and its I/O thread over `Stream` (PlainStream or TlsStream). Owned
// jointly by the transport and the handlers in flight; the transport detaches from it on
// close() and it winds down by itself.
template <class Stream>
class StreamConnection final : public detail::ZoneConnection,
                               public std::enable_shared_from_this<StreamConnection<Stream>> {
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

 public:
  StreamConnection(common::Url url, std::shared_ptr<ssl::context> tls)
      : url_(std::move(url)), tls_(std::move(tls)), resolver_(io_), ws_(make_stream()) {}

  // The owner calls shutdown() first, so no handler runs (or holds a reference) by now.
  ~StreamConnection() override = default;

  void start() override {
    auto self = this->shared_from_this();
    resolver_.async_resolve(url_.host, std::to_string(url_.port),
                            [self](beast::error_code ec, tcp::resolver::results_type results) {
                              self->on_resolve(ec, results);
                            });
    thread_ = std::thread([this] { io_.run(); });
  }

  void send(std::vector<uint8_t> message) override {
    auto self = this->shared_from_this();
    asio::post(io_, [self, message = std::move(message)]() mutable {
      if (!self->open_) return;
      self->outgoing_.push_back(std::move(message));
      if (self->outgoing_.size() == 1) self->write_next();
    });
  }

  void close() override {
    auto self = this->shared_from_this();
    asio::post(io_, [self] {
      if (self->closing_) return;
      self->closing_ = true;
      if (!self->open_) {
        beast::get_lowest_layer(self->ws_).close();
        self->finish("closed by client");
        return;
      }
      self->ws_.async_close(websocket::close_code::normal,
                            [self](beast::error_code) { self->finish("closed by client"); });
    });
  }

  bool poll(TransportEvent& event) override {
    std::lock_guard lock(mutex_);
    if (events_.empty()) return false;
    event = std::move(events_.front());
    events_.pop_front();
    return true;
  }

  // Stops the I/O thread, then cancels what is in flight and runs the cancelled handlers here,
  // so they release their references to this connection (they would otherwise keep it alive
  // through the io_context it owns).
  void shutdown() override {
    io_.stop();
    if (thread_.joinable()) thread_.join();
    io_.restart();
    resolver_.cancel();
    beast::get_lowest_layer(ws_).close();
    while (io_.poll() > 0) {
    }
  }

 private:
  Stream make_stream() {
    if constexpr (kTls)
      return Stream(io_, *tls_);
    else
      return Stream(io_);
  }

  void push(TransportEvent event) {
    std::lock_guard lock(mutex_);
    events_.push_back(std::move(event));
  }

  void finish(const std::string& reason) {
    if (finished_) return;
    finished_ = true;
    open_ = false;
    push({TransportEvent::Kind::closed, {}, reason});
  }

  void on_resolve(beast::error_code ec, const tcp::resolver::results_type& results) {
    if (ec) return finish("resolve " + url_.host + ": " + ec.message());
    auto self = this->shared_from_this();
    beast::get_lowest_layer(ws_).expires_after(
        std::chrono::milliseconds(static_cast<int>(kConnectTimeoutSeconds * 1000)));
    beast::get_lowest_layer(ws_).async_connect(
        results, [self](beast::error_code ec, const tcp::endpoint&) { self->on_connect(ec); });
  }

  void on_connect(beast::error_code ec) {
    if (ec)
      return finish("connect " + url_.host + ":" + std::to_string(url_.port) + ": " + ec.message());
    beast::get_lowest_layer(ws_).socket().set_option(tcp::no_delay(true));
    if constexpr (kTls) {
      auto& tls = ws_.next_layer();
      if (auto problem = common::prepare_tls_client(tls.native_handle(), url_.host);
          !problem.empty())
        return finish("TLS: " + problem);
      auto self = this->shared_from_this();
      tls.async_handshake(ssl::stream_base::client, [self](beast::error_code ec) {
        if (ec)
          return self->finish("TLS: " +
                              common::tls_failure_reason(self->ws_.next_layer().native_handle()));
        self->handshake_websocket();
      });
    } else {
      handshake_websocket();
    }
  }

  void handshake_websocket() {
    auto self = this->shared_from_this();
    ws_.async_handshake(url_.host + ":" + std::to_string(url_.port), url_.target,
                        [self](beast::error_code ec) { self->on_handshake(ec); });
  }

  void on_handshake(beast::error_code ec) {
    if (ec) return finish("WebSocket handshake: " + ec.message());
    beast::get_lowest_layer(ws_).expires_never();
    // Beast's own keep-alive pings catch a dead peer; the protocol's Heartbeats measure RTT.
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
    ws_.read_message_max(kMaxZoneMessageBytes);
    ws_.binary(true);
    open_ = true;
    push({TransportEvent::Kind::connected, {}, {}});
    if (closing_) return;
    read_next();
  }

  void read_next() {
    auto self = this->shared_from_this();
    ws_.async_read(buffer_, [self](beast::error_code ec, size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec) {
      std::string reason =
          ec == websocket::error::closed ? std::string(ws_.reason().reason.c_str()) : ec.message();
      if (reason.empty()) reason = "connection closed by the zone";
      return finish(reason);
    }
    if (!ws_.got_binary()) {
      buffer_.consume(buffer_.size());
      return finish("protocol error: the zone sent a text frame");
    }
    const auto data = buffer_.cdata();
    const auto* begin = static_cast<const uint8_t*>(data.data());
    push({TransportEvent::Kind::message, std::vector<uint8_t>(begin, begin + data.size()), {}});
    buffer_.consume(buffer_.size());
    read_next();
  }

  void write_next() {
    auto self = this->shared_from_this();
    ws_.async_write(asio::buffer(outgoing_.front()), [self](beast::error_code ec, size_t) {
      if (ec) return self->finish("write: " + ec.message());
      self->outgoing_.pop_front();
      if (!self->outgoing_.empty()) self->write_next();
    });
  }

  common::Url url_;
  std::shared_ptr<ssl::context> tls_;  // TLS only; outlives the stream that refers to it
  asio::io_context io_;
  tcp::resolver resolver_;
  Stream ws_;
  beast::flat_buffer buffer_;
  std::deque<std::vector<uint8_t>> outgoing_;               // I/O thread only
  bool open_ = false, closing_ = false, finished_ = false;  // I/O thread only
  std::thread thread_;
  std::mutex mutex_;
  std::deque<TransportEvent> events_;  // guarded by mutex_
};

}  // namespace

WebSocketTransport::WebSocketTransport(std::string ca_file) : ca_file_(std::move(ca_file)) {}

WebSocketTransport::~WebSocketTransport() {
  if (connection_) connection_->shutdown();
}

void WebSocketTransport::connect(const std::string& url) {
  if (connection_) {
    connection_->shutdown();
    connection_.reset();
  }
  std::string error;
  auto parsed = common::parse_url(url, &error);
  if (!parsed || !parsed->websocket()) {
    closed_error_ = parsed ? "zone address must be ws:// or wss://: " + url : error;
    return;
  }
  if (!parsed->tls()) {
    connection_ = std::make_shared<StreamConnection<PlainStream>>(std::move(*parsed), nullptr);
  } else {
    auto context = std::make_shared<ssl::context>(ssl::context::tls_client);
    if (auto problem = common::configure_tls_client_context(context->native_handle(), ca_file_);
        !problem.empty()) {
      closed_error_ = "TLS: " + problem;
      return;
    }
    connection_ = std::make_shared<StreamConnection<TlsStream>>(std::move(*parsed), context);
  }
  connection_->start();
}

void WebSocketTransport::send(std::vector<uint8_t> message) {
  if (connection_) connection_->send(std::move(message));
}

void WebSocketTransport::close() {
  if (connection_) connection_->close();
}

bool WebSocketTransport::poll(double, TransportEvent& event) {
  if (!closed_error_.empty()) {
    event = {TransportEvent::Kind::closed, {}, std::move(closed_error_)};
    closed_error_.clear();
    return true;
  }
  return connection_ && connection_->poll(event);
}

}  // namespace omega::client
