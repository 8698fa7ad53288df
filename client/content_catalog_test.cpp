#include "client/content_catalog.hpp"

#include <gtest/gtest.h>

namespace omega::client {
namespace {

// The client names items by the index the zone sends: its order must be content/items.json's,
// the same the zone's game::CombatContent uses.
TEST(ContentCatalog, ItemsAreInContentOrderWithNamesAndWhatTheyDo) {
  const ContentCatalog content = ContentCatalog::load("content");
  ASSERT_TRUE(content.error().empty()) << content.error();
  ASSERT_GE(content.items().size(), 8u);
  EXPECT_EQ(content.items()[0].id, "rusty_sword");
  EXPECT_EQ(content.item_name(0), "Rusty Sword");
  EXPECT_EQ(content.items()[0].summary, "4\u20137 damage");
  EXPECT_TRUE(content.items()[0].equipment());
  const ItemInfo* robe = content.find_item("cloth_robe");
  ASSERT_NE(robe, nullptr);
  EXPECT_EQ(robe->summary, "+1 armor, +10 max mana");
  const ItemInfo* potion = content.find_item("minor_health_potion");
  ASSERT_NE(potion, nullptr);
  EXPECT_TRUE(potion->consumable());
  EXPECT_EQ(potion->heal, 40);
  EXPECT_EQ(potion->summary, "heals 40 hp");
  EXPECT_EQ(content.item_name(60000), "item 60000");
  EXPECT_DOUBLE_EQ(content.player_respawn_seconds(), 5.0);  // progression.json: 5000 ms
}

TEST(ContentCatalog, PotionsAreTheFirstStackOfTheirKindAndTheCountOfAll) {
  const ContentCatalog content = ContentCatalog::load("content");
  ASSERT_TRUE(content.error().empty()) << content.error();
  const auto index = [&](std::string_view id) {
    const ItemInfo* info = content.find_item(id);
    EXPECT_NE(info, nullptr) << id;
    return static_cast<uint16_t>(info - content.items().data());
  };
  const uint16_t health = index("minor_health_potion"), mana = index("minor_mana_potion");
  const std::vector<protocol::InventoryStack> bag{
      {index("rusty_sword"), 1}, {mana, 2}, {health, 3}, {health, 4}, {60000, 9}};
  EXPECT_EQ(content.potions(bag, false).first, health);
  EXPECT_EQ(content.potions(bag, false).count, 7u);
  EXPECT_EQ(content.potions(bag, true).first, mana);
  EXPECT_EQ(content.potions(bag, true).count, 2u);
  EXPECT_EQ(content.potions({{index("rusty_sword"), 1}}, true).first, protocol::kNoItem);
  EXPECT_EQ(content.potions({}, false).count, 0u);
}

}  // namespace
}  // namespace omega::client
