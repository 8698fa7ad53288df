// The control endpoints of the zone's HTTP side port (world contract "Zone control"), parsed
// into commands. Pure: the InstanceHost runs the commands on the simulation thread.
#include <charconv>

#include <nlohmann/json.hpp>

#include "zone/api_json.hpp"
#include "zone/instance_directory.hpp"
#include "zone/network.hpp"

namespace omega::zone {
namespace {

// Compares without an early exit, so the time taken says nothing about the token.
bool same_secret(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char difference = 0;
  for (size_t i = 0; i < a.size(); ++i) difference |= static_cast<unsigned char>(a[i] ^ b[i]);
  return difference == 0;
}

ControlParse refuse(int status, const char* code) {
  return {std::nullopt, json_reply(status, std::string("{\"error\":{\"code\":\"") + code + "\"}}")};
}

}  // namespace

HttpReply json_reply(int status, std::string body) {
  return {status, "application/json", std::move(body)};
}

bool is_control_target(std::string_view target) {
  const std::string_view path = target.substr(0, target.find('?'));
  return path == "/instances" || path.substr(0, 11) == "/instances/" || path == "/kicks";
}

ControlParse parse_control_request(const HttpRequestView& request, std::string_view service_token) {
  constexpr std::string_view kBearer = "Bearer ";
  if (service_token.empty() || request.authorization.substr(0, kBearer.size()) != kBearer ||
      !same_secret(request.authorization.substr(kBearer.size()), service_token))
    return refuse(401, "unauthorized");
  const std::string_view path = request.target.substr(0, request.target.find('?'));
  if (path == "/kicks") {
    if (request.method != "POST") return refuse(405, "method_not_allowed");
    using nlohmann::json;
    const json body = json::parse(request.body.begin(), request.body.end(), nullptr, false);
    if (body.is_discarded() || !body.is_object() || !body.contains("account_id") ||
        !body["account_id"].is_number_unsigned() || body["account_id"].get<uint64_t>() == 0 ||
        !body.contains("reason") || !body["reason"].is_string())
      return refuse(400, "bad_request");
    ControlCommand command;
    command.kind = ControlCommand::Kind::kick;
    command.account_id = body["account_id"].get<uint64_t>();
    const std::string reason = body["reason"].get<std::string>();
    if (reason == "banned")
      command.kick_reason = protocol::KickReason::banned;
    else if (reason == "kicked")
      command.kick_reason = protocol::KickReason::kicked;
    else
      return refuse(400, "bad_request");
    return {command, {}};
  }
  if (path == "/instances") {
    if (request.method != "POST") return refuse(405, "method_not_allowed");
    using nlohmann::json;
    const json body = json::parse(request.body.begin(), request.body.end(), nullptr, false);
    if (body.is_discarded() || !body.is_object() || !body.contains("zone") ||
        !body["zone"].is_string() || !body.contains("instance") ||
        !body["instance"].is_number_unsigned())
      return refuse(400, "bad_request");
    ControlCommand command;
    command.kind = ControlCommand::Kind::open;
    command.zone = body["zone"].get<std::string>();
    const uint64_t instance = body["instance"].get<uint64_t>();
    if (instance == 0 || instance > 0xffffffffu) return refuse(400, "bad_request");
    command.instance = static_cast<uint32_t>(instance);
    if (auto party = body.find("party_id"); party != body.end() && party->is_number_unsigned())
      command.party_id = party->get<uint64_t>();
    if (auto match = body.find("match"); match != body.end() && !match->is_null()) {
      command.match = parse_match(match->dump());
      if (!command.match) return refuse(400, "bad_request");
    }
    // The zone name must also be valid in a URL path.
    if (!parse_instance_path("/z/" + command.zone + "/1")) return refuse(400, "bad_request");
    return {command, {}};
  }
  if (request.method != "DELETE") return refuse(405, "method_not_allowed");
  auto parsed = parse_instance_path("/z/" + std::string(path.substr(11)));
  if (!parsed || parsed->root) return refuse(404, "not_found");
  ControlCommand command;
  command.kind = ControlCommand::Kind::close;
  command.zone = parsed->zone;
  command.instance = parsed->instance;
  return {command, {}};
}

}  // namespace omega::zone
