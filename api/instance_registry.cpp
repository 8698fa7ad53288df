#include "api/instance_registry.hpp"

#include "api/errors.hpp"

namespace omega::api {

namespace {
// Deletes the lock only if we still own it: it may have expired and been taken by another.
constexpr const char* kUnlockScript =
    "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 "
    "end";

void expect_no_error(const RedisValue& reply) {
  if (reply.type == RedisValue::Type::error)
    throw ServiceUnavailable("Redis refused: " + reply.text);
}
}  // namespace

std::string InstanceRegistry::reservation_key(std::string_view zone, std::uint32_t instance) const {
  return context_.redis_key("reserve:" + std::string(zone) + ":" + std::to_string(instance));
}

RegistrySnapshot InstanceRegistry::snapshot(std::string_view zone, std::int64_t now_ms) {
  const auto replies = context_.redis.pipeline(
      {{"HGETALL", context_.redis_key("zoneprocs")}, {"HGETALL", context_.redis_key("instances")}});
  RegistrySnapshot snapshot;
  const auto& processes = replies[0].elements;
  for (std::size_t i = 1; i < processes.size(); i += 2)
    if (auto entry = parse_process_entry(processes[i].text, now_ms))
      snapshot.processes.push_back(std::move(*entry));
  const auto& instances = replies[1].elements;
  for (std::size_t i = 1; i < instances.size(); i += 2)
    if (auto entry = parse_instance_entry(instances[i].text, now_ms))
      snapshot.instances.push_back(std::move(*entry));

  std::vector<RedisCommand> counts;
  std::vector<InstanceEntry*> counted;
  const auto now = std::to_string(now_ms);
  for (auto& entry : snapshot.instances) {
    if (entry.zone != zone) continue;
    const auto key = reservation_key(entry.zone, entry.instance);
    counts.push_back({"ZREMRANGEBYSCORE", key, "-inf", "(" + now});
    counts.push_back({"ZCARD", key});
    counted.push_back(&entry);
  }
  if (counts.empty()) return snapshot;
  const auto reservations = context_.redis.pipeline(counts);
  for (std::size_t i = 0; i < counted.size(); ++i)
    counted[i]->reserved = static_cast<int>(reservations[2 * i + 1].integer);
  return snapshot;
}

void InstanceRegistry::reserve(const std::string& zone, std::uint32_t instance,
                               std::int64_t character_id, std::int64_t expires_ms) {
  const auto key = reservation_key(zone, instance);
  // The key outlives its newest member a little, then Redis drops it by itself.
  const auto replies = context_.redis.pipeline(
      {{"ZADD", key, std::to_string(expires_ms), std::to_string(character_id)},
       {"PEXPIREAT", key, std::to_string(expires_ms + 60'000)}});
  expect_no_error(replies[0]);
}

void InstanceRegistry::release_reservation(const std::string& zone, std::uint32_t instance,
                                           std::int64_t character_id) {
  expect_no_error(context_.redis.command(
      {"ZREM", reservation_key(zone, instance), std::to_string(character_id)}));
}

std::uint32_t InstanceRegistry::next_rift_instance() {
  const auto reply = context_.redis.command({"INCR", context_.redis_key("rift_seq")});
  expect_no_error(reply);
  // Instance ids are uint32 on the wire but lease_instance is an SQL integer: wrap past
  // 2^31 - 1 (skipping 0), long after old rifts have closed.
  return static_cast<std::uint32_t>((static_cast<unsigned long long>(reply.integer) - 1) %
                                    0x7fffffffULL) +
         1;
}

bool InstanceRegistry::try_lock(const std::string& name, const std::string& owner,
                                std::int64_t ttl_ms) {
  const auto reply = context_.redis.command(
      {"SET", context_.redis_key("lock:" + name), owner, "NX", "PX", std::to_string(ttl_ms)});
  expect_no_error(reply);
  return reply.type == RedisValue::Type::status;
}

void InstanceRegistry::unlock(const std::string& name, const std::string& owner) {
  context_.redis.command({"EVAL", kUnlockScript, "1", context_.redis_key("lock:" + name), owner});
}

}  // namespace omega::api
