#include "api/router.hpp"

#include <gtest/gtest.h>

namespace omega::api {
namespace {

HttpResponse ok_with(std::string body) {
  HttpResponse response;
  response.body = std::move(body);
  return response;
}

Router make_router() {
  Router router;
  router.add(Method::get, "/v1/characters", [](const HttpRequest&) { return ok_with("list"); });
  router.add(Method::get, "/v1/characters/{id}",
             [](const HttpRequest& r) { return ok_with("get " + r.path_params.at("id")); });
  router.add(Method::del, "/v1/characters/{id}",
             [](const HttpRequest&) { return ok_with("delete"); });
  return router;
}

HttpRequest request(Method method, std::string path) {
  HttpRequest r;
  r.method = method;
  r.path = std::move(path);
  return r;
}

TEST(ApiRouter, MatchesLiteralAndParameterRoutes) {
  const auto router = make_router();
  auto list = request(Method::get, "/v1/characters");
  auto match = router.match(list);
  ASSERT_NE(match.route, nullptr);
  EXPECT_EQ(match.route->handler(list).body, "list");

  auto one = request(Method::get, "/v1/characters/42");
  match = router.match(one);
  ASSERT_NE(match.route, nullptr);
  EXPECT_EQ(match.route->handler(one).body, "get 42");
}

TEST(ApiRouter, UnknownPathIs404AndWrongMethodIs405WithAllow) {
  const auto router = make_router();
  auto unknown = request(Method::get, "/v1/nothing");
  EXPECT_EQ(router.match(unknown).error.status, 404);
  auto trailing = request(Method::get, "/v1/characters/42/extra");
  EXPECT_EQ(router.match(trailing).error.status, 404);
  auto empty_param = request(Method::get, "/v1/characters/");
  EXPECT_EQ(router.match(empty_param).error.status, 404);

  auto wrong = request(Method::put, "/v1/characters/7");
  const auto match = router.match(wrong);
  EXPECT_EQ(match.route, nullptr);
  EXPECT_EQ(match.error.status, 405);
  ASSERT_EQ(match.error.headers.size(), 1u);
  EXPECT_EQ(match.error.headers[0].second, "GET, DELETE");
  EXPECT_NE(match.error.body.find("\"code\":\"method_not_allowed\""), std::string::npos);
}

TEST(ApiRouter, HeadIsServedByGetRoutes) {
  const auto router = make_router();
  auto head = request(Method::head, "/v1/characters");
  EXPECT_NE(router.match(head).route, nullptr);
}

TEST(ApiRouter, RejectsRelativeTargetsAndBadPatterns) {
  const auto router = make_router();
  auto relative = request(Method::get, "v1/characters");
  EXPECT_EQ(router.match(relative).error.status, 400);
  Router bad;
  EXPECT_THROW(bad.add(Method::get, "nope", [](const HttpRequest&) { return HttpResponse{}; }),
               std::invalid_argument);
}

}  // namespace
}  // namespace omega::api
