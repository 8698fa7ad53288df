// What a bot does through omega-api before it can enter a zone: register (or reuse) an
// account, log in, create (or reuse) a character, form parties, and ask POST /v1/play for a
// ticket. Blocking calls (bots/http_client.hpp); ApiFlow (bots/api_flow.hpp) runs them on
// ApiWorkers threads so the swarm's network thread never waits for password hashing.
//
// Thread safety: the functions touch only their arguments; ApiWorkers::submit from any thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bots/http_client.hpp"

namespace omega::bots {

// DEV ONLY: every bot account shares this password; bot accounts are throwaway test players.
inline constexpr const char* kBotPassword = "omega-bots-dev-password";

// One bot's account and character, filled in as the calls succeed.
struct ApiAccount {
  std::string username;        // `<prefix>_<index>`
  std::string character_name;  // `<prefix>c<index>` (names are letters then letters/digits)
  std::string character_class = "warrior";
  std::string access_token;
  uint64_t account_id = 0;
  uint64_t character_id = 0;
};

// An outcome of one step: ok, or the HTTP status and the API's error code ("zone_full").
struct ApiOutcome {
  bool ok = false;
  int status = 0;    // 0 = no answer (transport error)
  std::string code;  // error.code of the body, or the transport error text
  // 5xx, no answer, or a 409 while the world is still settling: worth retrying later.
  bool retryable() const { return status == 0 || status >= 500; }
};

// Registers `account.username` (an existing account is fine: the bots log in again after a
// restart of everything), logs in, and takes the account's first character or creates one.
ApiOutcome enter_account(const HttpEndpoint& api, ApiAccount& account);

// `members[0]` creates a party, invites the others, and they join. Returns the party id in
// `party_id`.
ApiOutcome form_party(const HttpEndpoint& api, const std::vector<ApiAccount*>& members,
                      uint64_t& party_id);

// The answer of POST /v1/play (and of the zone's Transfer, which carries the same things).
struct PlayGrant {
  std::string ws_url;
  std::string ticket;  // bytes for Hello.ticket (the API sends hex)
  std::string zone;
  uint32_t instance = 0;
  uint64_t lease_epoch = 0;
};

// POST /v1/play for the account's character (`zone` empty = the character's saved zone).
// An expired access token is renewed by logging in again.
ApiOutcome play(const HttpEndpoint& api, ApiAccount& account, const std::string& zone,
                PlayGrant& grant);

// Tournaments: POST /v1/tournaments/{tournament}/queue for the account's character, then
// GET it every `poll_s` until the status is "matched" (`grant` = the arena's ws_url, ticket,
// zone and instance) or `timeout_s` passed (ok = false, code "not_matched").
ApiOutcome queue_for_match(const HttpEndpoint& api, ApiAccount& account,
                           const std::string& tournament, double timeout_s, double poll_s,
                           PlayGrant& grant);

// A few threads that run blocking API calls; the swarm posts results back to its own thread.
class ApiWorkers {
 public:
  explicit ApiWorkers(size_t threads);
  ~ApiWorkers();  // finishes the job in progress on each thread, drops queued ones
  ApiWorkers(const ApiWorkers&) = delete;
  ApiWorkers& operator=(const ApiWorkers&) = delete;

  void submit(std::function<void()> job);

 private:
  void run();
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::deque<std::function<void()>> jobs_;  // guarded by mutex_
  std::vector<std::thread> threads_;
};

}  // namespace omega::bots
