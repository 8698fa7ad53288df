#include <utility>
// <utility> before Asio: see docs/ARCHITECTURE.md, Dependencies.
#include "api/http_client.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "common/url.hpp"

namespace omega::api {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {
// Zone control answers are a few hundred bytes; more means something else is talking.
constexpr std::uint64_t kResponseBodyLimit = 64 * 1024;
}  // namespace

std::optional<HttpEndpoint> parse_http_url(std::string_view url) {
  // Plain http:// only: zone control endpoints are on the cluster's own network.
  const std::optional<common::Url> parsed = common::parse_url(url);
  if (!parsed || parsed->scheme != "http") return std::nullopt;
  HttpEndpoint endpoint{parsed->host, parsed->port, parsed->target};
  while (!endpoint.base_path.empty() && endpoint.base_path.back() == '/')
    endpoint.base_path.pop_back();
  return endpoint;
}

OutboundResponse post_json(const HttpEndpoint& endpoint, std::string_view path, std::string body,
                           std::string_view bearer, std::chrono::milliseconds timeout) {
  OutboundResponse out;
  net::io_context io;
  tcp::resolver resolver(io);
  beast::tcp_stream stream(io);
  beast::flat_buffer buffer;
  http::request<http::string_body> request{http::verb::post, endpoint.base_path + std::string(path),
                                           11};
  request.set(http::field::host, endpoint.host);
  request.set(http::field::content_type, "application/json");
  request.set(http::field::authorization, "Bearer " + std::string(bearer));
  request.set(http::field::connection, "close");
  request.body() = std::move(body);
  request.prepare_payload();
  http::response_parser<http::string_body> parser;
  parser.body_limit(kResponseBodyLimit);

  beast::error_code ec;
  const auto addresses = resolver.resolve(endpoint.host, std::to_string(endpoint.port), ec);
  if (ec) {
    out.error = "resolve " + endpoint.host + ": " + ec.message();
    return out;
  }
  // One deadline for connect, write and read: async operations honour it, blocking ones not.
  stream.expires_after(timeout);
  auto fail = [&](const char* step, beast::error_code error) {
    out.error = std::string(step) + ": " + error.message();
  };
  stream.async_connect(addresses, [&](beast::error_code error, const tcp::endpoint&) {
    if (error) return fail("connect", error);
    http::async_write(stream, request, [&](beast::error_code error, std::size_t) {
      if (error) return fail("write", error);
      http::async_read(stream, buffer, parser, [&](beast::error_code error, std::size_t) {
        if (error) return fail("read", error);
        out.status = static_cast<int>(parser.get().result_int());
        out.body = std::move(parser.get().body());
      });
    });
  });
  io.run();
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  return out;
}

}  // namespace omega::api
