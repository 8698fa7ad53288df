// The WebSocket transport (Boost.Beast), modelled on Beast's advanced_server example: one
// session object per connection with reused buffers, a size limit on every read, a bounded
// outgoing queue (a slow client is dropped, not buffered without end), and graceful shutdown.
// All of it runs on the one network thread, so sessions need no strand.
#include <utility>  // Boost 1.74's Asio misses this include

#include <algorithm>
#include <array>
#include <chrono>
#include <optional>
#include <unordered_map>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <spdlog/spdlog.h>

#include "zone/instance_directory.hpp"
#include "zone/limits.hpp"
#include "zone/listen_acceptor.hpp"
#include "zone/network.hpp"

namespace omega::zone {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using protocol::KickReason;

namespace {

// Messages are read piecewise (read_some with a limit), so Beast itself has no message cap
// (read_message_max 0: it would close with 1009 before we could send a Kick). We stop
// buffering one byte past the protocol limit and answer Kick{message_too_large}; the rest of
// an oversized message, and anything after a Kick, is read into this much scratch and dropped.
constexpr size_t kDrainChunkBytes = 4096;
constexpr auto kHandshakeTimeout = std::chrono::seconds(5);
// An upgrade request is a few headers; more is not a client of ours.
constexpr uint32_t kMaxUpgradeRequestBytes = 8 * 1024;

// Messages per gather write: two buffers each (frame header, payload), and Linux Asio hands
// at most 64 buffers to one sendmsg.
constexpr size_t kMaxMessagesPerWrite = 32;
constexpr size_t kMaxFrameHeaderBytes = 10;

// The header of one unfragmented, unmasked binary frame (RFC 6455 §5.2; a server never masks
// and this server negotiates no extension); returns its length.
size_t frame_header(size_t payload, uint8_t* out) {
  out[0] = 0x82;  // FIN, opcode 2 (binary)
  if (payload < 126) {
    out[1] = static_cast<uint8_t>(payload);
    return 2;
  }
  if (payload <= 0xffff) {
    out[1] = 126;
    out[2] = static_cast<uint8_t>(payload >> 8);
    out[3] = static_cast<uint8_t>(payload);
    return 4;
  }
  out[1] = 127;
  for (int i = 0; i < 8; ++i) out[2 + i] = static_cast<uint8_t>(uint64_t{payload} >> (56 - 8 * i));
  return kMaxFrameHeaderBytes;
}

// A view of the first buffers of a fixed array, as an Asio buffer sequence (no copy, no
// allocation per write).
struct GatherView {
  using value_type = asio::const_buffer;
  using const_iterator = const asio::const_buffer*;
  const_iterator first, last;
  const_iterator begin() const { return first; }
  const_iterator end() const { return last; }
};

int64_t steady_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

class WsSession;

struct WebSocketServer::Impl : std::enable_shared_from_this<WebSocketServer::Impl> {
  Impl(asio::io_context& io_context, const ZoneConfig& c, Inbox& in, ZoneMetrics& m,
       MessagePool& p, const InstanceDirectory& d)
      : io(io_context), acceptor(io_context), config(c), inbox(in), metrics(m), pool(p),
        directory(d) {}

  void accept();
  void flush();  // network thread: hands pending outgoing messages to their sessions

  asio::io_context& io;
  tcp::acceptor acceptor;
  ZoneConfig config;
  Inbox& inbox;
  ZoneMetrics& metrics;
  MessagePool& pool;
  const InstanceDirectory& directory;
  ConnectionId next_id = 1;
  bool accepting = true;
  std::unordered_map<ConnectionId, std::weak_ptr<WsSession>> sessions;
  std::unordered_map<std::string, uint32_t> per_ip;
  std::atomic<size_t> open{0};

  std::mutex pending_mutex;
  std::vector<Outgoing> pending;  // from the simulation thread
  std::vector<Outgoing> flushing;  // network thread scratch
  std::vector<std::shared_ptr<WsSession>> touched;  // sessions with messages from this flush
  bool flush_posted = false;
};

class WsSession : public std::enable_shared_from_this<WsSession> {
 public:
  WsSession(tcp::socket socket, std::shared_ptr<WebSocketServer::Impl> server, ConnectionId id)
      : ws_(std::move(socket)),
        server_(std::move(server)),
        id_(id),
        policy_(server_->config.max_inputs_per_second, server_->config.input_burst),
        kick_timer_(ws_.get_executor()) {
    queue_.resize(server_->config.outgoing_queue_messages + 2);
  }

  void start() {
    beast::error_code ec;
    const auto endpoint = beast::get_lowest_layer(ws_).socket().remote_endpoint(ec);
    ip_ = ec ? std::string("?") : endpoint.address().to_string();
    beast::get_lowest_layer(ws_).socket().set_option(tcp::no_delay(true), ec);
    // The upgrade request is read here first: its path picks the instance (unknown → 404).
    upgrade_.emplace();
    upgrade_->header_limit(kMaxUpgradeRequestBytes);
    upgrade_->body_limit(0);
    beast::get_lowest_layer(ws_).expires_after(kHandshakeTimeout);
    http::async_read(ws_.next_layer(), buffer_, *upgrade_,
                     [self = shared_from_this()](beast::error_code e, size_t) {
                       self->on_upgrade_request(e);
                     });
  }

  // Called on the network thread for each message the simulation sends. The write starts in
  // start_writing(), after the whole batch of the tick is queued, so that all of this client's
  // messages of one tick leave in one gather write.
  void enqueue(Outgoing&& out) {
    if (ended_ || close_reason_ != KickReason::none) return;  // already closing
    const size_t size = out.message.bytes().size();
    if (count_ >= server_->config.outgoing_queue_messages ||
        queued_bytes_ + size > server_->config.outgoing_queue_bytes) {
      drop_queue_behind_write();
      kick(KickReason::slow_client);
      return;
    }
    push(std::move(out.message));
    if (out.close != KickReason::none) begin_close(out.close);
  }

  void start_writing() { write_next(); }

  // Forceful close (shutdown deadline).
  void close_socket() {
    beast::error_code ec;
    beast::get_lowest_layer(ws_).socket().close(ec);
  }

 private:
  void on_upgrade_request(beast::error_code ec) {
    if (ec) return end(false);
    const auto& request = upgrade_->get();
    const auto target = request.target();
    instance_ = server_->directory.resolve({target.data(), target.size()});
    if (instance_ == InstanceDirectory::kNone || !websocket::is_upgrade(request)) {
      reply_.emplace();
      reply_->result(instance_ == InstanceDirectory::kNone ? http::status::not_found
                                                           : http::status::upgrade_required);
      reply_->version(request.version());
      reply_->set(http::field::server, "omega-zone");
      reply_->keep_alive(false);
      reply_->body() = instance_ == InstanceDirectory::kNone ? "no such instance\n"
                                                             : "websocket upgrade expected\n";
      reply_->prepare_payload();
      http::async_write(ws_.next_layer(), *reply_,
                        [self = shared_from_this()](beast::error_code, size_t) {
                          self->end(false);
                        });
      return;
    }
    beast::get_lowest_layer(ws_).expires_never();  // the websocket's own timeouts from here
    auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::server);
    timeouts.handshake_timeout = kHandshakeTimeout;
    // No Beast idle timer: it is re-armed (cancel + wait) on every read, a cost per message;
    // the simulation's idle_timeout and hello_timeout close silent connections instead.
    timeouts.idle_timeout = websocket::stream_base::none();
    ws_.set_option(timeouts);
    ws_.read_message_max(0);  // our own limit, in on_read_some
    ws_.auto_fragment(false);
    ws_.binary(true);
    ws_.async_accept(request,
                     [self = shared_from_this()](beast::error_code e) { self->on_accept(e); });
  }

  void on_accept(beast::error_code ec) {
    if (ec) return end(false);
    welcomed_transport_ = true;
    server_->metrics.connections.fetch_add(1);
    server_->open.fetch_add(1);
    uint32_t& count = server_->per_ip[ip_];
    ++count;
    if (count > server_->config.max_connections_per_ip) {
      kick(KickReason::too_many_connections);
    } else {
      reported_ = true;
      InboundEvent event;
      event.kind = InboundEvent::Kind::connected;
      event.connection = id_;
      event.instance = instance_;
      event.arrival_ns = steady_now_ns();
      server_->inbox.push(std::move(event));
    }
    read_next();
  }

  void read_next() {
    buffer_.clear();
    read_more();
  }

  // Reads the current message at most one byte past the protocol limit (after a Kick: in
  // scratch-sized pieces that are dropped).
  void read_more() {
    const size_t limit = close_reason_ != KickReason::none
                             ? kDrainChunkBytes
                             : server_->config.max_message_bytes + 1 - buffer_.size();
    ws_.async_read_some(buffer_, limit,
                        [self = shared_from_this()](beast::error_code e, size_t n) {
                          self->on_read_some(e, n);
                        });
  }

  void on_read_some(beast::error_code ec, size_t) {
    if (ec) return end(true);
    if (close_reason_ != KickReason::none) return read_next();  // draining until closed
    if (buffer_.size() > server_->config.max_message_bytes) {
      server_->metrics.bytes_in.fetch_add(buffer_.size(), std::memory_order_relaxed);
      server_->metrics.messages_in.fetch_add(1, std::memory_order_relaxed);
      kick(KickReason::message_too_large);
      return read_next();
    }
    if (!ws_.is_message_done()) return read_more();
    on_message(buffer_.size());
    read_next();
  }

  void on_message(size_t bytes) {
    server_->metrics.bytes_in.fetch_add(bytes, std::memory_order_relaxed);
    server_->metrics.messages_in.fetch_add(1, std::memory_order_relaxed);
    const int64_t now_ns = steady_now_ns();
    const auto data = buffer_.cdata();
    std::span<const uint8_t> message(static_cast<const uint8_t*>(data.data()), data.size());
    InboundEvent event;
    const auto verdict = policy_.check(ws_.got_text(), message, double(now_ns) * 1e-9,
                                       event.message);
    if (verdict.kick != KickReason::none) return kick(verdict.kick);
    if (verdict.answer_ping) {
      MessageRef pong = server_->pool.acquire();
      protocol::encode_message(protocol::Heartbeat{true, verdict.ping_timestamp_ms}, pong->bytes);
      push(std::move(pong));
      write_next();
    }
    if (reported_) {
      event.kind = InboundEvent::Kind::message;
      event.connection = id_;
      event.instance = instance_;
      event.arrival_ns = now_ns;
      server_->inbox.push(std::move(event));
    }
  }

  void push(MessageRef message) {
    queued_bytes_ += message.bytes().size();
    queue_[(head_ + count_) % queue_.size()] = std::move(message);
    ++count_;
  }

  // Keeps only the messages being written (if any): what a slow client has not taken is lost.
  void drop_queue_behind_write() {
    const size_t keep = writing_ ? in_flight_ : 0;
    while (count_ > keep) {
      MessageRef& last = queue_[(head_ + count_ - 1) % queue_.size()];
      queued_bytes_ -= last.bytes().size();
      last.reset();
      --count_;
    }
  }

  void kick(KickReason reason) {
    if (close_reason_ != KickReason::none || ended_) return;
    server_->metrics.count_kick(reason);
    MessageRef message = server_->pool.acquire();
    protocol::encode_message(protocol::Kick{reason, protocol::to_string(reason)}, message->bytes);
    push(std::move(message));
    begin_close(reason);
    write_next();
  }

  void begin_close(KickReason reason) {
    close_reason_ = reason;
    kick_timer_.expires_after(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        std::chrono::duration<double>(kKickCloseDeadlineSeconds)));
    kick_timer_.async_wait([self = shared_from_this()](beast::error_code e) {
      if (!e) self->close_socket();
    });
  }

  // Outgoing messages bypass Beast's writer: all of a client's queued messages (up to
  // kMaxMessagesPerWrite) go out as ready-made WebSocket frames in one gather write on the
  // socket, i.e. one sendmsg instead of one Beast write (and syscall) per message. Only the
  // closing handshake goes through Beast (async_close, once nothing is queued or in flight).
  // Beast's read side still writes on its own when a peer pings or starts a close; our clients
  // do neither while messages flow, and a peer that does can only garble its own stream.
  void write_next() {
    if (writing_ || ended_) return;
    if (count_ == 0) {
      if (close_reason_ != KickReason::none && !close_sent_) {
        close_sent_ = true;
        const auto code = close_reason_ == KickReason::shutting_down
                              ? websocket::close_code::going_away
                              : websocket::close_code::policy_error;
        ws_.async_close(websocket::close_reason(code, protocol::to_string(close_reason_)),
                        [self = shared_from_this()](beast::error_code) {});
      }
      return;
    }
    writing_ = true;
    in_flight_ = std::min(count_, kMaxMessagesPerWrite);
    int64_t now_ns = 0;
    for (size_t i = 0; i < in_flight_; ++i) {
      const MessageRef& message = queue_[(head_ + i) % queue_.size()];
      if (message->ack_arrival_ns != 0) {
        if (now_ns == 0) now_ns = steady_now_ns();
        server_->metrics.record_server_latency(double(now_ns - message->ack_arrival_ns) * 1e-6);
      }
      uint8_t* header = frame_headers_[i].data();
      gather_[2 * i] = asio::const_buffer(header, frame_header(message.bytes().size(), header));
      gather_[2 * i + 1] = asio::buffer(message.bytes());
    }
    asio::async_write(beast::get_lowest_layer(ws_).socket(),
                      GatherView{gather_.data(), gather_.data() + 2 * in_flight_},
                      [self = shared_from_this()](beast::error_code e, size_t) {
                        self->on_write(e);
                      });
  }

  void on_write(beast::error_code ec) {
    writing_ = false;
    size_t payload = 0;
    const size_t written = std::exchange(in_flight_, 0);
    for (size_t i = 0; i < written; ++i) {
      MessageRef& front = queue_[head_];
      payload += front.bytes().size();
      front.reset();
      head_ = (head_ + 1) % queue_.size();
    }
    queued_bytes_ -= payload;
    count_ -= written;
    if (ec) {
      close_socket();
      return;
    }
    server_->metrics.bytes_out.fetch_add(payload, std::memory_order_relaxed);
    server_->metrics.messages_out.fetch_add(written, std::memory_order_relaxed);
    write_next();
  }

  // The read loop ended: the connection is gone. Tell the simulation once.
  void end(bool was_open) {
    if (ended_) return;
    ended_ = true;
    kick_timer_.cancel();
    drop_queue_behind_write();  // a write in flight still owns its buffer until on_write
    close_socket();
    server_->sessions.erase(id_);
    if (was_open && welcomed_transport_) {
      auto it = server_->per_ip.find(ip_);
      if (it != server_->per_ip.end() && --it->second == 0) server_->per_ip.erase(it);
      server_->metrics.connections.fetch_sub(1);
      server_->open.fetch_sub(1);
    }
    if (reported_) {
      InboundEvent event;
      event.kind = InboundEvent::Kind::disconnected;
      event.connection = id_;
      event.instance = instance_;
      event.arrival_ns = steady_now_ns();
      server_->inbox.push(std::move(event));
    }
  }

  websocket::stream<beast::tcp_stream> ws_;
  std::shared_ptr<WebSocketServer::Impl> server_;
  ConnectionId id_;
  ConnectionPolicy policy_;
  asio::steady_timer kick_timer_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::empty_body>> upgrade_;
  std::optional<http::response<http::string_body>> reply_;
  uint32_t instance_ = InstanceDirectory::kNone;
  std::string ip_;
  std::vector<MessageRef> queue_;  // ring buffer of outgoing messages
  size_t head_ = 0, count_ = 0, queued_bytes_ = 0;
  bool writing_ = false;
  size_t in_flight_ = 0;  // messages of the write in progress (at the queue's head)
  std::array<std::array<uint8_t, kMaxFrameHeaderBytes>, kMaxMessagesPerWrite> frame_headers_;
  std::array<asio::const_buffer, 2 * kMaxMessagesPerWrite> gather_;
  bool close_sent_ = false;
  bool ended_ = false;
  bool reported_ = false;             // the simulation knows this connection
  bool welcomed_transport_ = false;   // the WebSocket handshake completed
  KickReason close_reason_ = KickReason::none;
};

void WebSocketServer::Impl::accept() {
  acceptor.async_accept([self = shared_from_this()](
                                                   beast::error_code ec, tcp::socket socket) {
    if (!self->accepting) return;
    if (!ec) {
      const ConnectionId id = self->next_id++;
      auto session = std::make_shared<WsSession>(std::move(socket), self, id);
      self->sessions[id] = session;
      self->metrics.connections_accepted.fetch_add(1);
      session->start();
    }
    self->accept();
  });
}

void WebSocketServer::Impl::flush() {
  {
    std::lock_guard lock(pending_mutex);
    pending.swap(flushing);
    flush_posted = false;
  }
  for (Outgoing& out : flushing) {
    auto it = sessions.find(out.connection);
    if (it == sessions.end()) continue;
    auto session = it->second.lock();
    if (!session) continue;
    session->enqueue(std::move(out));
    if (touched.empty() || touched.back() != session) touched.push_back(std::move(session));
  }
  flushing.clear();
  for (auto& session : touched) session->start_writing();  // a repeated session: no-op
  touched.clear();
}

WebSocketServer::WebSocketServer(asio::io_context& io, const ZoneConfig& config, Inbox& inbox,
                                 ZoneMetrics& metrics, MessagePool& pool,
                                 const InstanceDirectory& directory)
    : impl_(std::make_shared<Impl>(io, config, inbox, metrics, pool, directory)) {}

WebSocketServer::~WebSocketServer() = default;

uint16_t WebSocketServer::listen(const std::string& host, uint16_t port, std::string& error) {
  const uint16_t bound = listen_acceptor(impl_->acceptor, host, port, error);
  if (bound != 0) impl_->accept();
  return bound;
}

void WebSocketServer::stop_accepting() {
  asio::post(impl_->io, [impl = impl_] {
    impl->accepting = false;
    beast::error_code ec;
    impl->acceptor.close(ec);
  });
}

void WebSocketServer::deliver(std::vector<Outgoing>& batch) {
  if (batch.empty()) return;
  bool post = false;
  {
    std::lock_guard lock(impl_->pending_mutex);
    if (impl_->pending.empty()) {
      impl_->pending.swap(batch);
    } else {
      for (Outgoing& out : batch) impl_->pending.push_back(std::move(out));
      batch.clear();
    }
    post = !impl_->flush_posted;
    impl_->flush_posted = true;
  }
  if (post) asio::post(impl_->io, [impl = impl_] { impl->flush(); });
}

void WebSocketServer::close_all() {
  asio::post(impl_->io, [impl = impl_] {
    for (auto& [id, weak] : impl->sessions)
      if (auto session = weak.lock()) session->close_socket();
  });
}

size_t WebSocketServer::open_connections() const { return impl_->open.load(); }

}  // namespace omega::zone
