#include "zone/instance_host.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "game/tile_map_loader.hpp"

namespace omega::zone {
namespace {

// How often the instance list for /stats and the registry is refreshed (player counts).
constexpr int64_t kPublishIntervalNs = 1'000'000'000;

}  // namespace

struct InstanceHost::Instance {
  uint32_t handle = 0;
  std::string zone;
  uint32_t number = 0;
  ZoneTopology topology;
  ZoneConfig config;
  std::optional<uint64_t> party_id;
  std::optional<MatchSpec> match;
  std::unique_ptr<ZoneServer> server;
  EmptyCloseTimer close_timer{0, 0};
};

InstanceHost::InstanceHost(const ZoneConfig& config, WorldTopology topology, MessagePool& pool,
                           ZoneMetrics& metrics, InstanceDirectory& directory,
                           CharacterService& service, ServiceResults& results)
    : config_(config),
      topology_(std::move(topology)),
      pool_(pool),
      metrics_(metrics),
      directory_(directory),
      service_(service),
      results_(results),
      snapshot_workers_(config.snapshot_threads > 1
                            ? std::make_unique<WorkerPool>(config.snapshot_threads)
                            : nullptr) {
  auto add = [this](const std::string& zone) {
    if (std::find(hosted_.begin(), hosted_.end(), zone) == hosted_.end()) hosted_.push_back(zone);
  };
  for (const std::string& zone : config_.hosts) add(zone);
  for (const auto& [zone, instance] : config_.startup_instances()) add(zone);
}

InstanceHost::~InstanceHost() {
  {
    std::lock_guard lock(builder_mutex_);
    builder_stopping_ = true;
    builder_wake_.notify_all();
  }
  if (builder_.joinable()) builder_.join();
}

void InstanceHost::builder_loop() {
  std::unique_lock lock(builder_mutex_);
  for (;;) {
    builder_wake_.wait(lock, [this] { return builder_stopping_ || !builds_.empty(); });
    if (builder_stopping_) return;
    std::function<void()> job = std::move(builds_.front());
    builds_.pop_front();
    lock.unlock();
    job();
    lock.lock();
  }
}

void InstanceHost::open_async(const std::string& zone, uint32_t instance,
                              std::optional<uint64_t> party_id, OpenDone done,
                              std::optional<MatchSpec> match) {
  std::lock_guard lock(builder_mutex_);
  if (!builder_.joinable()) builder_ = std::thread([this] { builder_loop(); });
  builds_.push_back(
      [this, zone, instance, party_id, match = std::move(match), done = std::move(done)] {
        std::shared_ptr<Instance> built = build(zone, instance, party_id, match);
        post([built, done](InstanceHost& host, const Now& now) {
          OpenStatus status = OpenStatus::not_hosted;
          if (built)
            status = host.insert(std::unique_ptr<Instance>(new Instance(std::move(*built))), now);
          done(status, host, now);
        });
      });
  builder_wake_.notify_all();
}

bool InstanceHost::load_maps(std::string& error) {
  for (const std::string& zone : hosted_) {
    if (maps_.count(zone)) continue;
    if (zone == config_.zone_name() && config_.open_field_width() > 0) {
      const int32_t width = config_.open_field_width();
      maps_[zone] = std::make_unique<game::TileMap>(game::TileMap::open_field(width, width));
      continue;
    }
    auto result = game::load_zone_map(zone, config_.content_dir);
    if (!result.ok()) {
      error = "cannot load map '" + zone + "': " + result.error;
      return false;
    }
    maps_[zone] = std::make_unique<game::TileMap>(std::move(*result.map));
  }
  return true;
}

const game::TileMap* InstanceHost::map_for(const std::string& zone) const {
  auto it = maps_.find(zone);
  return it == maps_.end() ? nullptr : it->second.get();
}

ZoneConfig InstanceHost::config_for(const std::string& zone, uint32_t instance) const {
  ZoneConfig c = config_;
  if (zone != config_.zone_name()) c.map = zone;
  c.instance_id = instance;
  // One debug state log per process: the configured instance writes it.
  if (zone != config_.zone_name() || instance != config_.instance_id) c.debug_state_log.clear();
  return c;
}

std::unique_ptr<InstanceHost::Instance> InstanceHost::build(const std::string& zone,
                                                            uint32_t instance,
                                                            std::optional<uint64_t> party_id,
                                                            std::optional<MatchSpec> match) const {
  const game::TileMap* map = map_for(zone);
  if (map == nullptr) return nullptr;
  auto entry = std::make_unique<Instance>();
  entry->zone = zone;
  entry->number = instance;
  entry->topology = topology_.zone(zone, game::zone_kind_name(map->kind()));
  if (entry->topology.capacity == 0) entry->topology.capacity = config_.max_players;
  entry->config = config_for(zone, instance);
  entry->party_id = party_id;
  entry->match = std::move(match);
  entry->server = std::make_unique<ZoneServer>(entry->config, *map, pool_, metrics_, service_);
  entry->server->attach_workers(snapshot_workers_.get());
  entry->server->world().warm_up();
  return entry;
}

InstanceHost::OpenStatus InstanceHost::open(const std::string& zone, uint32_t instance,
                                            std::optional<uint64_t> party_id, const Now& now,
                                            std::optional<MatchSpec> match) {
  if (map_for(zone) == nullptr) return OpenStatus::not_hosted;
  if (directory_.find(zone, instance) != InstanceDirectory::kNone) return OpenStatus::already_open;
  return insert(build(zone, instance, party_id, std::move(match)), now);
}

InstanceHost::OpenStatus InstanceHost::insert(std::unique_ptr<Instance> entry, const Now& now) {
  if (directory_.find(entry->zone, entry->number) != InstanceDirectory::kNone)
    return OpenStatus::already_open;
  entry->handle = next_handle_++;
  entry->server->set_service_handle(entry->handle);
  entry->server->attach_chat(chat_relay_, &chat_history_);
  entry->close_timer = EmptyCloseTimer(entry->topology.close_after_empty_s, now.steady_ns);
  if (entry->match) entry->server->set_match(*entry->match, now);
  directory_.add(entry->zone, entry->number, entry->handle);
  const game::TileMap& map = entry->server->world().map();
  spdlog::info("instance {}:{} open ({}, capacity {}, map {}x{})", entry->zone, entry->number,
               entry->topology.kind, entry->topology.capacity, map.width(), map.height());
  instances_.emplace(entry->handle, std::move(entry));
  publish(now);
  if (on_change_) on_change_();
  return OpenStatus::opened;
}

void InstanceHost::close_instance(std::map<uint32_t, std::unique_ptr<Instance>>::iterator it,
                                  const Now& now) {
  Instance& instance = *it->second;
  closed_path_queries_ += instance.server->world().path_queries();
  instance.server->shutdown(now);
  collect(*instance.server);
  directory_.remove(instance.zone, instance.number);
  spdlog::info("instance {}:{} closed", instance.zone, instance.number);
  instances_.erase(it);
  publish(now);
  if (on_change_) on_change_();
}

bool InstanceHost::close(const std::string& zone, uint32_t instance, const Now& now) {
  const uint32_t handle = directory_.find(zone, instance);
  auto it = instances_.find(handle);
  if (it == instances_.end()) return false;
  close_instance(it, now);
  return true;
}

size_t InstanceHost::kick_account(uint64_t account_id, protocol::KickReason reason,
                                  const Now& now) {
  size_t kicked = 0;
  for (auto& [handle, instance] : instances_)
    kicked += instance->server->kick_account(account_id, reason, now);
  return kicked;
}

ZoneServer* InstanceHost::find(const std::string& zone, uint32_t instance) {
  auto it = instances_.find(directory_.find(zone, instance));
  return it == instances_.end() ? nullptr : it->second->server.get();
}

void InstanceHost::collect(ZoneServer& server) {
  std::vector<Outgoing>& out = server.outbox();
  if (outbox_.empty()) {
    outbox_.swap(out);
    return;
  }
  for (Outgoing& message : out) outbox_.push_back(std::move(message));
  out.clear();
}

void InstanceHost::handle(InboundEvent& event, const Now& now) {
  auto it = instances_.find(event.instance);
  if (it != instances_.end()) return it->second->server->handle(event, now);
  // The instance closed between the upgrade and now: that connection is told so and closed
  // (the others were kicked when it closed).
  if (event.kind == InboundEvent::Kind::connected) {
    constexpr auto kReason = protocol::KickReason::shutting_down;
    MessageRef ref = pool_.acquire();
    protocol::encode_message(protocol::Kick{kReason, protocol::to_string(kReason)}, ref->bytes);
    outbox_.push_back({event.connection, std::move(ref), kReason});
    metrics_.count_kick(kReason);
  }
}

void InstanceHost::route(ServiceResult& result, const Now& now) {
  if (auto* market = std::get_if<MarketDelta>(&result.payload)) {
    for (auto& [handle, instance] : instances_)
      if (instance->server->apply_market(*market)) return;
    return;
  }
  if (auto* social = std::get_if<SocialUpdate>(&result.payload)) {
    for (auto& [handle, instance] : instances_) instance->server->apply_social(*social);
    return;
  }
  if (auto* line = std::get_if<ChatLine>(&result.payload)) {
    if (line->channel == protocol::ChatChannel::world) chat_history_.add(*line);
    if (line->history_only) return;
    for (auto& [handle, instance] : instances_) instance->server->deliver_chat(*line);
    return;
  }
  auto it = instances_.find(result.instance);
  if (it != instances_.end()) it->second->server->on_service_result(result, now);
}

void InstanceHost::set_chat_relay(ChatRelay* relay) {
  chat_relay_ = relay;
  for (auto& [handle, instance] : instances_) instance->server->attach_chat(relay, &chat_history_);
}

void InstanceHost::post(Command command) {
  std::lock_guard lock(commands_mutex_);
  commands_.push_back(std::move(command));
}

void InstanceHost::advance(uint32_t tick, const Now& now) {
  {
    std::lock_guard lock(commands_mutex_);
    commands_.swap(commands_scratch_);
  }
  for (Command& command : commands_scratch_) command(*this, now);
  commands_scratch_.clear();
  results_.drain(results_scratch_);
  for (ServiceResult& result : results_scratch_) route(result, now);
  results_scratch_.clear();
  uint32_t players = 0, entities = 0, monsters = 0, awake = 0;
  uint64_t paths = 0, ai_ns = 0;
  for (auto it = instances_.begin(); it != instances_.end();) {
    Instance& instance = *it->second;
    ZoneServer& server = *instance.server;
    server.advance(tick, now);
    ai_ns += server.world().last_ai_ns();
    collect(server);
    if (instance.close_timer.due(server.occupants(), now.steady_ns)) {
      close_instance(it++, now);
      continue;
    }
    players += server.player_count();
    entities += server.world().entity_count();
    monsters += static_cast<uint32_t>(server.world().monsters().size());
    awake += server.world().awake_monster_count();
    paths += server.world().path_queries();
    ++it;
  }
  metrics_.players.store(players);
  metrics_.entities.store(entities);
  metrics_.monsters.store(monsters);
  metrics_.monsters_awake.store(awake);
  metrics_.path_queries.store(paths + closed_path_queries_);  // a counter: closed ones count
  metrics_.record_ai(static_cast<double>(ai_ns) / 1e6);
  if (now.steady_ns >= next_publish_ns_) publish(now);
}

void InstanceHost::publish(const Now& now) {
  next_publish_ns_ = now.steady_ns + kPublishIntervalNs;
  std::vector<InstanceSummary> list;
  std::vector<InstanceStat> stats;
  list.reserve(instances_.size());
  for (const auto& [handle, instance] : instances_) {
    list.push_back({instance->zone, instance->number, instance->topology.kind,
                    instance->server->player_count(), instance->topology.capacity,
                    instance->party_id});
    stats.push_back({instance->zone, instance->number, instance->topology.kind,
                     instance->server->player_count(), instance->topology.capacity});
  }
  metrics_.instances.store(static_cast<uint32_t>(list.size()));
  metrics_.set_instances(std::move(stats));
  std::lock_guard lock(summaries_mutex_);
  summaries_ = std::move(list);
}

std::vector<InstanceSummary> InstanceHost::summaries() const {
  std::lock_guard lock(summaries_mutex_);
  return summaries_;
}

void InstanceHost::shutdown(const Now& now) {
  for (auto& [handle, instance] : instances_) {
    instance->server->shutdown(now);
    collect(*instance->server);
  }
}

}  // namespace omega::zone
