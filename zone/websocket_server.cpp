// The WebSocket transport (Boost.Beast), modelled on Beast's advanced_server example: one
// session object per connection with reused buffers, a size limit on every read, a bounded
// outgoing queue (a slow client is dropped, not buffered without end), and graceful shutdown.
// A session's handlers all run on the thread of its network shard (network_threads), so
// sessions need no strand; what shards share (address limits, counters) is locked or atomic.
#include <utility>  // Boost 1.74's Asio misses this include

#include <sys/socket.h>
#include <sys/uio.h>

#include <cerrno>

#include <algorithm>
#include <array>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <spdlog/spdlog.h>

#include "common/client_address.hpp"
#include "common/thread_name.hpp"
#include "zone/instance_directory.hpp"
#include "zone/limits.hpp"
#include "zone/listen_acceptor.hpp"
#include "zone/network.hpp"
#include "zone/outgoing_queue.hpp"
#include "zone/ping_tracker.hpp"
#include "zone/send_ring.hpp"

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
// A Hello that arrived but waits unread (we are behind) extends the hello timeout by this
// much at a time, up to kHelloDeadlineCap seconds after the accept.
constexpr double kHelloExtensionSeconds = 0.5;
constexpr double kHelloDeadlineCap = 60.0;
// A flush that runs this long after the simulation posted it means the network thread is
// behind: no client is judged slow on that round (its answers may be waiting for us).
constexpr int64_t kNetworkBehindNs = 250'000'000;
// An upgrade request is a few headers; more is not a client of ours.
constexpr uint32_t kMaxUpgradeRequestBytes = 8 * 1024;

// Messages per gather write: two buffers each (frame header, payload); 64 buffers is also the
// most Linux Asio hands to one sendmsg when the rest of a write goes through async_write.
constexpr size_t kMaxMessagesPerWrite = 32;
// Writes per io_uring submission (send_io io_uring): a flush with more takes several.
constexpr unsigned kSendRingEntries = 1024;
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

// The unit per-address limits count: the address, or its /64 for IPv6 (one subscriber
// usually holds a whole /64, so single IPv6 addresses would limit nothing).
std::string address_key(const std::string& address) {
  const auto parsed = common::IpAddress::parse(address);
  return parsed ? parsed->subscriber() : address;
}

int64_t steady_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

class WsSession;

// Connections of one remote address: accepted and not yet upgraded, and upgraded sessions.
struct AddressCount {
  uint32_t pending = 0;
  uint32_t sessions = 0;
};

// One network thread's connections (config network_threads): its io_context runs every
// handler of its sessions, so a session's state is only touched by that thread. Connection
// id N lives on shard N % shards.
struct NetworkShard {
  explicit NetworkShard(asio::io_context& context) : io(context) {}
  void flush();  // its thread: hands pending outgoing messages to their sessions

  asio::io_context& io;
  std::unordered_map<ConnectionId, std::weak_ptr<WsSession>> sessions;  // its thread only
  std::unique_ptr<SendRing> ring;  // send_io io_uring; null: a sendmsg per write

  std::mutex pending_mutex;
  std::vector<Outgoing> pending;                    // from the simulation thread
  std::vector<Outgoing> flushing;                   // its thread's scratch
  std::vector<std::shared_ptr<WsSession>> touched;  // sessions with messages from this flush
  bool flush_posted = false;
  int64_t flush_posted_ns = 0;  // when the pending flush was posted (under pending_mutex)
};

// The io_contexts and threads of network shards 1.. (shard 0 runs on the caller's io_context,
// driven by main's network thread). Owned by WebSocketServer and destroyed after Impl's last
// owner outside them: stopping joins the threads, then destroying a context destroys the
// handlers (and so the sessions) still queued in it.
struct WebSocketServer::Threads {
  struct Context {
    asio::io_context io{1};
    asio::executor_work_guard<asio::io_context::executor_type> work{io.get_executor()};
  };
  explicit Threads(uint32_t extra) {
    for (uint32_t i = 0; i < extra; ++i) contexts.push_back(std::make_unique<Context>());
  }
  ~Threads() { stop(); }
  void start() {
    for (size_t i = 0; i < contexts.size(); ++i)
      threads.emplace_back(
          [context = contexts[i].get(), name = "omega-net-" + std::to_string(i + 1)] {
            common::name_this_thread(name);
            context->io.run();
          });
  }
  void stop() {
    for (auto& context : contexts) {
      context->work.reset();
      context->io.stop();
    }
    for (std::thread& thread : threads) thread.join();
    threads.clear();
  }
  std::vector<std::unique_ptr<Context>> contexts;
  std::vector<std::thread> threads;
};

struct WebSocketServer::Impl : std::enable_shared_from_this<WebSocketServer::Impl> {
  Impl(asio::io_context& io_context, std::vector<asio::io_context*> shard_contexts,
       const ZoneConfig& c, Inbox& in, ZoneMetrics& m, MessagePool& p, const InstanceDirectory& d)
      : io(io_context),
        acceptor(io_context),
        backoff(io_context, "websocket port", m.accept_errors),
        config(c),
        inbox(in),
        metrics(m),
        pool(p),
        directory(d) {
    std::string error;  // validated when the configuration was loaded
    trusted_proxies = common::TrustedProxies::parse(config.trusted_proxies, error)
                          .value_or(common::TrustedProxies{});
    for (asio::io_context* context : shard_contexts) {
      shards.push_back(std::make_unique<NetworkShard>(*context));
      if (config.send_io != SendIo::io_uring) continue;
      shards.back()->ring = SendRing::create(kSendRingEntries, error);
      if (!shards.back()->ring && shards.size() == 1)
        spdlog::warn("send_io io_uring: {}; writing with sendmsg", error);
    }
  }
  NetworkShard& shard_of(ConnectionId id) { return *shards[id % shards.size()]; }

  void accept();
  void accept_waiting();
  void on_accepted(tcp::socket socket);
  // Bookkeeping of one connection's life (any network thread; under limits_mutex). A
  // connection counts as its client's session from just before its 101 response is written.
  // `peer`: the socket's remote address (pending connections are counted under it);
  // `client`: who it is for the session limit (X-Forwarded-For behind a trusted proxy).
  // connection_upgraded returns the client's sessions, this one included.
  uint32_t connection_upgraded(const std::string& peer, const std::string& client);
  void connection_ended(const std::string& peer, const std::string& client, bool upgraded);

  asio::io_context& io;
  tcp::acceptor acceptor;
  AcceptBackoff backoff;
  ZoneConfig config;
  Inbox& inbox;
  ZoneMetrics& metrics;
  MessagePool& pool;
  const InstanceDirectory& directory;
  common::TrustedProxies trusted_proxies;
  ConnectionId next_id = 1;  // the acceptor's thread
  bool accepting = true;
  std::vector<std::unique_ptr<NetworkShard>> shards;
  std::atomic<size_t> connections{0};  // accepted and not ended (max_connections)
  std::mutex limits_mutex;
  std::unordered_map<std::string, AddressCount> per_ip;  // under limits_mutex
  uint32_t pending_total = 0;  // accepted, WebSocket handshake not finished; under limits_mutex
  std::atomic<size_t> open{0};
};

class WsSession : public std::enable_shared_from_this<WsSession> {
 public:
  WsSession(tcp::socket socket, std::shared_ptr<WebSocketServer::Impl> server, ConnectionId id,
            std::string ip)
      : ws_(std::move(socket)),
        server_(std::move(server)),
        shard_(server_->shard_of(id)),
        id_(id),
        policy_(server_->config.max_inputs_per_second, server_->config.input_burst,
                server_->config.ticket_public_key),
        kick_timer_(ws_.get_executor()),
        hello_timer_(ws_.get_executor()),
        ip_(std::move(ip)),
        peer_key_(address_key(ip_)),
        queue_(server_->config.outgoing_queue_messages, server_->config.outgoing_queue_bytes) {}

  void start() {
    beast::error_code ec;
    auto& socket = beast::get_lowest_layer(ws_).socket();
    socket.set_option(tcp::no_delay(true), ec);
    // Writes try the socket directly first (write_next): a full send buffer must answer
    // would_block there, not block the network thread.
    socket.non_blocking(true, ec);
    if (server_->config.socket_send_buffer_bytes != 0)
      socket.set_option(asio::socket_base::send_buffer_size(
                            static_cast<int>(server_->config.socket_send_buffer_bytes)),
                        ec);
    hello_deadline_ = steady_now_ns() + seconds_to_ns(kHelloDeadlineCap);
    arm_hello_timer(server_->config.hello_timeout_s);
    // The upgrade request is read here first: its path picks the instance (unknown → 404). No
    // timeout of its own: the hello timer covers everything up to the Hello.
    upgrade_.emplace();
    upgrade_->header_limit(kMaxUpgradeRequestBytes);
    upgrade_->body_limit(0);
    http::async_read(
        ws_.next_layer(), buffer_, *upgrade_,
        [self = shared_from_this()](beast::error_code e, size_t) { self->on_upgrade_request(e); });
  }

  // Called on the network thread for each message the simulation sends. The write starts in
  // start_writing(), after the whole batch of the tick is queued, so that all of this client's
  // messages of one tick leave in one gather write.
  void enqueue(Outgoing&& out) {
    if (ended_ || close_reason_ != KickReason::none) return;  // already closing
    if (out.close != KickReason::none) {
      // The simulation's last message (a Kick). A slow client's is sent right after the write
      // in flight: what it has not taken is lost anyway.
      if (out.close == KickReason::slow_client) queue_.drop_unsent();
      queue_.push_final(std::move(out.message));
      begin_close(out.close);
      return;
    }
    if (!queue_.try_push(std::move(out.message))) slow_client();
  }

  // Outgoing messages bypass Beast's writer: all of a client's queued messages (up to
  // kMaxMessagesPerWrite) go out as ready-made WebSocket frames in one gather write on the
  // socket, i.e. one sendmsg instead of one Beast write (and syscall) per message. After the
  // last one (the Kick), a close frame of ours, then our side of the TCP connection is shut.
  // Beast's read side still writes on its own when a peer pings or starts a close; our clients
  // do neither while messages flow, and a peer that does can only garble its own stream.
  //
  // The write is made on the socket itself, non-blocking: a tick's messages nearly always fit
  // the send buffer, and then one system call finishes it without the reactor, a composed
  // operation and its handler. Only what did not fit goes through async_write.
  void write_next() {
    while (begin_write()) {
      msghdr header{};
      header.msg_iov = gather_.data();
      header.msg_iovlen = gather_count_;
      const ssize_t sent = ::sendmsg(fd(), &header, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (!took_all(sent < 0 ? -errno : sent)) return;
    }
  }

  // The same write in two halves, for a flush that hands every session's write to io_uring
  // at once (NetworkShard::flush): begin_write lays out the next write in gather() (false:
  // nothing to write, or a write in flight), end_write takes the kernel's answer (bytes
  // written, or -errno) and goes on with the next write, if any.
  bool begin_write() {
    if (writing_ || ended_) return false;
    if (queue_.empty()) {
      if (close_reason_ != KickReason::none && !close_sent_) write_close_frame();
      return false;
    }
    writing_ = true;
    gather_count_ = fill_gather();
    return true;
  }
  void end_write(int result) {
    if (took_all(result)) write_next();
  }
  int fd() { return beast::get_lowest_layer(ws_).socket().native_handle(); }
  const iovec* gather() const { return gather_.data(); }
  size_t gather_count() const { return gather_count_; }

  // A client that still sends but has left one of our pings unanswered for
  // slow_client_timeout_s since we wrote it does not read what we send. One that sends nothing
  // is the simulation's idle timeout; one whose bytes wait unread in the socket may have
  // answered (we are behind): neither is judged here.
  void check_slow_reader(int64_t now_ns) {
    const int64_t oldest = pings_.oldest_unanswered_ns();
    if (oldest == 0 || close_reason_ != KickReason::none || ended_) return;
    if (now_ns - oldest <= slow_client_timeout_ns_ || last_message_ns_ <= oldest) return;
    beast::error_code ec;
    if (beast::get_lowest_layer(ws_).socket().available(ec) > 0 || ec) return;
    slow_client();
  }

  // Forceful close (shutdown deadline).
  void close_socket() {
    beast::error_code ec;
    beast::get_lowest_layer(ws_).socket().close(ec);
  }

 private:
  static int64_t seconds_to_ns(double s) { return static_cast<int64_t>(s * 1e9); }

  void arm_hello_timer(double seconds) {
    hello_timer_.expires_after(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        std::chrono::duration<double>(seconds)));
    hello_timer_.async_wait([self = shared_from_this()](beast::error_code e) {
      if (!e) self->on_hello_timer();
    });
  }

  // No Hello yet. Bytes that arrived but that we have not read are our delay, not the
  // client's (a storm of joins keeps the network thread behind): wait for them, up to a cap.
  void on_hello_timer() {
    if (ended_ || hello_received_ || close_reason_ != KickReason::none) return;
    beast::error_code ec;
    const size_t unread = beast::get_lowest_layer(ws_).socket().available(ec);
    if (!ec && unread > 0 && steady_now_ns() < hello_deadline_) {
      ++server_->metrics.hello_waits_extended;
      return arm_hello_timer(kHelloExtensionSeconds);
    }
    if (upgraded_) return kick(KickReason::hello_timeout);
    server_->metrics.count_kick(KickReason::hello_timeout);  // no WebSocket yet: just close
    close_socket();
  }

  void on_upgrade_request(beast::error_code ec) {
    if (ec) return end();
    const auto& request = upgrade_->get();
    const auto target = request.target();
    instance_ = server_->directory.resolve({target.data(), target.size()});
    const auto forwarded = request["X-Forwarded-For"];
    const auto client =
        common::resolve_client(ip_, {forwarded.data(), forwarded.size()}, server_->trusted_proxies);
    client_key_ = client ? client->subscriber() : peer_key_;
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
                        [self = shared_from_this()](beast::error_code, size_t) { self->end(); });
      return;
    }
    // No Beast timers: the handshake is under the hello timer, and Beast's idle timer would be
    // re-armed (cancel + wait) on every read; the simulation's idle and slow-client timeouts
    // close connections that go quiet.
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = websocket::stream_base::none();
    timeouts.idle_timeout = websocket::stream_base::none();
    timeouts.keep_alive_pings = false;
    ws_.set_option(timeouts);
    ws_.read_message_max(0);  // our own limit, in on_read_some
    ws_.auto_fragment(false);
    ws_.binary(true);
    // Beast answers a peer's ping frame by itself; each one is counted against the heartbeat
    // budget like a Heartbeat message (the session outlives the stream's callbacks).
    // A peer's close frame starts Beast's closing handshake, whose teardown reads until the
    // peer closes: it gets the same deadline as a Kick.
    ws_.control_callback([this](websocket::frame_type kind, beast::string_view) {
      if (kind == websocket::frame_type::ping &&
          !policy_.allow_ping_frame(double(steady_now_ns()) * 1e-9))
        kick(KickReason::input_rate);
      else if (kind == websocket::frame_type::close && close_reason_ == KickReason::none)
        arm_close_deadline();
    });
    // Counted as a session (and no longer pending) before the 101 goes out: a client that has
    // its 101 must never still hold a pending slot of its address, whichever network thread
    // accepts its next connection first.
    counted_as_session_ = true;
    client_sessions_ = server_->connection_upgraded(peer_key_, client_key_);
    ws_.async_accept(request,
                     [self = shared_from_this()](beast::error_code e) { self->on_accept(e); });
  }

  void on_accept(beast::error_code ec) {
    if (ec) return end();
    upgraded_ = true;
    server_->metrics.connections.fetch_add(1);
    server_->open.fetch_add(1);
    if (client_sessions_ > server_->config.max_connections_per_ip) {
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
    if (close_reason_ != KickReason::none) return drain();
    ws_.async_read_some(
        buffer_, server_->config.max_message_bytes + 1 - buffer_.size(),
        [self = shared_from_this()](beast::error_code e, size_t n) { self->on_read_some(e, n); });
  }

  // Reads the current message at most one byte past the protocol limit.
  void read_more() {
    ws_.async_read_some(
        buffer_, server_->config.max_message_bytes + 1 - buffer_.size(),
        [self = shared_from_this()](beast::error_code e, size_t n) { self->on_read_some(e, n); });
  }

  // After a Kick: read past the WebSocket layer (Beast would answer frames, and its closing
  // handshake reads without limit) into scratch, until the peer closes or
  // kMaxBytesReadAfterKick were read. Then nothing more is read; the close deadline ends it.
  void drain() {
    if (drained_ >= kMaxBytesReadAfterKick) return;
    auto& socket = beast::get_lowest_layer(ws_).socket();
    socket.async_read_some(asio::buffer(drain_scratch_.data(), drain_scratch_.size()),
                           [self = shared_from_this()](beast::error_code e, size_t n) {
                             if (e) return self->end();
                             self->drained_ += n;
                             self->drain();
                           });
  }

  void on_read_some(beast::error_code ec, size_t n) {
    // Kicked while this read was under way: Beast's read fails once it answers a ping after our
    // close frame shut the sending side. Closing now, with the peer's bytes unread, would reset
    // the connection, and a reset makes the peer's kernel discard the Kick it has not read yet:
    // drain instead, until the peer closes or the close deadline.
    if (ec) return close_reason_ != KickReason::none ? drain() : end();
    if (close_reason_ != KickReason::none) {
      drained_ += n;
      return read_next();
    }
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
    const auto verdict =
        policy_.check(ws_.got_text(), message, double(now_ns) * 1e-9, event.message);
    if (verdict.kick != KickReason::none) return kick(verdict.kick);
    last_message_ns_ = now_ns;
    if (const auto* beat = std::get_if<protocol::Heartbeat>(&event.message); beat && beat->pong)
      pings_.answered(beat->timestamp_ms);
    if (verdict.ticket_signature_verified) {
      hello_received_ = true;
      hello_timer_.cancel();
      event.ticket_signature_verified = true;
    }
    if (verdict.answer_ping) {
      MessageRef pong = server_->pool.acquire();
      protocol::encode_message(protocol::Heartbeat{true, verdict.ping_timestamp_ms}, pong->bytes);
      // The answer counts against the queue like any message: a client that pings but does
      // not read is a slow client, however fast it pings.
      if (!queue_.try_push(std::move(pong))) return slow_client();
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

  void slow_client() {
    queue_.drop_unsent();
    kick(KickReason::slow_client);
  }

  void kick(KickReason reason) {
    if (close_reason_ != KickReason::none || ended_) return;
    server_->metrics.count_kick(reason);
    MessageRef message = server_->pool.acquire();
    protocol::encode_message(protocol::Kick{reason, protocol::to_string(reason)}, message->bytes);
    queue_.push_final(std::move(message));
    begin_close(reason);
    write_next();
  }

  void begin_close(KickReason reason) {
    close_reason_ = reason;
    hello_timer_.cancel();
    arm_close_deadline();
  }

  // The connection is torn down at the latest kKickCloseDeadlineSeconds from now. end(), not
  // only a close: once the drain has read its limit no read is pending whose failure would end
  // the session, and the session would go without telling the simulation or the limits.
  void arm_close_deadline() {
    if (close_deadline_armed_) return;
    close_deadline_armed_ = true;
    kick_timer_.expires_after(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        std::chrono::duration<double>(kKickCloseDeadlineSeconds)));
    kick_timer_.async_wait([self = shared_from_this()](beast::error_code e) {
      if (!e) self->end();
    });
  }

  // The answer to a direct write (bytes written, or -errno): true when the kernel took all of
  // it. A full send buffer (-EAGAIN, or a part taken) hands the rest to async_write; another
  // error closes the socket.
  bool took_all(ssize_t result) {
    if (result < 0 && result != -EAGAIN) {
      finish_write(beast::error_code(static_cast<int>(-result), boost::system::system_category()));
      return false;
    }
    const size_t first = skip_written(gather_count_, result < 0 ? 0 : static_cast<size_t>(result));
    if (first == gather_count_) {
      finish_write({});
      return true;
    }
    server_->metrics.writes_deferred.fetch_add(1, std::memory_order_relaxed);
    const size_t rest = gather_count_ - first;
    for (size_t i = 0; i < rest; ++i)
      deferred_[i] = asio::const_buffer(gather_[first + i].iov_base, gather_[first + i].iov_len);
    asio::async_write(
        beast::get_lowest_layer(ws_).socket(),
        GatherView{deferred_.data(), deferred_.data() + rest},
        [self = shared_from_this()](beast::error_code e, size_t) { self->on_write(e); });
    return false;
  }

  // Marks the queue's oldest messages in flight and lays them out in gather_ (frame header,
  // payload); returns the number of buffers.
  size_t fill_gather() {
    const size_t count = queue_.begin_write(kMaxMessagesPerWrite);
    int64_t now_ns = 0;
    for (size_t i = 0; i < count; ++i) {
      const MessageRef& message = queue_.in_flight_message(i);
      if (message->ack_arrival_ns != 0) {
        if (now_ns == 0) now_ns = steady_now_ns();
        server_->metrics.record_server_latency(double(now_ns - message->ack_arrival_ns) * 1e-6);
      }
      uint8_t* header = frame_headers_[i].data();
      gather_[2 * i] = {header, frame_header(message.bytes().size(), header)};
      gather_[2 * i + 1] = {const_cast<uint8_t*>(message.bytes().data()), message.bytes().size()};
    }
    return 2 * count;
  }

  // Drops `sent` bytes from the front of gather_[0, buffers); returns the first buffer with
  // bytes left (== buffers when everything went).
  size_t skip_written(size_t buffers, size_t sent) {
    size_t first = 0;
    while (first < buffers && sent >= gather_[first].iov_len) sent -= gather_[first++].iov_len;
    if (first < buffers) {
      gather_[first].iov_base = static_cast<uint8_t*>(gather_[first].iov_base) + sent;
      gather_[first].iov_len -= sent;
    }
    return first;
  }

  void on_write(beast::error_code ec) {
    finish_write(ec);
    if (!ec) write_next();
  }

  // The write in flight is over (ec: it failed and the socket is closed).
  void finish_write(beast::error_code ec) {
    writing_ = false;
    const size_t written = queue_.in_flight();
    int64_t now_ns = 0;
    for (size_t i = 0; i < written && !ec; ++i) {
      const MessageRef& message = queue_.in_flight_message(i);
      if (!message->is_ping) continue;
      if (now_ns == 0) now_ns = steady_now_ns();
      pings_.written(message->ping_ms, now_ns);
    }
    const size_t payload = queue_.finish_write();
    if (ec) {
      close_socket();
      return;
    }
    server_->metrics.bytes_out.fetch_add(payload, std::memory_order_relaxed);
    server_->metrics.messages_out.fetch_add(written, std::memory_order_relaxed);
    server_->metrics.writes_out.fetch_add(1, std::memory_order_relaxed);
  }

  // The close frame (RFC 6455 §5.5.1: status code, then the reason) — going_away on shutdown,
  // policy_error for every other Kick; the reason text is the Kick reason's name.
  void write_close_frame() {
    close_sent_ = true;
    writing_ = true;
    const uint16_t code = close_reason_ == KickReason::shutting_down
                              ? uint16_t{websocket::close_code::going_away}
                              : uint16_t{websocket::close_code::policy_error};
    const std::string_view reason = protocol::to_string(close_reason_);
    const size_t length = std::min<size_t>(2 + reason.size(), 125);  // control frame limit
    close_frame_.assign({0x88, static_cast<uint8_t>(length), static_cast<uint8_t>(code >> 8),
                         static_cast<uint8_t>(code & 0xff)});
    close_frame_.insert(close_frame_.end(), reason.begin(), reason.begin() + (length - 2));
    asio::async_write(beast::get_lowest_layer(ws_).socket(), asio::buffer(close_frame_),
                      [self = shared_from_this()](beast::error_code e, size_t) {
                        self->writing_ = false;
                        beast::error_code ignored;
                        auto& socket = beast::get_lowest_layer(self->ws_).socket();
                        if (e)
                          socket.close(ignored);
                        else
                          socket.shutdown(tcp::socket::shutdown_send, ignored);
                      });
  }

  // The connection is gone (read error or end of stream). Tell the simulation once.
  void end() {
    if (ended_) return;
    ended_ = true;
    kick_timer_.cancel();
    hello_timer_.cancel();
    queue_.drop_unsent();  // a write in flight still owns its buffers until on_write
    close_socket();
    shard_.sessions.erase(id_);
    server_->connections.fetch_sub(1);
    server_->connection_ended(peer_key_, client_key_, counted_as_session_);
    if (upgraded_) {
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
  NetworkShard& shard_;  // whose thread runs this session
  ConnectionId id_;
  ConnectionPolicy policy_;
  asio::steady_timer kick_timer_;
  asio::steady_timer hello_timer_;
  int64_t hello_deadline_ = 0;  // steady ns: no extension past this
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::empty_body>> upgrade_;
  std::optional<http::response<http::string_body>> reply_;
  uint32_t instance_ = InstanceDirectory::kNone;
  std::string ip_;          // the socket's peer
  std::string peer_key_;    // its address_key: pending connections are counted under it
  std::string client_key_;  // the client's: ip_'s, or X-Forwarded-For's behind a trusted proxy
  OutgoingQueue queue_;
  PingTracker pings_;
  int64_t slow_client_timeout_ns_ = seconds_to_ns(server_->config.slow_client_timeout_s);
  int64_t last_message_ns_ = 0;  // arrival of the client's latest message
  bool writing_ = false;
  std::array<std::array<uint8_t, kMaxFrameHeaderBytes>, kMaxMessagesPerWrite> frame_headers_;
  std::array<iovec, 2 * kMaxMessagesPerWrite> gather_;  // the write in flight
  size_t gather_count_ = 0;
  std::array<asio::const_buffer, 2 * kMaxMessagesPerWrite> deferred_;  // its rest, async
  std::vector<uint8_t> close_frame_;
  std::array<uint8_t, kDrainChunkBytes> drain_scratch_;
  size_t drained_ = 0;  // bytes read after the Kick
  bool close_sent_ = false;
  bool close_deadline_armed_ = false;
  bool ended_ = false;
  bool upgraded_ = false;            // the WebSocket handshake completed
  bool counted_as_session_ = false;  // connection_upgraded ran (just before the 101 was sent)
  uint32_t client_sessions_ = 0;     // its answer: the client's sessions, this one included
  bool hello_received_ = false;      // a Hello with a genuine ticket arrived
  bool reported_ = false;            // the simulation knows this connection
  KickReason close_reason_ = KickReason::none;
};

// The socket is accepted onto the io_context of the shard the next connection id goes to.
void WebSocketServer::Impl::accept() {
  acceptor.async_accept(shard_of(next_id).io,
                        [self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
                          if (!self->accepting) return;
                          if (AcceptBackoff::is_resource_error(ec))
                            return self->backoff.wait(ec, [self] {
                              if (self->accepting) self->accept();
                            });
                          self->backoff.reset();
                          // Other errors: the peer gave up before we took it (ECONNABORTED); on to
                          // the next one.
                          if (!ec) self->on_accepted(std::move(socket));
                          self->accept_waiting();
                          self->accept();
                        });
}

// The rest of the listen queue, up to kAcceptBurst, in this turn (the acceptor is non-blocking:
// an empty queue answers would_block). Errors are left to the next async accept, which backs
// off from resource errors.
void WebSocketServer::Impl::accept_waiting() {
  for (int i = 1; i < kAcceptBurst && accepting; ++i) {
    tcp::socket socket(shard_of(next_id).io);
    beast::error_code ec;
    acceptor.accept(socket, ec);
    if (ec) return;
    on_accepted(std::move(socket));
  }
}

// Limits checked before the connection costs anything (no read buffer, no handshake): the
// connection budget, pending handshakes in total and per address. A refused socket is closed.
void WebSocketServer::Impl::on_accepted(tcp::socket socket) {
  beast::error_code ec;
  const auto endpoint = socket.remote_endpoint(ec);
  if (ec) return;  // already gone
  std::string ip = endpoint.address().to_string();
  const std::string key = address_key(ip);
  std::unique_lock lock(limits_mutex);
  AddressCount& count = per_ip[key];
  std::atomic<uint64_t>* refused = nullptr;
  if (connections.load() >= config.max_connections)
    refused = &metrics.refused_max_connections;
  else if (pending_total >= config.max_pending_connections)
    refused = &metrics.refused_pending_total;
  // A trusted proxy carries many clients' handshakes: only the total cap applies to it.
  else if (count.pending >= config.max_pending_per_ip &&
           !trusted_proxies.contains(std::string_view(ip)))
    refused = &metrics.refused_pending_per_ip;
  if (refused != nullptr) {
    refused->fetch_add(1, std::memory_order_relaxed);
    if (count.pending == 0 && count.sessions == 0) per_ip.erase(key);
    socket.close(ec);
    return;
  }
  ++count.pending;
  ++pending_total;
  lock.unlock();
  connections.fetch_add(1);
  const ConnectionId id = next_id++;
  auto session =
      std::make_shared<WsSession>(std::move(socket), shared_from_this(), id, std::move(ip));
  metrics.connections_accepted.fetch_add(1);
  NetworkShard& shard = shard_of(id);
  if (&shard.io == &io) {
    shard.sessions[id] = session;
    session->start();
  } else {
    asio::post(shard.io, [&shard, id, session = std::move(session)] {
      shard.sessions[id] = session;
      session->start();
    });
  }
}

uint32_t WebSocketServer::Impl::connection_upgraded(const std::string& peer,
                                                    const std::string& client) {
  std::lock_guard lock(limits_mutex);
  --per_ip[peer].pending;
  --pending_total;
  const uint32_t sessions = ++per_ip[client].sessions;
  auto it = per_ip.find(peer);
  if (it->second.pending == 0 && it->second.sessions == 0) per_ip.erase(it);
  return sessions;
}

void WebSocketServer::Impl::connection_ended(const std::string& peer, const std::string& client,
                                             bool upgraded) {
  std::lock_guard lock(limits_mutex);
  const std::string& key = upgraded ? client : peer;
  auto it = per_ip.find(key);
  if (it == per_ip.end()) return;
  if (upgraded) {
    --it->second.sessions;
  } else {
    --it->second.pending;
    --pending_total;
  }
  if (it->second.pending == 0 && it->second.sessions == 0) per_ip.erase(it);
}

void NetworkShard::flush() {
  int64_t posted_ns = 0;
  {
    std::lock_guard lock(pending_mutex);
    pending.swap(flushing);
    flush_posted = false;
    posted_ns = flush_posted_ns;
  }
  const int64_t now_ns = steady_now_ns();
  const bool behind = now_ns - posted_ns > kNetworkBehindNs;
  for (Outgoing& out : flushing) {
    auto it = sessions.find(out.connection);
    if (it == sessions.end()) continue;
    auto session = it->second.lock();
    if (!session) continue;
    session->enqueue(std::move(out));
    if (touched.empty() || touched.back() != session) touched.push_back(std::move(session));
  }
  flushing.clear();
  // Judge each client (unless this thread is behind: its answers may be waiting for us), then
  // write: a sendmsg each, or every write in one io_uring submission. A session touched twice
  // has its write in flight the second time: a no-op.
  for (size_t i = 0; i < touched.size(); ++i) {
    WsSession& session = *touched[i];
    if (!behind) session.check_slow_reader(now_ns);
    if (!ring)
      session.write_next();
    else if (session.begin_write())
      ring->add(session.fd(), session.gather(), session.gather_count(), i);
  }
  if (ring) ring->run([this](uint64_t i, int result) { touched[i]->end_write(result); });
  touched.clear();
}

namespace {
std::vector<asio::io_context*> shard_contexts(asio::io_context& io,
                                              const WebSocketServer::Threads& threads) {
  std::vector<asio::io_context*> contexts{&io};
  for (const auto& context : threads.contexts) contexts.push_back(&context->io);
  return contexts;
}
}  // namespace

WebSocketServer::WebSocketServer(asio::io_context& io, const ZoneConfig& config, Inbox& inbox,
                                 ZoneMetrics& metrics, MessagePool& pool,
                                 const InstanceDirectory& directory)
    : threads_(std::make_unique<Threads>(std::max<uint32_t>(1, config.network_threads) - 1)),
      impl_(std::make_shared<Impl>(io, shard_contexts(io, *threads_), config, inbox, metrics, pool,
                                   directory)) {}

// impl_ goes first (members in reverse order), then threads_: its threads stop and its
// contexts destroy the handlers, and with them the sessions, that still hold Impl.
WebSocketServer::~WebSocketServer() = default;

uint16_t WebSocketServer::listen(const std::string& host, uint16_t port, std::string& error) {
  const uint16_t bound = listen_acceptor(impl_->acceptor, host, port, error);
  if (bound != 0) {
    beast::error_code ignored;
    impl_->acceptor.non_blocking(true, ignored);
    impl_->accept();
    if (threads_->threads.empty()) threads_->start();
  }
  return bound;
}

void WebSocketServer::stop_accepting() {
  asio::post(impl_->io, [impl = impl_] {
    impl->accepting = false;
    beast::error_code ec;
    impl->acceptor.close(ec);
    impl->backoff.cancel();
  });
}

// Each shard takes its connections' messages (in the batch's order) under its own lock.
void WebSocketServer::deliver(std::vector<Outgoing>& batch) {
  if (batch.empty()) return;
  const size_t count = impl_->shards.size();
  for (size_t index = 0; index < count; ++index) {
    NetworkShard& shard = *impl_->shards[index];
    bool post = false;
    {
      std::lock_guard lock(shard.pending_mutex);
      if (count == 1 && shard.pending.empty()) {
        shard.pending.swap(batch);
      } else {
        for (Outgoing& out : batch)
          if (out.connection % count == index) shard.pending.push_back(std::move(out));
      }
      post = !shard.flush_posted && !shard.pending.empty();
      if (post) {
        shard.flush_posted = true;
        shard.flush_posted_ns = steady_now_ns();
      }
    }
    if (post) asio::post(shard.io, [impl = impl_, &shard] { shard.flush(); });
  }
  batch.clear();
}

void WebSocketServer::close_all() {
  for (auto& shard : impl_->shards)
    asio::post(shard->io, [impl = impl_, shard = shard.get()] {
      for (auto& [id, weak] : shard->sessions)
        if (auto session = weak.lock()) session->close_socket();
    });
}

size_t WebSocketServer::open_connections() const {
  return impl_->open.load();
}

SendIo WebSocketServer::send_io() const {
  return impl_->shards.front()->ring ? SendIo::io_uring : SendIo::sendmsg;
}

}  // namespace omega::zone
