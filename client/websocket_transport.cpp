#include <utility>  // before Asio (DESIGN.md §3)

#include "client/websocket_transport.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <deque>
#include <mutex>
#include <thread>

#include "client/url.hpp"

namespace omega::client {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

// One connection attempt and its I/O thread. Owned jointly by the transport and the handlers
// in flight; the transport detaches from it on close() and it winds down by itself.
class WebSocketTransport::Connection : public std::enable_shared_from_this<Connection> {
 public:
  explicit Connection(Url url) : url_(std::move(url)), resolver_(io_), ws_(io_) {}

  // The owner calls shutdown() first, so no handler runs (or holds a reference) by now.
  ~Connection() = default;

  void start() {
    auto self = shared_from_this();
    resolver_.async_resolve(url_.host, std::to_string(url_.port),
                            [self](beast::error_code ec, tcp::resolver::results_type results) {
                              self->on_resolve(ec, results);
                            });
    thread_ = std::thread([this] { io_.run(); });
  }

  void send(std::vector<uint8_t> message) {
    auto self = shared_from_this();
    asio::post(io_, [self, message = std::move(message)]() mutable {
      if (!self->open_) return;
      self->outgoing_.push_back(std::move(message));
      if (self->outgoing_.size() == 1) self->write_next();
    });
  }

  void close() {
    auto self = shared_from_this();
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

  bool poll(TransportEvent& event) {
    std::lock_guard lock(mutex_);
    if (events_.empty()) return false;
    event = std::move(events_.front());
    events_.pop_front();
    return true;
  }

  // Stops the I/O thread, then cancels what is in flight and runs the cancelled handlers here,
  // so they release their references to this connection (they would otherwise keep it alive
  // through the io_context it owns).
  void shutdown() {
    io_.stop();
    if (thread_.joinable()) thread_.join();
    io_.restart();
    resolver_.cancel();
    beast::get_lowest_layer(ws_).close();
    while (io_.poll() > 0) {
    }
  }

 private:
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
    auto self = shared_from_this();
    beast::get_lowest_layer(ws_).expires_after(
        std::chrono::milliseconds(static_cast<int>(kConnectTimeoutSeconds * 1000)));
    beast::get_lowest_layer(ws_).async_connect(
        results, [self](beast::error_code ec, const tcp::endpoint&) { self->on_connect(ec); });
  }

  void on_connect(beast::error_code ec) {
    if (ec) return finish("connect " + url_.host + ":" + std::to_string(url_.port) + ": " + ec.message());
    beast::get_lowest_layer(ws_).socket().set_option(tcp::no_delay(true));
    auto self = shared_from_this();
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
    auto self = shared_from_this();
    ws_.async_read(buffer_, [self](beast::error_code ec, size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec) {
      std::string reason = ec == websocket::error::closed ? std::string(ws_.reason().reason.c_str())
                                                          : ec.message();
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
    auto self = shared_from_this();
    ws_.async_write(asio::buffer(outgoing_.front()), [self](beast::error_code ec, size_t) {
      if (ec) return self->finish("write: " + ec.message());
      self->outgoing_.pop_front();
      if (!self->outgoing_.empty()) self->write_next();
    });
  }

  Url url_;
  asio::io_context io_;
  tcp::resolver resolver_;
  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_;
  std::deque<std::vector<uint8_t>> outgoing_;  // I/O thread only
  bool open_ = false, closing_ = false, finished_ = false;  // I/O thread only
  std::thread thread_;
  std::mutex mutex_;
  std::deque<TransportEvent> events_;  // guarded by mutex_
};

WebSocketTransport::WebSocketTransport() = default;

WebSocketTransport::~WebSocketTransport() {
  if (connection_) connection_->shutdown();
}

void WebSocketTransport::connect(const std::string& url) {
  if (connection_) {
    connection_->shutdown();
    connection_.reset();
  }
  std::string error;
  auto parsed = parse_url(url, &error);
  if (!parsed || parsed->scheme != "ws") {
    closed_error_ = parsed ? "zone address must be ws://: " + url : error;
    return;
  }
  connection_ = std::make_shared<Connection>(std::move(*parsed));
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
