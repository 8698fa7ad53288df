// docs/PROTOCOL.md's worked example must decode to what the document says it holds.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "protocol/snapshot.hpp"
#include "protocol/test_util.hpp"

namespace omega::protocol {
namespace {

// The ```hex blocks after the "## Worked example" heading, in order.
std::vector<std::vector<uint8_t>> worked_example_blocks() {
  std::ifstream file("docs/PROTOCOL.md");
  std::stringstream text;
  text << file.rdbuf();
  const std::string doc = text.str();
  std::vector<std::vector<uint8_t>> blocks;
  size_t at = doc.find("## Worked example");
  if (at == std::string::npos) return blocks;
  const size_t section_end = doc.find("\n## ", at + 1);
  while ((at = doc.find("```hex\n", at)) != std::string::npos && at < section_end) {
    const size_t start = at + 7, end = doc.find("```", start);
    blocks.push_back(testing::unhex(doc.substr(start, end - start)));
    at = end + 3;
  }
  return blocks;
}

TEST(ProtocolDoc, WorkedExampleDecodesAsDocumented) {
  const auto blocks = worked_example_blocks();
  ASSERT_EQ(blocks.size(), 3u) << "docs/PROTOCOL.md must hold the Welcome and two StateUpdates";

  ServerMessage message;
  ASSERT_EQ(decode_server_message(blocks[0], message), DecodeError::none);
  const Welcome& welcome = std::get<Welcome>(message);
  EXPECT_EQ(welcome.entity_id, 42u);
  EXPECT_EQ(welcome.zone, "hub");
  EXPECT_EQ(welcome.server_tick, 1000u);

  WorldView view(welcome.server_tick);
  ASSERT_EQ(view.apply(blocks[1]), DecodeError::none);
  EXPECT_EQ(view.header().seq, 1);
  EXPECT_EQ(view.header().server_tick, 1002u);
  EXPECT_EQ(view.header().last_input_seq, 3);
  const EntityState* ayla = view.find(7);
  ASSERT_NE(ayla, nullptr);
  EXPECT_EQ(ayla->name.view(), "Ayla");
  EXPECT_EQ(ayla->kind, EntityKind::player);
  EXPECT_EQ(ayla->archetype, 2);
  EXPECT_FLOAT_EQ(dequantize_position(ayla->x), 100.0f);
  EXPECT_FLOAT_EQ(dequantize_position(ayla->y), 50.0f);
  EXPECT_EQ(ayla->facing, 64);
  EXPECT_EQ(ayla->hp, 120u);
  EXPECT_EQ(ayla->max_hp, 120u);
  EXPECT_EQ(ayla->mana, 80u);
  EXPECT_EQ(ayla->level, 3);

  ASSERT_EQ(view.apply(blocks[2]), DecodeError::none);
  EXPECT_EQ(view.header().server_tick, 1004u);
  EXPECT_EQ(view.header().last_input_seq, 4);
  EXPECT_EQ(view.find(7)->x, 3211);
  EXPECT_EQ(view.find(7)->y, 1605);
}

}  // namespace
}  // namespace omega::protocol
