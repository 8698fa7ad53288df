#include "bots/api_session.hpp"

#include <chrono>
#include <thread>

#include <nlohmann/json.hpp>

namespace omega::bots {

namespace {

using nlohmann::json;

json parse_or_null(const std::string& text) {
  return json::parse(text, nullptr, /*allow_exceptions=*/false);
}

ApiOutcome outcome_of(const HttpResponse& response, std::initializer_list<int> ok_statuses) {
  ApiOutcome outcome;
  outcome.status = response.status;
  for (int ok : ok_statuses)
    if (response.status == ok) outcome.ok = true;
  if (outcome.ok) return outcome;
  if (response.status == 0) {
    outcome.code = response.error;
    return outcome;
  }
  const json body = parse_or_null(response.body);
  if (body.is_object() && body.contains("error") && body["error"].is_object())
    outcome.code = body["error"].value("code", "");
  if (outcome.code.empty()) outcome.code = "http_" + std::to_string(response.status);
  return outcome;
}

ApiOutcome login(const HttpEndpoint& api, ApiAccount& account) {
  const json request = {{"username", account.username}, {"password", kBotPassword}};
  const HttpResponse response = http_post(api, "/v1/auth/login", request.dump());
  ApiOutcome outcome = outcome_of(response, {200});
  if (!outcome.ok) return outcome;
  const json body = parse_or_null(response.body);
  if (!body.is_object() || !body.contains("access_token")) return {false, 200, "bad_login_body"};
  account.access_token = body["access_token"].get<std::string>();
  return outcome;
}

// Copies the id out of a character (or party) object.
uint64_t id_of(const json& object) {
  return object.is_object() && object.contains("id") && object["id"].is_number_integer()
             ? object["id"].get<uint64_t>()
             : 0;
}

// Bytes from the API's hex ticket; the text itself when it is not hex (kept opaque).
std::string ticket_bytes(const std::string& hex) {
  if (hex.size() % 2 != 0) return hex;
  std::string bytes;
  bytes.reserve(hex.size() / 2);
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int hi = nibble(hex[i]), lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return hex;
    bytes.push_back(static_cast<char>(hi * 16 + lo));
  }
  return bytes;
}

// The ws_url, ticket, zone, instance and epoch of a /v1/play grant or a matched queue status.
bool grant_of(const json& body, PlayGrant& grant) {
  if (!body.is_object() || !body.contains("ws_url") || !body.contains("ticket") ||
      !body["ws_url"].is_string() || !body["ticket"].is_string())
    return false;
  grant.ws_url = body["ws_url"].get<std::string>();
  grant.ticket = ticket_bytes(body["ticket"].get<std::string>());
  grant.zone = body.value("zone", "");
  grant.instance = body.value("instance", 0u);
  grant.lease_epoch = body.value("lease_epoch", uint64_t{0});
  return true;
}

}  // namespace

ApiOutcome enter_account(const HttpEndpoint& api, ApiAccount& account) {
  const json credentials = {{"username", account.username}, {"password", kBotPassword}};
  const HttpResponse registered = http_post(api, "/v1/auth/register", credentials.dump());
  ApiOutcome outcome = outcome_of(registered, {201, 409});  // 409: it exists from an earlier run
  if (!outcome.ok) return outcome;
  if (registered.status == 201) {
    const json body = parse_or_null(registered.body);
    if (body.is_object() && body.contains("account")) account.account_id = id_of(body["account"]);
  }
  if (outcome = login(api, account); !outcome.ok) return outcome;

  const HttpResponse listed = http_get(api, "/v1/characters", account.access_token);
  if (outcome = outcome_of(listed, {200}); !outcome.ok) return outcome;
  const json characters = parse_or_null(listed.body);
  if (characters.is_object() && characters.contains("characters") &&
      characters["characters"].is_array() && !characters["characters"].empty()) {
    account.character_id = id_of(characters["characters"][0]);
    account.character_name = characters["characters"][0].value("name", account.character_name);
    return outcome;
  }
  const json create = {{"name", account.character_name}, {"class", account.character_class}};
  const HttpResponse created =
      http_post(api, "/v1/characters", create.dump(), account.access_token);
  if (outcome = outcome_of(created, {201}); !outcome.ok) return outcome;
  const json body = parse_or_null(created.body);
  account.character_id = body.is_object() ? id_of(body.value("character", json())) : 0;
  if (account.character_id == 0) return {false, 201, "bad_character_body"};
  return outcome;
}

ApiOutcome form_party(const HttpEndpoint& api, const std::vector<ApiAccount*>& members,
                      uint64_t& party_id) {
  if (members.empty()) return {false, 0, "empty party"};
  ApiAccount& leader = *members[0];
  const HttpResponse created = http_post(
      api, "/v1/parties", json{{"character_id", leader.character_id}}.dump(), leader.access_token);
  ApiOutcome outcome = outcome_of(created, {200, 201});
  if (!outcome.ok) return outcome;
  party_id = id_of(parse_or_null(created.body));
  if (party_id == 0) return {false, created.status, "bad_party_body"};
  const std::string base = "/v1/parties/" + std::to_string(party_id);
  for (size_t i = 1; i < members.size(); ++i) {
    const json invite = {{"character_id", leader.character_id},
                         {"invitee", members[i]->character_id}};
    outcome = outcome_of(http_post(api, base + "/invite", invite.dump(), leader.access_token),
                         {200, 201, 204});
    if (!outcome.ok) return outcome;
    const json join = {{"character_id", members[i]->character_id}};
    outcome = outcome_of(http_post(api, base + "/join", join.dump(), members[i]->access_token),
                         {200, 201, 204});
    if (!outcome.ok) return outcome;
  }
  return outcome;
}

ApiOutcome play(const HttpEndpoint& api, ApiAccount& account, const std::string& zone,
                PlayGrant& grant) {
  json request = {{"character_id", account.character_id}};
  if (!zone.empty()) request["zone"] = zone;
  HttpResponse response = http_post(api, "/v1/play", request.dump(), account.access_token);
  if (response.status == 401) {  // the access token expired (15 min): log in again
    if (ApiOutcome relogin = login(api, account); !relogin.ok) return relogin;
    response = http_post(api, "/v1/play", request.dump(), account.access_token);
  }
  ApiOutcome outcome = outcome_of(response, {200});
  if (!outcome.ok) return outcome;
  if (!grant_of(parse_or_null(response.body), grant)) return {false, 200, "bad_play_body"};
  return outcome;
}

ApiOutcome queue_for_match(const HttpEndpoint& api, ApiAccount& account,
                           const std::string& tournament, double timeout_s, double poll_s,
                           PlayGrant& grant) {
  const std::string target = "/v1/tournaments/" + tournament + "/queue";
  const json request = {{"character_id", account.character_id}};
  HttpResponse response = http_post(api, target, request.dump(), account.access_token);
  if (response.status == 401) {  // the access token expired (15 min): log in again
    if (ApiOutcome relogin = login(api, account); !relogin.ok) return relogin;
    response = http_post(api, target, request.dump(), account.access_token);
  }
  ApiOutcome outcome = outcome_of(response, {200, 201});
  if (!outcome.ok) return outcome;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  const std::string status_target =
      target + "?character_id=" + std::to_string(account.character_id);
  for (;;) {
    const json body = parse_or_null(response.body);
    if (body.is_object() && body.value("status", "") == "matched") {
      if (!grant_of(body, grant)) return {false, 200, "bad_match_body"};
      return outcome;
    }
    if (std::chrono::steady_clock::now() >= deadline)
      return {false, response.status, "not_matched"};
    std::this_thread::sleep_for(std::chrono::duration<double>(poll_s));
    response = http_get(api, status_target, account.access_token);
    if (response.status == 401) {
      if (ApiOutcome relogin = login(api, account); !relogin.ok) return relogin;
      response = http_get(api, status_target, account.access_token);
    }
    outcome = outcome_of(response, {200});
    if (!outcome.ok) return outcome;
  }
}

ApiWorkers::ApiWorkers(size_t threads) {
  for (size_t i = 0; i < std::max<size_t>(threads, 1); ++i)
    threads_.emplace_back([this] { run(); });
}

ApiWorkers::~ApiWorkers() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    jobs_.clear();
  }
  wake_.notify_all();
  for (std::thread& thread : threads_) thread.join();
}

void ApiWorkers::submit(std::function<void()> job) {
  {
    std::lock_guard lock(mutex_);
    jobs_.push_back(std::move(job));
  }
  wake_.notify_one();
}

void ApiWorkers::run() {
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (stopping_) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    job();
  }
}

}  // namespace omega::bots
