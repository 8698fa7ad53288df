#include "api/json_schema.hpp"

#include <cstdint>
#include <limits>
#include <regex>
#include <set>
#include <stdexcept>

namespace omega::api {

namespace {

// Keywords that describe but constrain nothing; a schema may carry them freely.
const std::set<std::string> kAnnotations = {"description", "example",    "examples",
                                            "default",     "title",      "readOnly",
                                            "writeOnly",   "deprecated", "externalDocs"};
// Keywords this validator checks.
const std::set<std::string> kChecked = {
    "$ref",    "type",       "nullable",  "format",
    "enum",    "properties", "required",  "additionalProperties",
    "items",   "minItems",   "maxItems",  "minimum",
    "maximum", "minLength",  "maxLength", "pattern",
    "allOf",   "anyOf",      "oneOf"};

std::string type_name(const nlohmann::json& value) {
  if (value.is_number_integer()) return "integer";
  if (value.is_number()) return "number";
  return value.type_name();
}

bool has_type(const nlohmann::json& value, const std::string& type) {
  if (type == "integer") return value.is_number_integer();
  if (type == "number") return value.is_number();
  if (type == "string") return value.is_string();
  if (type == "boolean") return value.is_boolean();
  if (type == "object") return value.is_object();
  if (type == "array") return value.is_array();
  return false;
}

// Code points in a UTF-8 string: JSON Schema lengths count characters, not bytes.
std::size_t utf8_length(const std::string& text) {
  std::size_t length = 0;
  for (const unsigned char c : text)
    if ((c & 0xC0) != 0x80) ++length;
  return length;
}

// RFC 3339 date-time, as JSON Schema's `date-time` format asks.
bool is_date_time(const std::string& text) {
  static const std::regex pattern(
      R"(^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$)");
  return std::regex_match(text, pattern);
}

std::string format_problem(const nlohmann::json& value, const std::string& format) {
  if (format == "int32" && value.is_number_integer()) {
    if (value.is_number_unsigned()
            ? value.get<std::uint64_t>() > std::numeric_limits<std::int32_t>::max()
            : (value.get<std::int64_t>() < std::numeric_limits<std::int32_t>::min() ||
               value.get<std::int64_t>() > std::numeric_limits<std::int32_t>::max()))
      return "outside int32";
  }
  if (format == "int64" && value.is_number_unsigned() &&
      value.get<std::uint64_t>() >
          static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
    return "outside int64";
  if (format == "date-time" && value.is_string() && !is_date_time(value.get<std::string>()))
    return "not an RFC 3339 date-time";
  return {};
}

// The names of the properties a schema declares, through $ref and allOf.
void declared_properties(const nlohmann::json& document, const nlohmann::json& schema,
                         std::set<std::string>& names, int depth = 0) {
  if (depth > 32 || !schema.is_object()) return;
  if (const auto ref = schema.find("$ref"); ref != schema.end() && ref->is_string()) {
    const auto& text = ref->get_ref<const std::string&>();
    if (text.rfind("#", 0) == 0)
      declared_properties(document, document.at(nlohmann::json::json_pointer(text.substr(1))),
                          names, depth + 1);
    return;
  }
  if (const auto properties = schema.find("properties");
      properties != schema.end() && properties->is_object())
    for (const auto& [name, unused] : properties->items()) names.insert(name);
  if (const auto all = schema.find("allOf"); all != schema.end() && all->is_array())
    for (const auto& branch : *all) declared_properties(document, branch, names, depth + 1);
}

}  // namespace

std::string append_pointer(const std::string& pointer, const std::string& token) {
  std::string escaped;
  for (const char c : token) {
    if (c == '~')
      escaped += "~0";
    else if (c == '/')
      escaped += "~1";
    else
      escaped += c;
  }
  return pointer + "/" + escaped;
}

SchemaValidator::SchemaValidator(const nlohmann::json& document, Options options)
    : document_(document), options_(options) {}

const nlohmann::json& SchemaValidator::resolve(const std::string& schema_pointer) const {
  if (schema_pointer.rfind("#", 0) != 0)
    throw std::invalid_argument("not a local reference: " + schema_pointer);
  return document_.at(nlohmann::json::json_pointer(schema_pointer.substr(1)));
}

std::vector<SchemaViolation> SchemaValidator::validate(const nlohmann::json& value,
                                                       const std::string& schema_pointer) const {
  std::vector<SchemaViolation> out;
  check(value, schema_pointer, "$", options_.closed_objects, out);
  return out;
}

void SchemaValidator::check(const nlohmann::json& value, const std::string& schema_pointer,
                            const std::string& instance_path, bool closed_objects,
                            std::vector<SchemaViolation>& out) const {
  const nlohmann::json* schema = nullptr;
  try {
    schema = &resolve(schema_pointer);
  } catch (const std::exception&) {
    out.push_back({instance_path, schema_pointer, "the schema does not exist"});
    return;
  }
  if (!schema->is_object()) return;  // `true`-like: anything goes
  if (const auto ref = schema->find("$ref"); ref != schema->end()) {
    // OpenAPI 3.0: siblings of $ref are ignored.
    check(value, ref->get<std::string>(), instance_path, closed_objects, out);
    return;
  }
  if (value.is_null() && schema->value("nullable", false)) return;
  if (const auto type = schema->find("type"); type != schema->end()) {
    if (!has_type(value, type->get<std::string>())) {
      out.push_back({instance_path, append_pointer(schema_pointer, "type"),
                     "expected " + type->get<std::string>() + ", got " + type_name(value)});
      return;
    }
  }
  if (const auto options = schema->find("enum"); options != schema->end()) {
    bool listed = false;
    for (const auto& option : *options) listed = listed || option == value;
    if (!listed)
      out.push_back({instance_path, append_pointer(schema_pointer, "enum"),
                     value.dump() + " is not one of " + options->dump()});
  }
  check_combinators(value, *schema, schema_pointer, instance_path, closed_objects, out);
  if (value.is_object() || value.is_array()) {
    check_object(value, *schema, schema_pointer, instance_path, closed_objects, out);
  } else {
    check_scalar(value, *schema, schema_pointer, instance_path, out);
  }
}

void SchemaValidator::check_combinators(const nlohmann::json& value, const nlohmann::json& schema,
                                        const std::string& schema_pointer,
                                        const std::string& instance_path, bool closed_objects,
                                        std::vector<SchemaViolation>& out) const {
  if (const auto all = schema.find("allOf"); all != schema.end()) {
    // Each branch sees only its own properties: closing them here would refuse the others'.
    // The union is closed in check_object instead.
    for (std::size_t i = 0; i < all->size(); ++i)
      check(value, append_pointer(append_pointer(schema_pointer, "allOf"), std::to_string(i)),
            instance_path, false, out);
  }
  for (const char* keyword : {"anyOf", "oneOf"}) {
    const auto branches = schema.find(keyword);
    if (branches == schema.end()) continue;
    std::size_t matched = 0;
    std::vector<SchemaViolation> first_failure;
    for (std::size_t i = 0; i < branches->size(); ++i) {
      std::vector<SchemaViolation> branch;
      check(value, append_pointer(append_pointer(schema_pointer, keyword), std::to_string(i)),
            instance_path, closed_objects, branch);
      if (branch.empty())
        ++matched;
      else if (first_failure.empty())
        first_failure = std::move(branch);
    }
    const bool one = std::string(keyword) == "oneOf";
    if (matched == 0 || (one && matched > 1)) {
      std::string message = matched == 0
                                ? "matches none of " + std::string(keyword)
                                : "matches " + std::to_string(matched) + " branches of oneOf";
      if (matched == 0 && !first_failure.empty())
        message += " (first branch: " + first_failure.front().instance_path + ": " +
                   first_failure.front().message + ")";
      out.push_back({instance_path, append_pointer(schema_pointer, keyword), message});
    }
  }
}

void SchemaValidator::check_object(const nlohmann::json& value, const nlohmann::json& schema,
                                   const std::string& schema_pointer,
                                   const std::string& instance_path, bool closed_objects,
                                   std::vector<SchemaViolation>& out) const {
  if (value.is_array()) {
    const auto size = value.size();
    if (schema.contains("minItems") && size < schema["minItems"].get<std::size_t>())
      out.push_back({instance_path, append_pointer(schema_pointer, "minItems"),
                     "fewer than " + schema["minItems"].dump() + " items"});
    if (schema.contains("maxItems") && size > schema["maxItems"].get<std::size_t>())
      out.push_back({instance_path, append_pointer(schema_pointer, "maxItems"),
                     "more than " + schema["maxItems"].dump() + " items"});
    if (schema.contains("items"))
      for (std::size_t i = 0; i < size; ++i)
        check(value[i], append_pointer(schema_pointer, "items"),
              instance_path + "[" + std::to_string(i) + "]", closed_objects, out);
    return;
  }
  if (const auto required = schema.find("required"); required != schema.end())
    for (const auto& name : *required)
      if (!value.contains(name.get<std::string>()))
        out.push_back({instance_path, append_pointer(schema_pointer, "required"),
                       "missing required property " + name.dump()});
  const auto properties = schema.find("properties");
  const auto additional = schema.find("additionalProperties");
  std::set<std::string> declared;
  declared_properties(document_, schema, declared);
  const bool closed = closed_objects && additional == schema.end() && !declared.empty();
  for (const auto& [name, member] : value.items()) {
    const auto member_path = instance_path + "." + name;
    if (properties != schema.end() && properties->contains(name)) {
      check(member, append_pointer(append_pointer(schema_pointer, "properties"), name), member_path,
            closed_objects, out);
    } else if (additional != schema.end()) {
      if (additional->is_boolean() && !additional->get<bool>())
        out.push_back({member_path, append_pointer(schema_pointer, "additionalProperties"),
                       "property not allowed"});
      else if (additional->is_object())
        check(member, append_pointer(schema_pointer, "additionalProperties"), member_path,
              closed_objects, out);
    } else if (closed && !declared.count(name)) {
      out.push_back({member_path, append_pointer(schema_pointer, "properties"),
                     "undocumented property (the schema lists no " + name + ")"});
    }
  }
}

void SchemaValidator::check_scalar(const nlohmann::json& value, const nlohmann::json& schema,
                                   const std::string& schema_pointer,
                                   const std::string& instance_path,
                                   std::vector<SchemaViolation>& out) const {
  if (value.is_number()) {
    const double number = value.get<double>();
    if (schema.contains("minimum") && number < schema["minimum"].get<double>())
      out.push_back({instance_path, append_pointer(schema_pointer, "minimum"),
                     value.dump() + " is below " + schema["minimum"].dump()});
    if (schema.contains("maximum") && number > schema["maximum"].get<double>())
      out.push_back({instance_path, append_pointer(schema_pointer, "maximum"),
                     value.dump() + " is above " + schema["maximum"].dump()});
  }
  if (value.is_string()) {
    const auto& text = value.get_ref<const std::string&>();
    const auto length = utf8_length(text);
    if (schema.contains("minLength") && length < schema["minLength"].get<std::size_t>())
      out.push_back({instance_path, append_pointer(schema_pointer, "minLength"),
                     "shorter than " + schema["minLength"].dump()});
    if (schema.contains("maxLength") && length > schema["maxLength"].get<std::size_t>())
      out.push_back({instance_path, append_pointer(schema_pointer, "maxLength"),
                     "longer than " + schema["maxLength"].dump()});
    if (const auto pattern = schema.find("pattern"); pattern != schema.end()) {
      // ECMAScript syntax, as JSON Schema specifies; `search`, since patterns are not anchored.
      if (!std::regex_search(text, std::regex(pattern->get<std::string>(), std::regex::ECMAScript)))
        out.push_back({instance_path, append_pointer(schema_pointer, "pattern"),
                       value.dump() + " does not match " + pattern->dump()});
    }
  }
  if (const auto format = schema.find("format"); format != schema.end()) {
    const auto problem = format_problem(value, format->get<std::string>());
    if (!problem.empty())
      out.push_back({instance_path, append_pointer(schema_pointer, "format"),
                     value.dump() + " is " + problem});
  }
}

std::vector<std::string> SchemaValidator::unsupported_keywords(
    const std::string& schema_pointer) const {
  std::vector<std::string> found;
  const auto& schema = resolve(schema_pointer);
  if (!schema.is_object()) return found;
  if (schema.contains("$ref")) return found;
  for (const auto& [keyword, argument] : schema.items()) {
    const auto here = append_pointer(schema_pointer, keyword);
    if (!kChecked.count(keyword) && !kAnnotations.count(keyword) && keyword.rfind("x-", 0) != 0) {
      found.push_back(here);
      continue;
    }
    std::vector<std::string> children;
    if (keyword == "properties")
      for (const auto& [name, unused] : argument.items())
        children.push_back(append_pointer(here, name));
    if ((keyword == "items" || keyword == "additionalProperties") && argument.is_object())
      children.push_back(here);
    if (keyword == "allOf" || keyword == "anyOf" || keyword == "oneOf")
      for (std::size_t i = 0; i < argument.size(); ++i)
        children.push_back(append_pointer(here, std::to_string(i)));
    for (const auto& child : children) {
      auto nested = unsupported_keywords(child);
      found.insert(found.end(), nested.begin(), nested.end());
    }
  }
  return found;
}

}  // namespace omega::api
