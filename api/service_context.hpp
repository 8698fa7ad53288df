// What the handlers share: configuration, storage pools, crypto helpers and content.
// Built once by Application; every member is itself thread-safe.
#pragma once

#include "api/config.hpp"
#include "api/content.hpp"
#include "api/db_pool.hpp"
#include "api/passwords.hpp"
#include "api/redis_pool.hpp"
#include "api/tokens.hpp"

namespace omega::api {

struct ServiceContext {
  const Config& config;
  DbPool& database;
  RedisPool& redis;
  PasswordHasher& passwords;
  const TokenIssuer& tokens;
  const ContentCatalog& content;

  std::string redis_key(std::string_view suffix) const {
    return config.redis_prefix + std::string(suffix);
  }
};

}  // namespace omega::api
