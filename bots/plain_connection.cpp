#include <utility>  // before Asio (docs/ARCHITECTURE.md, Dependencies)

#include "bots/plain_connection.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include "bots/outgoing_queue.hpp"
#include "common/websocket_frame.hpp"

namespace omega::bots {

namespace {

namespace asio = boost::asio;
namespace opcode = common::ws_opcode;

constexpr size_t kMaxMessageBytes = 1 << 20;          // as the Beast connection's read_message_max
constexpr size_t kMaxResponseHeadBytes = 8192;        // the upgrade's answer
constexpr size_t kScratchBytes = 256 * 1024;          // the loop's read buffer, shared
constexpr size_t kPartialReadChunk = 16 * 1024;       // a read behind a partial frame
constexpr auto kCloseWait = std::chrono::seconds(2);  // for the zone's answer to our close
constexpr uint16_t kCloseNormal = 1000, kCloseProtocolError = 1002, kCloseTooBig = 1009;

std::string error_text(int error) {
  return std::strerror(error);
}

class PlainConnection;

// Every plain connection of one io_context in one epoll set, watched by Asio as one descriptor.
// Connections live in slots (the epoll events carry slot and generation, so an event for a
// connection let go of earlier in the same batch is recognised and skipped); a connection that
// leaves its slot is kept alive until the batch that let go of it is over.
class PlainLoop final : public asio::execution_context::service {
 public:
  using key_type = PlainLoop;
  static inline asio::execution_context::id id;

  explicit PlainLoop(asio::execution_context& context)
      : asio::execution_context::service(context),
        io_(static_cast<asio::io_context&>(context)),
        epoll_(io_) {
    const int fd = ::epoll_create1(EPOLL_CLOEXEC);
    if (fd >= 0) epoll_.assign(fd);
  }

  asio::io_context& io() { return io_; }
  // Every connection's read buffer (one read at a time, on the loop's thread).
  std::span<uint8_t> scratch() { return scratch_; }

  // Registers `connection` (its socket `fd`) for `events`; false when epoll refused.
  bool add(const std::shared_ptr<PlainConnection>& connection, int fd, uint32_t events,
           uint64_t& tag);
  void modify(int fd, uint64_t tag, uint32_t events) {
    epoll_event event{events, {.u64 = tag}};
    ::epoll_ctl(epoll_.native_handle(), EPOLL_CTL_MOD, fd, &event);
  }
  // Unregisters and closes `fd`, frees the slot of `tag`.
  void remove(int fd, uint64_t tag);

  // Sends `connection`'s queued messages once the running handler is over.
  void flush_later(std::shared_ptr<PlainConnection> connection) {
    pending_flush_.push_back(std::move(connection));
    if (flush_posted_) return;
    flush_posted_ = true;
    asio::post(io_, [this] { flush_pending(); });
  }

 private:
  struct Slot {
    std::shared_ptr<PlainConnection> connection;
    uint32_t generation = 0;
  };

  void shutdown() override {
    epoll_.close();
    slots_.clear();
    retired_.clear();
    pending_flush_.clear();
  }

  void watch() {
    if (watching_ || !epoll_.is_open()) return;
    watching_ = true;
    epoll_.async_wait(asio::posix::stream_descriptor::wait_read,
                      [this](boost::system::error_code ec) {
                        watching_ = false;
                        if (!ec) on_ready();
                      });
  }

  static constexpr int kMaxRounds = 8;  // of events_.size() events per handler
  void on_ready();
  void serve(int count);
  void flush_pending();

  asio::io_context& io_;
  asio::posix::stream_descriptor epoll_;
  bool watching_ = false;
  std::vector<Slot> slots_;
  std::vector<uint32_t> free_slots_;
  std::vector<std::shared_ptr<PlainConnection>> retired_;  // let go of during this batch
  std::vector<std::shared_ptr<PlainConnection>> pending_flush_;
  std::vector<std::shared_ptr<PlainConnection>> flushing_;  // flush_pending's, reused
  bool flush_posted_ = false;
  std::array<epoll_event, 256> events_{};
  std::vector<uint8_t> scratch_ = std::vector<uint8_t>(kScratchBytes);
};

class PlainConnection final : public ZoneConnection,
                              public std::enable_shared_from_this<PlainConnection> {
 public:
  PlainConnection(PlainLoop& loop, const WebSocketAddress& target, size_t bot,
                  ConnectionEvents& events)
      : loop_(loop), target_(target), bot_(bot), events_(events) {
    std::random_device seed;
    mask_state_ = seed() | 1u;
  }
  ~PlainConnection() override {
    if (fd_ >= 0) ::close(fd_);
  }

  void start() {
    sockaddr_in address{};
    if (auto error = resolve(address); !error.empty()) return fail_later("connect: " + error);
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd_ < 0) return fail_later("connect: " + error_text(errno));
    const int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0 &&
        errno != EINPROGRESS)
      return fail_later("connect: " + error_text(errno));
    interest_ = EPOLLOUT;
    if (!loop_.add(shared_from_this(), fd_, interest_, tag_))
      return fail_later("connect: " + error_text(errno));
    registered_ = true;
  }

  std::vector<uint8_t>* queue(bool text) override { return detached_ ? nullptr : out_.add(text); }

  void flush() override {
    if (detached_ || flush_queued_ || state_ != State::open) return;
    flush_queued_ = true;
    loop_.flush_later(shared_from_this());
  }

  void close() override {
    if (detached_) return;
    detached_ = true;
    if (state_ != State::open) return release();
    begin_close(kCloseNormal);
    wait_for_close();
  }

  void abort() override {
    detached_ = true;
    release();
  }

  // The loop's calls.
  void on_flush() {
    flush_queued_ = false;
    if (!detached_) write_queued();
  }
  void on_events(uint32_t events) {
    if (state_ == State::connecting) return on_connected();
    if ((events & EPOLLOUT) != 0 && !send_pending()) return;
    if ((events & (EPOLLIN | EPOLLHUP | EPOLLERR | EPOLLRDHUP)) != 0) read_ready();
  }

 private:
  enum class State : uint8_t { connecting, upgrading, open, closing, done };

  std::string resolve(sockaddr_in& address) {
    address.sin_family = AF_INET;
    address.sin_port = htons(target_.port);
    if (::inet_pton(AF_INET, target_.host.c_str(), &address.sin_addr) == 1) return "";
    addrinfo hints{};
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (const int error = ::getaddrinfo(target_.host.c_str(), nullptr, &hints, &found);
        error != 0 || found == nullptr)
      return "cannot resolve " + target_.host + ": " + ::gai_strerror(error);
    address.sin_addr = reinterpret_cast<const sockaddr_in*>(found->ai_addr)->sin_addr;
    ::freeaddrinfo(found);
    return "";
  }

  // ---- the end ------------------------------------------------------------------------------
  // Out of the loop and the socket closed; no more events or writes.
  void release() {
    state_ = State::done;
    close_timer_.reset();
    if (registered_) {
      registered_ = false;
      loop_.remove(fd_, tag_);
    } else if (fd_ >= 0) {
      ::close(fd_);
    }
    fd_ = -1;
  }
  // The end of the connection: one event, then nothing.
  void end(ConnectionEnd how) {
    if (detached_) return release();
    detached_ = true;
    release();
    events_.on_end(bot_, how);
  }
  void fail(std::string detail) { end({ConnectionEnd::Kind::failed, std::move(detail), 0}); }
  // A failure before the connection is in the loop reaches the owner after open() returned.
  void fail_later(std::string detail) {
    asio::post(loop_.io(), [self = shared_from_this(), detail = std::move(detail)]() mutable {
      self->fail(std::move(detail));
    });
  }
  void read_failed(std::string detail) {
    end({ConnectionEnd::Kind::read_error, std::move(detail), 0});
  }
  // A frame the zone must not send: the close says why, the owner hears a read error.
  void protocol_error(std::string_view what, uint16_t code = kCloseProtocolError) {
    if (state_ == State::open) {
      append_control(opcode::close, close_payload(code));
      send_pending();
    }
    read_failed(std::string(what));
  }

  // ---- connect and upgrade ---------------------------------------------------------------
  void on_connected() {
    int error = 0;
    socklen_t length = sizeof error;
    ::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &error, &length);
    if (error != 0) return fail("connect: " + error_text(error));
    std::array<uint8_t, 16> nonce{};
    for (uint8_t& byte : nonce) byte = static_cast<uint8_t>(next_mask());
    key_ = common::websocket_key(nonce);
    const std::string request = "GET " + target_.path + " HTTP/1.1\r\nHost: " + target_.host + ":" +
                                std::to_string(target_.port) +
                                "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                "Sec-WebSocket-Key: " +
                                key_ + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
    state_ = State::upgrading;
    sending_.assign(request.begin(), request.end());
    set_interest(EPOLLIN);
    send_pending();
  }

  // The answer to the upgrade: "handshake: …" unless it is a 101 with the right accept key.
  std::string check_upgrade(std::string_view head) const {
    const std::string_view status = head.substr(0, head.find("\r\n"));
    if (status.rfind("HTTP/1.1 101", 0) != 0)
      return "the zone answered '" + std::string(status) + "' to the upgrade";
    std::string lower(head);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    const size_t at = lower.find("\r\nsec-websocket-accept:");
    if (at == std::string::npos) return "no Sec-WebSocket-Accept in the answer";
    size_t begin = at + 23, end = head.find("\r\n", begin);
    while (begin < end && (head[begin] == ' ' || head[begin] == '\t')) ++begin;
    while (end > begin && (head[end - 1] == ' ' || head[end - 1] == '\t')) --end;
    if (head.substr(begin, end - begin) != common::websocket_accept(key_))
      return "wrong Sec-WebSocket-Accept";
    return "";
  }

  // ---- reading ------------------------------------------------------------------------------
  // One recv: into the loop's scratch buffer, unless part of a frame waits in inbox_ (then
  // behind it). Whole frames are handled where they lie; a partial one is kept in inbox_.
  void read_ready() {
    const size_t kept = inbox_.size();
    std::span<uint8_t> buffer = loop_.scratch();
    if (kept > 0) {
      inbox_.resize(kept + kPartialReadChunk);
      buffer = std::span<uint8_t>(inbox_).subspan(kept);
    }
    const ssize_t n = ::recv(fd_, buffer.data(), buffer.size(), 0);
    if (kept > 0) inbox_.resize(kept + static_cast<size_t>(std::max<ssize_t>(n, 0)));
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
      if (state_ == State::upgrading) return fail("handshake: " + error_text(errno));
      if (state_ == State::closing) return release();
      return read_failed(error_text(errno));
    }
    if (n == 0) {
      if (state_ == State::upgrading) return fail("handshake: the zone closed the connection");
      if (state_ == State::closing) return release();
      return read_failed("end of stream");
    }
    const std::span<uint8_t> unread =
        kept > 0 ? std::span<uint8_t>(inbox_) : buffer.first(static_cast<size_t>(n));
    const size_t used = consume(unread);
    if (state_ == State::done) return;
    if (kept > 0)
      inbox_.erase(inbox_.begin(), inbox_.begin() + static_cast<long>(used));
    else
      inbox_.assign(unread.begin() + static_cast<long>(used), unread.end());
  }

  // Handles the upgrade's answer and every whole frame at the start of `unread`; returns the
  // bytes used. Stops early when the connection ends (state_ is then done).
  size_t consume(std::span<uint8_t> unread) {
    size_t used = 0;
    if (state_ == State::upgrading && (used = read_upgrade(unread)) == 0) return 0;
    while (state_ == State::open || state_ == State::closing) {
      const std::span<uint8_t> rest = unread.subspan(used);
      const auto header = common::parse_ws_frame_header(rest);
      if (!header) break;
      if (auto error = common::server_frame_error(*header); !error.empty()) {
        protocol_error(error);
        break;
      }
      if (header->payload_size > kMaxMessageBytes - (in_fragments_ ? fragments_.size() : 0)) {
        protocol_error("message too big", kCloseTooBig);
        break;
      }
      if (rest.size() - header->header_size < header->payload_size) break;
      used += header->header_size + header->payload_size;
      if (!on_frame(*header, rest.subspan(header->header_size, header->payload_size))) break;
    }
    return used;
  }

  // The bytes of the upgrade's answer once it is whole and right; 0 until then, or when it is
  // wrong (the connection has then failed).
  size_t read_upgrade(std::span<const uint8_t> unread) {
    const std::string_view received(reinterpret_cast<const char*>(unread.data()), unread.size());
    const size_t blank = received.find("\r\n\r\n");
    if (blank == std::string_view::npos) {
      if (received.size() > kMaxResponseHeadBytes)
        fail("handshake: the answer's head is over 8 KiB");
      return 0;
    }
    if (auto error = check_upgrade(received.substr(0, blank + 2)); !error.empty()) {
      fail("handshake: " + error);
      return 0;
    }
    state_ = State::open;
    events_.on_upgraded(bot_);
    return blank + 4;
  }

  // False once the connection has ended or been let go of.
  bool on_frame(const common::WsFrameHeader& header, std::span<const uint8_t> payload) {
    switch (header.opcode) {
      case opcode::ping:
        if (state_ == State::open) {
          append_control(opcode::pong, {payload.begin(), payload.end()});
          return send_pending();
        }
        return true;
      case opcode::pong:
        return true;
      case opcode::close: {
        if (state_ == State::closing) {  // the answer to our close
          release();
          return false;
        }
        const common::WsClose close = common::parse_ws_close(payload);
        append_control(opcode::close, close_payload(close.code ? close.code : kCloseNormal));
        send_pending();
        end({ConnectionEnd::Kind::closed, close.reason, close.code});
        return false;
      }
      case opcode::continuation:
        if (!in_fragments_) {
          protocol_error("continuation without a first fragment");
          return false;
        }
        fragments_.insert(fragments_.end(), payload.begin(), payload.end());
        if (!header.fin) return true;
        in_fragments_ = false;
        return deliver(fragments_binary_, fragments_);
      default:  // text or binary
        if (in_fragments_) {
          protocol_error("a new message inside a fragmented one");
          return false;
        }
        if (header.fin) return deliver(header.opcode == opcode::binary, payload);
        in_fragments_ = true;
        fragments_binary_ = header.opcode == opcode::binary;
        fragments_.assign(payload.begin(), payload.end());
        return true;
    }
  }

  bool deliver(bool binary, std::span<const uint8_t> message) {
    if (state_ == State::closing) return true;  // let go of: read to the zone's close only
    if (!binary) {
      end({ConnectionEnd::Kind::text_frame, {}, 0});
      return false;
    }
    events_.on_message(bot_, message);
    return !detached_;
  }

  // ---- writing ------------------------------------------------------------------------------
  uint32_t next_mask() {  // xorshift32: masking needs unpredictability from the network's
    mask_state_ ^= mask_state_ << 13;  // point of view only in browsers (RFC 6455 §10.3)
    mask_state_ ^= mask_state_ >> 17;
    mask_state_ ^= mask_state_ << 5;
    return mask_state_;
  }

  static std::vector<uint8_t> close_payload(uint16_t code) {
    return {static_cast<uint8_t>(code >> 8), static_cast<uint8_t>(code)};
  }

  void append_control(uint8_t op, const std::vector<uint8_t>& payload) {
    common::append_ws_frame(sending_, op, payload, true, next_mask());
  }

  // Frames every queued message behind what is still unsent, then sends.
  void write_queued() {
    if (state_ != State::open) return;
    if (sending_at_ < sending_.size()) return;  // blocked: EPOLLOUT carries on
    sending_.clear();
    sending_at_ = 0;
    while (!out_.empty()) {
      const OutgoingMessage& message = out_.front();
      events_.on_sending(bot_, message.bytes.size());
      common::append_ws_frame(sending_, message.text ? opcode::text : opcode::binary, message.bytes,
                              true, next_mask());
      out_.pop();
    }
    send_pending();
  }

  // Sends what is unsent; false once the connection has ended (a failed write).
  bool send_pending() {
    while (sending_at_ < sending_.size()) {
      const ssize_t n = ::send(fd_, sending_.data() + sending_at_, sending_.size() - sending_at_,
                               MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n < 0) {
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) break;
        if (state_ == State::closing) {
          release();
          return false;
        }
        fail("write: " + error_text(errno));
        return false;
      }
      sending_at_ += static_cast<size_t>(n);
    }
    const bool blocked = sending_at_ < sending_.size();
    if (!blocked) sending_.clear(), sending_at_ = 0;
    set_interest(blocked ? EPOLLIN | EPOLLOUT : EPOLLIN);
    if (!blocked && !out_.empty() && state_ == State::open && !flush_queued_) write_queued();
    return true;
  }

  void set_interest(uint32_t events) {
    if (events == interest_ || !registered_) return;
    interest_ = events;
    loop_.modify(fd_, tag_, events);
  }

  // ---- closing --------------------------------------------------------------------------
  void begin_close(uint16_t code) {
    out_.clear();
    state_ = State::closing;
    append_control(opcode::close, close_payload(code));
    send_pending();
  }

  // Reads on to the zone's close (or the end of the stream), for at most kCloseWait.
  void wait_for_close() {
    if (state_ != State::closing) return;
    close_timer_ = std::make_unique<asio::steady_timer>(loop_.io(), kCloseWait);
    close_timer_->async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (!ec && self->state_ == State::closing) self->release();
    });
  }

  PlainLoop& loop_;
  WebSocketAddress target_;
  size_t bot_;
  ConnectionEvents& events_;
  int fd_ = -1;
  bool registered_ = false;
  uint64_t tag_ = 0;  // the loop's slot and generation
  uint32_t interest_ = 0;
  State state_ = State::connecting;
  bool detached_ = false;           // ended, or let go of by the owner: no more events
  std::string key_;                 // Sec-WebSocket-Key sent
  std::vector<uint8_t> inbox_;      // a partial frame (or answer head), nothing else
  std::vector<uint8_t> fragments_;  // a fragmented message so far
  bool in_fragments_ = false, fragments_binary_ = false;
  OutgoingQueue out_;             // queued, not yet framed
  std::vector<uint8_t> sending_;  // framed; [sending_at_, end) not yet taken by the kernel
  size_t sending_at_ = 0;
  bool flush_queued_ = false;
  uint32_t mask_state_ = 1;
  std::unique_ptr<asio::steady_timer> close_timer_;
};

bool PlainLoop::add(const std::shared_ptr<PlainConnection>& connection, int fd, uint32_t events,
                    uint64_t& tag) {
  uint32_t index;
  if (free_slots_.empty()) {
    index = static_cast<uint32_t>(slots_.size());
    slots_.emplace_back();
  } else {
    index = free_slots_.back();
    free_slots_.pop_back();
  }
  Slot& slot = slots_[index];
  tag = (uint64_t{++slot.generation} << 32) | index;
  epoll_event event{events, {.u64 = tag}};
  if (!epoll_.is_open() || ::epoll_ctl(epoll_.native_handle(), EPOLL_CTL_ADD, fd, &event) != 0) {
    free_slots_.push_back(index);
    return false;
  }
  slot.connection = connection;
  watch();
  return true;
}

void PlainLoop::remove(int fd, uint64_t tag) {
  ::epoll_ctl(epoll_.native_handle(), EPOLL_CTL_DEL, fd, nullptr);
  ::close(fd);
  const auto index = static_cast<uint32_t>(tag);
  if (index >= slots_.size() || !slots_[index].connection) return;
  retired_.push_back(std::move(slots_[index].connection));
  ++slots_[index].generation;  // events of this batch for the old connection are stale
  free_slots_.push_back(index);
}

// Asio watches the epoll set edge-triggered: everything ready is taken before watching again
// (a full batch means more may wait), or what is left would wait for the next new event.
void PlainLoop::on_ready() {
  int count = static_cast<int>(events_.size());
  for (int round = 0; round < kMaxRounds && count == static_cast<int>(events_.size()); ++round) {
    count =
        ::epoll_wait(epoll_.native_handle(), events_.data(), static_cast<int>(events_.size()), 0);
    serve(count);
  }
  retired_.clear();
  if (count == static_cast<int>(events_.size()))  // still more: after the other handlers
    return asio::post(io_, [this] { on_ready(); });
  if (slots_.size() > free_slots_.size()) watch();  // a connection is registered
}

void PlainLoop::serve(int count) {
  for (int i = 0; i < count; ++i) {
    const uint64_t tag = events_[i].data.u64;
    const auto index = static_cast<uint32_t>(tag);
    if (index >= slots_.size()) continue;
    Slot& slot = slots_[index];
    if (!slot.connection || slot.generation != static_cast<uint32_t>(tag >> 32)) continue;
    slot.connection->on_events(events_[i].events);
  }
}

void PlainLoop::flush_pending() {
  flush_posted_ = false;
  flushing_.swap(pending_flush_);
  for (const std::shared_ptr<PlainConnection>& connection : flushing_) connection->on_flush();
  flushing_.clear();
  retired_.clear();
}

}  // namespace

std::shared_ptr<ZoneConnection> open_plain_connection(asio::io_context& io,
                                                      const WebSocketAddress& target, size_t bot,
                                                      ConnectionEvents& events) {
  auto connection =
      std::make_shared<PlainConnection>(asio::use_service<PlainLoop>(io), target, bot, events);
  connection->start();
  return connection;
}

}  // namespace omega::bots
