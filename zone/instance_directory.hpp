// InstanceDirectory: which open instance a WebSocket upgrade path names. The WebSocket server
// (network thread) resolves `/z/{zone}/{instance}` — or `/`, the process's first instance —
// before accepting the upgrade (unknown → HTTP 404); the simulation thread adds and removes
// instances as they open and close.
//
// Thread safety: every method may be called from any thread (one mutex, held briefly).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace omega::zone {

struct InstancePath {
  std::string zone;
  uint32_t instance = 0;
  bool root = false;  // "/" (the first instance)
};

// Parses the target of an upgrade request ("/z/forest/2?x=y" → forest, 2; "/" → root).
// nullopt for anything else (a zone name must be [a-z0-9_]{1,32}, the instance a decimal
// uint32 without sign or leading zeros).
std::optional<InstancePath> parse_instance_path(std::string_view target);

// "{zone}:{instance}", the registry's field name.
std::string instance_key(std::string_view zone, uint32_t instance);

class InstanceDirectory {
 public:
  static constexpr uint32_t kNone = 0;  // handles start at 1

  void add(const std::string& zone, uint32_t instance, uint32_t handle);
  void remove(const std::string& zone, uint32_t instance);
  // The handle an upgrade target routes to, or kNone.
  uint32_t resolve(std::string_view target) const;
  uint32_t find(const std::string& zone, uint32_t instance) const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, uint32_t, std::less<>> handles_;  // instance_key → handle
  uint32_t first_ = kNone;                                // the oldest open instance (path "/")
  std::map<uint32_t, std::string> by_handle_;             // handles in opening order
};

}  // namespace omega::zone
