#include "api/router.hpp"

#include <stdexcept>
#include <string_view>

namespace omega::api {

namespace {

// True if `path` fits `pattern`; parameters are written to `params` only on success.
bool path_matches(std::string_view pattern, std::string_view path,
                  std::map<std::string, std::string, std::less<>>& params) {
  const auto pattern_segments = path_segments(pattern);
  const auto actual_segments = path_segments(path);
  if (pattern_segments.size() != actual_segments.size()) return false;
  std::map<std::string, std::string, std::less<>> found;
  for (std::size_t i = 0; i < pattern_segments.size(); ++i) {
    const auto expected = pattern_segments[i];
    const auto actual = actual_segments[i];
    if (is_path_parameter(expected)) {
      if (actual.empty()) return false;
      found.emplace(std::string(expected.substr(1, expected.size() - 2)), std::string(actual));
    } else if (expected != actual) {
      return false;
    }
  }
  params = std::move(found);
  return true;
}

}  // namespace

std::vector<std::string_view> path_segments(std::string_view path) {
  std::vector<std::string_view> segments;
  std::size_t start = 1;  // paths start with '/'
  while (start <= path.size()) {
    const auto slash = path.find('/', start);
    const auto end = slash == std::string_view::npos ? path.size() : slash;
    segments.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return segments;
}

bool is_path_parameter(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

void Router::add(Method method, std::string pattern, Handler handler, FastHandler fast,
                 Access access) {
  if (pattern.empty() || pattern.front() != '/')
    throw std::invalid_argument("route pattern must start with '/': " + pattern);
  routes_.push_back(Route{method, std::move(pattern), std::move(handler), std::move(fast), access});
}

Router::Match Router::match(HttpRequest& request) const {
  if (request.path.empty() || request.path.front() != '/')
    return {nullptr, error_response(400, "bad_request", "request target must be an absolute path")};
  std::string allowed;
  for (const auto& route : routes_) {
    std::map<std::string, std::string, std::less<>> params;
    if (!path_matches(route.pattern, request.path, params)) continue;
    const bool method_fits = route.method == request.method ||
                             (request.method == Method::head && route.method == Method::get);
    if (method_fits) {
      request.path_params = std::move(params);
      return {&route, {}};
    }
    if (!allowed.empty()) allowed += ", ";
    allowed += method_name(route.method);
  }
  if (allowed.empty()) return {nullptr, error_response(404, "not_found", "no such route")};
  auto error = error_response(405, "method_not_allowed", "method not allowed on this route");
  error.headers.emplace_back("Allow", allowed);
  return {nullptr, std::move(error)};
}

}  // namespace omega::api
