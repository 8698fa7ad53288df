// The instance registry in Redis as the API sees it (world contract): zone processes write
// `{prefix}zoneprocs` and `{prefix}instances`; the API reads them, ignoring expired entries,
// and keeps seat reservations `{prefix}reserve:{zone}:{instance}` (a sorted set of character
// ids scored by expiry ms) for tickets not yet claimed. Also the short Redis locks that stop
// two API replicas from opening the same instance at once. Thread-safe (RedisPool is).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "api/directory.hpp"
#include "api/service_context.hpp"

namespace omega::api {

class InstanceRegistry {
 public:
  explicit InstanceRegistry(ServiceContext context) : context_(context) {}

  // Every live process and instance; the instances of `zone` carry their live reservation
  // counts. Throws ServiceUnavailable when Redis is down.
  RegistrySnapshot snapshot(std::string_view zone, std::int64_t now_ms);

  // Holds a seat for `character_id` until `expires_ms` (re-reserving moves the expiry).
  void reserve(const std::string& zone, std::uint32_t instance, std::int64_t character_id,
               std::int64_t expires_ms);
  // The claim arrived: the player now counts in the zone's own player count.
  void release_reservation(const std::string& zone, std::uint32_t instance,
                           std::int64_t character_id);
  // A fresh rift instance number (INCR {prefix}rift_seq).
  std::uint32_t next_rift_instance();

  // A lock on `name` for up to `ttl_ms`; false if someone else holds it.
  bool try_lock(const std::string& name, const std::string& owner, std::int64_t ttl_ms);
  void unlock(const std::string& name, const std::string& owner);

 private:
  std::string reservation_key(std::string_view zone, std::uint32_t instance) const;

  ServiceContext context_;
};

}  // namespace omega::api
