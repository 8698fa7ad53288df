// The dispatcher refuses callers without the credential a route needs before any handler
// reads the request: no database, no Redis, no socket needed to see it.
#include "api/application.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

namespace omega::api {
namespace {

Config offline_config() {
  Config config;
  config.jwt_secret = std::string(32, 'k');
  config.service_token = "service-credential";
  config.worker_threads = 1;
  config.tournament_interval_ms = 0;
  config.market_sweep_interval_s = 0;
  return config;
}

// The route's pattern with every {parameter} replaced by text no handler would accept.
std::string hostile_path(const std::string& pattern) {
  std::string path;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] != '{') {
      path += pattern[i];
      continue;
    }
    path += "1 OR 1=1";
    i = pattern.find('}', i);
  }
  return path;
}

HttpResponse dispatch(Application& application, HttpRequest request) {
  std::optional<HttpResponse> answer;
  application.handle(std::move(request),
                     [&](HttpResponse response) { answer = std::move(response); });
  // Refusals are answered on the calling thread; anything else would be a handler running.
  EXPECT_TRUE(answer) << "the request reached a worker thread";
  return answer.value_or(HttpResponse{});
}

TEST(ApiApplication, EveryRouteWithACredentialRefusesAnonymousCallersBeforeReadingTheRequest) {
  Application application(offline_config());  // opens no connection
  int checked = 0;
  for (const auto& route : application.router().routes()) {
    if (route.access == Access::anonymous) continue;
    for (const std::string authorization : {"", "Bearer not.a.token", "Basic c2VydmljZQ=="}) {
      HttpRequest request;
      request.method = route.method;
      request.path = hostile_path(route.pattern);
      request.query = "character_id=-1&period=1999-W99&limit=0";
      request.body =
          "\xEF\xBB\xBF{\"character_id\":1,\"character_id\":\"x\"";  // BOM, duplicate, truncated
      request.headers = {{"content-type", "text/plain"}};
      if (!authorization.empty()) request.headers.emplace_back("authorization", authorization);
      const auto response = dispatch(application, request);
      EXPECT_EQ(response.status, 401)
          << method_name(route.method) << " " << route.pattern << " " << response.body;
      const auto body = nlohmann::json::parse(response.body, nullptr, false);
      ASSERT_TRUE(body.is_object() && body.contains("error")) << response.body;
      EXPECT_TRUE(body["error"]["code"].is_string());
      EXPECT_TRUE(body["error"]["message"].is_string());
    }
    ++checked;
  }
  EXPECT_GT(checked, 20);
}

TEST(ApiApplication, ServiceRoutesRefuseAccessTokensAndAccountRoutesRefuseTheServiceCredential) {
  Application application(offline_config());
  const TokenIssuer issuer(offline_config().jwt_secret, offline_config().jwt_issuer,
                           std::chrono::seconds(60));
  const auto player = issuer.issue_access(1, 0, "0b6e2a1c-7d3e-4f6a-9b1c-2d3e4f5a6b7c");
  for (const auto& route : application.router().routes()) {
    if (route.access == Access::anonymous) continue;
    HttpRequest request;
    request.method = route.method;
    request.path = hostile_path(route.pattern);
    // Service and admin routes get a player's access token, account routes the service
    // credential: none of them may pass for another.
    const bool wants_other = route.access == Access::service || route.access == Access::admin;
    request.headers = {
        {"authorization", "Bearer " + (wants_other ? player : std::string("service-credential"))}};
    EXPECT_EQ(dispatch(application, request).status, 401) << route.pattern;
  }
}

TEST(ApiApplication, OnlyTheseRoutesAreOpenToAnonymousCallers) {
  const Application application(offline_config());
  std::set<std::string> anonymous;
  for (const auto& route : application.router().routes()) {
    if (route.access == Access::anonymous)
      anonymous.insert(std::string(method_name(route.method)) + " " + route.pattern);
    // Internal routes are for zone servers only, whatever else changes.
    if (route.pattern.rfind("/internal/", 0) == 0) {
      EXPECT_EQ(route.access, Access::service) << route.pattern;
    }
  }
  const std::set<std::string> expected = {"GET /healthz", "GET /readyz", "GET /v1/content",
                                          "POST /v1/auth/register", "POST /v1/auth/login",
                                          "POST /v1/auth/refresh", "POST /v1/auth/logout",
                                          "GET /v1/leaderboards", "GET /v1/leaderboards/{board}",
                                          "GET /v1/tournaments", "POST /admin/v1/login",
                                          // the console's static pages (no data in them)
                                          "GET /admin", "GET /admin/", "GET /admin/{file}"};
  EXPECT_EQ(anonymous, expected);
}

std::string request_id_answered(Application& application, const std::string& given) {
  HttpRequest request;
  request.path = "/healthz";
  if (!given.empty()) request.headers = {{"x-request-id", given}};
  const auto response = dispatch(application, request);
  for (const auto& [name, value] : response.headers)
    if (name == "X-Request-Id") return value;
  return "(none)";
}

TEST(ApiApplication, ASaneRequestIdIsEchoedAndAnyOtherIsReplacedByAFreshOne) {
  Application application(offline_config());
  EXPECT_EQ(request_id_answered(application, "edge-7.a_B-9"), "edge-7.a_B-9");
  EXPECT_EQ(request_id_answered(application, std::string(64, 'x')), std::string(64, 'x'));
  for (const std::string& bad : {std::string(), std::string("has space"), std::string("a\nb"),
                                 std::string("semi;colon"), std::string(65, 'x')}) {
    const auto made = request_id_answered(application, bad);
    EXPECT_NE(made, bad);
    EXPECT_EQ(made.size(), 32u) << made;
    EXPECT_EQ(made.find_first_not_of("0123456789abcdef"), std::string::npos) << made;
  }
  EXPECT_NE(request_id_answered(application, ""), request_id_answered(application, ""));
}

}  // namespace
}  // namespace omega::api
