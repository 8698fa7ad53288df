// Maps (method, path) to handlers. Patterns are literal segments and `{name}` parameters,
// e.g. "/v1/characters/{id}". A route has a blocking handler, run on the worker pool, and
// optionally a fast handler run inline on the I/O thread that must never block: it answers
// from in-process caches or returns nullopt to fall back to the blocking handler.
// Built once at start, then read-only: safe to use from many threads.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/http_types.hpp"

namespace omega::api {

// The '/'-separated segments of an absolute path: "/a/b" -> {"a", "b"}, "/a/" -> {"a", ""}.
std::vector<std::string_view> path_segments(std::string_view path);

// True for a path template's parameter segment: "{name}".
bool is_path_parameter(std::string_view segment);

using Handler = std::function<HttpResponse(const HttpRequest&)>;
using FastHandler = std::function<std::optional<HttpResponse>(const HttpRequest&)>;

// Who may call a route. The dispatcher checks the credential before a handler runs, so a
// caller without one gets 401 before anything of the request is parsed or validated.
// Handlers still authenticate fully (token revocation needs I/O).
enum class Access {
  account,    // a signed, unexpired access token (Authorization: Bearer)
  service,    // the service credential of zone servers
  anonymous,  // anyone
  admin,      // an admin token (api/admin_service.hpp); never a player's access token
};

struct Route {
  Method method;
  std::string pattern;
  Handler handler;
  FastHandler fast;  // may be empty
  Access access = Access::account;
};

class Router {
 public:
  // Routes need an account unless they say otherwise: forgetting to say fails closed.
  void add(Method method, std::string pattern, Handler handler, FastHandler fast = {},
           Access access = Access::account);

  // The route for this request with its path parameters written into `request`, or an
  // error response (404 for unknown paths, 405 with Allow for a known path and wrong method).
  struct Match {
    const Route* route = nullptr;
    HttpResponse error;
  };
  Match match(HttpRequest& request) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

}  // namespace omega::api
