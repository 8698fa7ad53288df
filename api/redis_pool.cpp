#include "api/redis_pool.hpp"

#include <hiredis/hiredis.h>
#include <sys/time.h>

#include <stdexcept>

#include "api/errors.hpp"

namespace omega::api {

namespace {

RedisValue copy_reply(const redisReply* reply) {
  RedisValue value;
  switch (reply->type) {
    case REDIS_REPLY_INTEGER:
      value.type = RedisValue::Type::integer;
      value.integer = reply->integer;
      break;
    case REDIS_REPLY_STRING:
      value.type = RedisValue::Type::string;
      value.text.assign(reply->str, reply->len);
      break;
    case REDIS_REPLY_STATUS:
      value.type = RedisValue::Type::status;
      value.text.assign(reply->str, reply->len);
      break;
    case REDIS_REPLY_ERROR:
      value.type = RedisValue::Type::error;
      value.text.assign(reply->str, reply->len);
      break;
    case REDIS_REPLY_ARRAY:
      value.type = RedisValue::Type::array;
      value.elements.reserve(reply->elements);
      for (std::size_t i = 0; i < reply->elements; ++i)
        value.elements.push_back(copy_reply(reply->element[i]));
      break;
    default:
      break;
  }
  return value;
}

void append(redisContext* context, const RedisCommand& args) {
  std::vector<const char*> argv;
  std::vector<std::size_t> lengths;
  for (const auto& arg : args) {
    argv.push_back(arg.data());
    lengths.push_back(arg.size());
  }
  redisAppendCommandArgv(context, static_cast<int>(args.size()), argv.data(), lengths.data());
}

// Reads one reply; nullopt-like empty error text on success.
bool read_reply(redisContext* context, RedisValue& out) {
  void* raw = nullptr;
  if (redisGetReply(context, &raw) != REDIS_OK || raw == nullptr) return false;
  auto* reply = static_cast<redisReply*>(raw);
  out = copy_reply(reply);
  freeReplyObject(reply);
  return true;
}

}  // namespace

RedisPool::RedisPool(const std::string& url, int size, std::chrono::milliseconds timeout)
    : size_(size), timeout_(timeout) {
  constexpr std::string_view kScheme = "redis://";
  std::string_view rest = url;
  if (rest.substr(0, kScheme.size()) != kScheme)
    throw std::invalid_argument("REDIS_URL must start with redis://");
  rest.remove_prefix(kScheme.size());
  const auto at = rest.rfind('@');
  if (at != std::string_view::npos) {
    auto credentials = rest.substr(0, at);
    const auto colon = credentials.find(':');
    password_ =
        std::string(colon == std::string_view::npos ? credentials : credentials.substr(colon + 1));
    rest.remove_prefix(at + 1);
  }
  const auto slash = rest.find('/');
  auto host_port = rest.substr(0, slash);
  if (slash != std::string_view::npos && slash + 1 < rest.size())
    database_ = std::stoi(std::string(rest.substr(slash + 1)));
  const auto colon = host_port.rfind(':');
  if (colon != std::string_view::npos) {
    port_ = std::stoi(std::string(host_port.substr(colon + 1)));
    host_port = host_port.substr(0, colon);
  }
  host_ = host_port.empty() ? "127.0.0.1" : std::string(host_port);
}

RedisPool::~RedisPool() {
  for (auto* context : idle_) redisFree(context);
}

redisContext* RedisPool::connect() {
  timeval tv{};
  tv.tv_sec = timeout_.count() / 1000;
  tv.tv_usec = (timeout_.count() % 1000) * 1000;
  redisContext* context = redisConnectWithTimeout(host_.c_str(), port_, tv);
  if (context == nullptr) throw ServiceUnavailable("cannot allocate Redis context");
  if (context->err) {
    std::string error = context->errstr;
    redisFree(context);
    throw ServiceUnavailable("cannot connect to Redis: " + error);
  }
  redisSetTimeout(context, tv);
  auto setup = [&](const RedisCommand& args) {
    append(context, args);
    RedisValue reply;
    if (!read_reply(context, reply) || reply.type == RedisValue::Type::error) {
      redisFree(context);
      throw ServiceUnavailable("Redis refused " + args[0] + ": " + reply.text);
    }
  };
  if (!password_.empty()) setup({"AUTH", password_});
  if (database_ != 0) setup({"SELECT", std::to_string(database_)});
  return context;
}

redisContext* RedisPool::acquire() {
  std::unique_lock lock(mutex_);
  if (!returned_.wait_for(lock, timeout_, [&] { return !idle_.empty() || open_ < size_; }))
    throw ServiceUnavailable("no Redis connection free");
  if (!idle_.empty()) {
    auto* context = idle_.back();
    idle_.pop_back();
    return context;
  }
  ++open_;
  lock.unlock();
  try {
    return connect();
  } catch (...) {
    {
      std::lock_guard relock(mutex_);
      --open_;
    }
    returned_.notify_one();
    throw;
  }
}

void RedisPool::release(redisContext* context, bool broken) {
  {
    std::lock_guard lock(mutex_);
    if (broken) {
      --open_;
    } else {
      idle_.push_back(context);
      context = nullptr;
    }
  }
  if (context) redisFree(context);
  returned_.notify_one();
}

RedisValue RedisPool::command(const RedisCommand& args) {
  auto replies = pipeline({args});
  return std::move(replies.front());
}

std::vector<RedisValue> RedisPool::pipeline(const std::vector<RedisCommand>& commands) {
  // A pooled connection may have died while idle (Redis restart): retry once on a new one.
  for (int attempt = 0; attempt < 2; ++attempt) {
    redisContext* context = acquire();
    for (const auto& args : commands) append(context, args);
    std::vector<RedisValue> replies(commands.size());
    bool ok = true;
    for (auto& reply : replies) {
      if (!read_reply(context, reply)) {
        ok = false;
        break;
      }
    }
    release(context, !ok);
    if (ok) return replies;
  }
  throw ServiceUnavailable("Redis connection lost");
}

}  // namespace omega::api
