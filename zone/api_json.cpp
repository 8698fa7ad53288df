#include "zone/api_json.hpp"

#include <nlohmann/json.hpp>

#include "protocol/messages.hpp"
#include "protocol/ticket.hpp"

namespace omega::zone {
namespace {

using nlohmann::json;

json record_json(const CheckpointRecord& r) {
  json items = json::array();
  for (const ItemDelta& d : r.items_delta)
    items.push_back({{"item_id", d.item_id}, {"delta", d.delta}});
  const json x = r.has_position ? json(r.x) : json(), y = r.has_position ? json(r.y) : json();
  return {{"character_id", r.character_id},
          {"lease_epoch", r.lease_epoch},
          {"seq", r.seq},
          {"zone", r.zone},
          {"x", x},
          {"y", y},
          {"hp", r.hp},
          {"mana", r.mana},
          {"level", r.level},
          {"experience", r.experience},
          {"kills", r.kills},
          {"gold_delta", r.gold_delta},
          {"items_delta", items},
          {"equipped", r.equipped},
          {"release", r.release}};
}

std::optional<json> parse(std::string_view body) {
  json value = json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) return std::nullopt;
  return value;
}

// Item ids are strings in content; accept numbers too (kept as their decimal text).
std::optional<std::string> item_id(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number_integer()) return std::to_string(value.get<int64_t>());
  return std::nullopt;
}

template <class T>
bool get_number(const json& object, const char* key, T& out) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_number()) return false;
  out = it->get<T>();
  return true;
}

ServiceStatus status_of(const std::string& text) {
  if (text == "ok" || text == "duplicate") return ServiceStatus::ok;
  if (text == "stale_epoch") return ServiceStatus::stale_epoch;
  return ServiceStatus::refused;
}

}  // namespace

std::string claim_body(const ClaimRequest& r) {
  return json{{"character_id", r.character_id},
              {"account_id", r.account_id},
              {"zone", r.zone},
              {"instance", r.instance},
              {"ticket_epoch", r.ticket_epoch}}
      .dump();
}

std::string checkpoint_body(const CheckpointBatch& batch) {
  json records = json::array();
  for (const CheckpointRecord& r : batch.records) records.push_back(record_json(r));
  return json{{"reason", to_string(batch.reason)}, {"characters", records}}.dump();
}

std::string transfer_body(const TransferRequest& r) {
  return json{{"checkpoint", record_json(r.checkpoint)},
              {"target_zone", r.target_zone},
              {"target_spawn", r.target_spawn}}
      .dump();
}

bool parse_claim(std::string_view body, ClaimResult& out) {
  auto value = parse(body);
  if (!value || !value->is_object()) return false;
  const json& root = *value;
  auto c = root.find("character");
  if (!get_number(root, "lease_epoch", out.lease_epoch) || c == root.end() || !c->is_object())
    return false;
  ClaimedCharacter& ch = out.character;
  if (auto it = c->find("name"); it != c->end() && it->is_string())
    ch.name = it->get<std::string>();
  if (auto it = c->find("class"); it != c->end() && it->is_string())
    ch.class_id = it->get<std::string>();
  if (auto it = c->find("zone"); it != c->end() && it->is_string())
    ch.zone = it->get<std::string>();
  get_number(*c, "level", ch.level);
  get_number(*c, "experience", ch.experience);
  float x = 0, y = 0;
  if (get_number(*c, "x", x) && get_number(*c, "y", y)) {
    ch.x = x;
    ch.y = y;
  }
  if (auto it = c->find("spawn"); it != c->end() && it->is_string())
    ch.spawn = it->get<std::string>();
  uint32_t points = 0;
  if (get_number(*c, "hp", points)) ch.hp = points;
  if (get_number(*c, "mana", points)) ch.mana = points;
  get_number(*c, "gold", ch.gold);
  if (auto items = c->find("items"); items != c->end() && items->is_array()) {
    for (const json& item : *items) {
      if (!item.is_object() || !item.contains("item_id")) return false;
      auto id = item_id(item["item_id"]);
      int64_t quantity = 0;
      if (!id || !get_number(item, "quantity", quantity)) return false;
      ch.items.emplace_back(*id, quantity);
    }
  }
  if (auto worn = c->find("equipped"); worn != c->end() && worn->is_array()) {
    for (const json& item : *worn) {
      auto id = item_id(item);
      if (!id) return false;
      ch.equipped.push_back(*id);
    }
  }
  get_number(*c, "party_id", ch.party_id);        // null or absent: none
  get_number(*c, "muted_until", ch.muted_until);  // unix seconds; null or absent: none
  out.status = ServiceStatus::ok;
  return true;
}

bool parse_checkpoint_results(std::string_view body, CheckpointResult& out) {
  auto value = parse(body);
  if (!value || !value->is_object()) return false;
  auto results = value->find("results");
  if (results == value->end() || !results->is_array()) return false;
  for (const json& r : *results) {
    CheckpointResult::Entry entry;
    auto status = r.is_object() ? r.find("status") : r.end();
    if (!r.is_object() || !get_number(r, "character_id", entry.character_id) || status == r.end() ||
        !status->is_string())
      return false;
    entry.status = status_of(status->get<std::string>());
    out.entries.push_back(entry);
  }
  return true;
}

bool parse_transfer_grant(std::string_view body, TransferResult& out) {
  auto value = parse(body);
  if (!value || !value->is_object()) return false;
  const json& g = *value;
  for (const char* key : {"ws_url", "ticket", "zone"})
    if (!g.contains(key) || !g[key].is_string()) return false;
  out.ws_url = g["ws_url"].get<std::string>();
  out.zone = g["zone"].get<std::string>();
  // The API's ticket is hex; Hello (and so Transfer) carries the raw bytes.
  const std::string hex = g["ticket"].get<std::string>();
  out.ticket = protocol::bytes_from_hex(hex).value_or(hex);
  if (out.ws_url.size() > protocol::kMaxAddressBytes ||
      out.zone.size() > protocol::kMaxZoneNameBytes ||
      out.ticket.size() > protocol::kMaxTicketBytes)
    return false;
  out.status = ServiceStatus::ok;
  return true;
}

std::string match_result_body(const MatchReport& report) {
  return json{{"winner_team", report.winner_team}}.dump();
}

std::optional<MatchSpec> parse_match(std::string_view text) {
  auto value = parse(text);
  if (!value || !value->is_object()) return std::nullopt;
  const json& match = *value;
  MatchSpec spec;
  if (!get_number(match, "id", spec.id) || spec.id == 0) return std::nullopt;
  if (auto it = match.find("tournament"); it != match.end() && it->is_string())
    spec.tournament = it->get<std::string>();
  get_number(match, "team_size", spec.team_size);
  if (!get_number(match, "time_limit_s", spec.time_limit_s) || spec.time_limit_s == 0)
    return std::nullopt;
  auto teams = match.find("teams");
  if (teams == match.end() || !teams->is_array() || teams->size() != 2) return std::nullopt;
  for (size_t t = 0; t < 2; ++t) {
    const json& team = (*teams)[t];
    if (!team.is_array() || team.empty() || team.size() > 64) return std::nullopt;
    for (const json& member : team) {
      if (!member.is_number_unsigned() || member.get<uint64_t>() == 0) return std::nullopt;
      spec.teams[t].push_back(member.get<uint64_t>());
    }
  }
  return spec;
}

std::string error_code(std::string_view body) {
  auto value = parse(body);
  if (!value || !value->is_object()) return "";
  auto error = value->find("error");
  if (error == value->end() || !error->is_object()) return "";
  auto code = error->find("code");
  return code != error->end() && code->is_string() ? code->get<std::string>() : "";
}

std::optional<MarketDelta> parse_market_delta(std::string_view message) {
  auto value = parse(message);
  if (!value || !value->is_object() || value->contains("kind")) return std::nullopt;
  MarketDelta delta;
  if (!get_number(*value, "character_id", delta.character_id)) return std::nullopt;
  get_number(*value, "gold_delta", delta.gold_delta);
  if (auto items = value->find("items_delta"); items != value->end() && items->is_array()) {
    for (const json& item : *items) {
      if (!item.is_object() || !item.contains("item_id")) return std::nullopt;
      auto id = item_id(item["item_id"]);
      int64_t d = 0;
      if (!id || !get_number(item, "delta", d)) return std::nullopt;
      delta.items_delta.push_back({*id, d});
    }
  }
  return delta;
}

std::optional<SocialUpdate> parse_social_update(std::string_view message) {
  auto value = parse(message);
  if (!value || !value->is_object()) return std::nullopt;
  auto kind = value->find("kind");
  if (kind == value->end() || !kind->is_string()) return std::nullopt;
  SocialUpdate update;
  if (*kind == "mute") {
    update.kind = SocialUpdate::Kind::mute;
    if (!get_number(*value, "account_id", update.account_id) ||
        !get_number(*value, "muted_until", update.muted_until))
      return std::nullopt;
  } else if (*kind == "party") {
    update.kind = SocialUpdate::Kind::party;
    if (!get_number(*value, "character_id", update.character_id) ||
        !get_number(*value, "party_id", update.party_id))
      return std::nullopt;
  } else if (*kind == "notice") {
    update.kind = SocialUpdate::Kind::notice;
    const auto ids = value->find("character_ids");
    const auto text = value->find("text");
    if (ids == value->end() || !ids->is_array() || text == value->end() || !text->is_string())
      return std::nullopt;
    for (const auto& id : *ids) {
      if (!id.is_number_unsigned()) return std::nullopt;
      update.character_ids.push_back(id.get<uint64_t>());
    }
    update.text = text->get<std::string>();
    if (!protocol::valid_chat_text(update.text)) return std::nullopt;
  } else {
    return std::nullopt;
  }
  return update;
}

}  // namespace omega::zone
