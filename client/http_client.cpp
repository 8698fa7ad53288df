#include <utility>  // before Asio (docs/ARCHITECTURE.md, Dependencies)

#include "client/http_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <chrono>
#include <stdexcept>

#include "common/url.hpp"
#include "common/tls_client.hpp"

namespace omega::client {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

namespace {

// Writes `request` and reads the answer into `result` over a connected (and, for TLS,
// handshaken) stream.
template <class Stream>
void exchange(Stream& stream, http::request<http::string_body>& request, HttpResult& result) {
  http::write(stream, request);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(kMaxHttpResponseBytes);
  http::read(stream, buffer, parser);
  result.status = static_cast<int>(parser.get().result_int());
  result.body = std::move(parser.get().body());
}

}  // namespace

HttpClient::HttpClient(std::string base_url, std::string ca_file)
    : base_url_(std::move(base_url)), ca_file_(std::move(ca_file)), worker_([this] { run(); }) {}

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
  const auto url = common::parse_url(base_url_, &error);
  if (!url || url->websocket()) {
    result.error = url ? "API address must be http:// or https://" : error;
    return result;
  }
  try {
    asio::io_context io;
    tcp::resolver resolver(io);
    const auto timeout = std::chrono::milliseconds(static_cast<int>(kHttpTimeoutSeconds * 1000));
    http::verb verb = http::verb::get;
    if (spec.method == "POST")
      verb = http::verb::post;
    else if (spec.method == "DELETE")
      verb = http::verb::delete_;
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
    const auto endpoints = resolver.resolve(url->host, std::to_string(url->port));
    if (!url->tls()) {
      beast::tcp_stream stream(io);
      stream.expires_after(timeout);
      stream.connect(endpoints);
      exchange(stream, request, result);
      beast::error_code ignored;
      stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
      return result;
    }
    ssl::context context(ssl::context::tls_client);
    if (auto problem = common::configure_tls_client_context(context.native_handle(), ca_file_);
        !problem.empty())
      throw std::runtime_error(problem);
    beast::ssl_stream<beast::tcp_stream> stream(io, context);
    if (auto problem = common::prepare_tls_client(stream.native_handle(), url->host);
        !problem.empty())
      throw std::runtime_error(problem);
    beast::get_lowest_layer(stream).expires_after(timeout);
    beast::get_lowest_layer(stream).connect(endpoints);
    beast::error_code handshake_error;
    stream.handshake(ssl::stream_base::client, handshake_error);
    if (handshake_error)
      throw std::runtime_error("TLS: " + common::tls_failure_reason(stream.native_handle()));
    exchange(stream, request, result);
    // No TLS close_notify exchange: a synchronous one waits on the peer, and the response is
    // already complete (length-checked by the parser).
    beast::error_code ignored;
    beast::get_lowest_layer(stream).socket().shutdown(tcp::socket::shutdown_both, ignored);
  } catch (const std::exception& e) {
    result.status = 0;
    result.error = std::string("cannot reach the API at ") + base_url_ + ": " + e.what();
  }
  return result;
}

}  // namespace omega::client
