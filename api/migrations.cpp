#include "api/migrations.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>

namespace omega::api {

namespace {
// Arbitrary but fixed: identifies "omega-api migrations" among advisory locks.
constexpr long long kMigrationLockKey = 0x6f6d656761;

std::string read_file(const std::filesystem::path& path) {
  std::ifstream file(path);
  if (!file) throw std::runtime_error("cannot read " + path.string());
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}
}  // namespace

// "0003_leaderboards.sql" → {3, "leaderboards"}; nullopt unless NNNN_[a-z0-9_]+.sql.
// (No std::regex: GCC 12 reports false maybe-uninitialized errors in it under sanitizers.)
std::optional<std::pair<int, std::string>> parse_migration_name(const std::string& file_name) {
  constexpr std::string_view kSuffix = ".sql";
  if (file_name.size() <= 5 + kSuffix.size() || file_name[4] != '_' ||
      file_name.compare(file_name.size() - kSuffix.size(), kSuffix.size(), kSuffix) != 0)
    return std::nullopt;
  for (int i = 0; i < 4; ++i)
    if (!std::isdigit(static_cast<unsigned char>(file_name[i]))) return std::nullopt;
  const auto name = file_name.substr(5, file_name.size() - 5 - kSuffix.size());
  for (const char c : name)
    if (!(std::islower(static_cast<unsigned char>(c)) ||
          std::isdigit(static_cast<unsigned char>(c)) || c == '_'))
      return std::nullopt;
  return std::pair{std::stoi(file_name.substr(0, 4)), name};
}

std::vector<Migration> list_migrations(const std::filesystem::path& directory) {
  std::vector<Migration> migrations;
  std::set<int> versions;
  for (const auto& entry : std::filesystem::directory_iterator(directory)) {
    if (!entry.is_regular_file()) continue;
    const auto file_name = entry.path().filename().string();
    const auto parsed = parse_migration_name(file_name);
    if (!parsed) throw std::runtime_error("migration file not named NNNN_name.sql: " + file_name);
    if (!versions.insert(parsed->first).second)
      throw std::runtime_error("duplicate migration version in " + file_name);
    migrations.push_back({parsed->first, parsed->second, entry.path()});
  }
  std::sort(migrations.begin(), migrations.end(),
            [](const Migration& a, const Migration& b) { return a.version < b.version; });
  return migrations;
}

namespace {
void run_statement(pqxx::connection& connection, const std::string& sql) {
  pqxx::nontransaction statement(connection);
  statement.exec(sql);
}

int apply_missing(pqxx::connection& connection, const std::vector<Migration>& migrations) {
  run_statement(connection,
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " version integer PRIMARY KEY,"
                " name text NOT NULL,"
                " applied_at timestamptz NOT NULL DEFAULT now())");
  std::set<int> done;
  {
    pqxx::nontransaction read(connection);
    for (const auto& row : read.exec("SELECT version FROM schema_migrations"))
      done.insert(row[0].as<int>());
  }
  int applied = 0;
  for (const auto& migration : migrations) {
    if (done.count(migration.version)) continue;
    pqxx::work transaction(connection);
    transaction.exec(read_file(migration.path));
    transaction.exec_params("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                            migration.version, migration.name);
    transaction.commit();
    ++applied;
  }
  return applied;
}

}  // namespace

int apply_migrations(DbPool& pool, const std::filesystem::path& directory) {
  const auto migrations = list_migrations(directory);
  const std::string key = std::to_string(kMigrationLockKey);
  return pool.run([&](pqxx::connection& connection) {
    run_statement(connection, "SELECT pg_advisory_lock(" + key + ")");
    try {
      const int applied = apply_missing(connection, migrations);
      run_statement(connection, "SELECT pg_advisory_unlock(" + key + ")");
      return applied;
    } catch (const pqxx::broken_connection&) {
      throw;  // the lock died with the session
    } catch (...) {
      run_statement(connection, "SELECT pg_advisory_unlock(" + key + ")");
      throw;
    }
  });
}

}  // namespace omega::api
