#include "bots/api_flow.hpp"

#include <algorithm>
#include <utility>

namespace omega::bots {

ApiAccount bot_account(const ApiFlowSettings& settings, size_t index) {
  ApiAccount account;
  account.username = settings.account_prefix + "_" + std::to_string(index);
  account.character_name = settings.account_prefix + "c" + std::to_string(index);
  if (!settings.character_classes.empty())
    account.character_class = settings.character_classes[index % settings.character_classes.size()];
  return account;
}

std::string describe(const ApiOutcome& outcome) {
  return std::to_string(outcome.status) + " " + outcome.code;
}

namespace {

ApiStep give_up(std::string api_error) {
  ApiStep step;
  step.kind = ApiStep::Kind::give_up;
  step.reason = "api:" + api_error;
  step.api_error = std::move(api_error);
  return step;
}

}  // namespace

ApiStep step_after_play(const PlayAnswer& answer, ReplayBackoff& replay, double now) {
  const ApiOutcome& outcome = answer.outcome;
  ApiStep step;
  if (outcome.ok) {
    const auto address = parse_ws_url(answer.grant.ws_url);
    if (!address) {  // reported as the disconnect only: the API did answer
      step.kind = ApiStep::Kind::give_up;
      step.reason = "api:play: bad ws_url " + answer.grant.ws_url;
      return step;
    }
    step.kind = ApiStep::Kind::connect;
    step.target = *address;
    step.ticket = answer.grant.ticket;
    return step;
  }
  // 409 stale lease / zone_full and 503 no_capacity all pass once the world settles (a dead
  // instance leaves the registry, a restarted zone registers); 4xx other than 409 never do.
  const bool transient = outcome.retryable() || outcome.status == 409;
  const std::optional<double> retry_at = transient ? replay.retry_at(now) : std::nullopt;
  if (!retry_at) return give_up("play: " + describe(outcome));
  step.kind = ApiStep::Kind::retry_play;
  step.at_s = *retry_at;
  step.api_error = "play: " + describe(outcome);
  return step;
}

ApiStep step_after_enter(const EnterAnswer& answer, ReplayBackoff& replay, double now,
                         const ApiFlowSettings& settings) {
  if (!answer.outcome.ok) {
    ApiStep step = give_up("enter: " + describe(answer.outcome));
    if (answer.outcome.retryable() && now < settings.join_timeout_s) {
      step.kind = ApiStep::Kind::retry_enter;
      step.at_s = now + kEnterRetrySeconds;
      step.reason.clear();
    }
    return step;
  }
  if (!answer.play) {
    ApiStep step;
    step.kind = ApiStep::Kind::wait_for_party;
    return step;
  }
  replay.start(now, settings.replay_timeout_s);
  return step_after_play(*answer.play, replay, now);
}

ApiStep step_after_party(const PartyAnswer& answer, size_t member, ReplayBackoff& replay,
                         double now, const ApiFlowSettings& settings) {
  if (!answer.outcome.ok || member >= answer.plays.size())
    return give_up("party: " + describe(answer.outcome));
  replay.start(now, settings.replay_timeout_s);
  ApiStep step = step_after_play(answer.plays[member], replay, now);
  step.party_id = answer.party_id;
  return step;
}

MatchStep step_after_queue(const PlayAnswer& answer) {
  MatchStep match;
  if (!answer.outcome.ok) {
    match.status = "error: " + describe(answer.outcome);
    return match;
  }
  const auto address = parse_ws_url(answer.grant.ws_url);
  if (!address) {
    match.status = "error: bad ws_url " + answer.grant.ws_url;
    return match;
  }
  match.matched = true;
  match.arena = *address;
  match.ticket = answer.grant.ticket;
  match.zone = answer.grant.zone;
  match.status = "matched";
  return match;
}

std::vector<std::vector<size_t>> parties_to_form(std::span<const PartyStanding> standing,
                                                 size_t party_size) {
  std::vector<std::vector<size_t>> parties;
  if (party_size < 2) return parties;
  for (size_t first = 0; first < standing.size(); first += party_size) {
    const size_t end = std::min(standing.size(), first + party_size);
    std::vector<size_t> members;
    bool ready = true;
    for (size_t i = first; i < end && ready; ++i) {
      if (standing[i] == PartyStanding::ready)
        members.push_back(i);
      else if (standing[i] == PartyStanding::pending)
        ready = false;
    }
    if (ready && !members.empty()) parties.push_back(std::move(members));
  }
  return parties;
}

bool replays_after(protocol::KickReason kick) {
  return kick != protocol::KickReason::session_replaced && kick != protocol::KickReason::banned &&
         kick != protocol::KickReason::kicked;
}

// ---- ApiFlow -------------------------------------------------------------------------------

ApiFlow::ApiFlow(const HttpEndpoint& api, const ApiFlowSettings& settings, size_t bots, Post post,
                 ApiFlowEvents& events)
    : api_(api),
      settings_(settings),
      post_(std::move(post)),
      events_(events),
      workers_(std::make_unique<ApiWorkers>(settings.threads)) {
  bots_.resize(bots);
  for (size_t i = 0; i < bots; ++i) bots_[i].account = bot_account(settings_, i);
}

ApiFlow::~ApiFlow() = default;

// Runs `call` (blocking HTTP) on a worker thread and `done` with its answer through post_.
template <class Answer>
void ApiFlow::on_worker(std::function<Answer()> call, std::function<void(Answer&)> done) {
  workers_->submit([this, call = std::move(call), done = std::move(done)]() mutable {
    auto answer = std::make_shared<Answer>(call());
    post_([done = std::move(done), answer] { done(*answer); });
  });
}

namespace {
template <class Answer>
struct WithAccount {
  Answer answer;
  ApiAccount account;  // as the calls left it (ids, a renewed access token)
};
}  // namespace

void ApiFlow::enter(size_t bot) {
  const bool play_now = settings_.party_size <= 1;
  on_worker<WithAccount<EnterAnswer>>(
      [api = api_, account = bots_[bot].account, play_now, zone = settings_.play_zone]() mutable {
        WithAccount<EnterAnswer> r;
        r.answer.outcome = enter_account(api, account);
        if (r.answer.outcome.ok && play_now) {
          PlayAnswer& played = r.answer.play.emplace();
          played.outcome = bots::play(api, account, zone, played.grant);
        }
        r.account = std::move(account);
        return r;
      },
      [this, bot](WithAccount<EnterAnswer>& r) {
        if (!events_.awaits(bot, ApiCall::enter)) return;
        const double now = events_.now_s();
        bots_[bot].account = r.account;
        events_.on_step(bot, ApiCall::enter,
                        step_after_enter(r.answer, bots_[bot].replay, now, settings_));
      });
}

void ApiFlow::form_party(std::vector<size_t> members) {
  std::vector<ApiAccount> accounts;
  for (size_t bot : members) accounts.push_back(bots_[bot].account);
  struct Formed {
    PartyAnswer answer;
    std::vector<ApiAccount> accounts;
  };
  on_worker<Formed>(
      [api = api_, accounts = std::move(accounts), zone = settings_.play_zone]() mutable {
        Formed r;
        std::vector<ApiAccount*> pointers;
        for (ApiAccount& account : accounts) pointers.push_back(&account);
        r.answer.outcome = bots::form_party(api, pointers, r.answer.party_id);
        r.answer.plays.resize(accounts.size());
        if (r.answer.outcome.ok)
          for (size_t i = 0; i < accounts.size(); ++i)
            r.answer.plays[i].outcome = bots::play(api, accounts[i], zone, r.answer.plays[i].grant);
        r.accounts = std::move(accounts);
        return r;
      },
      [this, members = std::move(members)](Formed& r) {
        const double now = events_.now_s();
        for (size_t i = 0; i < members.size(); ++i) {
          const size_t bot = members[i];
          if (!events_.awaits(bot, ApiCall::party)) continue;
          bots_[bot].account = r.accounts[i];
          events_.on_step(bot, ApiCall::party,
                          step_after_party(r.answer, i, bots_[bot].replay, now, settings_));
        }
      });
}

void ApiFlow::start_replay(size_t bot, double now) {
  bots_[bot].replay.start(now, settings_.replay_timeout_s);
}

void ApiFlow::play(size_t bot) {
  on_worker<WithAccount<PlayAnswer>>(
      [api = api_, account = bots_[bot].account]() mutable {
        WithAccount<PlayAnswer> r;
        r.answer.outcome = bots::play(api, account, "", r.answer.grant);
        r.account = std::move(account);
        return r;
      },
      [this, bot](WithAccount<PlayAnswer>& r) {
        if (!events_.awaits(bot, ApiCall::play)) return;
        bots_[bot].account = r.account;
        events_.on_step(bot, ApiCall::play,
                        step_after_play(r.answer, bots_[bot].replay, events_.now_s()));
      });
}

void ApiFlow::queue(size_t bot) {
  on_worker<WithAccount<PlayAnswer>>(
      [api = api_, account = bots_[bot].account, tournament = settings_.tournament,
       wait = settings_.tournament_wait_s]() mutable {
        WithAccount<PlayAnswer> r;
        r.answer.outcome = queue_for_match(api, account, tournament, wait, 0.25, r.answer.grant);
        r.account = std::move(account);
        return r;
      },
      [this, bot](WithAccount<PlayAnswer>& r) {
        if (!events_.awaits(bot, ApiCall::queue)) return;
        bots_[bot].account = r.account;
        events_.on_match(bot, step_after_queue(r.answer));
      });
}

}  // namespace omega::bots
