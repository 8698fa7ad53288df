#include "api/migrations.hpp"

#include <gtest/gtest.h>

namespace omega::api {
namespace {

TEST(ApiMigrations, FileNamesAreCheckedAndOrdered) {
  EXPECT_EQ(parse_migration_name("0003_leaderboards.sql"),
            (std::pair{3, std::string("leaderboards")}));
  EXPECT_FALSE(parse_migration_name("3_leaderboards.sql"));
  EXPECT_FALSE(parse_migration_name("0003-leaderboards.sql"));
  EXPECT_FALSE(parse_migration_name("0003_Leaderboards.sql"));
  EXPECT_FALSE(parse_migration_name("0003_leaderboards.txt"));
  EXPECT_FALSE(parse_migration_name("0003_.sql"));
  const auto migrations = list_migrations("db/migrations");
  ASSERT_GE(migrations.size(), 3u);
  for (std::size_t i = 0; i < migrations.size(); ++i)
    EXPECT_EQ(migrations[i].version, static_cast<int>(i + 1));
}

}  // namespace
}  // namespace omega::api
