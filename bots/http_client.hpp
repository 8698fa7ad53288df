// The bots' HTTP client is the shared one in common/ (the zone's Agones SDK client uses it too);
// its names are brought into omega::bots so the bots and the cross-process tests read as before.
#pragma once

#include "common/http_client.hpp"

namespace omega::bots {

using common::http_call;
using common::http_get;
using common::http_post;
using common::HttpEndpoint;
using common::HttpRequest;
using common::HttpResponse;
using common::kDefaultHttpTimeoutSeconds;
using common::kMaxHttpResponseBytes;
using common::parse_http_url;
using common::parse_ws_url;
using common::WebSocketAddress;

}  // namespace omega::bots
