#include "zone/redis_registry.hpp"

#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

#include <hiredis/hiredis.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "zone/api_json.hpp"
#include "zone/instance_directory.hpp"

namespace omega::zone {
namespace {

// The contract's cadence: written every 2 s, valid for 10 s, so a dead process's entries
// vanish within 12 s while a few missed writes do not flap them.
constexpr auto kWriteInterval = std::chrono::seconds(2);
constexpr int64_t kEntryLifetimeMs = 10'000;
constexpr auto kReconnectDelay = std::chrono::seconds(1);
constexpr timeval kConnectTimeout{1, 0};
// Commands on the registrar's connection: Redis answers in well under a millisecond.
constexpr timeval kCommandTimeout{2, 0};

int64_t unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct RedisAddress {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string password;
  int db = 0;
};

RedisAddress parse_redis_url(const std::string& url) {
  RedisAddress a;
  std::string rest = url.substr(url.find("://") + 3);
  if (const size_t at = rest.rfind('@'); at != std::string::npos) {
    std::string credentials = rest.substr(0, at);
    rest = rest.substr(at + 1);
    const size_t colon = credentials.find(':');
    a.password = colon == std::string::npos ? credentials : credentials.substr(colon + 1);
  }
  if (const size_t slash = rest.find('/'); slash != std::string::npos) {
    a.db = std::atoi(rest.c_str() + slash + 1);
    rest.resize(slash);
  }
  if (const size_t colon = rest.rfind(':'); colon != std::string::npos) {
    a.port = std::atoi(rest.c_str() + colon + 1);
    rest.resize(colon);
  }
  if (!rest.empty()) a.host = rest;
  return a;
}

// One command; true when Redis answered without an error.
bool command_ok(redisContext* c, redisReply* reply) {
  const bool ok = reply != nullptr && reply->type != REDIS_REPLY_ERROR;
  if (reply != nullptr) freeReplyObject(reply);
  return ok && c->err == 0;
}

redisContext* connect_redis(const RedisAddress& a, const timeval* command_timeout) {
  redisContext* c = redisConnectWithTimeout(a.host.c_str(), a.port, kConnectTimeout);
  if (c == nullptr || c->err) {
    if (c) redisFree(c);
    return nullptr;
  }
  if (command_timeout) redisSetTimeout(c, *command_timeout);
  bool ok = true;
  if (!a.password.empty())
    ok = command_ok(c, static_cast<redisReply*>(redisCommand(c, "AUTH %s", a.password.c_str())));
  if (ok && a.db != 0)
    ok = command_ok(c, static_cast<redisReply*>(redisCommand(c, "SELECT %d", a.db)));
  if (!ok) {
    redisFree(c);
    return nullptr;
  }
  return c;
}

}  // namespace

std::string zoneproc_value(const RegistrySettings& s, int64_t expires_ms,
                           const std::optional<LiveLoad>& load) {
  nlohmann::json value{{"id", s.process_id},
                       {"ws_url", s.ws_url},
                       {"control_url", s.control_url},
                       {"zones", s.zones},
                       {"expires_ms", expires_ms}};
  if (load) {
    value["tick_p99_ms"] = load->tick_p99_ms;
    value["bytes_out_per_player_s"] = load->bytes_out_per_player_s
                                          ? nlohmann::json(*load->bytes_out_per_player_s)
                                          : nlohmann::json();
  }
  return value.dump();
}

std::string instance_value(const RegistrySettings& s, const InstanceSummary& i,
                           int64_t expires_ms) {
  nlohmann::json value{{"zone", i.zone},
                       {"instance", i.instance},
                       {"proc", s.process_id},
                       {"ws_url", s.ws_url + "/z/" + i.zone + "/" + std::to_string(i.instance)},
                       {"players", i.players},
                       {"capacity", i.capacity},
                       {"kind", i.kind},
                       {"party_id", nullptr},
                       {"expires_ms", expires_ms}};
  if (i.party_id) value["party_id"] = *i.party_id;
  return value.dump();
}

struct RedisRegistry::Impl {
  Impl(RegistrySettings s, Snapshot snap, ServiceResults* sink, LoadProbe probe)
      : settings(std::move(s)),
        address(parse_redis_url(settings.redis_url)),
        snapshot(std::move(snap)),
        load(std::move(probe)),
        market_sink(sink) {}

  bool write(redisContext* c) {
    const int64_t expires = unix_ms() + kEntryLifetimeMs;
    const std::string procs = settings.prefix + "zoneprocs";
    const std::string instances = settings.prefix + "instances";
    const std::string proc_value =
        zoneproc_value(settings, expires, load ? std::optional<LiveLoad>(load()) : std::nullopt);
    redisAppendCommand(c, "HSET %s %s %s", procs.c_str(), settings.process_id.c_str(),
                       proc_value.c_str());
    int pending = 1;
    std::set<std::string> now_written;
    for (const InstanceSummary& i : snapshot()) {
      const std::string key = instance_key(i.zone, i.instance);
      const std::string value = instance_value(settings, i, expires);
      redisAppendCommand(c, "HSET %s %s %s", instances.c_str(), key.c_str(), value.c_str());
      ++pending;
      now_written.insert(key);
    }
    for (const std::string& key : written)
      if (!now_written.count(key)) {
        redisAppendCommand(c, "HDEL %s %s", instances.c_str(), key.c_str());
        ++pending;
      }
    bool ok = true;
    for (int n = 0; n < pending; ++n) {
      void* reply = nullptr;
      if (redisGetReply(c, &reply) != REDIS_OK) return false;
      ok = command_ok(c, static_cast<redisReply*>(reply)) && ok;
    }
    if (ok) written = std::move(now_written);
    return ok;
  }

  void unregister(redisContext* c) {
    const std::string instances = settings.prefix + "instances";
    for (const std::string& key : written)
      command_ok(c, static_cast<redisReply*>(
                        redisCommand(c, "HDEL %s %s", instances.c_str(), key.c_str())));
    command_ok(c, static_cast<redisReply*>(redisCommand(c, "HDEL %s %s",
                                                        (settings.prefix + "zoneprocs").c_str(),
                                                        settings.process_id.c_str())));
    written.clear();
  }

  void registrar() {
    redisContext* c = nullptr;
    std::unique_lock lock(mutex);
    while (!stopping) {
      std::vector<std::function<void()>> after;
      after.swap(callbacks);
      woken = false;
      lock.unlock();
      if (c == nullptr) c = connect_redis(address, &kCommandTimeout);
      if (c != nullptr && !write(c)) {
        spdlog::warn("registry: Redis write failed ({}); reconnecting", c->errstr);
        redisFree(c);
        c = nullptr;
      }
      for (auto& callback : after) callback();
      lock.lock();
      cv.wait_for(lock,
                  c ? std::chrono::duration_cast<std::chrono::milliseconds>(kWriteInterval)
                    : std::chrono::duration_cast<std::chrono::milliseconds>(kReconnectDelay),
                  [this] { return stopping || woken; });
    }
    lock.unlock();
    if (c == nullptr) c = connect_redis(address, &kCommandTimeout);
    if (c != nullptr) {
      unregister(c);
      redisFree(c);
    }
    for (auto& callback : callbacks) callback();
  }

  void subscriber() {
    const std::string channel = settings.prefix + "character_events";
    while (!stopping) {
      redisContext* c = connect_redis(address, nullptr);
      if (c != nullptr) {
        subscriber_fd.store(c->fd);
        void* reply = redisCommand(c, "SUBSCRIBE %s", channel.c_str());
        if (reply) freeReplyObject(reply);
        while (!stopping && c->err == 0) {
          void* message = nullptr;
          if (redisGetReply(c, &message) != REDIS_OK || message == nullptr) break;
          auto* r = static_cast<redisReply*>(message);
          if (r->type == REDIS_REPLY_ARRAY && r->elements == 3 &&
              r->element[0]->type == REDIS_REPLY_STRING &&
              std::string_view(r->element[0]->str, r->element[0]->len) == "message") {
            auto delta = parse_market_delta({r->element[2]->str, r->element[2]->len});
            if (delta)
              market_sink->push({0, std::move(*delta)});
            else
              spdlog::warn("registry: malformed character event ignored");
          }
          freeReplyObject(r);
        }
        subscriber_fd.store(-1);
        redisFree(c);
      }
      std::unique_lock lock(mutex);
      cv.wait_for(lock, kReconnectDelay, [this] { return stopping.load(); });
    }
    subscriber_done.store(true);
  }

  RegistrySettings settings;
  RedisAddress address;
  Snapshot snapshot;
  LoadProbe load;
  ServiceResults* market_sink;
  std::set<std::string> written;  // instance fields written last time (registrar thread)

  std::mutex mutex;
  std::condition_variable cv;
  std::atomic<bool> stopping{false};
  std::atomic<bool> subscriber_done{false};
  bool woken = false;
  std::vector<std::function<void()>> callbacks;
  std::atomic<int> subscriber_fd{-1};
  std::thread registrar_thread, subscriber_thread;
};

RedisRegistry::RedisRegistry(RegistrySettings settings, Snapshot snapshot,
                             ServiceResults* market_sink, LoadProbe load)
    : impl_(std::make_unique<Impl>(std::move(settings), std::move(snapshot), market_sink,
                                   std::move(load))) {}

RedisRegistry::~RedisRegistry() {
  stop();
}

void RedisRegistry::start() {
  impl_->registrar_thread = std::thread([impl = impl_.get()] { impl->registrar(); });
  if (impl_->market_sink != nullptr)
    impl_->subscriber_thread = std::thread([impl = impl_.get()] { impl->subscriber(); });
}

void RedisRegistry::wake(std::function<void()> after) {
  std::lock_guard lock(impl_->mutex);
  if (after) {
    if (impl_->stopping) return after();
    impl_->callbacks.push_back(std::move(after));
  }
  impl_->woken = true;
  impl_->cv.notify_all();
}

void RedisRegistry::stop() {
  {
    std::lock_guard lock(impl_->mutex);
    if (impl_->stopping && !impl_->registrar_thread.joinable() &&
        !impl_->subscriber_thread.joinable())
      return;
    impl_->stopping = true;
    impl_->cv.notify_all();
  }
  // The subscriber blocks in a read: shutting its socket down wakes it (again until it has
  // noticed, in case it was connecting when the flag was set).
  if (impl_->subscriber_thread.joinable()) {
    while (!impl_->subscriber_done.load()) {
      if (const int fd = impl_->subscriber_fd.load(); fd >= 0) ::shutdown(fd, SHUT_RDWR);
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    impl_->subscriber_thread.join();
  }
  if (impl_->registrar_thread.joinable()) impl_->registrar_thread.join();
}

}  // namespace omega::zone
