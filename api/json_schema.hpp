// Validates JSON values against schemas written in the subset of JSON Schema that OpenAPI 3.0
// documents use (docs/api/openapi.yaml): $ref, type + nullable, properties, required,
// additionalProperties, items, enum, allOf / anyOf / oneOf, numeric, length and size bounds,
// pattern, and the formats int32, int64 and date-time (other formats are annotations).
// Test-only: the integration harness checks every API response with it. Immutable after
// construction; safe to use from many threads.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace omega::api {

// One way a value fails its schema.
struct SchemaViolation {
  std::string instance_path;  // where in the value, e.g. "$.character.level"
  std::string schema_path;    // JSON pointer of the failing keyword, e.g.
                              // "#/components/schemas/Character/..."
  std::string message;        // e.g. "expected integer, got string"
};

class SchemaValidator {
 public:
  struct Options {
    // Objects whose schema lists `properties` but says nothing of `additionalProperties`
    // accept no other property. JSON Schema's default is open; closed is how the tests
    // keep a spec from silently omitting what the API sends.
    bool closed_objects = false;
  };

  // `document` holds every schema and every `$ref` target; it must outlive the validator.
  SchemaValidator(const nlohmann::json& document, Options options);

  // Validates `value` against the schema at `schema_pointer` ("#/components/schemas/X" or
  // any JSON pointer into the document). Empty when the value conforms.
  std::vector<SchemaViolation> validate(const nlohmann::json& value,
                                        const std::string& schema_pointer) const;

  // Keywords in the schema at `schema_pointer` (and its subschemas, not following $ref)
  // that this validator neither checks nor knows to be an annotation, as schema paths.
  std::vector<std::string> unsupported_keywords(const std::string& schema_pointer) const;

 private:
  void check(const nlohmann::json& value, const std::string& schema_pointer,
             const std::string& instance_path, bool closed_objects,
             std::vector<SchemaViolation>& out) const;
  void check_object(const nlohmann::json& value, const nlohmann::json& schema,
                    const std::string& schema_pointer, const std::string& instance_path,
                    bool closed_objects, std::vector<SchemaViolation>& out) const;
  void check_scalar(const nlohmann::json& value, const nlohmann::json& schema,
                    const std::string& schema_pointer, const std::string& instance_path,
                    std::vector<SchemaViolation>& out) const;
  void check_combinators(const nlohmann::json& value, const nlohmann::json& schema,
                         const std::string& schema_pointer, const std::string& instance_path,
                         bool closed_objects, std::vector<SchemaViolation>& out) const;
  const nlohmann::json& resolve(const std::string& schema_pointer) const;

  const nlohmann::json& document_;
  Options options_;
};

// "#/a/b~1c" for the pointer "#/a" and the token "b/c" (RFC 6901 escaping).
std::string append_pointer(const std::string& pointer, const std::string& token);

}  // namespace omega::api
