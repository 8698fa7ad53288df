#include "zone/arena_match.hpp"

#include <algorithm>
#include <cmath>

namespace omega::zone {
namespace {

// Sums of hp fractions this close are equal (a draw at the time limit).
constexpr float kHpEpsilon = 1e-4f;

}  // namespace

uint8_t MatchSpec::team_of(uint64_t character) const {
  for (size_t t = 0; t < teams.size(); ++t)
    if (std::find(teams[t].begin(), teams[t].end(), character) != teams[t].end())
      return static_cast<uint8_t>(t + 1);
  return 0;
}

ArenaMatch::ArenaMatch(MatchSpec spec, int64_t opened_ns, double start_grace_s)
    : spec_(std::move(spec)),
      opened_ns_(opened_ns),
      grace_ns_(static_cast<int64_t>(start_grace_s * 1e9)) {}

void ArenaMatch::end(std::optional<uint8_t> winner) {
  phase_ = Phase::ended;
  winner_ = winner;
}

bool ArenaMatch::update(int64_t now_ns, const StatusOf& status) {
  if (phase_ == Phase::ended) return false;
  if (phase_ == Phase::waiting) {
    bool all = true, any = false;
    for (const auto& team : spec_.teams)
      for (uint64_t member : team) {
        const bool present = status(member).present;
        all = all && present;
        any = any || present;
      }
    if (!all && now_ns - opened_ns_ < grace_ns_) return false;
    if (!any) {
      end(std::nullopt);
      return true;
    }
    phase_ = Phase::running;
    started_ns_ = now_ns;
    return true;
  }
  std::array<bool, 2> down{true, true};
  std::array<float, 2> hp{0.0f, 0.0f};
  for (size_t t = 0; t < 2; ++t)
    for (uint64_t member : spec_.teams[t]) {
      const MemberStatus s = status(member);
      if (!s.present || !s.alive) continue;
      down[t] = false;
      hp[t] += std::clamp(s.hp_fraction, 0.0f, 1.0f);
    }
  if (down[0] || down[1]) {
    end(down[0] && down[1] ? 0 : down[0] ? 2 : 1);
    return true;
  }
  if (now_ns - started_ns_ >= static_cast<int64_t>(spec_.time_limit_s) * 1'000'000'000) {
    end(std::fabs(hp[0] - hp[1]) <= kHpEpsilon ? 0 : hp[0] > hp[1] ? 1 : 2);
    return true;
  }
  return false;
}

}  // namespace omega::zone
