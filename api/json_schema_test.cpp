#include "api/json_schema.hpp"

#include <gtest/gtest.h>

#include <set>

namespace omega::api {
namespace {

using nlohmann::json;

const json kDocument = json::parse(R"({
  "components": {"schemas": {
    "Character": {
      "type": "object",
      "required": ["id", "name"],
      "properties": {
        "id": {"type": "integer", "format": "int64"},
        "name": {"type": "string", "minLength": 3, "maxLength": 5},
        "level": {"type": "integer", "format": "int32", "minimum": 1, "maximum": 60},
        "class": {"$ref": "#/components/schemas/Class"},
        "position": {"type": "object", "nullable": true, "properties": {"x": {"type": "number"}}},
        "stats": {"type": "object", "additionalProperties": {"type": "number"}},
        "tags": {"type": "array", "minItems": 1, "maxItems": 2, "items": {"type": "string", "pattern": "^[a-z]+$"}},
        "created_at": {"type": "string", "format": "date-time"}
      }
    },
    "Class": {"type": "string", "enum": ["warrior", "mage"]},
    "Named": {"type": "object", "properties": {"name": {"type": "string"}}},
    "Both": {"allOf": [{"$ref": "#/components/schemas/Named"}, {"type": "object", "properties": {"id": {"type": "integer"}}}]},
    "Either": {"oneOf": [{"type": "integer"}, {"type": "number", "minimum": 10}]},
    "Odd": {"type": "string", "const": "x", "properties": {"a": {"type": "string", "if": true}}}
  }}
})");

std::vector<SchemaViolation> validate(const json& value, const std::string& schema,
                                      bool closed = true) {
  return SchemaValidator(kDocument, {.closed_objects = closed})
      .validate(value, "#/components/schemas/" + schema);
}

TEST(JsonSchema, AConformingValuePasses) {
  const auto character =
      json::parse(R"({"id": 7, "name": "Ann", "level": 3, "class": "mage", "position": null,
      "stats": {"max_hp": 100, "speed": 4.5}, "tags": ["new"], "created_at": "2025-02-03T04:05:06Z"})");
  EXPECT_TRUE(validate(character, "Character").empty());
}

TEST(JsonSchema, AWrongTypeNamesWhereInTheValueAndInTheSchema) {
  const auto problems =
      validate(json::parse(R"({"id": 7, "name": "Ann", "level": "3"})"), "Character");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].instance_path, "$.level");
  EXPECT_EQ(problems[0].schema_path, "#/components/schemas/Character/properties/level/type");
  EXPECT_EQ(problems[0].message, "expected integer, got string");
}

TEST(JsonSchema, AMissingRequiredPropertyFails) {
  const auto problems = validate(json::parse(R"({"id": 7})"), "Character");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].schema_path, "#/components/schemas/Character/required");
  EXPECT_NE(problems[0].message.find("\"name\""), std::string::npos);
}

TEST(JsonSchema, AnUndocumentedPropertyFailsOnlyWhenObjectsAreClosed) {
  const auto value = json::parse(R"({"id": 7, "name": "Ann", "secret": true})");
  const auto problems = validate(value, "Character");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].instance_path, "$.secret");
  EXPECT_TRUE(validate(value, "Character", false).empty());
}

TEST(JsonSchema, AdditionalPropertiesSchemasCheckEveryOtherProperty) {
  const auto problems =
      validate(json::parse(R"({"id": 1, "name": "Ann", "stats": {"hp": "lots"}})"), "Character");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].instance_path, "$.stats.hp");
  EXPECT_EQ(problems[0].schema_path,
            "#/components/schemas/Character/properties/stats/additionalProperties/type");
}

TEST(JsonSchema, NullIsValidOnlyWhereNullable) {
  EXPECT_TRUE(
      validate(json::parse(R"({"id": 1, "name": "Ann", "position": null})"), "Character").empty());
  const auto problems =
      validate(json::parse(R"({"id": 1, "name": "Ann", "level": null})"), "Character");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].message, "expected integer, got null");
}

TEST(JsonSchema, EnumsAndRefsAreFollowed) {
  const auto problems =
      validate(json::parse(R"({"id": 1, "name": "Ann", "class": "rogue"})"), "Character");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].instance_path, "$.class");
  EXPECT_EQ(problems[0].schema_path, "#/components/schemas/Class/enum");
}

TEST(JsonSchema, BoundsLengthsPatternsAndItemCounts) {
  const auto problems = validate(
      json::parse(R"({"id": 1, "name": "Annabel", "level": 61, "tags": ["ok", "NO", "three"]})"),
      "Character");
  std::set<std::string> failed;
  for (const auto& problem : problems)
    failed.insert(problem.instance_path + " " +
                  problem.schema_path.substr(problem.schema_path.rfind('/') + 1));
  EXPECT_EQ(failed, (std::set<std::string>{"$.name maxLength", "$.level maximum", "$.tags maxItems",
                                           "$.tags[1] pattern"}));
}

TEST(JsonSchema, LengthsCountCharactersNotBytes) {
  EXPECT_TRUE(validate(json::parse(R"({"id": 1, "name": "Zoë"})"), "Character").empty());
}

TEST(JsonSchema, FormatsInt32Int64AndDateTimeAreChecked) {
  const auto problems = validate(
      json::parse(
          R"({"id": 9223372036854775808, "name": "Ann", "level": 4294967296, "created_at": "2025-02-03 04:05:06"})"),
      "Character");
  std::set<std::string> failed;
  for (const auto& problem : problems) failed.insert(problem.instance_path);
  // level fails its maximum too; each is named.
  EXPECT_TRUE(failed.count("$.id"));
  EXPECT_TRUE(failed.count("$.level"));
  EXPECT_TRUE(failed.count("$.created_at"));
}

TEST(JsonSchema, AllOfClosesTheUnionOfItsBranches) {
  EXPECT_TRUE(validate(json::parse(R"({"name": "a", "id": 1})"), "Both").empty());
  const auto problems = validate(json::parse(R"({"name": "a", "id": 1, "extra": 0})"), "Both");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].instance_path, "$.extra");
}

TEST(JsonSchema, OneOfNeedsExactlyOneBranch) {
  EXPECT_TRUE(validate(json(3), "Either").empty());
  EXPECT_TRUE(validate(json(3.5), "Either").empty() == false);  // neither: 3.5 is below 10
  EXPECT_EQ(validate(json(12), "Either").size(), 1u);           // both
  EXPECT_TRUE(validate(json(12.5), "Either").empty());
}

TEST(JsonSchema, UnsupportedKeywordsAreReportedNotIgnored) {
  const SchemaValidator validator(kDocument, {});
  EXPECT_TRUE(validator.unsupported_keywords("#/components/schemas/Character").empty());
  EXPECT_EQ(validator.unsupported_keywords("#/components/schemas/Odd"),
            (std::vector<std::string>{"#/components/schemas/Odd/const",
                                      "#/components/schemas/Odd/properties/a/if"}));
}

TEST(JsonSchema, AMissingSchemaIsAViolationNotACrash) {
  const auto problems = validate(json(1), "Nope");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].message, "the schema does not exist");
}

}  // namespace
}  // namespace omega::api
