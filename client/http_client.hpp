// A small HTTP/1.1 client for the REST API, running requests one at a time on its own worker
// thread (Boost.Beast, synchronous), so the render loop only ever enqueues and polls. https://
// verifies the server's certificate and host name (common/tls_client) and sends SNI.
//
// Thread safety: submit() and poll() from the owning thread; the worker is internal.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <utility>
#include <thread>

namespace omega::client {

// A request gives up after this long (connect + write + read): the API answers in
// milliseconds, so anything near this is an outage and the screen should say so.
inline constexpr double kHttpTimeoutSeconds = 10.0;
// Largest response body accepted: the content document is the biggest (~100 KB).
inline constexpr size_t kMaxHttpResponseBytes = 8 << 20;

struct HttpRequestSpec {
  HttpRequestSpec() = default;
  HttpRequestSpec(std::string method_, std::string target_, std::string body_, std::string bearer_,
                  std::string idempotency_key_ = {})
      : method(std::move(method_)),
        target(std::move(target_)),
        body(std::move(body_)),
        bearer(std::move(bearer_)),
        idempotency_key(std::move(idempotency_key_)) {}

  std::string method = "GET";   // GET, POST, DELETE
  std::string target;           // "/v1/characters"
  std::string body;             // JSON, empty for none
  std::string bearer;           // access token, empty for none
  std::string idempotency_key;  // Idempotency-Key header (market writes), empty for none
};

struct HttpResult {
  uint64_t id = 0;
  int status = 0;     // 0 when the request never got an answer
  std::string body;   // response body
  std::string error;  // transport error text when status == 0
};

class HttpClient {
 public:
  // `base_url` like "http://127.0.0.1:8080" or "https://play.example.com"; `ca_file`: trust
  // this PEM CA instead of the system CAs (https only).
  explicit HttpClient(std::string base_url, std::string ca_file = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Queues a request; its result comes back from poll() with the returned id.
  uint64_t submit(HttpRequestSpec request);
  bool poll(HttpResult& result);
  const std::string& base_url() const { return base_url_; }

 private:
  void run();
  HttpResult perform(uint64_t id, const HttpRequestSpec& request);

  std::string base_url_;
  std::string ca_file_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  uint64_t next_id_ = 1;
  std::deque<std::pair<uint64_t, HttpRequestSpec>> queue_;  // guarded by mutex_
  std::deque<HttpResult> results_;                          // guarded by mutex_
  std::thread worker_;
};

}  // namespace omega::client
