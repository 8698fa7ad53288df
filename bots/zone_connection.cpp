// The bots' only Boost.Beast translation unit (each costs ~12 s to compile): wss://
// connections. ws:// ones are bots/plain_connection.cpp's.
#include <utility>  // before Asio (docs/ARCHITECTURE.md, Dependencies)

#include "bots/zone_connection.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "bots/outgoing_queue.hpp"
#include "bots/plain_connection.hpp"
#include "common/tls_client.hpp"

namespace omega::bots {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace ssl = asio::ssl;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using boost::system::error_code;

class TlsConnection final : public ZoneConnection,
                            public std::enable_shared_from_this<TlsConnection> {
 public:
  TlsConnection(asio::io_context& io, ssl::context& tls, const WebSocketAddress& target, size_t bot,
                ConnectionEvents& events)
      : io_(io), target_(target), bot_(bot), events_(events), ws_(io, tls) {}

  void start() {
    const tcp::endpoint endpoint = resolve();
    socket().async_connect(endpoint, [self = shared_from_this()](error_code ec) {
      if (self->detached_) return;
      if (ec) return self->fail("connect: " + ec.message());
      self->on_connected();
    });
  }

  std::vector<uint8_t>* queue(bool text) override { return detached_ ? nullptr : out_.add(text); }

  void flush() override {
    if (!detached_ && !writing_) write_next();
  }

  void close() override {
    if (detached_) return;
    detached_ = true;
    ws_.async_close(websocket::close_code::normal,
                    [self = shared_from_this()](error_code) { self->close_socket(); });
  }

  void abort() override {
    detached_ = true;
    close_socket();
  }

 private:
  tcp::socket& socket() { return beast::get_lowest_layer(ws_); }
  void close_socket() {
    error_code ignored;
    socket().close(ignored);
  }

  tcp::endpoint resolve() {
    error_code ec;
    const auto address = asio::ip::make_address(target_.host, ec);
    if (!ec) return tcp::endpoint(address, target_.port);
    tcp::resolver resolver(io_);
    const auto found = resolver.resolve(target_.host, std::to_string(target_.port), ec);
    if (ec || found.empty()) return tcp::endpoint();
    return *found.begin();
  }

  // The end of the connection: one event, then nothing.
  void end(ConnectionEnd how) {
    if (detached_) return;
    detached_ = true;
    close_socket();
    events_.on_end(bot_, how);
  }
  void fail(std::string detail) { end({ConnectionEnd::Kind::failed, std::move(detail), 0}); }

  void on_connected() {
    error_code ignored;
    socket().set_option(tcp::no_delay(true), ignored);
    ws_.auto_fragment(false);
    ws_.binary(true);
    ws_.read_message_max(1 << 20);
    auto& tls = ws_.next_layer();
    if (auto error = common::prepare_tls_client(tls.native_handle(), target_.host); !error.empty())
      return fail("tls: " + error);
    tls.async_handshake(ssl::stream_base::client, [self = shared_from_this()](error_code ec) {
      if (self->detached_) return;
      if (ec)
        return self->fail("tls: " +
                          common::tls_failure_reason(self->ws_.next_layer().native_handle()));
      self->handshake_ws();
    });
  }

  void handshake_ws() {
    const std::string host = target_.host + ":" + std::to_string(target_.port);
    ws_.async_handshake(host, target_.path, [self = shared_from_this()](error_code ec) {
      if (self->detached_) return;
      if (ec) return self->fail("handshake: " + ec.message());
      self->events_.on_upgraded(self->bot_);
      if (!self->detached_) self->read_next();
    });
  }

  void read_next() {
    ws_.async_read(buffer_, [self = shared_from_this()](error_code ec, size_t bytes) {
      self->on_read(self->ws_.got_binary(), ec, bytes);
    });
  }

  void on_read(bool binary, error_code ec, size_t bytes) {
    if (detached_) return;
    if (ec == websocket::error::closed) {
      const websocket::close_reason& reason = ws_.reason();
      return end({ConnectionEnd::Kind::closed, std::string(reason.reason.c_str()), reason.code});
    }
    if (ec) return end({ConnectionEnd::Kind::read_error, ec.message(), 0});
    if (!binary) return end({ConnectionEnd::Kind::text_frame, {}, 0});
    const auto data = buffer_.cdata();
    events_.on_message(bot_, {static_cast<const uint8_t*>(data.data()), bytes});
    buffer_.consume(bytes);
    if (!detached_) read_next();
  }

  void write_next() {
    if (out_.empty() || detached_) return;
    writing_ = true;
    const std::vector<uint8_t>& bytes = out_.front().bytes;
    events_.on_sending(bot_, bytes.size());
    ws_.text(out_.front().text);
    ws_.async_write(asio::buffer(bytes), [self = shared_from_this()](error_code ec, size_t) {
      self->writing_ = false;
      self->out_.pop();
      if (self->detached_) return;
      if (ec) return self->fail("write: " + ec.message());
      self->write_next();
    });
  }

  asio::io_context& io_;
  WebSocketAddress target_;
  size_t bot_;
  ConnectionEvents& events_;
  websocket::stream<beast::ssl_stream<tcp::socket>> ws_;
  beast::flat_buffer buffer_;  // reused for every read
  OutgoingQueue out_;
  bool writing_ = false;
  bool detached_ = false;  // ended, or let go of by the owner: no more events, no more writes
};

}  // namespace

std::shared_ptr<ZoneConnection> ZoneConnection::open(asio::io_context& io, ssl::context* tls,
                                                     const WebSocketAddress& target, size_t bot,
                                                     ConnectionEvents& events) {
  if (!target.tls) return open_plain_connection(io, target, bot, events);
  auto connection = std::make_shared<TlsConnection>(io, *tls, target, bot, events);
  connection->start();
  return connection;
}

}  // namespace omega::bots
