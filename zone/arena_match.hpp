// ArenaMatch: the rules of one tournament match in an arena instance (docs/ARCHITECTURE.md
// "Tournaments"). Pure: time and the members' state come in, the phase and the winner go out,
// so every rule is testable without a world or a network (arena_match_test.cpp).
//
//  - waiting: the match starts when every member has joined, or `start_grace_s` after the
//    instance opened with whoever is there (nobody at all: the match ends without a result and
//    the API abandons it, no rating change);
//  - running: ends when every member of a team is down (dead, never came, or left): the other
//    team wins, both at once is a draw; or at `time_limit_s` after the start: the team with
//    the larger sum of its members' hp fractions wins (down members count 0), equal is a draw.
//
// Team numbers are those of the wire: 1 and 2, 0 = draw / no team.
//
// Thread safety: none (the instance's simulation thread).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace omega::zone {

// The "match" of POST /instances.
struct MatchSpec {
  uint64_t id = 0;
  std::string tournament;
  uint32_t team_size = 1;
  uint32_t time_limit_s = 180;
  std::array<std::vector<uint64_t>, 2> teams;
  // 1 or 2, or 0 when `character` is not in the match.
  uint8_t team_of(uint64_t character) const;
};

// A member as the instance sees it now.
struct MemberStatus {
  bool present = false;  // has an entity in the instance
  bool alive = false;
  float hp_fraction = 0.0f;  // hp / max_hp
};

class ArenaMatch {
 public:
  static constexpr double kDefaultStartGraceSeconds = 30.0;
  enum class Phase : uint8_t { waiting, running, ended };

  ArenaMatch(MatchSpec spec, int64_t opened_ns, double start_grace_s = kDefaultStartGraceSeconds);

  const MatchSpec& spec() const { return spec_; }
  Phase phase() const { return phase_; }
  // Moves the match on; true on the call that started it (started()) or ended it (ended()).
  using StatusOf = std::function<MemberStatus(uint64_t character)>;
  bool update(int64_t now_ns, const StatusOf& status);
  bool running() const { return phase_ == Phase::running; }
  bool ended() const { return phase_ == Phase::ended; }
  // Once ended: 1 or 2, 0 = draw; nullopt = nobody came (nothing to report).
  std::optional<uint8_t> winner() const { return winner_; }

 private:
  void end(std::optional<uint8_t> winner);

  MatchSpec spec_;
  int64_t opened_ns_;
  int64_t grace_ns_;
  int64_t started_ns_ = 0;
  Phase phase_ = Phase::waiting;
  std::optional<uint8_t> winner_;
};

}  // namespace omega::zone
