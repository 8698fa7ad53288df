// FakeHttpServer: a tiny HTTP/1.1 server in the test process that stands in for a peer of the
// zone (the Agones SDK sidecar, omega-api's internal endpoints). It answers each request with a
// handler and records every request, numbered from one counter shared by all fake servers, so a
// test can tell which of two servers heard what first.
//
// The port is bound at construction but nobody is accepted until listen(): until then a
// connection is refused, exactly as when the real peer has not started yet. One connection at a
// time, `Connection: close` answers: the zone's clients send one request per connection.
//
// Tests only. Thread safety: requests() from any thread; the handler runs on the server's own
// thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace omega::bots::testing {

struct RecordedRequest {
  uint64_t order = 0;  // shared across every FakeHttpServer of the process
  std::chrono::steady_clock::time_point at;
  std::string method, target, body;
};

class FakeHttpServer {
 public:
  // Status and JSON body for a request.
  using Handler = std::function<std::pair<int, std::string>(const RecordedRequest&)>;
  explicit FakeHttpServer(Handler handler);
  ~FakeHttpServer();
  FakeHttpServer(const FakeHttpServer&) = delete;
  FakeHttpServer& operator=(const FakeHttpServer&) = delete;

  uint16_t port() const { return port_; }
  // Starts accepting (connections before this were refused).
  void listen();
  std::vector<RecordedRequest> requests() const;

 private:
  void serve();
  void answer(int fd);

  Handler handler_;
  int fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
  mutable std::mutex mutex_;
  std::vector<RecordedRequest> requests_;
};

}  // namespace omega::bots::testing
