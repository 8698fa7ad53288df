// The API's published contract, docs/api/openapi.yaml, as a checker of real responses: the
// integration harness passes every response through `check`, so a status or body the spec
// does not describe fails the test that saw it. The YAML is read with yaml-cpp and resolved
// by YAML 1.2's core schema, the YAML that OpenAPI 3.0 names.
// Test-only. Immutable after load; safe to use from many threads.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/json_schema.hpp"

namespace omega::api {

// A response as the client saw it.
struct ObservedResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

class OpenApiContract {
 public:
  // Reads and parses the YAML document; throws std::runtime_error when it cannot. (The
  // validator refers into the document, so a contract is neither copied nor moved.)
  static OpenApiContract load(const std::string& path);
  explicit OpenApiContract(nlohmann::json document);
  OpenApiContract(const OpenApiContract&) = delete;
  OpenApiContract& operator=(const OpenApiContract&) = delete;

  const nlohmann::json& document() const { return document_; }

  // The spec's path template for a request path (query ignored): "/v1/characters/{id}" for
  // "/v1/characters/12". Literal segments win over parameters. nullopt when none fits.
  std::optional<std::string> path_template(std::string_view target) const;

  // Problems of `response` to `method target` against the spec; empty when it conforms.
  // Each names method, target, status and the part of the spec that failed. Conventions the
  // spec states in info.description and this enforces: an unknown path is 404 and a
  // known path with an undocumented method 405 (with Allow), both with the Error body;
  // HEAD is answered like GET, without a body.
  std::vector<std::string> check(std::string_view method, std::string_view target,
                                 const ObservedResponse& response) const;

  // Schema keywords in the spec that the validator would not check (see json_schema.hpp).
  std::vector<std::string> unsupported_schema_keywords() const;

 private:
  std::vector<std::string> check_operation(const std::string& operation_pointer, bool head,
                                           const ObservedResponse& response) const;
  std::vector<std::string> check_body(const std::string& response_pointer, bool head,
                                      const ObservedResponse& response) const;
  std::vector<std::string> check_error_body(const ObservedResponse& response) const;

  nlohmann::json document_;
  SchemaValidator validator_;
};

// YAML text to JSON by YAML 1.2's core schema (plain scalars become null, booleans and
// numbers where they read as such; quoted scalars stay strings). Throws std::runtime_error.
nlohmann::json yaml_to_json(const std::string& yaml_text);

}  // namespace omega::api
