#include "api/login_throttle.hpp"

#include <spdlog/spdlog.h>

#include "api/errors.hpp"

namespace omega::api {

namespace {

// Redis's clock in milliseconds: one clock for every replica.
constexpr const char* kNow = R"lua(
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local function text(number) return string.format('%.0f', number) end
)lua";

// KEYS[1]: the (account, client) hash {failures, until}; KEYS[2]: the client's GCRA
// theoretical arrival time (ms). ARGV: free failures, delay base ms, delay cap ms, memory ms,
// client interval ms, client tolerance ms. Returns {wait ms, until before, until set}: a
// positive wait refuses the attempt and changes nothing.
constexpr const char* kBegin = R"lua(
local free, base, cap = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local interval, tolerance = tonumber(ARGV[5]), tonumber(ARGV[6])
local until_before = redis.call('HGET', KEYS[1], 'until') or ''
local tat = math.max(tonumber(redis.call('GET', KEYS[2]) or '0'), now)
local wait = math.max((tonumber(until_before) or 0) - now, tat - now - tolerance)
if wait > 0 then return {wait, '', ''} end
local failures = redis.call('HINCRBY', KEYS[1], 'failures', 1)
local until_set = ''
if failures >= free then
  until_set = text(now + math.min(cap, base * 2 ^ (failures - free)))
  redis.call('HSET', KEYS[1], 'until', until_set)
end
redis.call('PEXPIRE', KEYS[1], ARGV[4])
tat = tat + interval
redis.call('SET', KEYS[2], text(tat), 'PX', text(tat - now))
return {0, until_before, until_set}
)lua";

// Gives one share back to the client budget KEYS[budget] (ARGV[1]: its interval ms).
constexpr const char* kRefundClient = R"lua(
local tat = tonumber(redis.call('GET', KEYS[budget]) or '0') - tonumber(ARGV[1])
if tat > now then
  redis.call('SET', KEYS[budget], text(tat), 'PX', text(tat - now))
else
  redis.call('DEL', KEYS[budget])
end
)lua";

// Which key of the script is the client budget: the login's second, the registration's only.
constexpr const char* kLoginBudget = "local budget = 2\n";
constexpr const char* kRegistrationBudget = "local budget = 1\n";

// GCRA admission on KEYS[1] (ARGV: interval ms, tolerance ms): the wait in ms, or 0 having
// taken one share.
constexpr const char* kAdmit = R"lua(
local interval, tolerance = tonumber(ARGV[1]), tonumber(ARGV[2])
local tat = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), now)
local wait = tat - now - tolerance
if wait > 0 then return wait end
tat = tat + interval
redis.call('SET', KEYS[1], text(tat), 'PX', text(tat - now))
return 0
)lua";

constexpr const char* kSucceeded = R"lua(
redis.call('DEL', KEYS[1])
return 0
)lua";

// ARGV[2], ARGV[3]: the pair's wait before the attempt and the one it set.
constexpr const char* kAbandoned = R"lua(
if tonumber(redis.call('HGET', KEYS[1], 'failures') or '0') > 0 then
  redis.call('HINCRBY', KEYS[1], 'failures', -1)
end
if ARGV[3] ~= '' and redis.call('HGET', KEYS[1], 'until') == ARGV[3] then
  if ARGV[2] == '' then redis.call('HDEL', KEYS[1], 'until') else redis.call('HSET', KEYS[1], 'until', ARGV[2]) end
end
return 0
)lua";

std::string milliseconds(std::chrono::seconds seconds) {
  return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(seconds).count());
}

// A GCRA budget of `burst` refilled at `per_hour`: the share one event takes (0: unlimited)
// and how far ahead of now the budget may be spent.
long long gcra_interval_ms(int per_hour) {
  return per_hour > 0 ? 3'600'000LL / per_hour : 0;
}
long long gcra_tolerance_ms(long long interval_ms, int burst) {
  return interval_ms * (std::max(burst, 1) - 1);
}

// A wait in milliseconds as the whole seconds a Retry-After gives (at least 1).
std::chrono::seconds whole_seconds(long long wait_ms) {
  return std::chrono::seconds(std::max<long long>(1, (wait_ms + 999) / 1000));
}

}  // namespace

LoginThrottle::LoginThrottle(RedisPool& redis, std::string key_prefix, LoginThrottlePolicy policy)
    : redis_(redis),
      key_prefix_(std::move(key_prefix)),
      policy_(policy),
      client_interval_ms_(gcra_interval_ms(policy.client_failures_per_hour)),
      client_tolerance_ms_(gcra_tolerance_ms(client_interval_ms_, policy.client_burst)) {}

LoginThrottle::Attempt LoginThrottle::begin(const std::string& account, const std::string& client) {
  Attempt attempt;
  // '|' cannot occur in a client key (an address), so no two pairs share a key. The braces
  // are a Redis Cluster hash tag: the script's two keys live in one slot.
  attempt.account_key = key_prefix_ + "pair:{" + client + "}|" + account;
  attempt.client_key = key_prefix_ + "client:{" + client + "}";
  const auto reply = redis_.command(
      {"EVAL", std::string(kNow) + kBegin, "2", attempt.account_key, attempt.client_key,
       std::to_string(policy_.free_failures), milliseconds(policy_.delay_base),
       milliseconds(policy_.delay_cap), milliseconds(policy_.failure_memory),
       std::to_string(client_interval_ms_), std::to_string(client_tolerance_ms_)});
  if (reply.type != RedisValue::Type::array || reply.elements.size() != 3)
    throw ServiceUnavailable("login throttle script failed: " + reply.text);
  const auto wait_ms = reply.elements[0].integer;
  if (wait_ms > 0) {
    attempt.retry_after = whole_seconds(wait_ms);
    return attempt;
  }
  attempt.admitted = true;
  attempt.blocked_until_before = reply.elements[1].text;
  attempt.blocked_until_set = reply.elements[2].text;
  return attempt;
}

void LoginThrottle::succeeded(const Attempt& attempt) noexcept {
  if (!attempt.admitted) return;
  try {
    redis_.command({"EVAL", std::string(kNow) + kLoginBudget + kRefundClient + kSucceeded, "2",
                    attempt.account_key, attempt.client_key, std::to_string(client_interval_ms_)});
  } catch (const std::exception& error) {
    spdlog::warn("login throttle: could not clear the count after a good password: {}",
                 error.what());
  }
}

void LoginThrottle::abandoned(const Attempt& attempt) noexcept {
  if (!attempt.admitted) return;
  try {
    redis_.command({"EVAL", std::string(kNow) + kLoginBudget + kRefundClient + kAbandoned, "2",
                    attempt.account_key, attempt.client_key, std::to_string(client_interval_ms_),
                    attempt.blocked_until_before, attempt.blocked_until_set});
  } catch (const std::exception& error) {
    spdlog::warn("login throttle: could not refund an undecided attempt: {}", error.what());
  }
}

RegistrationThrottle::RegistrationThrottle(RedisPool& redis, std::string key_prefix, int burst,
                                           int per_hour)
    : redis_(redis),
      key_prefix_(std::move(key_prefix)),
      interval_ms_(gcra_interval_ms(per_hour)),
      tolerance_ms_(gcra_tolerance_ms(interval_ms_, burst)) {}

std::string RegistrationThrottle::key(const std::string& client) const {
  return key_prefix_ + "client:{" + client + "}";
}

std::chrono::seconds RegistrationThrottle::admit(const std::string& client) {
  if (interval_ms_ == 0) return std::chrono::seconds(0);
  const auto reply = redis_.command({"EVAL", std::string(kNow) + kAdmit, "1", key(client),
                                     std::to_string(interval_ms_), std::to_string(tolerance_ms_)});
  if (reply.type != RedisValue::Type::integer)
    throw ServiceUnavailable("registration throttle script failed: " + reply.text);
  return reply.integer > 0 ? whole_seconds(reply.integer) : std::chrono::seconds(0);
}

void RegistrationThrottle::refund(const std::string& client) noexcept {
  if (interval_ms_ == 0) return;
  try {
    redis_.command({"EVAL", std::string(kNow) + kRegistrationBudget + kRefundClient + "return 0",
                    "1", key(client), std::to_string(interval_ms_)});
  } catch (const std::exception& error) {
    spdlog::warn("registration throttle: could not refund a registration that failed: {}",
                 error.what());
  }
}

}  // namespace omega::api
