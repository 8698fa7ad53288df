#include "api/http_types.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace omega::api {
namespace {

TEST(ApiHttpTypes, QueryParametersAreDecoded) {
  HttpRequest request;
  request.query = "period=weekly&limit=10&name=a%20b+c&flag&empty=";
  EXPECT_EQ(request.query_param("period"), "weekly");
  EXPECT_EQ(request.query_param("limit"), "10");
  EXPECT_EQ(request.query_param("name"), "a b c");
  EXPECT_EQ(request.query_param("flag"), "");
  EXPECT_EQ(request.query_param("empty"), "");
  EXPECT_FALSE(request.query_param("missing"));
}

TEST(ApiHttpTypes, PercentDecodeRejectsMalformedEscapes) {
  EXPECT_FALSE(percent_decode("%", false));
  EXPECT_FALSE(percent_decode("%4", false));
  EXPECT_FALSE(percent_decode("%zz", false));
  EXPECT_EQ(percent_decode("%41+", false), "A+");
  EXPECT_EQ(percent_decode("%41+", true), "A ");
}

TEST(ApiHttpTypes, ErrorResponsesHaveTheHouseShape) {
  const auto response = error_response(422, "invalid_field", "name must be a string");
  EXPECT_EQ(response.status, 422);
  const auto body = nlohmann::json::parse(response.body);
  EXPECT_EQ(body["error"]["code"], "invalid_field");
  EXPECT_EQ(body["error"]["message"], "name must be a string");
}

TEST(ApiHttpTypes, HeadersAreFoundByLowerCaseName) {
  HttpRequest request;
  request.headers = {{"authorization", "Bearer x"}};
  EXPECT_EQ(request.header("authorization"), "Bearer x");
  EXPECT_FALSE(request.header("cookie"));
}

TEST(ApiHttpTypes, MethodNamesRoundTrip) {
  for (auto method :
       {Method::get, Method::post, Method::put, Method::patch, Method::del, Method::head})
    EXPECT_EQ(method_from_name(method_name(method)), method);
  EXPECT_EQ(method_from_name("BREW"), Method::other);
}

}  // namespace
}  // namespace omega::api
