#include "zone/instance_directory.hpp"

#include <charconv>

namespace omega::zone {

std::optional<InstancePath> parse_instance_path(std::string_view target) {
  target = target.substr(0, target.find('?'));
  if (target == "/" || target.empty()) return InstancePath{"", 0, true};
  constexpr std::string_view kPrefix = "/z/";
  if (target.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  target.remove_prefix(kPrefix.size());
  const size_t slash = target.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  const std::string_view zone = target.substr(0, slash), number = target.substr(slash + 1);
  if (zone.empty() || zone.size() > 32) return std::nullopt;
  for (char c : zone)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return std::nullopt;
  if (number.empty() || (number.size() > 1 && number[0] == '0')) return std::nullopt;
  uint32_t instance = 0;
  auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), instance);
  if (ec != std::errc() || end != number.data() + number.size()) return std::nullopt;
  return InstancePath{std::string(zone), instance, false};
}

std::string instance_key(std::string_view zone, uint32_t instance) {
  return std::string(zone) + ":" + std::to_string(instance);
}

void InstanceDirectory::add(const std::string& zone, uint32_t instance, uint32_t handle) {
  std::lock_guard lock(mutex_);
  const std::string key = instance_key(zone, instance);
  handles_[key] = handle;
  by_handle_[handle] = key;
  if (first_ == kNone) first_ = handle;
}

void InstanceDirectory::remove(const std::string& zone, uint32_t instance) {
  std::lock_guard lock(mutex_);
  auto it = handles_.find(instance_key(zone, instance));
  if (it == handles_.end()) return;
  by_handle_.erase(it->second);
  if (first_ == it->second) first_ = by_handle_.empty() ? kNone : by_handle_.begin()->first;
  handles_.erase(it);
}

uint32_t InstanceDirectory::resolve(std::string_view target) const {
  auto path = parse_instance_path(target);
  if (!path) return kNone;
  std::lock_guard lock(mutex_);
  if (path->root) return first_;
  auto it = handles_.find(instance_key(path->zone, path->instance));
  return it == handles_.end() ? kNone : it->second;
}

uint32_t InstanceDirectory::find(const std::string& zone, uint32_t instance) const {
  std::lock_guard lock(mutex_);
  auto it = handles_.find(instance_key(zone, instance));
  return it == handles_.end() ? kNone : it->second;
}

}  // namespace omega::zone
