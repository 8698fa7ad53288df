#include "api/request_body.hpp"

#include <gtest/gtest.h>

#include "api/errors.hpp"

namespace omega::api {
namespace {

HttpRequest with_body(std::string body, std::string content_type = "application/json") {
  HttpRequest request;
  request.body = std::move(body);
  if (!content_type.empty()) request.headers.emplace_back("content-type", std::move(content_type));
  return request;
}

int status_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const ApiError& error) {
    return error.status();
  }
  return 0;
}

TEST(ApiRequestBody, RejectsMalformedAndNonObjectBodies) {
  EXPECT_EQ(status_of([] { parse_object_body(with_body("{\"a\":")); }), 400);
  EXPECT_EQ(status_of([] { parse_object_body(with_body("[1,2]")); }), 400);
  EXPECT_EQ(status_of([] { parse_object_body(with_body("")); }), 400);
  EXPECT_EQ(status_of([] { parse_object_body(with_body("{\"a\":\"\xff\xfe\"}")); }), 400)
      << "invalid UTF-8";
  EXPECT_EQ(status_of([] {
              parse_object_body(with_body(std::string(100, '[') + std::string(100, ']')));
            }),
            400);
  EXPECT_EQ(status_of([] {
              parse_object_body(
                  with_body("{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":{\"g\":{\"h\":{}}}}}}}}}"));
            }),
            400);
  EXPECT_EQ(status_of([] { parse_object_body(with_body("{}", "text/plain")); }), 415);
  EXPECT_EQ(
      status_of([] { parse_object_body(with_body("{}", "application/json; charset=utf-8")); }), 0);
  EXPECT_EQ(status_of([] { parse_object_body(with_body("{}", "")); }), 0);
}

std::string error_code_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const ApiError& error) {
    return error.code();
  }
  return {};
}

TEST(ApiRequestBody, RejectsAByteOrderMark) {
  EXPECT_EQ(status_of([] { parse_object_body(with_body("\xEF\xBB\xBF{\"a\":1}")); }), 400);
  EXPECT_EQ(error_code_of([] { parse_object_body(with_body("\xEF\xBB\xBF{}")); }), "invalid_json");
  // Only a leading BOM is refused; the same character inside a string is ordinary text.
  EXPECT_EQ(status_of([] { parse_object_body(with_body("{\"a\":\"\xEF\xBB\xBF\"}")); }), 0);
}

TEST(ApiRequestBody, RejectsDuplicateKeysAtAnyDepth) {
  auto code = [](std::string body) {
    return error_code_of([&] { parse_object_body(with_body(std::move(body))); });
  };
  EXPECT_EQ(code(R"({"character_id":1,"character_id":2})"), "invalid_json");
  EXPECT_EQ(code(R"({"a":"x","\u0061":"y"})"), "invalid_json") << "equal after unescaping";
  EXPECT_EQ(code(R"({"entries":[{"score":1,"score":9}]})"), "invalid_json");
  EXPECT_EQ(code(R"({"o":{"k":1},"p":{"k":1,"q":{"k":2,"k":3}}})"), "invalid_json");
  EXPECT_EQ(code(R"({"o":{"k":1},"k":2,"p":[{"k":3},{"k":4}]})"), "")
      << "same name in different objects";
  EXPECT_EQ(code(R"({"a":1,"A":2})"), "") << "keys are case-sensitive";
}

TEST(ApiRequestBody, FieldsAreCheckedForPresenceTypeAndSize) {
  const auto body =
      nlohmann::json::parse(R"({"name":"Bob","level":3,"big":18446744073709551615,"text":1})");
  EXPECT_EQ(require_string(body, "name", 1, 10), "Bob");
  EXPECT_EQ(status_of([&] { require_string(body, "missing", 1, 10); }), 422);
  EXPECT_EQ(status_of([&] { require_string(body, "text", 1, 10); }), 422);
  EXPECT_EQ(status_of([&] { require_string(body, "name", 5, 10); }), 422);
  EXPECT_EQ(require_integer(body, "level", 1, 10), 3);
  EXPECT_EQ(status_of([&] { require_integer(body, "level", 4, 10); }), 422);
  EXPECT_EQ(status_of([&] { require_integer(body, "name", 1, 10); }), 422);
  EXPECT_EQ(status_of([&] { require_integer(body, "big", 1, INT64_MAX); }), 422);
}

TEST(ApiRequestBody, NameRules) {
  EXPECT_TRUE(valid_username("alice_01"));
  EXPECT_FALSE(valid_username("al"));
  EXPECT_FALSE(valid_username(std::string(25, 'a')));
  EXPECT_FALSE(valid_username("alice'; DROP TABLE accounts;--"));
  EXPECT_FALSE(valid_username("аlice"));  // Cyrillic а
  EXPECT_TRUE(valid_character_name("Aragorn2"));
  EXPECT_FALSE(valid_character_name("2Aragorn"));
  EXPECT_FALSE(valid_character_name("Ara gorn"));
  EXPECT_FALSE(valid_character_name("Zoë"));
  EXPECT_FALSE(valid_character_name("Ab"));
  EXPECT_FALSE(valid_character_name("Abcdefghijklmnopq"));
}

TEST(ApiRequestBody, Ids) {
  EXPECT_EQ(parse_id("42"), 42);
  EXPECT_FALSE(parse_id("0"));
  EXPECT_FALSE(parse_id("-1"));
  EXPECT_FALSE(parse_id("4x"));
  EXPECT_FALSE(parse_id("99999999999999999999"));
  EXPECT_FALSE(parse_id(""));
}

}  // namespace
}  // namespace omega::api
