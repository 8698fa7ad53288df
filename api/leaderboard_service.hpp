// Leaderboards: PostgreSQL holds the scores; Redis sorted sets are a cache rebuilt from it
// whenever missing (after FLUSHALL, eviction or a Redis restart). Boards come from content;
// periods are all-time and ISO weeks; ties go to whoever reached the score first.
// Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "api/auth_service.hpp"
#include "api/content.hpp"
#include "api/leaderboard_keys.hpp"
#include "api/router.hpp"
#include "api/service_context.hpp"
#include "api/ttl_cache.hpp"

namespace omega::api {

class LeaderboardService {
 public:
  LeaderboardService(ServiceContext context, AuthService& auth);
  LeaderboardService(const LeaderboardService&) = delete;
  LeaderboardService& operator=(const LeaderboardService&) = delete;

  void register_routes(Router& router);

  // For CharacterService: reads the character's cached entries inside its deleting
  // transaction and returns the action that evicts them from Redis after the commit.
  std::function<void()> prepare_character_removal(pqxx::transaction_base& transaction,
                                                  std::int64_t character_id);

  // For tournaments: writes (character id, score) pairs to `board` inside the caller's
  // transaction and mirrors them to Redis as a submission does; the caller commits.
  // Throws std::invalid_argument for an unknown board.
  void record_scores(pqxx::transaction_base& transaction, const std::string& board,
                     const std::vector<std::pair<std::int64_t, std::int64_t>>& scores);

 private:
  struct Entry {
    BoardMember member;
    std::int64_t score = 0;
  };
  struct Page {
    const BoardDefinition* board = nullptr;
    std::string period;
    bool in_redis = false;  // all-time, this week, last week: served from the Redis cache
  };

  HttpResponse list_boards(const HttpRequest& request) const;
  HttpResponse read(const HttpRequest& request);
  std::optional<HttpResponse> read_cached(const HttpRequest& request) const;
  struct Submission {
    const BoardDefinition* board = nullptr;
    struct Score {
      std::int64_t character_id;
      std::int64_t score;
    };
    std::vector<Score> scores;
    std::optional<std::string> idempotency_key;
  };
  HttpResponse submit(const HttpRequest& request);
  Submission parse_submission(const HttpRequest& request) const;
  // Writes the scores inside `transaction` and returns the Redis commands mirroring them.
  std::vector<RedisCommand> apply_submission(pqxx::transaction_base& transaction,
                                             const Submission& submission) const;
  // apply_submission, then the returned commands sent to Redis (skipped if Redis is down).
  void write_and_mirror(pqxx::transaction_base& transaction, const Submission& submission) const;

  Page resolve(const HttpRequest& request) const;
  int limit_of(const HttpRequest& request) const;
  std::string page_cache_key(const Page& page, int limit) const;
  HttpResponse around_me(const HttpRequest& request, const std::string& around);
  // `count` entries from rank `start` (0-based): from Redis for cached periods (PostgreSQL
  // while Redis is down), from PostgreSQL for the others.
  std::vector<Entry> ranked(const Page& page, long long start, int count);
  // The 0-based rank of an entry known to be on the board.
  long long rank_of(const Page& page, const Entry& entry);

  std::string zset_key(const Page& page) const;
  void ensure_cached(const Page& page);
  void rebuild(const Page& page, const std::string& generation_before);
  // `limit` entries from rank `start` (0-based), all of them when limit is 0.
  std::vector<Entry> load_from_database(const Page& page, long long start, int limit);
  std::vector<Entry> range_from_cache(const Page& page, long long start, long long stop);
  nlohmann::json page_json(const Page& page, const std::vector<Entry>& entries,
                           long long first_rank) const;

  ServiceContext context_;
  AuthService& auth_;
  TtlCache<std::string, std::shared_ptr<const std::string>> pages_;
};

}  // namespace omega::api
