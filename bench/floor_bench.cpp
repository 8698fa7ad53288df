// omega-bench-floor: the kernel's floor under the zone's traffic (issue 18). A server that does
// nothing but move the bytes the zone moves, in the same pattern, and a client side that reads
// them; `scripts/bench floor` runs it next to `scripts/bench hub` and divides the two CPU costs.
//
//   omega-bench-floor serve --players N --tick-hz T --writes-per-s W --messages-per-write M
//                           --bytes-per-message B [--io sendmsg|uring]
//   omega-bench-floor drain --port P --count N --up-messages-per-s U --up-bytes-per-message B
//
// serve: accepts N TCP connections on 127.0.0.1 (prints {"listening":port}, then {"ready":N}
// once all are in). Every 1/T s it owes each client W/T writes; a write is one sendmsg of M
// messages (M may be fractional: carried over from write to write), each message two buffers
// like the zone's frames: a 2-byte header and B payload bytes. What clients send is read and
// dropped. No WebSocket, no game, no allocation per message: what is left is the kernel.
// --io uring submits each tick's writes to io_uring in batches instead of a sendmsg each.
// drain: opens N connections, reads everything, and sends each connection U messages of B
// bytes a second (the bots' inputs), until SIGTERM or until the server closed every one.
// Both print their counts as one JSON line when they end.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>
#ifdef OMEGA_FLOOR_URING
#include <liburing.h>
#endif

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace {

std::atomic<bool> g_stop{false};
void on_signal(int) {
  g_stop = true;
}

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "omega-bench-floor: %s: %s\n", what, std::strerror(errno));
  std::exit(1);
}

[[noreturn]] void usage(const char* why) {
  std::fprintf(
      stderr,
      "omega-bench-floor: %s\nusage: omega-bench-floor serve --players N --tick-hz T "
      "--writes-per-s W --messages-per-write M --bytes-per-message B [--io sendmsg|uring]\n"
      "       omega-bench-floor drain --port P --count N --up-messages-per-s U "
      "--up-bytes-per-message B\n",
      why);
  std::exit(2);
}

enum class Io { sendmsg, uring };

// --name value pairs into numbers (and --io sendmsg|uring); an unknown name or a missing or
// negative value is a usage error.
struct Options {
  Io io = Io::sendmsg;
  double players = 0, tick_hz = 30, writes_per_s = 0, messages_per_write = 1, bytes_per_message = 0,
         port = 0, count = 0, up_messages_per_s = 0, up_bytes_per_message = 0;

  static Options parse(int argc, char** argv) {
    Options o;
    const struct {
      std::string_view name;
      double Options::*field;
    } names[] = {{"--players", &Options::players},
                 {"--tick-hz", &Options::tick_hz},
                 {"--writes-per-s", &Options::writes_per_s},
                 {"--messages-per-write", &Options::messages_per_write},
                 {"--bytes-per-message", &Options::bytes_per_message},
                 {"--port", &Options::port},
                 {"--count", &Options::count},
                 {"--up-messages-per-s", &Options::up_messages_per_s},
                 {"--up-bytes-per-message", &Options::up_bytes_per_message}};
    for (int i = 2; i < argc; i += 2) {
      if (i + 1 >= argc) usage("an option without its value");
      if (std::string_view(argv[i]) == "--io") {
        const std::string_view value = argv[i + 1];
        if (value == "sendmsg") {
          o.io = Io::sendmsg;
        } else if (value == "uring") {
#ifndef OMEGA_FLOOR_URING
          usage("--io uring: built without liburing");
#endif
          o.io = Io::uring;
        } else {
          usage("--io is sendmsg or uring");
        }
        continue;
      }
      double* field = nullptr;
      for (const auto& n : names)
        if (n.name == argv[i]) field = &(o.*(n.field));
      if (field == nullptr) usage((std::string("unknown option ") + argv[i]).c_str());
      char* end = nullptr;
      *field = std::strtod(argv[i + 1], &end);
      if (end == argv[i + 1] || *end != '\0' || *field < 0 || *field > 1e9)
        usage((std::string("bad value for ") + argv[i]).c_str());
    }
    return o;
  }
};

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// As the zone's sockets: small writes go out at once.
void set_nodelay(int fd) {
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

// epoll_wait's timeout in whole milliseconds, rounded up: rounding down would spin for the
// last fraction of a millisecond before each deadline and count that spinning as the floor.
int timeout_ms(int64_t deadline_ns) {
  const int64_t wait_ns = std::max<int64_t>(0, deadline_ns - now_ns());
  return static_cast<int>((wait_ns + 999'999) / 1'000'000);
}

// Reads and drops whatever `fd` holds, adding the bytes to `received`; false once the peer is gone.
bool drain_socket(int fd, std::vector<char>& scratch, uint64_t& received) {
  for (;;) {
    const ssize_t n = ::recv(fd, scratch.data(), scratch.size(), MSG_DONTWAIT);
    if (n > 0) {
      received += static_cast<uint64_t>(n);
      continue;
    }
    if (n == 0) return false;
    if (errno == EINTR) continue;
    return errno == EAGAIN || errno == EWOULDBLOCK;
  }
}

struct Counts {
  uint64_t bytes_sent = 0, bytes_received = 0, writes = 0, messages = 0, would_block = 0;
  uint64_t closed = 0;
  double seconds = 0;  // serve: since every client was in (nothing is sent before)
};

void print_counts(const char* role, const Counts& c) {
  std::printf(
      "{\"role\":\"%s\",\"bytes_sent\":%llu,\"bytes_received\":%llu,\"writes\":%llu,"
      "\"messages\":%llu,\"would_block\":%llu,\"closed\":%llu,\"seconds\":%.3f}\n",
      role, static_cast<unsigned long long>(c.bytes_sent),
      static_cast<unsigned long long>(c.bytes_received), static_cast<unsigned long long>(c.writes),
      static_cast<unsigned long long>(c.messages), static_cast<unsigned long long>(c.would_block),
      static_cast<unsigned long long>(c.closed), c.seconds);
  std::fflush(stdout);
}

// Up to this many messages per write, as the zone's kMaxMessagesPerWrite.
constexpr size_t kMaxMessagesPerWrite = 32;

// One tick's writes: a client and how many messages go in its one sendmsg.
struct Write {
  int fd;
  size_t messages;
};

void count_write(ssize_t sent, size_t messages, Counts& counts) {
  if (sent < 0) {
    ++counts.would_block;  // a reader that fell behind: its messages are dropped
    return;
  }
  counts.bytes_sent += static_cast<uint64_t>(sent);
  ++counts.writes;
  counts.messages += messages;
}

// Sends a tick's writes: a sendmsg system call each (io sendmsg, as the zone does), or all of
// them submitted to io_uring in batches of kRingEntries with one system call per batch (io
// uring: the floor below the zone's own design).
class Sender {
 public:
  explicit Sender(Io io) : io_(io) {
#ifdef OMEGA_FLOOR_URING
    if (io_ == Io::uring) {
      const int e = io_uring_queue_init(kRingEntries, &ring_, 0);
      if (e < 0) {
        errno = -e;
        die("io_uring_queue_init");
      }
      headers_.resize(kRingEntries);
    }
#endif
  }
  Sender(const Sender&) = delete;
  Sender& operator=(const Sender&) = delete;
  ~Sender() {
#ifdef OMEGA_FLOOR_URING
    if (io_ == Io::uring) io_uring_queue_exit(&ring_);
#endif
  }

  void send(const std::vector<Write>& writes, std::vector<iovec>& gather, Counts& counts) {
    if (io_ == Io::sendmsg) {
      for (const Write& w : writes) {
        msghdr header{};
        header.msg_iov = gather.data();
        header.msg_iovlen = 2 * w.messages;
        count_write(::sendmsg(w.fd, &header, MSG_NOSIGNAL | MSG_DONTWAIT), w.messages, counts);
      }
      return;
    }
#ifdef OMEGA_FLOOR_URING
    for (size_t begin = 0; begin < writes.size(); begin += kRingEntries) {
      const size_t end = std::min(writes.size(), begin + kRingEntries);
      for (size_t i = begin; i < end; ++i) {
        msghdr& header = headers_[i - begin];
        header = {};
        header.msg_iov = gather.data();
        header.msg_iovlen = 2 * writes[i].messages;
        io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
        io_uring_prep_sendmsg(sqe, writes[i].fd, &header, MSG_NOSIGNAL | MSG_DONTWAIT);
        io_uring_sqe_set_data64(sqe, i);
      }
      const unsigned submitted = static_cast<unsigned>(end - begin);
      const int e = io_uring_submit_and_wait(&ring_, submitted);
      if (e < 0) {
        errno = -e;
        die("io_uring_submit_and_wait");
      }
      for (unsigned reaped = 0; reaped < submitted;) {
        io_uring_cqe* cqe = nullptr;
        if (io_uring_wait_cqe(&ring_, &cqe) != 0) die("io_uring_wait_cqe");
        const size_t i = io_uring_cqe_get_data64(cqe);
        count_write(cqe->res < 0 ? -1 : cqe->res, writes[i].messages, counts);
        io_uring_cqe_seen(&ring_, cqe);
        ++reaped;
      }
    }
#endif
  }

 private:
  static constexpr unsigned kRingEntries = 4096;
  Io io_;
#ifdef OMEGA_FLOOR_URING
  io_uring ring_{};
  std::vector<msghdr> headers_;  // one per submission in flight: the kernel reads them
#endif
};

int serve(const Options& o) {
  const size_t players = static_cast<size_t>(o.players);
  if (players == 0 || o.tick_hz <= 0) usage("serve needs --players and --tick-hz");
  const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (listener < 0) die("socket");
  const int one = 1;
  ::setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) die("bind");
  if (::listen(listener, 4096) != 0) die("listen");
  socklen_t length = sizeof address;
  ::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length);
  std::printf("{\"listening\":%u}\n", ntohs(address.sin_port));
  std::fflush(stdout);

  const int epoll = ::epoll_create1(EPOLL_CLOEXEC);
  if (epoll < 0) die("epoll_create1");
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.fd = listener;
  ::epoll_ctl(epoll, EPOLL_CTL_ADD, listener, &event);

  // One message: a frame header and its payload (two buffers, as the zone gathers them).
  const size_t payload_bytes = static_cast<size_t>(o.bytes_per_message + 0.5);
  std::vector<char> payload(std::max<size_t>(payload_bytes, 1), 'x');
  const char header[2] = {char(0x82), 0};
  std::vector<iovec> gather(2 * kMaxMessagesPerWrite);
  for (size_t i = 0; i < kMaxMessagesPerWrite; ++i) {
    gather[2 * i] = {const_cast<char*>(header), sizeof header};
    gather[2 * i + 1] = {payload.data(), payload_bytes};
  }

  struct Client {
    int fd = -1;
    double writes_owed = 0, messages_owed = 0;
  };
  std::vector<Client> clients;
  clients.reserve(players);
  std::vector<char> scratch(64 * 1024);
  Counts counts;
  bool ready = false;
  int64_t ready_ns = 0;
  const double writes_per_tick = o.writes_per_s / o.tick_hz;
  const int64_t period_ns = static_cast<int64_t>(1e9 / o.tick_hz);
  int64_t next_tick = now_ns() + period_ns;
  std::vector<epoll_event> events(1024);
  std::vector<Write> writes;
  Sender sender(o.io);

  while (!g_stop) {
    const int n =
        ::epoll_wait(epoll, events.data(), static_cast<int>(events.size()), timeout_ms(next_tick));
    if (n < 0 && errno != EINTR) die("epoll_wait");
    for (int i = 0; i < n; ++i) {
      const int fd = events[i].data.fd;
      if (fd == listener) {
        for (;;) {
          const int client = ::accept4(listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
          if (client < 0) break;
          set_nodelay(client);
          epoll_event e{};
          e.events = EPOLLIN;
          e.data.fd = client;
          ::epoll_ctl(epoll, EPOLL_CTL_ADD, client, &e);
          clients.push_back({client, 0, 0});
        }
        if (!ready && clients.size() >= players) {
          ready = true;
          ready_ns = now_ns();
          std::printf("{\"ready\":%zu}\n", clients.size());
          std::fflush(stdout);
        }
        continue;
      }
      if (!drain_socket(fd, scratch, counts.bytes_received)) {
        ::epoll_ctl(epoll, EPOLL_CTL_DEL, fd, nullptr);
        ::close(fd);
        ++counts.closed;
        for (Client& c : clients)
          if (c.fd == fd) c.fd = -1;
      }
    }
    if (now_ns() < next_tick) continue;
    next_tick += period_ns;
    if (!ready) continue;  // nothing is sent before every client is in
    writes.clear();
    for (Client& c : clients) {
      if (c.fd < 0) continue;
      c.writes_owed += writes_per_tick;
      for (; c.writes_owed >= 1; c.writes_owed -= 1) {
        c.messages_owed += o.messages_per_write;
        const size_t messages =
            std::min(kMaxMessagesPerWrite, static_cast<size_t>(c.messages_owed));
        if (messages == 0) continue;
        c.messages_owed -= static_cast<double>(messages);
        writes.push_back({c.fd, messages});
      }
    }
    sender.send(writes, gather, counts);
  }
  counts.seconds = ready ? double(now_ns() - ready_ns) * 1e-9 : 0;
  // End of stream after what was sent, so the reader sees all of it before the close.
  for (const Client& c : clients)
    if (c.fd >= 0) ::shutdown(c.fd, SHUT_WR);
  print_counts("serve", counts);
  return 0;
}

int drain(const Options& o) {
  const size_t count = static_cast<size_t>(o.count);
  if (count == 0 || o.port <= 0) usage("drain needs --port and --count");
  const int epoll = ::epoll_create1(EPOLL_CLOEXEC);
  if (epoll < 0) die("epoll_create1");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(o.port));
  std::vector<int> sockets;
  for (size_t i = 0; i < count; ++i) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) die("socket");
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) die("connect");
    set_nodelay(fd);
    epoll_event e{};
    e.events = EPOLLIN;
    e.data.fd = fd;
    ::epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &e);
    sockets.push_back(fd);
  }
  std::vector<char> scratch(64 * 1024);
  const std::vector<char> up(std::max<size_t>(1, static_cast<size_t>(o.up_bytes_per_message)), 'u');
  Counts counts;
  // Inputs go out in rounds of 100 Hz, each socket owed U/100 messages a round.
  constexpr int64_t kRoundNs = 10'000'000;
  const double per_round = o.up_messages_per_s * 1e-2;
  std::vector<double> owed(count, 0);
  int64_t next_round = now_ns() + kRoundNs;
  std::vector<epoll_event> events(1024);
  while (!g_stop) {
    const int n =
        ::epoll_wait(epoll, events.data(), static_cast<int>(events.size()), timeout_ms(next_round));
    if (n < 0 && errno != EINTR) die("epoll_wait");
    for (int i = 0; i < n; ++i) {
      if (!drain_socket(events[i].data.fd, scratch, counts.bytes_received)) {
        ::epoll_ctl(epoll, EPOLL_CTL_DEL, events[i].data.fd, nullptr);
        ++counts.closed;
        if (counts.closed == count) g_stop = true;  // the server is gone: all is read
      }
    }
    if (per_round <= 0 || now_ns() < next_round) continue;
    next_round += kRoundNs;
    for (size_t i = 0; i < count; ++i) {
      for (owed[i] += per_round; owed[i] >= 1; owed[i] -= 1) {
        const ssize_t sent = ::send(sockets[i], up.data(), up.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (sent > 0) {
          counts.bytes_sent += static_cast<uint64_t>(sent);
          ++counts.messages;
        } else {
          ++counts.would_block;
        }
      }
    }
  }
  print_counts("drain", counts);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) usage("no role");
  struct sigaction action {};
  action.sa_handler = on_signal;
  ::sigaction(SIGTERM, &action, nullptr);
  ::sigaction(SIGINT, &action, nullptr);
  const std::string_view role = argv[1];
  const Options options = Options::parse(argc, argv);
  if (role == "serve") return serve(options);
  if (role == "drain") return drain(options);
  usage("the role is serve or drain");
}
