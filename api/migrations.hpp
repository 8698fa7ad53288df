// Applies db/migrations/NNNN_name.sql in order, each in its own transaction, and records
// them in schema_migrations. Several replicas starting together are serialised by a
// PostgreSQL advisory lock, so each migration runs exactly once.
#pragma once

#include <filesystem>
#include <optional>
#include <utility>
#include <string>
#include <vector>

#include "api/db_pool.hpp"

namespace omega::api {

struct Migration {
  int version = 0;
  std::string name;
  std::filesystem::path path;
};

// {version, name} of a file named NNNN_name.sql (name: [a-z0-9_]+); nullopt otherwise.
std::optional<std::pair<int, std::string>> parse_migration_name(const std::string& file_name);

// The migration files in `directory`, sorted by version. Throws std::runtime_error on a file
// whose name is not NNNN_name.sql or on a duplicate version.
std::vector<Migration> list_migrations(const std::filesystem::path& directory);

// Applies the missing migrations; returns how many were applied.
int apply_migrations(DbPool& pool, const std::filesystem::path& directory);

}  // namespace omega::api
