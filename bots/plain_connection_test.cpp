// The bots' plain-TCP WebSocket connection against a scripted server on a real socket: what a
// zone may send (frames split and coalesced across reads, fragments, pings, a close with a
// reason) and what it must not (a wrong accept key, masked or text frames).
#include <utility>  // before Asio (docs/ARCHITECTURE.md, Dependencies)

#include "bots/plain_connection.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include "common/websocket_frame.hpp"

namespace omega::bots {
namespace testing {
uint32_t tcp_data_segments_in(int fd);  // tcp_segments_testing.cpp
}  // namespace testing
namespace {

namespace opcode = common::ws_opcode;

// One connection's server side, run on its own thread by `script` after the upgrade.
class ScriptedServer {
 public:
  using Script = std::function<void(ScriptedServer&)>;

  explicit ScriptedServer(Script script, bool wrong_accept = false) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
        ::listen(listen_fd_, 4) != 0 ||
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0)
      return;
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this, script = std::move(script), wrong_accept] {
      fd_ = ::accept(listen_fd_, nullptr, nullptr);
      if (fd_ < 0) return;
      const int one = 1;
      ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      request_ = read_head();
      const size_t at = request_.find("Sec-WebSocket-Key: ");
      const std::string key = at == std::string::npos
                                  ? ""
                                  : request_.substr(at + 19, request_.find("\r\n", at) - at - 19);
      const std::string accept = common::websocket_accept(wrong_accept ? key + "x" : key);
      send_text(
          "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          "sec-websocket-accept:  " +
          accept + "\r\n\r\n");
      script(*this);
    });
  }
  ~ScriptedServer() {
    join();
    if (fd_ >= 0) ::close(fd_);
    if (listen_fd_ >= 0) ::close(listen_fd_);
  }

  // Waits for the script to end (then what it wrote may be read).
  void join() {
    if (thread_.joinable()) thread_.join();
  }
  uint16_t port() const { return port_; }
  // Data segments the client has sent so far, the upgrade request included (TCP_INFO).
  uint32_t data_segments_in() const { return testing::tcp_data_segments_in(fd_); }
  const std::string& request() const { return request_; }

  void send_bytes(const std::vector<uint8_t>& bytes) {
    ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
  }
  void send_text(const std::string& text) {
    send_bytes(std::vector<uint8_t>(text.begin(), text.end()));
  }
  static std::vector<uint8_t> frame(uint8_t op, const std::string& payload, bool fin = true) {
    std::vector<uint8_t> out;
    common::append_ws_frame(out, op, std::vector<uint8_t>(payload.begin(), payload.end()), false, 0,
                            fin);
    return out;
  }
  // The next client frame (unmasked), or an empty opcode 0xff one when the client closed.
  std::pair<uint8_t, std::string> read_frame() {
    while (true) {
      if (const auto header = common::parse_ws_frame_header(inbox_);
          header && inbox_.size() >= header->header_size + header->payload_size) {
        EXPECT_TRUE(header->masked);
        std::vector<uint8_t> payload(
            inbox_.begin() + long(header->header_size),
            inbox_.begin() + long(header->header_size + header->payload_size));
        common::apply_ws_mask(payload, header->mask);
        inbox_.erase(inbox_.begin(),
                     inbox_.begin() + long(header->header_size + header->payload_size));
        return {header->opcode, std::string(payload.begin(), payload.end())};
      }
      uint8_t buffer[4096];
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 5000) <= 0) return {0xff, "timeout"};
      const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n <= 0) return {0xff, ""};
      inbox_.insert(inbox_.end(), buffer, buffer + n);
    }
  }
  void pause() { std::this_thread::sleep_for(std::chrono::milliseconds(30)); }

 private:
  std::string read_head() {
    std::string head;
    char c;
    while (head.find("\r\n\r\n") == std::string::npos && ::recv(fd_, &c, 1, 0) == 1) head += c;
    return head;
  }

  int listen_fd_ = -1, fd_ = -1;
  uint16_t port_ = 0;
  std::string request_;
  std::vector<uint8_t> inbox_;
  std::thread thread_;
};

// The owner's side: everything the connection reported.
struct Recorder final : ConnectionEvents {
  void on_upgraded(size_t) override { upgraded = true; }
  void on_message(size_t, std::span<const uint8_t> message) override {
    messages.emplace_back(message.begin(), message.end());
  }
  void on_sending(size_t, size_t bytes) override { sent_bytes += bytes; }
  void on_end(size_t, const ConnectionEnd& how) override {
    ++ends;
    end = how;
  }
  bool upgraded = false;
  std::vector<std::string> messages;
  size_t sent_bytes = 0;
  int ends = 0;
  ConnectionEnd end;
};

// Runs the io_context until `done` or 5 s.
void run_until(boost::asio::io_context& io, const std::function<bool()>& done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    io.restart();
    io.run_for(std::chrono::milliseconds(10));
  }
}

WebSocketAddress address_of(const ScriptedServer& server) {
  return {"127.0.0.1", server.port(), "/instance/7", false};
}

void send_binary(ZoneConnection& connection, const std::string& text) {
  std::vector<uint8_t>* out = connection.queue(false);
  ASSERT_NE(out, nullptr);
  out->assign(text.begin(), text.end());
  connection.flush();
}

TEST(PlainConnection, UpgradesAndDeliversFramesHoweverTheyAreSplitOrJoined) {
  std::pair<uint8_t, std::string> first_from_client;
  ScriptedServer server([&](ScriptedServer& s) {
    first_from_client = s.read_frame();
    std::vector<uint8_t> two = s.frame(opcode::binary, "one");  // two frames in one segment
    const std::vector<uint8_t> second = s.frame(opcode::binary, std::string(300, 'b'));
    two.insert(two.end(), second.begin(), second.end());
    s.send_bytes(two);
    s.pause();
    const std::vector<uint8_t> split = s.frame(opcode::binary, std::string(70000, 'c'));
    for (size_t at = 0; at < split.size(); at += 997) {  // a header and payload in pieces
      s.send_bytes(
          {split.begin() + long(at), split.begin() + long(std::min(split.size(), at + 997))});
      if (at < 3000) s.pause();
    }
    s.send_bytes(s.frame(opcode::binary, "frag-", false));  // a fragmented message with a
    s.send_bytes(s.frame(opcode::ping, "are you there"));   // ping between its fragments
    s.send_bytes(s.frame(opcode::continuation, "ment"));
    const auto pong = s.read_frame();
    EXPECT_EQ(pong.first, opcode::pong);
    EXPECT_EQ(pong.second, "are you there");
    s.send_bytes(s.frame(opcode::close, std::string("\x0f\xa1", 2) + "kicked: idle"));
    const auto close = s.read_frame();
    EXPECT_EQ(close.first, opcode::close);
    EXPECT_EQ(close.second, std::string("\x0f\xa1", 2));
  });
  boost::asio::io_context io;
  Recorder events;
  auto connection = open_plain_connection(io, address_of(server), 0, events);
  run_until(io, [&] { return events.upgraded; });
  ASSERT_TRUE(events.upgraded);
  send_binary(*connection, "hello zone");
  run_until(io, [&] { return events.ends > 0; });
  server.join();
  EXPECT_NE(server.request().find("GET /instance/7 HTTP/1.1\r\n"), std::string::npos);
  EXPECT_EQ(first_from_client.first, opcode::binary);
  EXPECT_EQ(first_from_client.second, "hello zone");
  EXPECT_EQ(events.sent_bytes, 10u);
  ASSERT_EQ(events.messages.size(), 4u);
  EXPECT_EQ(events.messages[0], "one");
  EXPECT_EQ(events.messages[1], std::string(300, 'b'));
  EXPECT_EQ(events.messages[2], std::string(70000, 'c'));
  EXPECT_EQ(events.messages[3], "frag-ment");
  EXPECT_EQ(events.ends, 1);
  EXPECT_EQ(events.end.kind, ConnectionEnd::Kind::closed);
  EXPECT_EQ(events.end.close_code, 4001);
  EXPECT_EQ(events.end.detail, "kicked: idle");
}

TEST(PlainConnection, MessagesQueuedInOneHandlerGoOutTogether) {
  std::string received;
  uint32_t segments = 0;
  ScriptedServer server([&](ScriptedServer& s) {
    for (int i = 0; i < 3; ++i) received += s.read_frame().second;
    segments = s.data_segments_in();
  });
  boost::asio::io_context io;
  Recorder events;
  auto connection = open_plain_connection(io, address_of(server), 0, events);
  run_until(io, [&] { return events.upgraded; });
  send_binary(*connection, "a");
  send_binary(*connection, "b");
  send_binary(*connection, "c");
  run_until(io, [&] { return events.sent_bytes == 3; });
  server.join();
  EXPECT_EQ(received, "abc");
  EXPECT_EQ(segments, 2u);  // the upgrade request, then one send with the three frames
  connection->abort();
  io.restart();
  io.run_for(std::chrono::milliseconds(50));
  EXPECT_EQ(events.ends, 0);  // let go of: no event
}

TEST(PlainConnection, AWrongAcceptKeyFailsTheHandshake) {
  ScriptedServer server([](ScriptedServer&) {}, /*wrong_accept=*/true);
  boost::asio::io_context io;
  Recorder events;
  auto connection = open_plain_connection(io, address_of(server), 0, events);
  run_until(io, [&] { return events.ends > 0; });
  EXPECT_FALSE(events.upgraded);
  EXPECT_EQ(events.end.kind, ConnectionEnd::Kind::failed);
  EXPECT_EQ(events.end.detail, "handshake: wrong Sec-WebSocket-Accept");
}

TEST(PlainConnection, FramesAZoneMustNotSendEndTheConnection) {
  for (const auto& [bad, kind, detail] :
       std::vector<std::tuple<std::vector<uint8_t>, ConnectionEnd::Kind, std::string>>{
           {ScriptedServer::frame(opcode::text, "{}"), ConnectionEnd::Kind::text_frame, ""},
           {{0x82, 0x81, 1, 2, 3, 4, 5},
            ConnectionEnd::Kind::read_error,
            "masked frame from the server"},
           {ScriptedServer::frame(opcode::continuation, "x"), ConnectionEnd::Kind::read_error,
            "continuation without a first fragment"},
           {{0x82, 0x7f, 0, 0, 0, 0, 0, 0x20, 0, 0},
            ConnectionEnd::Kind::read_error,
            "message too big"}}) {
    ScriptedServer server([&bad](ScriptedServer& s) {
      s.send_bytes(bad);
      s.read_frame();  // the close (or the end), so the server outlives the client's reading
    });
    boost::asio::io_context io;
    Recorder events;
    auto connection = open_plain_connection(io, address_of(server), 0, events);
    run_until(io, [&] { return events.ends > 0; });
    EXPECT_EQ(events.ends, 1) << detail;
    EXPECT_EQ(events.end.kind, kind) << detail;
    EXPECT_EQ(events.end.detail, detail);
    EXPECT_TRUE(events.messages.empty());
  }
}

TEST(PlainConnection, ACleanCloseSendsACloseFrameAndWaitsForTheZones) {
  std::pair<uint8_t, std::string> close;
  bool client_closed_after_answer = false;
  ScriptedServer server([&](ScriptedServer& s) {
    close = s.read_frame();
    s.send_bytes(s.frame(opcode::binary, "late"));  // not delivered: the owner let go
    s.send_bytes(s.frame(opcode::close, std::string("\x03\xe8", 2)));
    client_closed_after_answer = s.read_frame().first == 0xff;
  });
  boost::asio::io_context io;
  Recorder events;
  auto connection = open_plain_connection(io, address_of(server), 0, events);
  run_until(io, [&] { return events.upgraded; });
  connection->close();
  connection.reset();
  io.restart();
  io.run_for(std::chrono::milliseconds(300));
  server.join();
  EXPECT_EQ(close.first, opcode::close);
  EXPECT_EQ(close.second, std::string("\x03\xe8", 2));  // 1000, normal
  EXPECT_TRUE(events.messages.empty());
  EXPECT_EQ(events.ends, 0);
  EXPECT_TRUE(client_closed_after_answer);
}

TEST(PlainConnection, ARefusedConnectionFailsWithTheReason) {
  uint16_t port;
  {
    ScriptedServer closed([](ScriptedServer&) {});
    port = closed.port();
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);  // let the server's accept return
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
    ::close(fd);
  }
  boost::asio::io_context io;
  Recorder events;
  auto connection = open_plain_connection(io, {"127.0.0.1", port, "/", false}, 0, events);
  run_until(io, [&] { return events.ends > 0; });
  EXPECT_EQ(events.end.kind, ConnectionEnd::Kind::failed);
  EXPECT_EQ(events.end.detail, "connect: Connection refused");
}

}  // namespace
}  // namespace omega::bots
