#include "api/leaderboard_keys.hpp"

#include <charconv>
#include <cstdio>

namespace omega::api {

namespace {
// 10^16 µs is ~317 years after 1970: larger than any reached_at we will store.
constexpr std::int64_t kTimeComplement = 9'999'999'999'999'999;
constexpr std::size_t kTimeDigits = 16;
constexpr std::size_t kIdDigits = 19;
// Ids are complemented too, so that equal instants order by ascending id, like PostgreSQL.
constexpr std::int64_t kIdComplement = 9'223'372'036'854'775'807;

bool parse_fixed(std::string_view text, std::int64_t& out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && end == text.data() + text.size();
}
}  // namespace

std::string iso_week(std::chrono::system_clock::time_point when) {
  using namespace std::chrono;
  const sys_days day = floor<days>(when);
  const weekday wd{day};
  // The Thursday of this ISO week decides the week's year.
  const int iso_weekday = wd.iso_encoding();  // Monday = 1 … Sunday = 7
  const sys_days thursday = day + days{4 - iso_weekday};
  const year_month_day thursday_date{thursday};
  const sys_days year_start = sys_days{thursday_date.year() / January / 1};
  const int week = static_cast<int>((thursday - year_start).count() / 7) + 1;
  char text[16];
  std::snprintf(text, sizeof text, "%04d-W%02d", static_cast<int>(thursday_date.year()), week);
  return text;
}

bool is_iso_week(std::string_view text) {
  if (text.size() != 8 || text[4] != '-' || text[5] != 'W') return false;
  for (std::size_t i : {0u, 1u, 2u, 3u, 6u, 7u})
    if (text[i] < '0' || text[i] > '9') return false;
  const int week = (text[6] - '0') * 10 + (text[7] - '0');
  return week >= 1 && week <= 53;
}

std::string encode_member(const BoardMember& member) {
  char prefix[64];
  std::snprintf(prefix, sizeof prefix,
                "%016lld:%019lld:", static_cast<long long>(kTimeComplement - member.reached_at_us),
                static_cast<long long>(kIdComplement - member.character_id));
  return prefix + member.name;
}

std::optional<BoardMember> decode_member(std::string_view text) {
  if (text.size() < kTimeDigits + kIdDigits + 2 || text[kTimeDigits] != ':' ||
      text[kTimeDigits + 1 + kIdDigits] != ':')
    return std::nullopt;
  BoardMember member;
  std::int64_t complement = 0;
  std::int64_t id_complement = 0;
  if (!parse_fixed(text.substr(0, kTimeDigits), complement) ||
      !parse_fixed(text.substr(kTimeDigits + 1, kIdDigits), id_complement))
    return std::nullopt;
  member.reached_at_us = kTimeComplement - complement;
  member.character_id = kIdComplement - id_complement;
  member.name = std::string(text.substr(kTimeDigits + kIdDigits + 2));
  return member;
}

}  // namespace omega::api
