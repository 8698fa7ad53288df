#include "client/api_models.hpp"

#include <nlohmann/json.hpp>

namespace omega::client {

namespace {

using nlohmann::json;

std::optional<json> parse_object(std::string_view body) {
  json document = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!document.is_object()) return std::nullopt;
  return document;
}

template <class T>
T value_or(const json& object, const char* key, T fallback) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return fallback;
  try {
    return it->get<T>();
  } catch (const json::exception&) {
    return fallback;
  }
}

std::optional<CharacterSummary> character_from(const json& object) {
  if (!object.is_object() || !object.contains("id") || !object.contains("name"))
    return std::nullopt;
  CharacterSummary c;
  c.id = value_or<int64_t>(object, "id", 0);
  c.name = value_or<std::string>(object, "name", "");
  c.class_id = value_or<std::string>(object, "class", "");
  c.level = value_or<int>(object, "level", 1);
  c.experience = value_or<int64_t>(object, "experience", 0);
  c.zone = value_or<std::string>(object, "zone", "");
  c.gold = value_or<int64_t>(object, "gold", 0);
  if (c.id <= 0 || c.name.empty()) return std::nullopt;
  return c;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;
  if (c == '/' || c == '_') return 63;
  return -1;
}

}  // namespace

std::string api_error_code(std::string_view body) {
  const auto document = parse_object(body);
  if (!document) return {};
  const auto it = document->find("error");
  if (it == document->end() || !it->is_object()) return {};
  return value_or<std::string>(*it, "code", "");
}

std::string describe_api_error(int status, std::string_view body) {
  if (status == 0) return "no answer from the API";
  if (const auto document = parse_object(body)) {
    const auto it = document->find("error");
    if (it != document->end() && it->is_object()) {
      const auto message = value_or<std::string>(*it, "message", "");
      const auto code = value_or<std::string>(*it, "code", "");
      if (!message.empty()) return message + (code.empty() ? "" : " (" + code + ")");
    }
  }
  return "the API answered HTTP " + std::to_string(status);
}

std::optional<TokenPair> parse_token_pair(std::string_view body) {
  const auto document = parse_object(body);
  if (!document) return std::nullopt;
  TokenPair tokens;
  tokens.access_token = value_or<std::string>(*document, "access_token", "");
  tokens.refresh_token = value_or<std::string>(*document, "refresh_token", "");
  tokens.expires_in_seconds = value_or<double>(*document, "expires_in", 0.0);
  tokens.account_id = value_or<int64_t>(*document, "account_id", 0);
  if (tokens.access_token.empty()) return std::nullopt;
  return tokens;
}

std::optional<std::vector<CharacterSummary>> parse_character_list(std::string_view body) {
  const auto document = parse_object(body);
  if (!document) return std::nullopt;
  const auto it = document->find("characters");
  if (it == document->end() || !it->is_array()) return std::nullopt;
  std::vector<CharacterSummary> out;
  for (const auto& entry : *it)
    if (auto c = character_from(entry)) out.push_back(std::move(*c));
  return out;
}

std::optional<CharacterSummary> parse_created_character(std::string_view body) {
  const auto document = parse_object(body);
  if (!document) return std::nullopt;
  const auto it = document->find("character");
  if (it == document->end()) return std::nullopt;
  return character_from(*it);
}

std::optional<std::vector<LeaderboardRow>> parse_leaderboard(std::string_view body) {
  const auto document = parse_object(body);
  if (!document) return std::nullopt;
  const auto it = document->find("entries");
  if (it == document->end() || !it->is_array()) return std::nullopt;
  std::vector<LeaderboardRow> rows;
  for (const auto& entry : *it) {
    if (!entry.is_object()) continue;
    rows.push_back(
        {value_or<int64_t>(entry, "rank", 0), value_or<int64_t>(entry, "character_id", 0),
         value_or<std::string>(entry, "name", ""), value_or<int64_t>(entry, "score", 0)});
  }
  return rows;
}

std::optional<PlayGrant> parse_play_grant(std::string_view body) {
  const auto document = parse_object(body);
  if (!document) return std::nullopt;
  PlayGrant grant;
  grant.ws_url = value_or<std::string>(*document, "ws_url", "");
  grant.zone = value_or<std::string>(*document, "zone", "");
  grant.instance = value_or<uint32_t>(*document, "instance", 0);
  const auto ticket = decode_ticket_text(value_or<std::string>(*document, "ticket", ""));
  if (grant.ws_url.empty() || !ticket || ticket->empty()) return std::nullopt;
  grant.ticket = *ticket;
  return grant;
}

std::optional<Party> parse_party(std::string_view body) {
  const auto document = parse_object(body);
  if (!document) return std::nullopt;
  Party party;
  party.id = value_or<int64_t>(*document, "id", 0);
  party.leader = value_or<int64_t>(*document, "leader", 0);
  if (party.id <= 0) return std::nullopt;
  if (const auto it = document->find("members"); it != document->end() && it->is_array())
    for (const auto& member : *it)
      if (member.is_object())
        party.members.push_back({value_or<int64_t>(member, "character_id", 0),
                                 value_or<std::string>(member, "name", "")});
  if (const auto it = document->find("invites"); it != document->end() && it->is_array())
    for (const auto& invite : *it)
      if (invite.is_number_integer()) party.invites.push_back(invite.get<int64_t>());
  if (const auto it = document->find("invitees"); it != document->end() && it->is_array())
    for (const auto& invitee : *it)
      if (invitee.is_object())
        party.invitees.push_back({value_or<int64_t>(invitee, "character_id", 0),
                                  value_or<std::string>(invitee, "name", "")});
  return party;
}

std::optional<std::vector<FriendEntry>> parse_friends(std::string_view body) {
  const auto document = parse_object(body);
  if (!document) return std::nullopt;
  const auto it = document->find("friends");
  if (it == document->end() || !it->is_array()) return std::nullopt;
  std::vector<FriendEntry> friends;
  for (const auto& entry : *it) {
    if (!entry.is_object()) continue;
    FriendEntry f;
    f.character_id = value_or<int64_t>(entry, "character_id", 0);
    f.name = value_or<std::string>(entry, "name", "");
    f.class_id = value_or<std::string>(entry, "class", "");
    f.level = value_or<int>(entry, "level", 0);
    f.status = value_or<std::string>(entry, "status", "");
    f.online = value_or<bool>(entry, "online", false);
    f.zone = value_or<std::string>(entry, "zone", "");  // null when offline: empty
    if (f.character_id > 0) friends.push_back(std::move(f));
  }
  return friends;
}

std::optional<std::vector<MarketListing>> parse_market_listings(std::string_view body) {
  const auto document = parse_object(body);
  if (!document) return std::nullopt;
  const auto it = document->find("listings");
  if (it == document->end() || !it->is_array()) return std::nullopt;
  std::vector<MarketListing> listings;
  for (const auto& entry : *it) {
    if (!entry.is_object()) continue;
    listings.push_back(
        {value_or<int64_t>(entry, "id", 0), value_or<int64_t>(entry, "seller_id", 0),
         value_or<std::string>(entry, "seller_name", ""),
         value_or<std::string>(entry, "item_id", ""), value_or<int64_t>(entry, "quantity", 0),
         value_or<int64_t>(entry, "price", 0), value_or<std::string>(entry, "status", "")});
  }
  return listings;
}

std::optional<std::vector<TournamentInfo>> parse_tournaments(std::string_view body) {
  const auto document = parse_object(body);
  if (!document) return std::nullopt;
  const auto it = document->find("tournaments");
  if (it == document->end() || !it->is_array()) return std::nullopt;
  std::vector<TournamentInfo> tournaments;
  for (const auto& entry : *it)
    if (entry.is_object())
      tournaments.push_back({value_or<std::string>(entry, "id", ""),
                             value_or<std::string>(entry, "name", ""),
                             value_or<int>(entry, "team_size", 1)});
  return tournaments;
}

std::optional<TournamentStatus> parse_tournament_status(std::string_view body) {
  const auto document = parse_object(body);
  if (!document) return std::nullopt;
  TournamentStatus status;
  status.tournament = value_or<std::string>(*document, "tournament", "");
  status.status = value_or<std::string>(*document, "status", "");
  status.rating = value_or<int64_t>(*document, "rating", 0);
  status.waited_seconds = value_or<double>(*document, "waited_s", 0.0);
  status.match_id = value_or<int64_t>(*document, "match_id", 0);
  if (status.status.empty()) return std::nullopt;
  if (status.status == "matched") status.arena = parse_play_grant(body);
  if (const auto last = document->find("last_match");
      last != document->end() && last->is_object()) {
    MatchResult result;
    result.match_id = value_or<int64_t>(*last, "match_id", 0);
    result.outcome = value_or<std::string>(*last, "outcome", "");
    result.rating_before = value_or<int64_t>(*last, "rating_before", 0);
    result.rating_after = value_or<int64_t>(*last, "rating_after", 0);
    if (result.match_id > 0 && !result.outcome.empty()) status.last_match = result;
  }
  return status;
}

std::string credentials_body(std::string_view username, std::string_view password) {
  return json{{"username", username}, {"password", password}}.dump();
}
std::string refresh_body(std::string_view refresh_token) {
  return json{{"refresh_token", refresh_token}}.dump();
}
std::string create_character_body(std::string_view name, std::string_view class_id) {
  return json{{"name", name}, {"class", class_id}}.dump();
}
std::string play_body(int64_t character_id) {
  return json{{"character_id", character_id}}.dump();
}
std::string party_member_body(int64_t character_id) {
  return json{{"character_id", character_id}}.dump();
}
std::string party_invite_body(int64_t leader_character_id, std::string_view invitee_name) {
  return json{{"character_id", leader_character_id}, {"invitee_name", invitee_name}}.dump();
}

std::string listing_body(int64_t character_id, std::string_view item_id, int64_t quantity,
                         int64_t price) {
  return json{{"character_id", character_id},
              {"item_id", item_id},
              {"quantity", quantity},
              {"price", price}}
      .dump();
}

std::string friend_request_body(std::string_view name) {
  return json{{"name", name}}.dump();
}

std::string report_body(int64_t reporter_character_id, std::string_view reported_name,
                        std::string_view reason, std::string_view quoted) {
  return json{{"character_id", reporter_character_id},
              {"reported_name", reported_name},
              {"reason", reason},
              {"quoted", quoted}}
      .dump();
}

std::optional<std::string> decode_ticket_text(std::string_view text) {
  bool all_hex = !text.empty() && text.size() % 2 == 0;
  for (char c : text) all_hex = all_hex && hex_value(c) >= 0;
  std::string out;
  if (all_hex) {
    for (size_t i = 0; i < text.size(); i += 2)
      out.push_back(static_cast<char>(hex_value(text[i]) * 16 + hex_value(text[i + 1])));
    return out;
  }
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  uint32_t accumulator = 0;
  int bits = 0;
  for (char c : text) {
    const int v = base64_value(c);
    if (v < 0) return std::nullopt;
    accumulator = (accumulator << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((accumulator >> bits) & 0xff));
    }
  }
  if (text.size() % 4 == 1) return std::nullopt;
  return out;
}

}  // namespace omega::client
