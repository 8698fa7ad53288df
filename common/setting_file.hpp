// `<VARIABLE>_FILE` settings: a secret (JWT key, ticket seed, service token, database password)
// read from a file instead of an environment variable, the way Docker and Kubernetes secrets
// are mounted (/run/secrets/NAME) and the way the official PostgreSQL image reads
// POSTGRES_PASSWORD_FILE. The value is the whole file less its trailing line break.
//
// Thread safety: pure functions over the file system.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>

namespace omega::common {

// A secret is a line of text; anything larger is the wrong file.
inline constexpr size_t kMaxSettingFileBytes = 64 * 1024;

// The file's text without trailing "\n" / "\r\n"; nullopt with `error` ("PATH: why") when it
// cannot be read or exceeds kMaxSettingFileBytes.
std::optional<std::string> read_setting_file(const std::string& path, std::string& error);

// The value of environment variable `name`, taken from `name` or from the file named by
// `name`_FILE. nullopt when neither is set; both set, or an unreadable file, is an error
// (`error` names the variable).
std::optional<std::string> setting_from_environment(
    const std::string& name,
    const std::function<std::optional<std::string>(const std::string&)>& env, std::string& error);

}  // namespace omega::common
