#include <utility>  // before Asio (DESIGN.md §3)

#include "client/http_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>

#include "client/url.hpp"

namespace omega::client {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

HttpClient::HttpClient(std::string base_url)
    : base_url_(std::move(base_url)), worker_([this] { run(); }) {}

HttpClient::~HttpClient() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  worker_.join();
}

uint64_t HttpClient::submit(HttpRequestSpec request) {
  uint64_t id;
  {
    std::lock_guard lock(mutex_);
    id = next_id_++;
    queue_.emplace_back(id, std::move(request));
  }
  wake_.notify_one();
  return id;
}

bool HttpClient::poll(HttpResult& result) {
  std::lock_guard lock(mutex_);
  if (results_.empty()) return false;
  result = std::move(results_.front());
  results_.pop_front();
  return true;
}

void HttpClient::run() {
  for (;;) {
    std::pair<uint64_t, HttpRequestSpec> job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    HttpResult result = perform(job.first, job.second);
    std::lock_guard lock(mutex_);
    results_.push_back(std::move(result));
  }
}

// One connection per request: the client makes a handful of calls per screen, and a fresh
// connection cannot be stale after the API restarted.
HttpResult HttpClient::perform(uint64_t id, const HttpRequestSpec& spec) {
  HttpResult result;
  result.id = id;
  std::string error;
  const auto url = parse_url(base_url_, &error);
  if (!url || url->scheme != "http") {
    result.error = url ? "API address must be http://" : error;
    return result;
  }
  try {
    asio::io_context io;
    tcp::resolver resolver(io);
    beast::tcp_stream stream(io);
    const auto timeout = std::chrono::milliseconds(static_cast<int>(kHttpTimeoutSeconds * 1000));
    stream.expires_after(timeout);
    stream.connect(resolver.resolve(url->host, std::to_string(url->port)));
    http::verb verb = http::verb::get;
    if (spec.method == "POST") verb = http::verb::post;
    else if (spec.method == "DELETE") verb = http::verb::delete_;
    std::string prefix = url->target == "/" ? "" : url->target;
    http::request<http::string_body> request{verb, prefix + spec.target, 11};
    request.set(http::field::host, url->host + ":" + std::to_string(url->port));
    request.set(http::field::user_agent, "omega-client");
    request.set(http::field::accept, "application/json");
    if (!spec.bearer.empty()) request.set(http::field::authorization, "Bearer " + spec.bearer);
    if (!spec.idempotency_key.empty()) request.set("Idempotency-Key", spec.idempotency_key);
    if (!spec.body.empty() || verb == http::verb::post) {
      request.set(http::field::content_type, "application/json");
      request.body() = spec.body;
    }
    request.prepare_payload();
    http::write(stream, request);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(kMaxHttpResponseBytes);
    http::read(stream, buffer, parser);
    result.status = static_cast<int>(parser.get().result_int());
    result.body = std::move(parser.get().body());
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  } catch (const std::exception& e) {
    result.status = 0;
    result.error = std::string("cannot reach the API at ") + base_url_ + ": " + e.what();
  }
  return result;
}

}  // namespace omega::client
