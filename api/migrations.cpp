#include "api/migrations.hpp"

#include <algorithm>
#include <fstream>
#include <regex>
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

std::vector<Migration> list_migrations(const std::filesystem::path& directory) {
  static const std::regex kName(R"(^(\d{4})_([a-z0-9_]+)\.sql$)");
  std::vector<Migration> migrations;
  std::set<int> versions;
  for (const auto& entry : std::filesystem::directory_iterator(directory)) {
    if (!entry.is_regular_file()) continue;
    const auto file_name = entry.path().filename().string();
    std::smatch match;
    if (!std::regex_match(file_name, match, kName))
      throw std::runtime_error("migration file not named NNNN_name.sql: " + file_name);
    const int version = std::stoi(match[1]);
    if (!versions.insert(version).second)
      throw std::runtime_error("duplicate migration version in " + file_name);
    migrations.push_back({version, match[2], entry.path()});
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
