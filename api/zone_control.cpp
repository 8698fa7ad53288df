#include "api/zone_control.hpp"

namespace omega::api {

common::HttpResponse post_zone_control(const common::HttpEndpoint& endpoint,
                                       const std::string& path, const std::string& json_body,
                                       const std::string& bearer, double timeout_s) {
  common::HttpRequest request;
  request.method = "POST";
  request.target = path;
  request.body = json_body;
  request.headers.emplace_back("Authorization", "Bearer " + bearer);
  request.timeout_s = timeout_s;
  return common::http_call(endpoint, request);
}

}  // namespace omega::api
