// A swarm of in-process bots for the cross-process tests (world, tournament and deploy e2e):
// it runs on its own thread until stop() and records, per bot, where its own entity was seen
// (zone, instance, position, at most every 0.2 s), the items it looted or received and the
// monsters it killed — what the tests need to judge progress lost across a crash, duplicated
// loot and what a staff grant gave.
//
// Thread safety: the recording callbacks run on the swarm's io thread; the accessors lock.
#pragma once

#include <atomic>
#include <chrono>
#include <cmath>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "bots/swarm.hpp"
#include "protocol/quantize.hpp"
#include "tests/world_stack.hpp"

namespace omega::e2e {

using Clock = std::chrono::steady_clock;

inline double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// What the test sees of one bot, from its snapshots (io thread → test thread).
struct Sighting {
  double t = 0.0;  // seconds since the run started
  std::string zone;
  uint32_t instance = 0;
  float x = 0.0f, y = 0.0f;  // tiles
  uint16_t archetype = 0;    // class index (players)
};

// A swarm running on its own thread until stop(); snapshots recorded per bot.
class BotRun {
 public:
  explicit BotRun(bots::SwarmConfig config) : config_(std::move(config)), start_(Clock::now()) {
    config_.stop_flag = &stop_;
    config_.on_snapshot = [this](const bots::SnapshotObservation& o) {
      const protocol::EntityState* self = o.view->find(o.self);
      if (self == nullptr) return;
      Sighting s{seconds_since(start_),
                 *o.zone,
                 o.instance,
                 float(self->x) / protocol::kPositionUnitsPerTile,
                 float(self->y) / protocol::kPositionUnitsPerTile,
                 self->archetype};
      std::lock_guard lock(mutex_);
      // Every snapshot: a swarm thread that stalls reads the queued ones in a burst with
      // nearly equal times, and thinning by time would drop the places they show.
      tracks_[o.bot].push_back(std::move(s));
    };
    config_.on_event = [this](size_t bot, uint32_t self, const protocol::GameEvent& event) {
      std::lock_guard lock(mutex_);
      for (uint32_t i = 0; i < event.count; ++i) {
        const auto& e = event.events[i];
        if (e.type == protocol::GameEventType::loot && e.target == self) {
          received_[bot][e.detail] += e.amount;
          if (e.detail != 0xffff) items_looted_[bot] += e.amount;
        }
        if (e.type == protocol::GameEventType::experience && e.target == self) ++kills_[bot];
      }
    };
    thread_ = std::thread([this] { report_ = bots::run_swarm(config_); });
  }
  ~BotRun() { stop(); }

  const bots::SwarmReport& stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    return report_;
  }
  double now() const { return seconds_since(start_); }
  std::vector<Sighting> track(size_t bot) {
    std::lock_guard lock(mutex_);
    return tracks_[bot];
  }
  int64_t items_looted(size_t bot) {
    std::lock_guard lock(mutex_);
    return items_looted_[bot];
  }
  // What loot events told the bot it received of item `detail` (content index; 0xffff =
  // gold): loot, and what the trading post or a staff grant added to its character.
  int64_t received(size_t bot, uint16_t detail) {
    std::lock_guard lock(mutex_);
    return received_[bot][detail];
  }
  // Monsters the bot killed (one experience event each).
  int64_t kills(size_t bot) {
    std::lock_guard lock(mutex_);
    return kills_[bot];
  }
  bool wait(double timeout_s, const std::function<bool()>& done) {
    return wait_until(timeout_s, done);
  }

 private:
  bots::SwarmConfig config_;
  Clock::time_point start_;
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::map<size_t, std::vector<Sighting>> tracks_;          // guarded by mutex_
  std::map<size_t, int64_t> items_looted_;                  // guarded by mutex_
  std::map<size_t, int64_t> kills_;                         // guarded by mutex_
  std::map<size_t, std::map<uint16_t, int64_t>> received_;  // guarded by mutex_
  bots::SwarmReport report_;
  std::thread thread_;
};

// Bots in API mode against `api_url` (accounts `<prefix>_<i>`), with `behaviour`; they run
// until the test stops them.
inline bots::SwarmConfig api_swarm_config(const std::string& api_url, const std::string& prefix,
                                          size_t count, bots::Behaviour behaviour) {
  bots::SwarmConfig c;
  c.api_url = api_url;
  c.account_prefix = prefix;
  bots::BotOptions options;
  options.behaviour = behaviour;
  options.input_hz = 10.0;
  c.bots.assign(count, options);
  c.seconds = 600.0;  // the tests stop the swarm themselves
  c.join_timeout_s = 60.0;
  c.connect_rate = 20.0;
  c.api_threads = 2;
  c.stop_grace_s = 1.0;
  return c;
}

// True once every one of the run's first `count` bots has been seen (welcomed and sent a
// snapshot), waiting up to timeout_s.
inline bool all_seen(BotRun& run, size_t count, double timeout_s) {
  return run.wait(timeout_s, [&] {
    for (size_t bot = 0; bot < count; ++bot)
      if (run.track(bot).empty()) return false;
    return true;
  });
}

// Progress a bot lost to a crash at `crashed_at`: how long before the crash it last stood
// where it came back (`after`, its first sighting after the rejoin); -1 if it never stood
// there (it came back somewhere it never was).
inline double progress_lost_s(const std::vector<Sighting>& track, double crashed_at,
                              const Sighting& after) {
  double matched = -1.0;
  for (const Sighting& s : track)
    if (s.t <= crashed_at && s.zone == after.zone &&
        std::hypot(s.x - after.x, s.y - after.y) < 1.0f)
      matched = s.t;
  return matched < 0.0 ? -1.0 : crashed_at - matched;
}

// Items a new character of each class starts with (content/classes.json), to bound what a
// character may hold: its starting items plus what it looted.
inline std::map<std::string, int64_t> starting_items_by_class() {
  nlohmann::json classes;
  std::ifstream("content/classes.json") >> classes;
  std::map<std::string, int64_t> starting_items;
  for (const auto& c : classes["classes"]) {
    int64_t total = 0;
    for (const auto& item : c["starting_items"]) total += item.value("quantity", 0);
    starting_items[c["id"].get<std::string>()] = total;
  }
  return starting_items;
}

}  // namespace omega::e2e
