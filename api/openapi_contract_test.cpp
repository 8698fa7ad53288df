#include "api/openapi_contract.hpp"

#include <gtest/gtest.h>

namespace omega::api {
namespace {

using nlohmann::json;

// A contract small enough to read in one look.
const char* kSpec = R"(
openapi: 3.0.3
paths:
  /v1/things/{id}:
    get:
      responses:
        '200':
          description: a thing
          headers:
            ETag: {required: true, schema: {type: string}}
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Thing'}
        '404': {$ref: '#/components/responses/Error'}
    delete:
      responses:
        '204': {description: gone}
  /v1/things/mine:
    get:
      responses:
        '200': {description: text, content: {text/plain: {schema: {type: string}}}}
components:
  responses:
    Error:
      description: an error
      content:
        application/json:
          schema: {$ref: '#/components/schemas/Error'}
  schemas:
    Thing:
      type: object
      required: [id, name]
      properties:
        id: {type: integer}
        name: {type: string}
    Error:
      type: object
      required: [error]
      properties:
        error:
          type: object
          required: [code, message]
          properties:
            code: {type: string}
            message: {type: string}
)";

const OpenApiContract& contract() {
  static const OpenApiContract instance(yaml_to_json(kSpec));
  return instance;
}

ObservedResponse json_answer(int status, const std::string& body,
                             std::map<std::string, std::string> headers = {}) {
  headers["content-type"] = "application/json";
  return {status, std::move(headers), body};
}

const std::string kError = R"({"error": {"code": "not_found", "message": "no such thing"}})";

TEST(OpenApiContract, YamlIsReadByTheCoreSchema) {
  const auto value =
      yaml_to_json("a: '200'\nb: 200\nc: true\nd: ~\ne: 1.5\nf: \"true\"\ng: 2025-W07\nh:\n");
  EXPECT_EQ(value,
            json::parse(R"({"a": "200", "b": 200, "c": true, "d": null, "e": 1.5, "f": "true",
                                   "g": "2025-W07", "h": null})"));
  EXPECT_THROW(yaml_to_json("a: [1, 2"), std::runtime_error);
}

TEST(OpenApiContract, PathTemplatesPreferLiteralSegments) {
  EXPECT_EQ(contract().path_template("/v1/things/12?x=1"), "/v1/things/{id}");
  EXPECT_EQ(contract().path_template("/v1/things/mine"), "/v1/things/mine");
  EXPECT_EQ(contract().path_template("/v1/things"), std::nullopt);
  EXPECT_EQ(contract().path_template("/v1/things/"), std::nullopt);
}

TEST(OpenApiContract, AConformingResponsePasses) {
  EXPECT_EQ(contract().check("GET", "/v1/things/1",
                             json_answer(200, R"({"id": 1, "name": "a"})", {{"etag", "\"x\""}})),
            std::vector<std::string>{});
  EXPECT_EQ(contract().check("GET", "/v1/things/1", json_answer(404, kError)),
            std::vector<std::string>{});
  EXPECT_EQ(contract().check("DELETE", "/v1/things/1", {204, {}, ""}), std::vector<std::string>{});
}

TEST(OpenApiContract, AnUnlistedStatusFailsNamingMethodPathAndStatus) {
  const auto problems = contract().check("GET", "/v1/things/1", json_answer(409, kError));
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(
      problems[0],
      "GET /v1/things/1 -> 409: (GET /v1/things/{id}) status 409 is not listed (listed: 200, 404) "
      "[#/paths/~1v1~1things~1{id}/get/responses]");
}

TEST(OpenApiContract, ABodyThatViolatesItsSchemaFailsNamingTheSchemaPath) {
  const auto problems = contract().check(
      "GET", "/v1/things/1", json_answer(200, R"({"id": "1", "name": "a"})", {{"etag", "\"x\""}}));
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(
      problems[0],
      "GET /v1/things/1 -> 200: (GET /v1/things/{id}) body $.id: expected integer, got string "
      "[#/components/schemas/Thing/properties/id/type]");
}

TEST(OpenApiContract, UndocumentedPropertiesFail) {
  const auto problems = contract().check(
      "GET", "/v1/things/1",
      json_answer(200, R"({"id": 1, "name": "a", "owner": 3})", {{"etag", "\"x\""}}));
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("body $.owner: undocumented property"), std::string::npos)
      << problems[0];
}

TEST(OpenApiContract, ErrorResponsesAreCheckedThroughTheirRef) {
  const auto problems =
      contract().check("GET", "/v1/things/1", json_answer(404, R"({"error": "nope"})"));
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("[#/components/schemas/Error/properties/error/type]"),
            std::string::npos)
      << problems[0];
}

TEST(OpenApiContract, RequiredHeadersMustBeSent) {
  const auto problems =
      contract().check("GET", "/v1/things/1", json_answer(200, R"({"id": 1, "name": "a"})"));
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("required header ETag is missing"), std::string::npos) << problems[0];
}

TEST(OpenApiContract, BodiesMustMatchWhatTheSpecDeclares) {
  // A body where none is documented, none where one is, and an undocumented media type.
  EXPECT_EQ(contract().check("DELETE", "/v1/things/1", json_answer(204, "{}")).size(), 1u);
  EXPECT_EQ(contract().check("GET", "/v1/things/1", {200, {{"etag", "x"}}, ""}).size(), 1u);
  EXPECT_EQ(contract().check("GET", "/v1/things/mine", json_answer(200, "{}")).size(), 1u);
  EXPECT_EQ(contract().check("GET", "/v1/things/mine",
                             {200, {{"content-type", "text/plain; version=0.0.4"}}, "x"}),
            std::vector<std::string>{});
  EXPECT_EQ(contract()
                .check("GET", "/v1/things/1", json_answer(200, "{not json", {{"etag", "x"}}))
                .size(),
            1u);
}

TEST(OpenApiContract, HeadIsAnsweredLikeGetWithoutABody) {
  EXPECT_EQ(contract().check("HEAD", "/v1/things/1", {200, {{"etag", "x"}}, ""}),
            std::vector<std::string>{});
  EXPECT_EQ(
      contract().check("HEAD", "/v1/things/1", json_answer(200, "{}", {{"etag", "x"}})).size(), 1u);
}

TEST(OpenApiContract, UnknownPathsAre404AndUnknownMethods405WithAllow) {
  EXPECT_EQ(contract().check("GET", "/v2/nothing", json_answer(404, kError)),
            std::vector<std::string>{});
  EXPECT_EQ(contract().check("GET", "/v2/nothing", json_answer(200, kError)).size(), 1u);
  EXPECT_EQ(
      contract().check("PUT", "/v1/things/1", json_answer(405, kError, {{"allow", "GET, DELETE"}})),
      std::vector<std::string>{});
  EXPECT_EQ(contract().check("PUT", "/v1/things/1", json_answer(405, kError)).size(),
            1u);  // no Allow
  EXPECT_EQ(
      contract().check("PUT", "/v1/things/1", json_answer(405, "{}", {{"allow", "GET"}})).size(),
      1u);
}

// The real spec: every schema keyword it uses is one the validator checks or knows to be an
// annotation, so no constraint of docs/api/openapi.yaml goes unchecked.
TEST(OpenApiContract, TheApiSpecUsesOnlyCheckedSchemaKeywords) {
  const auto spec = OpenApiContract::load("docs/api/openapi.yaml");
  EXPECT_EQ(spec.unsupported_schema_keywords(), std::vector<std::string>{});
}

}  // namespace
}  // namespace omega::api
