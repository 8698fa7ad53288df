// The bots' blocking HTTP client is common/http_client (plain or TLS, shared with the health
// probes of omega-api and omega-zone); these names keep the bots' and the tests' spelling.
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
