// A bot's way through omega-api in API mode: account and character, then (party_size > 1) a
// party with its neighbours, then POST /v1/play for a ticket; after a lost zone /v1/play again
// with backoff; and, once, a tournament queue. The decisions — which step comes next given an
// answer, which waiting bots form a party, when to retry and when to give up — are pure
// functions (api_flow_test.cpp). ApiFlow runs the blocking calls of bots/api_session on
// worker threads and hands each bot's next step back to the swarm's thread.
//
// Thread safety: the free functions are pure. ApiFlow is called on the swarm's thread and
// delivers its events there (through `post`); only its worker jobs run elsewhere, and they
// touch nothing but their own copies.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "bots/api_session.hpp"
#include "bots/http_client.hpp"
#include "bots/pacing.hpp"
#include "protocol/messages.hpp"

namespace omega::bots {

// Account creation failed for a transient reason (API not up yet): try again this much later.
constexpr double kEnterRetrySeconds = 1.0;

struct ApiFlowSettings {
  std::string account_prefix = "bot";
  std::vector<std::string> character_classes{"warrior", "ranger", "mage"};  // bot i: i mod n
  std::string play_zone;           // zone of the first /v1/play ("" = the character's own)
  size_t party_size = 0;           // > 1: bots 0..k-1, k..2k-1, ... form parties of k
  double join_timeout_s = 60.0;    // account creation is retried until then
  double replay_timeout_s = 30.0;  // /v1/play is retried this long after a lost zone
  std::string tournament;          // queue() joins this tournament's queue
  double tournament_wait_s = 120.0;
  size_t threads = 4;  // blocking API calls in flight at once
};

// Bot `index`'s account: `<prefix>_<index>`, character `<prefix>c<index>` of the index-th class.
ApiAccount bot_account(const ApiFlowSettings& settings, size_t index);

// "409 zone_full": an outcome as the report shows it.
std::string describe(const ApiOutcome& outcome);

// ---- answers of the calls, and what a bot does next ----------------------------------------

// POST /v1/play (or a tournament queue that matched).
struct PlayAnswer {
  ApiOutcome outcome;
  PlayGrant grant;
};
// enter_account, and without parties the first /v1/play in the same job.
struct EnterAnswer {
  ApiOutcome outcome;
  std::optional<PlayAnswer> play;  // asked only when the account is ready and no party comes
};
// form_party, then /v1/play for each member (in `plays`, one per member) when it formed.
struct PartyAnswer {
  ApiOutcome outcome;
  uint64_t party_id = 0;
  std::vector<PlayAnswer> plays;
};

struct ApiStep {
  enum class Kind : uint8_t {
    connect,         // go to `target` with `ticket`
    wait_for_party,  // the account is ready; the party forms once its members are
    retry_enter,     // start over from the account at `at_s` (paced like a first start)
    retry_play,      // ask /v1/play again at `at_s`
    give_up,         // stop for good; `reason` is the disconnect reason
  };
  Kind kind = Kind::give_up;
  WebSocketAddress target;
  std::string ticket;  // bytes for Hello.ticket
  double at_s = 0.0;
  std::string reason;     // "api:play: 409 zone_full"
  std::string api_error;  // the refusal to report ("play: 409 zone_full"); "" = none new
  uint64_t party_id = 0;  // the party the bot joined; 0 = none (yet)
};

// After /v1/play: connect with the grant; a transient refusal (5xx, no answer, 409 stale lease
// or zone_full) is retried as long as `replay` allows; anything else gives up.
ApiStep step_after_play(const PlayAnswer& answer, ReplayBackoff& replay, double now);

// After enter_account: a transient failure before `join_timeout_s` starts over a second later;
// then the party, or the /v1/play that came with it (which starts a round of `replay`).
ApiStep step_after_enter(const EnterAnswer& answer, ReplayBackoff& replay, double now,
                         const ApiFlowSettings& settings);

// After form_party, for member `member` (its index in the party): a party that did not form
// gives every member up; otherwise that member's /v1/play as in step_after_play.
ApiStep step_after_party(const PartyAnswer& answer, size_t member, ReplayBackoff& replay,
                         double now, const ApiFlowSettings& settings);

// After the tournament queue: matched (the arena's address, ticket and zone) or an error.
struct MatchStep {
  bool matched = false;
  WebSocketAddress arena;
  std::string ticket;
  std::string zone;
  std::string status;  // BotResult::tournament: "matched" or "error: <what went wrong>"
};
MatchStep step_after_queue(const PlayAnswer& answer);

// Where a bot stands as its party waits to form.
enum class PartyStanding : uint8_t {
  ready,    // has its character, waits for the party
  gone,     // finished: the party forms without it
  pending,  // anything else (still entering): the party waits for it
};
// Groups of `party_size` consecutive bots (the last may be shorter) whose members are all
// ready or gone, with at least one ready: the ready members' indices, a party to form each.
std::vector<std::vector<size_t>> parties_to_form(std::span<const PartyStanding> standing,
                                                 size_t party_size);

// Whether a bot that lost its zone after `kick` asks /v1/play again: not when another session
// took the character over on purpose or a moderator removed the player.
bool replays_after(protocol::KickReason kick);

// ---- running the calls ---------------------------------------------------------------------

enum class ApiCall : uint8_t { enter, party, play, queue };

// The swarm's side, called on its thread.
class ApiFlowEvents {
 public:
  virtual ~ApiFlowEvents() = default;
  // Seconds on the swarm's clock (steps are timed by it).
  virtual double now_s() const = 0;
  // Whether `bot` still waits for the answer to `call`; false drops the answer (the bot
  // stopped, or moved on, meanwhile).
  virtual bool awaits(size_t bot, ApiCall call) const = 0;
  // The next step after an enter, party or play call.
  virtual void on_step(size_t bot, ApiCall call, const ApiStep& step) = 0;
  // The tournament queue's outcome.
  virtual void on_match(size_t bot, const MatchStep& match) = 0;
};

class ApiFlow {
 public:
  // Runs a job on the swarm's thread; called from worker threads.
  using Post = std::function<void(std::function<void()>)>;

  ApiFlow(const HttpEndpoint& api, const ApiFlowSettings& settings, size_t bots, Post post,
          ApiFlowEvents& events);
  ~ApiFlow();  // finishes the calls in progress, drops queued ones; no events after it
  ApiFlow(const ApiFlow&) = delete;
  ApiFlow& operator=(const ApiFlow&) = delete;

  const ApiAccount& account(size_t bot) const { return bots_[bot].account; }

  // Account and character; then, without parties, /v1/play.
  void enter(size_t bot);
  // A party of these bots (all past enter), then /v1/play for each.
  void form_party(std::vector<size_t> members);
  // A round of /v1/play retries starts now (a lost zone, a reconnect).
  void start_replay(size_t bot, double now);
  // /v1/play for the character's saved zone.
  void play(size_t bot);
  // The tournament queue until matched or tournament_wait_s.
  void queue(size_t bot);

 private:
  struct BotApi {
    ApiAccount account;  // written on the swarm's thread only
    ReplayBackoff replay;
  };

  template <class Answer>
  void on_worker(std::function<Answer()> call, std::function<void(Answer&)> done);

  HttpEndpoint api_;
  ApiFlowSettings settings_;
  std::vector<BotApi> bots_;
  Post post_;
  ApiFlowEvents& events_;
  // Declared last: destroyed first, so no job outlives what it posts through.
  std::unique_ptr<ApiWorkers> workers_;
};

}  // namespace omega::bots
