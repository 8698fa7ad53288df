#include "common/setting_file.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

namespace omega::common {

std::optional<std::string> read_setting_file(const std::string& path, std::string& error) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    error = path + ": " + std::strerror(errno);
    return std::nullopt;
  }
  std::string text;
  char buffer[4096];
  while (file.read(buffer, sizeof buffer) || file.gcount() > 0) {
    text.append(buffer, size_t(file.gcount()));
    if (text.size() > kMaxSettingFileBytes) {
      error = path + ": larger than " + std::to_string(kMaxSettingFileBytes) + " bytes";
      return std::nullopt;
    }
  }
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

std::optional<std::string> setting_from_environment(
    const std::string& name,
    const std::function<std::optional<std::string>(const std::string&)>& env, std::string& error) {
  std::optional<std::string> value = env(name);
  const std::optional<std::string> path = env(name + "_FILE");
  if (!path) return value;
  if (value) {
    error = name + " and " + name + "_FILE are both set: use one";
    return std::nullopt;
  }
  std::string why;
  value = read_setting_file(*path, why);
  if (!value) error = name + "_FILE: " + why;
  return value;
}

}  // namespace omega::common
