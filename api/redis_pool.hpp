// A bounded pool of hiredis connections with lazy (re)connection: a connection that fails
// is dropped and the next command opens a fresh one, so the pool heals after a Redis
// restart. Thread-safe. Blocking: call it only from worker threads.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

struct redisContext;

namespace omega::api {

// One Redis reply, copied out of hiredis' structures.
struct RedisValue {
  enum class Type { nil, integer, string, array, status, error };
  Type type = Type::nil;
  long long integer = 0;
  std::string text;  // string, status and error replies
  std::vector<RedisValue> elements;

  bool is_nil() const { return type == Type::nil; }
};

using RedisCommand = std::vector<std::string>;

class RedisPool {
 public:
  // url: redis://[:password@]host[:port][/db]
  RedisPool(const std::string& url, int size, std::chrono::milliseconds timeout);
  ~RedisPool();
  RedisPool(const RedisPool&) = delete;
  RedisPool& operator=(const RedisPool&) = delete;

  // Runs one command. Throws ServiceUnavailable when Redis cannot be reached; Redis error
  // replies come back as Type::error.
  RedisValue command(const RedisCommand& args);
  // Runs several commands in one round trip; one reply per command, in order.
  std::vector<RedisValue> pipeline(const std::vector<RedisCommand>& commands);

 private:
  redisContext* acquire();
  void release(redisContext* context, bool broken);
  redisContext* connect();

  std::string host_;
  int port_ = 6379;
  std::string password_;
  int database_ = 0;
  int size_;
  std::chrono::milliseconds timeout_;
  std::mutex mutex_;
  std::condition_variable returned_;
  std::vector<redisContext*> idle_;
  int open_ = 0;
};

}  // namespace omega::api
