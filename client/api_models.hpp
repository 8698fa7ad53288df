// The REST API's documents as the client uses them (issue 4: /v1/auth/*, /v1/characters,
// /v1/leaderboards/{board}; later POST /v1/play), parsed from JSON text and built into request
// bodies. Parsing is tolerant of extra fields and never throws: a document that does not fit
// gives nullopt (or an empty list) and the screen shows an error.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace omega::client {

struct TokenPair {
  std::string access_token;
  std::string refresh_token;
  double expires_in_seconds = 0.0;
  int64_t account_id = 0;
};

struct CharacterSummary {
  int64_t id = 0;
  std::string name;
  std::string class_id;
  int level = 1;
  int64_t experience = 0;
  std::string zone;
  int64_t gold = 0;
};

struct LeaderboardRow {
  int64_t rank = 0;
  int64_t character_id = 0;
  std::string name;
  int64_t score = 0;
};

// A party (GET/POST /v1/parties...): its members, and the characters invited but not joined.
struct PartyMember {
  int64_t character_id = 0;
  std::string name;
};
struct Party {
  int64_t id = 0;
  int64_t leader = 0;  // character id
  std::vector<PartyMember> members;
  std::vector<int64_t> invites;
  std::vector<PartyMember> invitees;  // the invited characters with their names
};

// A friend or a friend request (GET /v1/characters/{id}/friends): `status` is friend,
// incoming (they asked us) or outgoing (we asked them); presence only for friends.
struct FriendEntry {
  int64_t character_id = 0;
  std::string name;
  std::string class_id;
  int level = 0;
  std::string status;
  bool online = false;
  std::string zone;  // empty when offline or a request
};

// A trading-post listing (GET /v1/market/listings).
struct MarketListing {
  int64_t id = 0;
  int64_t seller_id = 0;
  std::string seller_name;
  std::string item_id;
  int64_t quantity = 0;
  int64_t price = 0;
  std::string status;
};

// POST /v1/play (and a matched tournament status): where to play and the join ticket to
// present in Hello.
struct PlayGrant {
  std::string ws_url;
  std::string ticket;  // raw ticket bytes (decoded from the JSON's hex or base64)
  std::string zone;
  uint32_t instance = 0;
};

// A tournament on offer (GET /v1/tournaments) and a character's place in its queue.
struct TournamentInfo {
  std::string id;
  std::string name;
  int team_size = 1;
};
// How a finished match went for the character (GET .../queue when none: last_match).
struct MatchResult {
  int64_t match_id = 0;
  std::string outcome;  // win, loss, draw
  int64_t rating_before = 0, rating_after = 0;
};
struct TournamentStatus {
  std::string tournament;
  std::string status;  // queued, matching, matched, none
  int64_t rating = 0;
  double waited_seconds = 0.0;
  int64_t match_id = 0;                   // matching, matched
  std::optional<PlayGrant> arena;         // matched: the arena's ws_url, zone, instance and ticket
  std::optional<MatchResult> last_match;  // none: the latest finished match
};

// "code: message" from {"error": {"code", "message"}}, or a generic text for the status.
std::string describe_api_error(int status, std::string_view body);
// The error code alone ("invalid_credentials"), empty when there is none.
std::string api_error_code(std::string_view body);

std::optional<TokenPair> parse_token_pair(std::string_view body);
std::optional<std::vector<CharacterSummary>> parse_character_list(std::string_view body);
std::optional<CharacterSummary> parse_created_character(std::string_view body);
std::optional<std::vector<LeaderboardRow>> parse_leaderboard(std::string_view body);
std::optional<PlayGrant> parse_play_grant(std::string_view body);
std::optional<Party> parse_party(std::string_view body);
// {"friends": [...]}; nullopt when the body is not that.
std::optional<std::vector<FriendEntry>> parse_friends(std::string_view body);
std::optional<std::vector<MarketListing>> parse_market_listings(std::string_view body);
std::optional<std::vector<TournamentInfo>> parse_tournaments(std::string_view body);
std::optional<TournamentStatus> parse_tournament_status(std::string_view body);

std::string credentials_body(std::string_view username, std::string_view password);
std::string refresh_body(std::string_view refresh_token);
std::string create_character_body(std::string_view name, std::string_view class_id);
std::string play_body(int64_t character_id);
// Party calls name the acting character: {"character_id"} (create, join, leave) and
// {"character_id","invitee_name"} (invite by character name).
std::string party_member_body(int64_t character_id);
// POST /v1/market/listings: `quantity` of `item_id` from the character's unworn stacks.
std::string listing_body(int64_t character_id, std::string_view item_id, int64_t quantity,
                         int64_t price);
std::string party_invite_body(int64_t leader_character_id, std::string_view invitee_name);
// POST /v1/characters/{id}/friends: {"name"}.
std::string friend_request_body(std::string_view name);
// POST /v1/reports: the player's character reports `reported_name` for `reason` (spam, abuse,
// cheating, other), quoting the chat line.
std::string report_body(int64_t reporter_character_id, std::string_view reported_name,
                        std::string_view reason, std::string_view quoted);

// Ticket bytes from text: hex (even length, all hex digits) or base64 (standard or URL-safe,
// padding optional). nullopt for anything else.
std::optional<std::string> decode_ticket_text(std::string_view text);

}  // namespace omega::client
