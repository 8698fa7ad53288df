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
// Chat lines wait this long for Redis before they are dropped, and at most this many queue.
constexpr auto kChatPublishPatience = std::chrono::seconds(2);
constexpr size_t kMaxQueuedChatLines = 10'000;

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
  Impl(RegistrySettings s, Snapshot snap, ServiceResults* results, LoadProbe probe)
      : settings(std::move(s)),
        address(parse_redis_url(settings.redis_url)),
        snapshot(std::move(snap)),
        load(std::move(probe)),
        sink(results),
        chat_channel(settings.prefix + "chat"),
        history_key(settings.prefix + "chat_history") {}

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

  // The stored world lines, oldest first, for joining players (not delivered again).
  void load_history(redisContext* c) {
    auto* reply = static_cast<redisReply*>(redisCommand(
        c, "LRANGE %s 0 %d", history_key.c_str(), static_cast<int>(ChatHistory::kHistoryLines)));
    if (reply == nullptr) return;
    if (reply->type == REDIS_REPLY_ARRAY) {
      history_loaded = true;
      for (size_t i = reply->elements; i-- > 0;) {
        const redisReply* item = reply->element[i];
        if (item->type != REDIS_REPLY_STRING) continue;
        if (auto line = parse_chat_line({item->str, item->len})) {
          line->history_only = true;
          sink->push({0, std::move(*line)});
        }
      }
    }
    freeReplyObject(reply);
  }

  void on_message(std::string_view channel, std::string_view payload) {
    if (channel == chat_channel) {
      if (auto line = parse_chat_line(payload))
        sink->push({0, std::move(*line)});
      else
        spdlog::warn("registry: malformed chat line ignored");
      return;
    }
    if (auto social = parse_social_update(payload)) {
      sink->push({0, *social});
    } else if (auto delta = parse_market_delta(payload)) {
      if (settings.market_events) sink->push({0, std::move(*delta)});
    } else {
      spdlog::warn("registry: malformed character event ignored");
    }
  }

  void subscriber() {
    const std::string events_channel = settings.prefix + "character_events";
    while (!stopping) {
      redisContext* c = connect_redis(address, nullptr);
      if (c != nullptr) {
        subscriber_fd.store(c->fd);
        if (!history_loaded) load_history(c);
        void* reply =
            redisCommand(c, "SUBSCRIBE %s %s", events_channel.c_str(), chat_channel.c_str());
        if (reply) freeReplyObject(reply);
        while (!stopping && c->err == 0) {
          void* message = nullptr;
          if (redisGetReply(c, &message) != REDIS_OK || message == nullptr) break;
          auto* r = static_cast<redisReply*>(message);
          if (r->type == REDIS_REPLY_ARRAY && r->elements == 3 &&
              r->element[0]->type == REDIS_REPLY_STRING &&
              r->element[1]->type == REDIS_REPLY_STRING &&
              r->element[2]->type == REDIS_REPLY_STRING &&
              std::string_view(r->element[0]->str, r->element[0]->len) == "message")
            on_message({r->element[1]->str, r->element[1]->len},
                       {r->element[2]->str, r->element[2]->len});
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

  // PUBLISH each queued line (and keep world lines in the history list), pipelined.
  bool publish_lines(redisContext* c, const std::vector<std::string>& lines,
                     const std::vector<bool>& world) {
    int pending = 0;
    for (size_t i = 0; i < lines.size(); ++i) {
      redisAppendCommand(c, "PUBLISH %s %b", chat_channel.c_str(), lines[i].data(),
                         lines[i].size());
      ++pending;
      if (world[i]) {
        redisAppendCommand(c, "LPUSH %s %b", history_key.c_str(), lines[i].data(), lines[i].size());
        redisAppendCommand(c, "LTRIM %s 0 %d", history_key.c_str(),
                           static_cast<int>(ChatHistory::kHistoryLines) - 1);
        pending += 2;
      }
    }
    bool ok = true;
    for (int n = 0; n < pending; ++n) {
      void* reply = nullptr;
      if (redisGetReply(c, &reply) != REDIS_OK) return false;
      ok = command_ok(c, static_cast<redisReply*>(reply)) && ok;
    }
    return ok;
  }

  // A line that will not be published goes back to this process's zones, which tell its sender.
  void hand_back(ChatLine line) {
    // A lost receipt has nobody to tell: its whisper's sender hears the recipient is not online.
    if (line.receipt || sink == nullptr) return;
    line.undelivered = true;
    line.text.clear();
    sink->push({0, std::move(line)});
  }

  void publisher() {
    redisContext* c = nullptr;
    std::vector<ChatLine> batch;
    std::vector<std::string> lines;
    std::vector<bool> world;
    std::unique_lock lock(chat_mutex);
    while (true) {
      chat_cv.wait(lock, [this] { return stopping || !chat_queue.empty(); });
      if (stopping) break;
      batch.swap(chat_queue);
      chat_queue.clear();
      lines.clear();
      world.clear();
      for (const ChatLine& line : batch) {
        lines.push_back(chat_line_json(line));
        world.push_back(line.channel == protocol::ChatChannel::world);
      }
      lock.unlock();
      const auto deadline = std::chrono::steady_clock::now() + kChatPublishPatience;
      bool sent = false;
      while (!sent && !stopping && std::chrono::steady_clock::now() < deadline) {
        if (c == nullptr) c = connect_redis(address, &kCommandTimeout);
        if (c != nullptr && publish_lines(c, lines, world)) {
          sent = true;
        } else {
          if (c != nullptr) redisFree(c);
          c = nullptr;
          std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
      }
      if (!sent) {
        spdlog::warn("chat: {} lines dropped: Redis unreachable", lines.size());
        for (ChatLine& line : batch) hand_back(std::move(line));
      }
      lock.lock();
    }
    lock.unlock();
    if (c != nullptr) redisFree(c);
  }

  RegistrySettings settings;
  RedisAddress address;
  Snapshot snapshot;
  LoadProbe load;
  ServiceResults* sink;
  const std::string chat_channel, history_key;
  bool history_loaded = false;    // subscriber thread
  std::set<std::string> written;  // instance fields written last time (registrar thread)

  std::mutex mutex;
  std::condition_variable cv;
  std::atomic<bool> stopping{false};
  std::atomic<bool> subscriber_done{false};
  bool woken = false;
  std::vector<std::function<void()>> callbacks;
  std::atomic<int> subscriber_fd{-1};
  std::thread registrar_thread, subscriber_thread, publisher_thread;
  std::mutex chat_mutex;
  std::condition_variable chat_cv;
  std::vector<ChatLine> chat_queue;
};

RedisRegistry::RedisRegistry(RegistrySettings settings, Snapshot snapshot, ServiceResults* sink,
                             LoadProbe load)
    : impl_(std::make_unique<Impl>(std::move(settings), std::move(snapshot), sink,
                                   std::move(load))) {}

RedisRegistry::~RedisRegistry() {
  stop();
}

void RedisRegistry::start() {
  impl_->registrar_thread = std::thread([impl = impl_.get()] { impl->registrar(); });
  if (impl_->sink != nullptr) {
    impl_->subscriber_thread = std::thread([impl = impl_.get()] { impl->subscriber(); });
    impl_->publisher_thread = std::thread([impl = impl_.get()] { impl->publisher(); });
  }
}

void RedisRegistry::publish(const ChatLine& line) {
  std::lock_guard lock(impl_->chat_mutex);
  // A bound on what an outage can queue: beyond it the newest lines are dropped.
  if (impl_->chat_queue.size() >= kMaxQueuedChatLines) return impl_->hand_back(line);
  impl_->chat_queue.push_back(line);
  impl_->chat_cv.notify_one();
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
        !impl_->subscriber_thread.joinable() && !impl_->publisher_thread.joinable())
      return;
    impl_->stopping = true;
    impl_->cv.notify_all();
  }
  {
    std::lock_guard lock(impl_->chat_mutex);
    impl_->chat_cv.notify_all();
  }
  if (impl_->publisher_thread.joinable()) impl_->publisher_thread.join();
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
