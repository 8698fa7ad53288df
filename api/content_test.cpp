#include "api/content.hpp"

#include <gtest/gtest.h>

namespace omega::api {
namespace {

// Tests run from the repository root (WORKING_DIRECTORY in CMake).
TEST(ApiContent, LoadsTheRepositoryContent) {
  const auto catalog = ContentCatalog::load("content");
  for (const char* id : {"warrior", "ranger", "mage"}) {
    const auto* definition = catalog.find_class(id);
    ASSERT_NE(definition, nullptr) << id;
    EXPECT_EQ(definition->starting_zone, "hub_city_1");
    EXPECT_TRUE(definition->stats.contains("max_hp"));
    EXPECT_FALSE(definition->starting_items.empty());
  }
  EXPECT_EQ(catalog.find_class("necromancer"), nullptr);
  for (const char* board : {"level", "monster_kills", "arena_rating"})
    EXPECT_NE(catalog.find_board(board), nullptr);
  EXPECT_EQ(catalog.find_board("level")->aggregate, ScoreAggregate::max);
  EXPECT_EQ(catalog.find_board("monster_kills")->aggregate, ScoreAggregate::sum);
  const auto document = nlohmann::json::parse(catalog.document());
  for (const char* section : {"classes", "items", "abilities", "zones", "leaderboards"})
    EXPECT_TRUE(document.contains(section)) << section;
}

TEST(ApiContent, ItemsAreFoundByPartOfTheirNameInAnyCase) {
  const auto catalog = ContentCatalog::load("content");
  EXPECT_EQ(catalog.items_named("rUsTy Sw"), std::vector<std::string>{"rusty_sword"});
  EXPECT_TRUE(catalog.items_named("no item is called this").empty());
}

TEST(ApiContent, EtagIsStableAndQuoted) {
  const auto first = ContentCatalog::load("content");
  const auto second = ContentCatalog::load("content");
  EXPECT_EQ(first.etag(), second.etag());
  EXPECT_EQ(first.etag().front(), '"');
  EXPECT_EQ(first.etag().back(), '"');
}

TEST(ApiContent, IfNoneMatchComparison) {
  EXPECT_TRUE(etag_matches("\"abc\"", "\"abc\""));
  EXPECT_TRUE(etag_matches("W/\"abc\"", "\"abc\""));
  EXPECT_TRUE(etag_matches("\"x\", \"abc\"", "\"abc\""));
  EXPECT_TRUE(etag_matches("*", "\"abc\""));
  EXPECT_FALSE(etag_matches("\"abd\"", "\"abc\""));
  EXPECT_FALSE(etag_matches("", "\"abc\""));
}

TEST(ApiContent, MissingDirectoryIsAnError) {
  EXPECT_THROW(ContentCatalog::load("no/such/content"), std::runtime_error);
}

}  // namespace
}  // namespace omega::api
