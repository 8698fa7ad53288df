#include "api/openapi_contract.hpp"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

#include "api/router.hpp"

namespace omega::api {

namespace {

// A plain (unquoted, untagged) scalar by YAML 1.2's core schema.
nlohmann::json plain_scalar(const std::string& text) {
  static const std::regex null_form("^(null|Null|NULL|~|)$");
  static const std::regex true_form("^(true|True|TRUE)$");
  static const std::regex false_form("^(false|False|FALSE)$");
  static const std::regex integer_form("^[-+]?[0-9]+$");
  static const std::regex float_form(R"(^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$)");
  if (std::regex_match(text, null_form)) return nullptr;
  if (std::regex_match(text, true_form)) return true;
  if (std::regex_match(text, false_form)) return false;
  try {
    if (std::regex_match(text, integer_form)) return std::stoll(text);
    if (std::regex_match(text, float_form)) return std::stod(text);
  } catch (const std::out_of_range&) {
    // Beyond int64 / double: keep the text rather than guess.
  }
  return text;
}

nlohmann::json to_json(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
      return nullptr;
    case YAML::NodeType::Scalar: {
      const auto& tag = node.Tag();
      if (tag == "?") return plain_scalar(node.Scalar());
      if (tag == "tag:yaml.org,2002:int") return std::stoll(node.Scalar());
      if (tag == "tag:yaml.org,2002:float") return std::stod(node.Scalar());
      if (tag == "tag:yaml.org,2002:bool") return plain_scalar(node.Scalar());
      return node.Scalar();  // quoted ("!") or !!str
    }
    case YAML::NodeType::Sequence: {
      auto array = nlohmann::json::array();
      for (const auto& item : node) array.push_back(to_json(item));
      return array;
    }
    case YAML::NodeType::Map: {
      auto object = nlohmann::json::object();
      for (const auto& entry : node) object[entry.first.Scalar()] = to_json(entry.second);
      return object;
    }
    case YAML::NodeType::Undefined:
      break;
  }
  throw std::runtime_error("undefined YAML node");
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string media_type_of(const ObservedResponse& response) {
  const auto header = response.headers.find("content-type");
  if (header == response.headers.end()) return {};
  auto media = lower(header->second.substr(0, header->second.find(';')));
  while (!media.empty() && media.back() == ' ') media.pop_back();
  return media;
}

bool is_json_media(const std::string& media) {
  return media == "application/json" ||
         (media.size() > 5 && media.compare(media.size() - 5, 5, "+json") == 0);
}

std::string keys_of(const nlohmann::json& object) {
  std::string keys;
  for (const auto& [key, unused] : object.items()) keys += (keys.empty() ? "" : ", ") + key;
  return keys;
}

}  // namespace

nlohmann::json yaml_to_json(const std::string& yaml_text) {
  try {
    return to_json(YAML::Load(yaml_text));
  } catch (const YAML::Exception& error) {
    throw std::runtime_error(std::string("YAML: ") + error.what());
  }
}

OpenApiContract OpenApiContract::load(const std::string& path) {
  std::ifstream file(path);
  if (!file) throw std::runtime_error("cannot read " + path);
  std::stringstream text;
  text << file.rdbuf();
  try {
    return OpenApiContract(yaml_to_json(text.str()));
  } catch (const std::runtime_error& error) {
    throw std::runtime_error(path + ": " + error.what());
  }
}

OpenApiContract::OpenApiContract(nlohmann::json document)
    : document_(std::move(document)),
      validator_(document_, SchemaValidator::Options{.closed_objects = true}) {
  if (!document_.is_object() || !document_.contains("paths") || !document_["paths"].is_object())
    throw std::runtime_error("not an OpenAPI document: no paths");
}

std::optional<std::string> OpenApiContract::path_template(std::string_view target) const {
  const auto path = target.substr(0, target.find('?'));
  if (path.empty() || path.front() != '/') return std::nullopt;
  const auto actual = path_segments(path);
  std::optional<std::string> best;
  int best_literals = -1;
  for (const auto& [pattern, unused] : document_["paths"].items()) {
    const auto expected = path_segments(pattern);
    if (expected.size() != actual.size()) continue;
    int literals = 0;
    bool fits = true;
    for (std::size_t i = 0; i < expected.size() && fits; ++i) {
      if (is_path_parameter(expected[i])) {
        fits = !actual[i].empty();
      } else {
        fits = expected[i] == actual[i];
        ++literals;
      }
    }
    if (fits && literals > best_literals) {
      best = pattern;
      best_literals = literals;
    }
  }
  return best;
}

std::vector<std::string> OpenApiContract::check(std::string_view method, std::string_view target,
                                                const ObservedResponse& response) const {
  std::vector<std::string> problems;
  const auto where =
      std::string(method) + " " + std::string(target) + " -> " + std::to_string(response.status);
  const auto path = path_template(target);
  const bool head = lower(method) == "head";
  const auto method_key = head ? std::string("get") : lower(method);
  if (!path) {
    if (response.status != 404)
      problems.push_back("no path of the spec fits, so the answer must be 404");
    for (auto& problem : check_error_body(response)) problems.push_back(std::move(problem));
  } else if (!document_["paths"][*path].contains(method_key)) {
    if (response.status != 405)
      problems.push_back(*path + " has no " + method_key + " operation, so the answer must be 405");
    if (!response.headers.count("allow")) problems.push_back("a 405 must carry Allow");
    for (auto& problem : check_error_body(response)) problems.push_back(std::move(problem));
  } else {
    const auto operation = append_pointer(append_pointer("#/paths", *path), method_key);
    problems = check_operation(operation, head, response);
    for (auto& problem : problems)
      problem = "(" + std::string(method) + " " + *path + ") " + problem;
  }
  for (auto& problem : problems) problem = where + ": " + problem;
  return problems;
}

std::vector<std::string> OpenApiContract::check_operation(const std::string& operation_pointer,
                                                          bool head,
                                                          const ObservedResponse& response) const {
  const auto& operation = document_.at(nlohmann::json::json_pointer(operation_pointer.substr(1)));
  const auto& responses = operation.at("responses");
  const auto exact = std::to_string(response.status);
  const auto range = exact.substr(0, 1) + "XX";
  std::string key;
  for (const auto& candidate : {exact, range, std::string("default")})
    if (key.empty() && responses.contains(candidate)) key = candidate;
  if (key.empty())
    return {"status " + exact + " is not listed (listed: " + keys_of(responses) + ") [" +
            operation_pointer + "/responses]"};
  auto pointer = append_pointer(append_pointer(operation_pointer, "responses"), key);
  for (int depth = 0; depth < 8; ++depth) {
    const auto& object = document_.at(nlohmann::json::json_pointer(pointer.substr(1)));
    if (!object.contains("$ref")) break;
    pointer = object["$ref"].get<std::string>();
  }
  std::vector<std::string> problems;
  const auto& declared = document_.at(nlohmann::json::json_pointer(pointer.substr(1)));
  if (const auto headers = declared.find("headers"); headers != declared.end())
    for (const auto& [name, header] : headers->items())
      if (header.value("required", false) && !response.headers.count(lower(name)))
        problems.push_back("required header " + name + " is missing [" +
                           append_pointer(pointer, "headers") + "]");
  for (auto& problem : check_body(pointer, head, response)) problems.push_back(std::move(problem));
  return problems;
}

std::vector<std::string> OpenApiContract::check_body(const std::string& response_pointer, bool head,
                                                     const ObservedResponse& response) const {
  const auto& declared = document_.at(nlohmann::json::json_pointer(response_pointer.substr(1)));
  const auto content = declared.find("content");
  const bool documented = content != declared.end() && !content->empty();
  if (response.body.empty()) {
    if (documented && !head && response.status != 304)
      return {"the spec declares a body (" + keys_of(*content) + ") but the response has none [" +
              response_pointer + "]"};
    return {};
  }
  if (head) return {"a HEAD response carries a body"};
  const auto media = media_type_of(response);
  if (!documented) return {"undocumented body of type '" + media + "' [" + response_pointer + "]"};
  std::string media_key;
  for (const auto& candidate : {media, media.substr(0, media.find('/')) + "/*", std::string("*/*")})
    if (media_key.empty() && content->contains(candidate)) media_key = candidate;
  if (media_key.empty())
    return {"Content-Type '" + media + "' is not documented (" + keys_of(*content) + ") [" +
            response_pointer + "]"};
  const auto media_pointer = append_pointer(append_pointer(response_pointer, "content"), media_key);
  if (!is_json_media(media) || !(*content)[media_key].contains("schema")) return {};
  const auto body = nlohmann::json::parse(response.body, nullptr, false);
  if (body.is_discarded()) return {"the body is not valid JSON"};
  std::vector<std::string> problems;
  for (const auto& violation : validator_.validate(body, append_pointer(media_pointer, "schema")))
    problems.push_back("body " + violation.instance_path + ": " + violation.message + " [" +
                       violation.schema_path + "]");
  return problems;
}

std::vector<std::string> OpenApiContract::check_error_body(const ObservedResponse& response) const {
  if (media_type_of(response) != "application/json") return {"the error is not application/json"};
  const auto body = nlohmann::json::parse(response.body, nullptr, false);
  if (body.is_discarded()) return {"the error body is not valid JSON"};
  std::vector<std::string> problems;
  for (const auto& violation : validator_.validate(body, "#/components/schemas/Error"))
    problems.push_back("error body " + violation.instance_path + ": " + violation.message + " [" +
                       violation.schema_path + "]");
  return problems;
}

std::vector<std::string> OpenApiContract::unsupported_schema_keywords() const {
  std::vector<std::string> found;
  auto add = [&](const std::string& pointer) {
    auto nested = validator_.unsupported_keywords(pointer);
    found.insert(found.end(), nested.begin(), nested.end());
  };
  if (document_.contains("components") && document_["components"].contains("schemas"))
    for (const auto& [name, unused] : document_["components"]["schemas"].items())
      add(append_pointer("#/components/schemas", name));
  // Every `schema` of a parameter, header or media type, wherever it sits.
  const auto walk = [&](const auto& self, const nlohmann::json& node,
                        const std::string& pointer) -> void {
    if (node.is_object()) {
      for (const auto& [key, child] : node.items()) {
        if (key == "schema" && child.is_object())
          add(append_pointer(pointer, key));
        else if (!(pointer == "#/components" && key == "schemas"))
          self(self, child, append_pointer(pointer, key));
      }
    } else if (node.is_array()) {
      for (std::size_t i = 0; i < node.size(); ++i)
        self(self, node[i], append_pointer(pointer, std::to_string(i)));
    }
  };
  walk(walk, document_, "#");
  return found;
}

}  // namespace omega::api
