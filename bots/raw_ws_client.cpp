#include "bots/raw_ws_client.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

#include "common/websocket_frame.hpp"

namespace omega::bots::testing {
namespace {

constexpr uint32_t kMask = 0x12345678;

double now_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

bool write_all(int fd, const uint8_t* data, size_t size) {
  while (size > 0) {
    const ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= size_t(n);
  }
  return true;
}

}  // namespace

RawWsClient::~RawWsClient() {
  close();
}

void RawWsClient::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

bool RawWsClient::connect(uint16_t port, const std::string& source_ip, int receive_buffer,
                          int segment_bytes) {
  close();
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd_ < 0) return false;
  if (receive_buffer > 0)
    setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
  if (segment_bytes > 0)
    setsockopt(fd_, IPPROTO_TCP, TCP_MAXSEG, &segment_bytes, sizeof segment_bytes);
  const int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in source{};
  source.sin_family = AF_INET;
  if (inet_pton(AF_INET, source_ip.c_str(), &source.sin_addr) != 1 ||
      bind(fd_, reinterpret_cast<sockaddr*>(&source), sizeof source) != 0)
    return false;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
}

bool RawWsClient::upgrade(const std::string& path, const std::string& extra_headers) {
  const std::string request =
      "GET " + path +
      " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
      "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
      "Sec-WebSocket-Version: 13\r\n" +
      extra_headers + "\r\n";
  if (!write_all(fd_, reinterpret_cast<const uint8_t*>(request.data()), request.size()))
    return false;
  // Byte by byte up to the blank line, so no frame after the head is swallowed.
  std::string head;
  char c;
  while (head.size() < 8192 && head.find("\r\n\r\n") == std::string::npos) {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, 10000) <= 0 || ::read(fd_, &c, 1) != 1) return false;
    head += c;
  }
  return head.rfind("HTTP/1.1 101", 0) == 0;
}

bool RawWsClient::send_frame(uint8_t opcode, const std::vector<uint8_t>& payload, bool fin) {
  std::vector<uint8_t> frame;
  common::append_ws_frame(frame, opcode, payload, true, kMask, fin);
  return write_all(fd_, frame.data(), frame.size());
}

bool RawWsClient::send_message(const protocol::ClientMessage& message) {
  std::vector<uint8_t> bytes;
  std::visit([&bytes](const auto& m) { protocol::encode_message(m, bytes); }, message);
  return send_frame(2, bytes);
}

long RawWsClient::send_some(const uint8_t* data, size_t size) {
  const ssize_t n = ::send(fd_, data, size, MSG_NOSIGNAL | MSG_DONTWAIT);
  if (n >= 0) return n;
  return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -1;
}

bool RawWsClient::set_nonblocking(bool on) {
  const int flags = fcntl(fd_, F_GETFL);
  return fcntl(fd_, F_SETFL, on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK) == 0;
}

bool RawWsClient::read_until_closed(double timeout_s) {
  double deadline = now_s() + timeout_s;
  uint8_t buffer[16384];
  while (true) {
    const int left_ms = static_cast<int>((deadline - now_s()) * 1000);
    pollfd p{fd_, POLLIN, 0};
    if (left_ms <= 0 || poll(&p, 1, left_ms) <= 0) return false;
    const ssize_t n = ::recv(fd_, buffer, sizeof buffer, MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (n <= 0) {
      parse();
      return true;
    }
    inbox_.insert(inbox_.end(), buffer, buffer + n);
    parse();
    deadline = now_s() + timeout_s;  // the timeout is without a byte
  }
}

bool RawWsClient::closed_within(double timeout_s) {
  const double deadline = now_s() + timeout_s;
  while (true) {
    const int left_ms = static_cast<int>((deadline - now_s()) * 1000);
    pollfd p{fd_, POLLRDHUP, 0};
    if (poll(&p, 1, left_ms > 0 ? left_ms : 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR)))
      return true;
    if (left_ms <= 0) return false;
  }
}

void RawWsClient::parse() {
  size_t at = 0;
  while (const auto header = common::parse_ws_frame_header(std::span(inbox_).subspan(at))) {
    if (inbox_.size() - at - header->header_size < header->payload_size) break;
    WsFrame frame;
    frame.opcode = header->opcode;
    const auto payload = inbox_.begin() + long(at + header->header_size);
    frame.payload.assign(payload, payload + long(header->payload_size));
    frames_.push_back(std::move(frame));
    at += header->header_size + header->payload_size;
  }
  inbox_.erase(inbox_.begin(), inbox_.begin() + long(at));
}

std::vector<protocol::ServerMessage> RawWsClient::messages() const {
  std::vector<protocol::ServerMessage> out;
  for (const WsFrame& frame : frames_) {
    if (frame.opcode != 2) continue;
    protocol::ServerMessage m;
    if (protocol::decode_server_message(frame.payload, m) == protocol::DecodeError::none)
      out.push_back(std::move(m));
  }
  return out;
}

protocol::KickReason RawWsClient::kick() const {
  for (const auto& m : messages())
    if (const auto* k = std::get_if<protocol::Kick>(&m)) return k->reason;
  return protocol::KickReason::none;
}

uint16_t RawWsClient::close_code() const {
  for (const WsFrame& frame : frames_)
    if (frame.opcode == 8 && frame.payload.size() >= 2)
      return static_cast<uint16_t>((frame.payload[0] << 8) | frame.payload[1]);
  return 0;
}

}  // namespace omega::bots::testing
