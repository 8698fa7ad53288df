// Pure helpers of the leaderboard cache: ISO week names and the sorted-set member encoding
// that makes Redis order ties by who reached the score first. Stateless.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace omega::api {

// "2025-W07": the ISO 8601 week (Monday start, week 1 holds the year's first Thursday).
std::string iso_week(std::chrono::system_clock::time_point when);
// True for strings of the shape YYYY-Www with a week in 01..53.
bool is_iso_week(std::string_view text);

// A member of a board's sorted set. Redis orders equal scores by member bytes and ZREVRANGE
// reverses that order, so the member starts with (max - reached_at) in fixed width: the
// earliest to reach a score sorts first among equals, then the lowest id (as in PostgreSQL's
// ORDER BY score DESC, reached_at, character_id). The name rides along so a top-N read
// needs no database query.
struct BoardMember {
  std::int64_t reached_at_us = 0;  // microseconds since the epoch
  std::int64_t character_id = 0;
  std::string name;
};
std::string encode_member(const BoardMember& member);
std::optional<BoardMember> decode_member(std::string_view text);

}  // namespace omega::api
