// Which client an HTTP request comes from, for per-client limits such as login throttling:
// the socket peer, unless the peer is a configured trusted proxy (a load balancer, an
// ingress), in which case the rightmost X-Forwarded-For hop that is not itself a trusted
// proxy (common/client_address.hpp has the rules). Pure functions: thread-safe.
#pragma once

#include <string>

#include "api/http_types.hpp"
#include "common/client_address.hpp"

namespace omega::api {

using common::IpAddress;
using common::TrustedProxies;

// The client address of `request` (text of an IpAddress, or the peer's text as given when it
// is not an address). Several X-Forwarded-For header lines count as one list, in order.
std::string client_address(const HttpRequest& request, const TrustedProxies& proxies);

// client_address, then IpAddress::subscriber: the key per-client limits use.
std::string client_subscriber(const HttpRequest& request, const TrustedProxies& proxies);

}  // namespace omega::api
