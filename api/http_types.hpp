// Beast-free HTTP request/response values passed between the server and the handlers.
// Handlers are functions from an HttpRequest to an HttpResponse; they never touch a socket,
// so they can be unit-tested without a network. Plain values: not thread-safe to share
// mutably, cheap to move.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace omega::api {

enum class Method { get, post, put, patch, del, head, options, other };

std::string_view method_name(Method method);
Method method_from_name(std::string_view name);

struct HttpRequest {
  Method method = Method::get;
  std::string path;   // decoded path without the query string
  std::string query;  // raw query string after '?', may be empty
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::string remote_address;
  std::map<std::string, std::string, std::less<>> path_params;  // filled by the router
  std::string request_id;  // X-Request-Id, taken or made by Application::handle

  // The first header with this lower-case name, if any.
  std::optional<std::string_view> header(std::string_view lower_name) const;
  // The decoded value of a query parameter, if present.
  std::optional<std::string> query_param(std::string_view key) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

// A JSON body with the given status.
HttpResponse json_response(int status, const nlohmann::json& body);
// The house error shape: {"error":{"code":…,"message":…}}.
HttpResponse error_response(int status, std::string_view code, std::string_view message);
HttpResponse no_content();

// Percent-decodes a URL component ('+' is a space in queries only). nullopt if malformed.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space);

}  // namespace omega::api
