// The API's calls to the zone processes' control endpoints (POST /instances, POST /kicks):
// JSON over common::http_call (POSIX sockets, TLS for an https:// control_url), one request
// per connection, bounded by a deadline over the whole exchange, so a slow or hostile zone
// costs one worker thread at most that long. Thread-safe (no shared state).
#pragma once

#include <string>

#include "common/http_client.hpp"

namespace omega::api {

// How long omega-api waits for a zone process' control endpoint.
inline constexpr double kZoneControlTimeoutSeconds = 2.0;

// POSTs `json_body` to endpoint.prefix + `path` with `Authorization: Bearer <bearer>`. No
// answer (refused, timed out, not HTTP) is status 0 with `error` saying why.
common::HttpResponse post_zone_control(const common::HttpEndpoint& endpoint,
                                       const std::string& path, const std::string& json_body,
                                       const std::string& bearer,
                                       double timeout_s = kZoneControlTimeoutSeconds);

}  // namespace omega::api
