// Seats a character: reads the registry, applies the directory rules (api/directory.hpp),
// asks a zone process to open an instance when the rules say so (POST /instances on its
// control port), reserves the seat and mints the join ticket. Used by POST /v1/play and by
// transfers. Blocking (Redis, HTTP): worker threads only. Thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/directory.hpp"
#include "api/instance_registry.hpp"
#include "api/ticket_minter.hpp"
#include "api/world.hpp"

namespace omega::api {

struct SeatRequest {
  std::int64_t account_id = 0;
  std::int64_t character_id = 0;
  std::int64_t lease_epoch = 0;  // carried by the ticket; the zone's claim must match it
  std::string zone;
  std::optional<std::uint32_t> held_instance;
  std::optional<std::int64_t> party_id;
  std::vector<std::uint32_t> party_instances;
  std::vector<std::uint32_t> friend_instances;
};

class DirectoryService {
 public:
  DirectoryService(const Config& config, const WorldTopology& world, InstanceRegistry& registry,
                   const TicketMinter& tickets);
  DirectoryService(const DirectoryService&) = delete;
  DirectoryService& operator=(const DirectoryService&) = delete;

  // The /v1/play body {ws_url, ticket, zone, instance, lease_epoch, expires_at}. Refusals are
  // ApiErrors: 400 unknown_zone, 409 zone_full, 503 no_capacity (or tickets_disabled).
  nlohmann::json seat(const SeatRequest& request);

 private:
  struct Seat {
    std::string zone;
    std::uint32_t instance = 0;
    std::string ws_url;
  };
  Placement decide(const SeatRequest& request);
  // Opens the instance `placement` asks for; nullopt when it turned out to be open already.
  std::optional<Seat> open(const SeatRequest& request, const Placement& placement);

  const Config& config_;
  const WorldTopology& world_;
  InstanceRegistry& registry_;
  const TicketMinter& tickets_;
};

}  // namespace omega::api
