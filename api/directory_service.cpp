#include "api/directory_service.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <thread>

#include "api/errors.hpp"
#include "api/zone_control.hpp"

namespace omega::api {

namespace {
// A zone process opens an instance in milliseconds (tile map and navmesh are cached); two
// seconds means it is in trouble, and the player is better served by a 503 and a retry.
// Holding the opening lock longer than the control call may take would only delay others.
constexpr std::int64_t kOpeningLockMs = 5000;
// Another replica opening the same zone: wait for it this often, this many times.
constexpr auto kLockRetryDelay = std::chrono::milliseconds(50);
constexpr int kMaxAttempts = 60;

ApiError no_capacity(const std::string& message) {
  ApiError error(503, "no_capacity", message);
  error.header_name = "Retry-After";
  error.header_value = "2";
  return error;
}

std::string lock_name(const SeatRequest& request, const Placement& placement,
                      const WorldTopology& world) {
  const auto* zone = world.find(request.zone);
  if (zone && zone->kind == ZoneKind::rift) {
    // Rift numbers come from INCR, so only one party's concurrent entries can collide.
    return "open:" + request.zone +
           (request.party_id ? ":party:" + std::to_string(*request.party_id)
                             : ":character:" + std::to_string(request.character_id));
  }
  return "open:" + request.zone + ":" + std::to_string(placement.new_instance);
}

// Releases the opening lock however the attempt ends.
class LockGuard {
 public:
  LockGuard(InstanceRegistry& registry, std::string name, std::string owner)
      : registry_(registry), name_(std::move(name)), owner_(std::move(owner)) {}
  ~LockGuard() {
    try {
      registry_.unlock(name_, owner_);
    } catch (const std::exception& error) {
      spdlog::warn("directory: cannot release lock {} ({}); it expires by itself", name_,
                   error.what());
    }
  }
  LockGuard(const LockGuard&) = delete;
  LockGuard& operator=(const LockGuard&) = delete;

 private:
  InstanceRegistry& registry_;
  std::string name_;
  std::string owner_;
};

}  // namespace

DirectoryService::DirectoryService(const Config& config, const WorldTopology& world,
                                   InstanceRegistry& registry, const TicketMinter& tickets)
    : config_(config), world_(world), registry_(registry), tickets_(tickets) {}

Placement DirectoryService::decide(const SeatRequest& request) {
  const auto snapshot = registry_.snapshot(request.zone, now_ms());
  auto placement = assign_instance(world_, snapshot,
                                   {request.zone, request.held_instance, request.party_id,
                                    request.party_instances, request.friend_instances});
  if (placement.action != Placement::Action::refuse) return placement;
  if (placement.status == 503) throw no_capacity(placement.message);
  throw ApiError(placement.status, placement.error_code, placement.message);
}

std::optional<DirectoryService::Seat> DirectoryService::open(const SeatRequest& request,
                                                             const Placement& placement) {
  const auto* zone = world_.find(request.zone);
  const auto endpoint = common::parse_http_url(placement.control_url);
  if (!endpoint)
    throw no_capacity("zone process " + placement.process_id + " has no usable control_url");
  const auto number =
      placement.new_instance != 0 ? placement.new_instance : registry_.next_rift_instance();
  const nlohmann::json body = {
      {"zone", request.zone},
      {"instance", number},
      {"kind", zone_kind_name(zone->kind)},
      {"party_id", request.party_id ? nlohmann::json(*request.party_id) : nlohmann::json()}};
  const auto response =
      post_zone_control(*endpoint, "/instances", body.dump(), config_.service_token);
  if (response.status == 409) return std::nullopt;  // opened meanwhile (another replica): re-read
  if (response.status != 201) {
    spdlog::warn("directory: {} could not open {}:{}: status {} {}{}", placement.process_id,
                 request.zone, number, response.status, response.error,
                 response.body.substr(0, 200));
    throw no_capacity("could not open an instance of " + request.zone + "; retry shortly");
  }
  const auto answer = nlohmann::json::parse(response.body, nullptr, false);
  if (!answer.is_object() || !answer.contains("ws_url") || !answer["ws_url"].is_string())
    throw no_capacity("zone process " + placement.process_id + " answered without ws_url");
  spdlog::info("directory: opened {}:{} on {}", request.zone, number, placement.process_id);
  return Seat{request.zone, number, answer["ws_url"].get<std::string>()};
}

nlohmann::json DirectoryService::seat(const SeatRequest& request) {
  if (!tickets_.enabled())
    throw ApiError(503, "tickets_disabled", "this API has no ticket key (tickets.signing_seed)");
  std::optional<Seat> seat;
  for (int attempt = 0; !seat; ++attempt) {
    if (attempt >= kMaxAttempts)
      throw no_capacity("the directory is busy opening instances of " + request.zone);
    auto placement = decide(request);
    if (placement.action == Placement::Action::open) {
      const auto name = lock_name(request, placement, world_);
      const auto owner = std::to_string(request.character_id) + ":" + std::to_string(now_ms());
      if (!registry_.try_lock(name, owner, kOpeningLockMs)) {
        std::this_thread::sleep_for(kLockRetryDelay);
        continue;
      }
      LockGuard guard(registry_, name, owner);
      // Decide again under the lock: whoever held it may just have opened what we need.
      placement = decide(request);
      if (placement.action == Placement::Action::open &&
          lock_name(request, placement, world_) == name) {
        seat = open(request, placement);
        continue;
      }
      if (placement.action == Placement::Action::open) continue;
    }
    seat = Seat{placement.instance.zone, placement.instance.instance, placement.instance.ws_url};
  }
  const auto now = now_ms();
  registry_.reserve(seat->zone, seat->instance, request.character_id,
                    now + tickets_.ttl().count() * 1000);
  const auto ticket = tickets_.mint(static_cast<std::uint64_t>(request.account_id),
                                    static_cast<std::uint64_t>(request.character_id), seat->zone,
                                    seat->instance, static_cast<std::uint64_t>(request.lease_epoch),
                                    static_cast<std::uint64_t>(now / 1000));
  return {{"ws_url", seat->ws_url},
          {"ticket", ticket.hex},
          {"zone", seat->zone},
          {"instance", seat->instance},
          {"lease_epoch", request.lease_epoch},
          {"expires_at", ticket.expires_at_unix}};
}

}  // namespace omega::api
