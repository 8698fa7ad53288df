// JSON bodies of the world contract's internal API calls, as the zone writes and reads them.
// Pure functions (no I/O) so they are unit-tested without a network; parsing never throws:
// a body that is not what the contract says gives std::nullopt / false.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "zone/arena_match.hpp"
#include "zone/character_service.hpp"

namespace omega::zone {

std::string claim_body(const ClaimRequest& request);
std::string checkpoint_body(const CheckpointBatch& batch);
std::string transfer_body(const TransferRequest& request);

// 200 body of a claim: the epoch and the character. False when malformed.
bool parse_claim(std::string_view body, ClaimResult& out);
// Results of a checkpoints response (200 or 409). False when malformed.
bool parse_checkpoint_results(std::string_view body, CheckpointResult& out);
// 200 body of a transfer (the /v1/play grant). False when malformed.
bool parse_transfer_grant(std::string_view body, TransferResult& out);
// POST /internal/v1/matches/{id}/result body.
std::string match_result_body(const MatchReport& report);
// The "match" object of POST /instances ({"id","tournament","team_size","time_limit_s",
// "teams":[[ids],[ids]]}); nullopt when malformed.
std::optional<MatchSpec> parse_match(std::string_view match_json);
// The "error.code" of an error body, or "".
std::string error_code(std::string_view body);
// A {prefix}character_events message: a market change (no "kind"), or a social update
// ({"kind":"mute","account_id","muted_until"} / {"kind":"party","character_id","party_id"}).
std::optional<MarketDelta> parse_market_delta(std::string_view message);
std::optional<SocialUpdate> parse_social_update(std::string_view message);

}  // namespace omega::zone
