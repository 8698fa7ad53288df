#include "protocol/snapshot.hpp"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>

#include "protocol/test_util.hpp"

namespace omega::protocol {
namespace {

using testing::hex;

EntityState make_entity(uint32_t id, uint16_t x, uint16_t y) {
  EntityState e;
  e.id = id;
  e.kind = EntityKind::player;
  e.archetype = 2;
  e.x = x;
  e.y = y;
  e.hp = e.max_hp = 120;
  e.mana = e.max_mana = 80;
  e.level = 3;
  e.name.assign("bot" + std::to_string(id));
  return e;
}

std::vector<uint8_t> encode(SnapshotEncoder& encoder, uint32_t tick, uint16_t ack,
                            std::vector<EntityState> enters, std::vector<EntityState> updates,
                            std::vector<uint32_t> leaves) {
  std::vector<uint8_t> bytes;
  encoder.encode({tick, ack, enters, updates, leaves}, bytes);
  return bytes;
}

// A world of walkers, idlers and fighters; a random subset is in the client's view and changes
// every snapshot. The client's decoded view must equal the server's quantised state exactly.
TEST(Snapshot, RandomWorldDecodesExactlyOverManySnapshots) {
  std::mt19937 rng(42);
  std::map<uint32_t, EntityState> world;
  std::map<uint32_t, std::pair<int, int>> velocity;
  for (uint32_t id = 1; id <= 300; id += 1 + rng() % 3) {
    world[id] = make_entity(id, uint16_t(1000 + rng() % 60000), uint16_t(1000 + rng() % 60000));
    velocity[id] = {int(rng() % 23) - 11, int(rng() % 23) - 11};
  }
  SnapshotEncoder encoder(500);
  WorldView view(500);
  std::set<uint32_t> in_view;
  uint32_t tick = 500;
  uint16_t ack = 65530;  // wraps during the test
  for (int snapshot = 0; snapshot < 1500; ++snapshot) {
    tick += 2;
    ack = static_cast<uint16_t>(ack + rng() % 3);
    for (auto& [id, e] : world) {
      auto& [vx, vy] = velocity[id];
      if (rng() % 30 == 0) vx = int(rng() % 23) - 11, vy = int(rng() % 23) - 11;
      e.x = uint16_t(std::clamp(int(e.x) + vx, 0, 65535));
      e.y = uint16_t(std::clamp(int(e.y) + vy, 0, 65535));
      if (rng() % 40 == 0) e.hp = rng() % (kMaxStat + 1);
      if (rng() % 60 == 0) e.mana = rng() % 500;
      if (rng() % 90 == 0) e.facing = uint8_t(rng());
      if (rng() % 90 == 0) e.move_state = MoveState(rng() % 6);
      if (rng() % 200 == 0) e.level = uint8_t(1 + rng() % 255), e.max_hp = rng() % 5000;
      if (rng() % 200 == 0) e.status_effects = uint16_t(rng()), e.max_mana = rng() % 900;
    }
    std::vector<EntityState> enters, updates;
    std::vector<uint32_t> leaves;
    for (auto& [id, e] : world) {
      const bool visible = in_view.count(id) != 0;
      if (!visible && rng() % 10 == 0)
        enters.push_back(e);
      else if (visible && rng() % 25 == 0)
        leaves.push_back(id);
      else if (visible && rng() % 4 != 0)
        updates.push_back(e);  // the rest wait (budget)
    }
    for (auto& e : enters) in_view.insert(e.id);
    for (uint32_t id : leaves) in_view.erase(id);
    const auto bytes = encode(encoder, tick, ack, enters, updates, leaves);
    ASSERT_EQ(view.apply(bytes), DecodeError::none) << "snapshot " << snapshot;
    EXPECT_EQ(view.header().server_tick, tick);
    EXPECT_EQ(view.header().last_input_seq, ack);
    ASSERT_EQ(view.entities().size(), in_view.size());
    // What the client sees is exactly what the server last sent (its baseline).
    for (const EntityBaseline& b : encoder.view().entries()) {
      const EntityState* seen = view.find(b.state.id);
      ASSERT_NE(seen, nullptr);
      EXPECT_EQ(*seen, b.state);
    }
    for (const EntityState& e : updates) EXPECT_EQ(*view.find(e.id), e);
    for (const EntityState& e : enters) EXPECT_EQ(*view.find(e.id), e);
  }
}

TEST(Snapshot, UnchangedEntitiesCostNothing) {
  SnapshotEncoder encoder(0);
  std::vector<EntityState> idle;
  for (uint32_t id = 1; id <= 100; ++id) idle.push_back(make_entity(id, 3200, 3200));
  encode(encoder, 2, 0, idle, {}, {});
  const auto with_idle = encode(encoder, 4, 0, {}, idle, {});
  SnapshotEncoder empty_encoder(2);
  const auto empty = encode(empty_encoder, 4, 0, {}, {}, {});
  EXPECT_EQ(with_idle, empty);  // 100 idle entities add zero bytes
  EXPECT_EQ(with_idle.size(), 2u);
  for (const auto& e : idle) EXPECT_EQ(encoder.measure_update(e), 0);
}

TEST(Snapshot, StraightWalkerCostsAboutOneByte) {
  SnapshotEncoder encoder(0);
  WorldView view(0);
  std::vector<EntityState> walkers;
  for (uint32_t id = 1; id <= 100; ++id) walkers.push_back(make_entity(id, 3200, 3200));
  ASSERT_EQ(view.apply(encode(encoder, 2, 0, walkers, {}, {})), DecodeError::none);
  size_t total = 0;
  for (int step = 1; step <= 60; ++step) {
    for (auto& e : walkers) {  // 5 tiles/s at 15 Hz ≈ 10.67 units per snapshot, at 30°
      e.x = uint16_t(3200 + std::lround(step * 10.667 * 0.866));
      e.y = uint16_t(3200 + std::lround(step * 10.667 * 0.5));
    }
    const auto bytes = encode(encoder, uint32_t(2 + 2 * step), 0, {}, walkers, {});
    ASSERT_EQ(view.apply(bytes), DecodeError::none);
    if (step > 2) total += bytes.size() - 2;  // header: type byte + ~1 byte
  }
  const double per_entity = double(total) / (58 * walkers.size());
  EXPECT_LT(per_entity, 1.5);
  EXPECT_EQ(*view.find(50), walkers[49]);
}

TEST(Snapshot, MeasureMatchesEncodedSize) {
  SnapshotEncoder encoder(0);
  EntityState e = make_entity(9, 100, 100);
  const int64_t enter_bits = SnapshotEncoder::measure_enter(e);
  std::vector<uint8_t> bytes;
  encoder.encode({2, 0, std::span(&e, 1), {}, {}}, bytes);
  // header (seq 1 bit, tick 3 bits, ack 1 bit) + 3 counts + id gap of 9 (6 bits)
  EXPECT_EQ(int64_t(bytes.size()),
            1 + (enter_bits - SnapshotEncoder::kIdGapEstimateBits + 5 + 3 + 6 + 7) / 8);
  e.x += 40;
  e.hp -= 30;
  EXPECT_GT(encoder.measure_update(e), SnapshotEncoder::kIdGapEstimateBits);
}

// The bound a planner may add instead of measuring a position-only update is never below the
// measure, and a jump across the whole coordinate range on both axes reaches it.
TEST(Snapshot, PositionUpdatesMeasureAtMostTheirBound) {
  EXPECT_EQ(SnapshotEncoder::kMaxPositionUpdateBits, 1 + 2 * 21 + 6);
  EntityBaseline base;
  base.state = make_entity(9, 0, 0);
  std::mt19937 rng(5);
  std::uniform_int_distribution<int> unit(0, int(kMaxPositionUnits));
  std::uniform_int_distribution<int> step(-40, 40);
  for (int i = 0; i < 20000; ++i) {
    base.state.x = uint16_t(unit(rng));
    base.state.y = uint16_t(unit(rng));
    base.step_x = i % 2 ? step(rng) : 0;
    base.step_y = i % 3 ? step(rng) : 0;
    EntityState next = base.state;
    next.x = uint16_t(i % 5 ? std::clamp(int(base.state.x) + step(rng), 0, int(kMaxPositionUnits))
                            : unit(rng));
    next.y = uint16_t(unit(rng));
    if (changed_fields(base.state, next) != kFieldPosition) continue;
    ASSERT_LE(SnapshotEncoder::measure_update(next, base), SnapshotEncoder::kMaxPositionUpdateBits);
  }
  base.state.x = base.state.y = uint16_t(kMaxPositionUnits);
  base.step_x = base.step_y = 0;
  EntityState far = base.state;
  far.x = far.y = 0;
  EXPECT_EQ(SnapshotEncoder::measure_update(far, base), SnapshotEncoder::kMaxPositionUpdateBits);
}

TEST(Snapshot, GoldenBytes) {
  SnapshotEncoder encoder(1000);
  EntityState e = make_entity(7, 3200, 1600);
  e.name.assign("Ayla");
  e.facing = 64;
  const auto enter = encode(encoder, 1002, 3, {e}, {}, {});
  EXPECT_EQ(hex(enter), "04 b8 c4 02 01 00 19 80 0c 80 00 0f 0f 0a 2a 00 00 40 82 f2 d8 c2 00");
  e.x += 11;
  e.y += 5;
  const auto update = encode(encoder, 1004, 4, {}, {e}, {});
  EXPECT_EQ(hex(update), "04 98 58 6e ee 00");
}

class SnapshotDecoderRejects : public ::testing::Test {
 protected:
  void SetUp() override {
    EntityState e = make_entity(7, 3200, 1600);
    first_ = encode(encoder_, 2, 0, {e}, {}, {});
    ASSERT_EQ(view_.apply(first_), DecodeError::none);
  }
  SnapshotEncoder encoder_{0};
  WorldView view_{0};
  std::vector<uint8_t> first_;
};

TEST_F(SnapshotDecoderRejects, UpdateOfEntityNotInView) {
  SnapshotEncoder other(2);
  EntityState stranger = make_entity(9, 10, 10);
  encode(other, 4, 0, {stranger}, {}, {});
  stranger.x += 5;
  EXPECT_EQ(view_.apply(encode(other, 6, 0, {}, {stranger}, {})), DecodeError::bad_entity);
}

TEST_F(SnapshotDecoderRejects, EnterOfEntityAlreadyInView) {
  SnapshotEncoder other(2);
  EXPECT_EQ(view_.apply(encode(other, 4, 0, {make_entity(7, 1, 1)}, {}, {})),
            DecodeError::bad_entity);
}

TEST(Snapshot, DecoderRejectsLeaveOfEntityNotInView) {
  SnapshotEncoder server(0);
  encode(server, 2, 0, {make_entity(8, 1, 1)}, {}, {});
  WorldView fresh(2);  // never saw the enter
  EXPECT_EQ(fresh.apply(encode(server, 4, 0, {}, {}, {8})), DecodeError::bad_entity);
}

TEST_F(SnapshotDecoderRejects, EveryTruncationAndTrailingBytes) {
  EntityState e = make_entity(7, 3300, 1650);
  e.hp = 60;
  auto second = encode(encoder_, 4, 1, {make_entity(12, 5, 5)}, {e}, {});
  for (size_t len = 0; len < second.size(); ++len) {
    WorldView copy = view_;
    const DecodeError error = copy.apply(std::span(second).first(len));
    EXPECT_TRUE(error == DecodeError::truncated || error == DecodeError::empty) << len;
  }
  second.push_back(0);
  WorldView copy = view_;
  EXPECT_EQ(copy.apply(second), DecodeError::trailing_bytes);
}

TEST_F(SnapshotDecoderRejects, OtherMessageTypes) {
  std::vector<uint8_t> heartbeat;
  encode_message(Heartbeat{}, heartbeat);
  EXPECT_EQ(view_.apply(heartbeat), DecodeError::unexpected_type);
  EXPECT_EQ(view_.apply({}), DecodeError::empty);
}

// The decoder's section walk: ids asked in increasing order, the cursor never goes back.
TEST(Snapshot, BaselinesAreFoundAndErasedInOneWalk) {
  EntityBaselines view;
  for (uint32_t id : {2u, 4u, 6u, 8u, 10u}) ASSERT_TRUE(view.insert(make_entity(id, 1, 1)));
  size_t cursor = 0;
  ASSERT_NE(view.find_next(4, cursor), nullptr);
  EXPECT_EQ(view.find_next(4, cursor)->state.id, 4u);  // asking again finds it again
  EXPECT_EQ(view.find_next(5, cursor), nullptr);
  ASSERT_NE(view.find_next(8, cursor), nullptr);
  EXPECT_EQ(view.find_next(8, cursor)->state.id, 8u);
  EXPECT_EQ(view.find_next(11, cursor), nullptr);
  EXPECT_EQ(cursor, view.size());

  cursor = 0;
  EXPECT_TRUE(view.erase_next(2, cursor));
  EXPECT_TRUE(view.erase_next(6, cursor));
  EXPECT_FALSE(view.erase_next(7, cursor));
  EXPECT_TRUE(view.erase_next(10, cursor));
  EXPECT_FALSE(view.erase_next(10, cursor));
  std::vector<uint32_t> left;
  for (const EntityBaseline& b : view.entries()) left.push_back(b.state.id);
  EXPECT_EQ(left, (std::vector<uint32_t>{4, 8}));
}

TEST(Snapshot, ViewRefusesToGrowWithoutEnd) {
  SnapshotEncoder encoder(0);
  WorldView view(0);
  uint32_t next_id = 1;
  uint32_t tick = 0;
  DecodeError last = DecodeError::none;
  for (int round = 0; round < 3 && last == DecodeError::none; ++round) {
    std::vector<EntityState> enters;
    for (uint32_t i = 0; i < kMaxSnapshotEntries; ++i)
      enters.push_back(make_entity(next_id++, 1, 1));
    last = view.apply(encode(encoder, tick += 2, 0, enters, {}, {}));
  }
  EXPECT_EQ(last, DecodeError::too_many);
  EXPECT_LE(view.entities().size(), kMaxEntitiesInView);
}

}  // namespace
}  // namespace omega::protocol
