#include "api/client_address.hpp"

namespace omega::api {
namespace {

std::string forwarded_for(const HttpRequest& request) {
  std::string joined;
  for (const auto& [name, value] : request.headers) {
    if (name != "x-forwarded-for") continue;
    if (!joined.empty()) joined += ',';
    joined += value;
  }
  return joined;
}

}  // namespace

std::string client_address(const HttpRequest& request, const TrustedProxies& proxies) {
  return common::client_address(request.remote_address, forwarded_for(request), proxies);
}

std::string client_subscriber(const HttpRequest& request, const TrustedProxies& proxies) {
  const auto address =
      common::resolve_client(request.remote_address, forwarded_for(request), proxies);
  return address ? address->subscriber() : request.remote_address;
}

}  // namespace omega::api
