#include "api/leaderboard_service.hpp"

#include <sodium.h>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "api/errors.hpp"
#include "api/request_body.hpp"

namespace omega::api {

namespace {

// A zone server batches a tick's worth of results; larger batches should be split.
constexpr std::size_t kMaxEntriesPerSubmission = 500;
// Redis stores scores as doubles: integers beyond 2^53 would lose precision.
constexpr std::int64_t kMaxScore = (std::int64_t{1} << 53) - 1;
// ZADD arguments per command during a rebuild: bounded so one command stays small.
constexpr std::size_t kRebuildChunk = 500;
// Even a correct cache is rebuilt now and then, bounding the effect of a missed update.
constexpr int kReadyTtlSeconds = 3600;
// Weekly boards stay readable for a week after their week ends.
constexpr int kWeeklyKeyTtlSeconds = 14 * 24 * 3600;
constexpr std::size_t kPageCacheEntries = 10'000;
constexpr int kDefaultLimit = 10;

constexpr const char* kReachedMicros = "(extract(epoch from s.reached_at) * 1000000)::bigint";

std::string random_suffix() {
  unsigned char bytes[8];
  randombytes_buf(bytes, sizeof bytes);
  char hex[sizeof bytes * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, bytes, sizeof bytes);
  return hex;
}

std::int64_t score_of(const RedisValue& value) {
  return static_cast<std::int64_t>(std::stod(value.text));
}

const char* aggregate_sql(ScoreAggregate aggregate) {
  switch (aggregate) {
    case ScoreAggregate::max:
      return "GREATEST(s.score, EXCLUDED.score)";
    case ScoreAggregate::sum:
      return "s.score + EXCLUDED.score";
    case ScoreAggregate::latest:
      return "EXCLUDED.score";
  }
  return "EXCLUDED.score";
}

}  // namespace

LeaderboardService::LeaderboardService(ServiceContext context, AuthService& auth)
    : context_(context),
      auth_(auth),
      pages_(std::chrono::milliseconds(context.config.leaderboard_cache_ms), kPageCacheEntries) {}

void LeaderboardService::register_routes(Router& router) {
  router.add(
      Method::get, "/v1/leaderboards", [this](const HttpRequest& r) { return list_boards(r); },
      [this](const HttpRequest& r) { return std::optional<HttpResponse>(list_boards(r)); },
      Access::anonymous);
  // Public; around=me authenticates in the handler.
  router.add(
      Method::get, "/v1/leaderboards/{board}", [this](const HttpRequest& r) { return read(r); },
      [this](const HttpRequest& r) { return read_cached(r); }, Access::anonymous);
  router.add(
      Method::post, "/internal/v1/leaderboards/{board}",
      [this](const HttpRequest& r) { return submit(r); }, {}, Access::service);
}

HttpResponse LeaderboardService::list_boards(const HttpRequest&) const {
  const auto document = nlohmann::json::parse(context_.content.document());
  return json_response(200, {{"boards", document.at("leaderboards")}});
}

LeaderboardService::Page LeaderboardService::resolve(const HttpRequest& request) const {
  const auto board_id = request.path_params.at("board");
  const auto* board = context_.content.find_board(board_id);
  if (!board) throw ApiError(404, "not_found", "no such leaderboard");
  const auto period = request.query_param("period").value_or("all");
  if (period == "all") return {board, "all", true};
  if (!board->weekly) throw ApiError(400, "invalid_period", "this board has no weekly period");
  const auto now = std::chrono::system_clock::now();
  const auto this_week = iso_week(now);
  if (period == "weekly") return {board, this_week, true};
  if (!is_iso_week(period))
    throw ApiError(400, "invalid_period",
                   "period must be all, weekly or an ISO week like 2025-W07");
  // Only this week and the last one live in Redis: any other week is read from PostgreSQL
  // and leaves no key behind, so asking for many weeks cannot grow the cache.
  return {board, period, period == this_week || period == iso_week(now - std::chrono::days(7))};
}

int LeaderboardService::limit_of(const HttpRequest& request) const {
  const auto text = request.query_param("limit");
  if (!text) return kDefaultLimit;
  const auto limit = parse_id(*text);
  if (!limit || *limit > context_.config.leaderboard_max_limit)
    throw ApiError(400, "invalid_limit",
                   "limit must be 1-" + std::to_string(context_.config.leaderboard_max_limit));
  return static_cast<int>(*limit);
}

std::string LeaderboardService::page_cache_key(const Page& page, int limit) const {
  return page.board->id + '\n' + page.period + '\n' + std::to_string(limit);
}

std::optional<HttpResponse> LeaderboardService::read_cached(const HttpRequest& request) const {
  if (request.query_param("around")) return std::nullopt;
  const auto page = resolve(request);
  const auto body = pages_.get(page_cache_key(page, limit_of(request)));
  if (!body) return std::nullopt;
  HttpResponse response;
  response.body = **body;
  return response;
}

HttpResponse LeaderboardService::read(const HttpRequest& request) {
  if (const auto around = request.query_param("around")) return around_me(request, *around);
  const auto page = resolve(request);
  const int limit = limit_of(request);
  const auto entries = ranked(page, 0, limit);
  auto body = std::make_shared<const std::string>(page_json(page, entries, 1).dump());
  pages_.put(page_cache_key(page, limit), body);
  HttpResponse response;
  response.body = *body;
  return response;
}

HttpResponse LeaderboardService::around_me(const HttpRequest& request, const std::string& around) {
  const auto account_id = auth_.authenticate(request);
  if (around != "me") throw ApiError(400, "invalid_around", "around must be me");
  const auto page = resolve(request);
  const int limit = limit_of(request);
  std::optional<std::int64_t> character_id;
  if (const auto text = request.query_param("character")) {
    character_id = parse_id(*text);
    if (!character_id) throw ApiError(400, "invalid_character", "character must be an id");
  }
  const auto mine =
      context_.database.run([&](pqxx::connection& connection) -> std::optional<Entry> {
        pqxx::read_transaction read(connection);
        const auto rows = read.exec_params(
            std::string("SELECT s.character_id, c.name, s.score, ") + kReachedMicros +
                " FROM leaderboard_scores s JOIN characters c ON c.id = s.character_id "
                "WHERE s.board = $1 AND s.period = $2 AND c.account_id = $3 AND ($4::bigint IS "
                "NULL OR c.id = $4) "
                "ORDER BY s.score DESC, s.reached_at, s.character_id LIMIT 1",
            page.board->id, page.period, account_id, character_id);
        if (rows.empty()) return std::nullopt;
        return Entry{{rows[0][3].as<std::int64_t>(), rows[0][0].as<std::int64_t>(),
                      rows[0][1].as<std::string>()},
                     rows[0][2].as<std::int64_t>()};
      });
  if (!mine) throw ApiError(404, "not_ranked", "none of your characters is on this board");
  const auto rank = rank_of(page, *mine);
  const long long start = std::max(0LL, rank - limit / 2);
  auto body = page_json(page, ranked(page, start, limit), start + 1);
  body["me"] = {
      {"rank", rank + 1}, {"character_id", mine->member.character_id}, {"score", mine->score}};
  return json_response(200, body);
}

std::vector<LeaderboardService::Entry> LeaderboardService::ranked(const Page& page, long long start,
                                                                  int count) {
  if (page.in_redis) {
    try {
      ensure_cached(page);
      return range_from_cache(page, start, start + count - 1);
    } catch (const ServiceUnavailable& error) {
      spdlog::warn("leaderboard {} {} read from PostgreSQL: {}", page.board->id, page.period,
                   error.what());
    }
  }
  return load_from_database(page, start, count);
}

long long LeaderboardService::rank_of(const Page& page, const Entry& entry) {
  if (page.in_redis) {
    try {
      const auto member = encode_member(entry.member);
      for (int attempt = 0; attempt < 2; ++attempt) {
        ensure_cached(page);
        const auto reply = context_.redis.command({"ZREVRANK", zset_key(page), member});
        if (reply.type == RedisValue::Type::integer) return reply.integer;
        context_.redis.command({"DEL", zset_key(page) + ":ready"});  // the cache missed an update
      }
      spdlog::warn("leaderboard {} {}: cache lacks character {}", page.board->id, page.period,
                   entry.member.character_id);
    } catch (const ServiceUnavailable& error) {
      spdlog::warn("leaderboard {} {} ranked in PostgreSQL: {}", page.board->id, page.period,
                   error.what());
    }
  }
  return context_.database.run([&](pqxx::connection& connection) {
    pqxx::read_transaction read(connection);
    // Rows ahead in ORDER BY score DESC, reached_at, character_id.
    return read
        .exec_params(
            "SELECT count(*) FROM leaderboard_scores s JOIN leaderboard_scores m "
            "ON m.board = s.board AND m.period = s.period AND m.character_id = $3 "
            "WHERE s.board = $1 AND s.period = $2 AND (s.score > m.score OR (s.score = m.score AND "
            "(s.reached_at, s.character_id) < (m.reached_at, m.character_id)))",
            page.board->id, page.period, entry.member.character_id)[0][0]
        .as<long long>();
  });
}

std::string LeaderboardService::zset_key(const Page& page) const {
  return context_.redis_key("lb:" + page.board->id + ":" + page.period);
}

void LeaderboardService::ensure_cached(const Page& page) {
  const auto key = zset_key(page);
  const auto replies = context_.redis.pipeline({{"EXISTS", key + ":ready"}, {"GET", key + ":gen"}});
  if (replies[0].integer == 1) return;
  rebuild(page, replies[1].text);
}

void LeaderboardService::rebuild(const Page& page, const std::string& generation_before) {
  const auto entries = load_from_database(page, 0, 0);
  const auto key = zset_key(page);
  const auto staging = key + ":rebuild:" + random_suffix();
  std::vector<RedisCommand> commands;
  for (std::size_t i = 0; i < entries.size(); i += kRebuildChunk) {
    RedisCommand add{"ZADD", staging};
    for (std::size_t j = i; j < std::min(entries.size(), i + kRebuildChunk); ++j) {
      add.push_back(std::to_string(entries[j].score));
      add.push_back(encode_member(entries[j].member));
    }
    commands.push_back(std::move(add));
  }
  // RENAME swaps the whole set atomically: readers never see a half-built board.
  commands.push_back(entries.empty() ? RedisCommand{"DEL", key}
                                     : RedisCommand{"RENAME", staging, key});
  const bool weekly = page.period != "all";
  commands.push_back({"SET", key + ":ready", "1", "EX",
                      std::to_string(weekly ? std::min(kReadyTtlSeconds, kWeeklyKeyTtlSeconds)
                                            : kReadyTtlSeconds)});
  if (weekly) commands.push_back({"EXPIRE", key, std::to_string(kWeeklyKeyTtlSeconds)});
  commands.push_back({"GET", key + ":gen"});
  const auto replies = context_.redis.pipeline(commands);
  // A score written while we read PostgreSQL may be missing from the snapshot we installed:
  // drop the ready mark so the next read rebuilds again.
  if (replies.back().text != generation_before) context_.redis.command({"DEL", key + ":ready"});
  spdlog::info("leaderboard {} {} rebuilt from PostgreSQL ({} entries)", page.board->id,
               page.period, entries.size());
}

std::vector<LeaderboardService::Entry> LeaderboardService::load_from_database(const Page& page,
                                                                              long long start,
                                                                              int limit) {
  return context_.database.run([&](pqxx::connection& connection) {
    pqxx::read_transaction read(connection);
    const auto rows = read.exec_params(
        std::string("SELECT s.character_id, c.name, s.score, ") + kReachedMicros +
            " FROM leaderboard_scores s JOIN characters c ON c.id = s.character_id "
            "WHERE s.board = $1 AND s.period = $2 "
            "ORDER BY s.score DESC, s.reached_at, s.character_id OFFSET $3" +
            (limit > 0 ? " LIMIT " + std::to_string(limit) : std::string()),
        page.board->id, page.period, start);
    std::vector<Entry> entries;
    entries.reserve(rows.size());
    for (const auto& row : rows)
      entries.push_back(
          {{row[3].as<std::int64_t>(), row[0].as<std::int64_t>(), row[1].as<std::string>()},
           row[2].as<std::int64_t>()});
    return entries;
  });
}

std::vector<LeaderboardService::Entry> LeaderboardService::range_from_cache(const Page& page,
                                                                            long long start,
                                                                            long long stop) {
  const auto reply = context_.redis.command(
      {"ZREVRANGE", zset_key(page), std::to_string(start), std::to_string(stop), "WITHSCORES"});
  std::vector<Entry> entries;
  for (std::size_t i = 0; i + 1 < reply.elements.size(); i += 2) {
    auto member = decode_member(reply.elements[i].text);
    if (!member) continue;
    entries.push_back({std::move(*member), score_of(reply.elements[i + 1])});
  }
  return entries;
}

nlohmann::json LeaderboardService::page_json(const Page& page, const std::vector<Entry>& entries,
                                             long long first_rank) const {
  auto rows = nlohmann::json::array();
  long long rank = first_rank;
  for (const auto& entry : entries)
    rows.push_back({{"rank", rank++},
                    {"character_id", entry.member.character_id},
                    {"name", entry.member.name},
                    {"score", entry.score}});
  return {{"board", page.board->id}, {"period", page.period}, {"entries", std::move(rows)}};
}

LeaderboardService::Submission LeaderboardService::parse_submission(
    const HttpRequest& request) const {
  Submission submission;
  submission.board = context_.content.find_board(request.path_params.at("board"));
  if (!submission.board) throw ApiError(404, "not_found", "no such leaderboard");
  const auto body = parse_object_body(request);
  const auto entries = body.find("entries");
  if (entries == body.end()) throw ApiError(422, "missing_field", "entries is required");
  if (!entries->is_array() || entries->empty() || entries->size() > kMaxEntriesPerSubmission)
    throw ApiError(422, "invalid_field", "entries must be an array of 1-500 objects");
  for (const auto& entry : *entries) {
    if (!entry.is_object()) throw ApiError(422, "invalid_field", "entries must be objects");
    submission.scores.push_back({require_integer(entry, "character_id", 1, INT64_MAX),
                                 require_integer(entry, "score", -kMaxScore, kMaxScore)});
  }
  if (body.contains("idempotency_key"))
    submission.idempotency_key = require_string(body, "idempotency_key", 1, 128);
  return submission;
}

std::vector<RedisCommand> LeaderboardService::apply_submission(pqxx::transaction_base& transaction,
                                                               const Submission& submission) const {
  std::string ids = "{";
  for (const auto& score : submission.scores)
    ids += (ids.size() > 1 ? "," : "") + std::to_string(score.character_id);
  ids += "}";
  std::map<std::int64_t, std::string> names;
  for (const auto& row :
       transaction.exec_params("SELECT id, name FROM characters WHERE id = ANY($1::bigint[])", ids))
    names[row[0].as<std::int64_t>()] = row[1].as<std::string>();
  std::vector<Page> pages{{submission.board, "all", true}};
  if (submission.board->weekly)
    pages.push_back({submission.board, iso_week(std::chrono::system_clock::now()), true});

  const auto lock = std::string("SELECT score, ") + kReachedMicros +
                    " FROM leaderboard_scores s WHERE board = $1 AND period = $2 AND character_id "
                    "= $3 FOR UPDATE";
  const auto combined = aggregate_sql(submission.board->aggregate);
  const auto upsert =
      std::string(
          "INSERT INTO leaderboard_scores AS s (board, period, character_id, score, reached_at) "
          "VALUES ($1, $2, $3, $4, clock_timestamp()) "
          "ON CONFLICT (board, period, character_id) DO UPDATE SET score = ") +
      combined + ", reached_at = CASE WHEN " + combined +
      " <> s.score THEN EXCLUDED.reached_at ELSE s.reached_at END RETURNING s.score, " +
      kReachedMicros + ", s.xmax = 0";
  std::vector<RedisCommand> commands;
  for (const auto& score : submission.scores) {
    const auto name = names.find(score.character_id);
    if (name == names.end())
      throw ApiError(422, "unknown_character",
                     "no character " + std::to_string(score.character_id));
    for (const auto& page : pages) {
      const auto key = zset_key(page);
      const auto old =
          transaction.exec_params(lock, page.board->id, page.period, score.character_id);
      const auto row = transaction.exec_params(upsert, page.board->id, page.period,
                                               score.character_id, score.score)[0];
      const auto member =
          encode_member({row[1].as<std::int64_t>(), score.character_id, name->second});
      commands.push_back({"INCR", key + ":gen"});
      if (!old.empty()) {
        const auto old_member =
            encode_member({old[0][1].as<std::int64_t>(), score.character_id, name->second});
        if (old_member != member) commands.push_back({"ZREM", key, old_member});
      } else if (!row[2].as<bool>()) {
        // A concurrent first submission inserted the row after our lock query: its member is
        // unknown to us, so have the next read rebuild this board.
        commands.push_back({"DEL", key + ":ready"});
      }
      commands.push_back({"ZADD", key, std::to_string(row[0].as<std::int64_t>()), member});
    }
  }
  return commands;
}

HttpResponse LeaderboardService::submit(const HttpRequest& request) {
  auth_.require_service(request);
  const auto submission = parse_submission(request);
  const bool duplicate = context_.database.run([&](pqxx::connection& connection) {
    pqxx::work transaction(connection);
    if (submission.idempotency_key &&
        transaction
            .exec_params("INSERT INTO leaderboard_submissions (idempotency_key) VALUES ($1) "
                         "ON CONFLICT DO NOTHING RETURNING 1",
                         *submission.idempotency_key)
            .empty())
      return true;
    write_and_mirror(transaction, submission);
    transaction.commit();
    return false;
  });
  pages_.clear();
  return json_response(
      200, {{"accepted", duplicate ? 0 : submission.scores.size()}, {"duplicate", duplicate}});
}

void LeaderboardService::record_scores(
    pqxx::transaction_base& transaction, const std::string& board,
    const std::vector<std::pair<std::int64_t, std::int64_t>>& scores) {
  Submission submission;
  submission.board = context_.content.find_board(board);
  if (!submission.board) throw std::invalid_argument("no leaderboard " + board);
  for (const auto& [character_id, score] : scores)
    submission.scores.push_back({character_id, score});
  write_and_mirror(transaction, submission);
  pages_.clear();
}

void LeaderboardService::write_and_mirror(pqxx::transaction_base& transaction,
                                          const Submission& submission) const {
  const auto commands = apply_submission(transaction, submission);
  // The cache is updated while the rows are still locked, so concurrent submissions for one
  // character reach Redis in the same order as PostgreSQL.
  try {
    context_.redis.pipeline(commands);
  } catch (const ServiceUnavailable& error) {
    // PostgreSQL has the scores; the ready mark's expiry bounds how long the cache lags.
    spdlog::warn("leaderboard cache update skipped: {}", error.what());
  }
}

std::function<void()> LeaderboardService::prepare_character_removal(
    pqxx::transaction_base& transaction, std::int64_t character_id) {
  std::vector<RedisCommand> commands;
  for (const auto& row :
       transaction.exec_params(std::string("SELECT s.board, s.period, c.name, ") + kReachedMicros +
                                   " FROM leaderboard_scores s JOIN characters c ON c.id = "
                                   "s.character_id WHERE s.character_id = $1",
                               character_id)) {
    const auto* board = context_.content.find_board(row[0].as<std::string>());
    if (!board) continue;
    const auto key = zset_key({board, row[1].as<std::string>(), true});
    commands.push_back({"INCR", key + ":gen"});
    commands.push_back(
        {"ZREM", key,
         encode_member({row[3].as<std::int64_t>(), character_id, row[2].as<std::string>()})});
  }
  return [this, commands = std::move(commands)] {
    pages_.clear();
    if (commands.empty()) return;
    try {
      context_.redis.pipeline(commands);
    } catch (const ServiceUnavailable& error) {
      spdlog::warn("leaderboard cache eviction skipped: {}", error.what());
    }
  };
}

}  // namespace omega::api
