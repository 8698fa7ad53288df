#include "zone/snapshot_planner.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

namespace omega::zone {
namespace {

// A hand-made entity table, a viewer, and the client side (WorldView) that decodes what the
// planner + encoder send, so every test checks real bytes.
struct Scene {
  std::vector<game::Vec2> positions;
  std::vector<uint8_t> active;
  std::vector<protocol::EntityState> states;
  InterestSettings settings;
  std::unique_ptr<SnapshotPlanner> planner;
  InterestGrid grid{512, 512, 8};
  ClientInterest interest;
  protocol::SnapshotEncoder encoder{0};
  protocol::WorldView view{0};
  uint32_t tick = 0;
  std::vector<uint8_t> bytes;

  explicit Scene(InterestSettings s) : settings(s), planner(new SnapshotPlanner(s)) {}

  uint32_t add(float x, float y) {
    const uint32_t slot = static_cast<uint32_t>(positions.size());
    positions.push_back({x, y});
    active.push_back(1);
    protocol::EntityState state;
    state.id = slot + 1;
    state.hp = state.max_hp = 100;
    state.name.assign("e" + std::to_string(slot));
    states.push_back(state);
    move(slot, x, y);
    return slot;
  }
  void move(uint32_t slot, float x, float y) {
    positions[slot] = {x, y};
    states[slot].x = static_cast<uint16_t>(protocol::quantize_position(x));
    states[slot].y = static_cast<uint16_t>(protocol::quantize_position(y));
  }
  // One regular snapshot for the viewer in slot 0; returns its size in bytes.
  size_t snapshot() {
    EntityTable table{positions, active, states};
    grid.rebuild(positions, active);
    tick += 2;
    auto frame = planner->plan(table, grid, 0, tick, 0, interest, encoder);
    bytes.clear();
    encoder.encode(frame, bytes);
    EXPECT_EQ(view.apply(bytes), protocol::DecodeError::none);
    return bytes.size();
  }
  bool sees(uint32_t slot) const { return view.find(slot + 1) != nullptr; }
  std::set<uint32_t> seen_slots() const {
    std::set<uint32_t> out;
    for (const auto& e : view.entities().entries()) out.insert(e.state.id - 1);
    return out;
  }
};

InterestSettings settings(float radius, float margin, uint32_t cap = 128,
                          uint32_t budget = 100000) {
  InterestSettings s;
  s.view_radius = radius;
  s.view_margin = margin;
  s.full_rate_radius = radius;
  s.max_entities = cap;
  s.budget_bytes = budget;
  return s;
}

TEST(SnapshotPlanner, ViewRadiusWithHysteresis) {
  Scene scene(settings(10, 4));
  scene.add(50, 50);                     // the viewer
  const uint32_t a = scene.add(59, 50);  // 9 tiles: inside R
  const uint32_t far = scene.add(80, 50);
  scene.snapshot();
  EXPECT_TRUE(scene.sees(0));  // own entity always
  EXPECT_TRUE(scene.sees(a));
  EXPECT_FALSE(scene.sees(far));

  scene.move(a, 63, 50);  // 13: beyond R but within R + margin: stays
  scene.snapshot();
  EXPECT_TRUE(scene.sees(a));
  scene.snapshot();  // beyond the full-rate radius: updated every 2nd snapshot
  EXPECT_EQ(scene.view.find(a + 1)->x, protocol::quantize_position(63));

  scene.move(a, 64.5f, 50);  // 14.5: beyond R + margin: leaves
  scene.snapshot();
  EXPECT_FALSE(scene.sees(a));

  scene.move(a, 62, 50);  // 12: not in view, and entering needs R
  scene.snapshot();
  EXPECT_FALSE(scene.sees(a));

  scene.move(a, 59.5f, 50);
  scene.snapshot();
  EXPECT_TRUE(scene.sees(a));
}

TEST(SnapshotPlanner, CapKeepsTheNearestAndTheOwnEntity) {
  Scene scene(settings(40, 4, /*cap=*/5));
  scene.add(100, 100);
  for (int i = 1; i <= 20; ++i) scene.add(100.0f + static_cast<float>(i), 100);
  scene.snapshot();
  EXPECT_EQ(scene.seen_slots(), (std::set<uint32_t>{0, 1, 2, 3, 4}));

  scene.move(1, 100, 130);  // slot 1 goes to distance 30: now 5th nearest is slot 5
  scene.snapshot();
  EXPECT_EQ(scene.seen_slots(), (std::set<uint32_t>{0, 2, 3, 4, 5}));
}

TEST(SnapshotPlanner, InfiniteViewSeesEveryoneUpToTheCap) {
  Scene scene(settings(std::numeric_limits<float>::infinity(), 4, /*cap=*/3));
  scene.add(10, 10);
  scene.add(500, 500);
  scene.add(20, 500);
  scene.add(510, 10);
  scene.snapshot();
  EXPECT_EQ(scene.seen_slots(), (std::set<uint32_t>{0, 2, 3}));
  Scene all(settings(std::numeric_limits<float>::infinity(), 4));
  all.add(10, 10);
  all.add(500, 500);
  all.add(20, 500);
  all.snapshot();
  EXPECT_EQ(all.seen_slots().size(), 3u);
}

TEST(SnapshotPlanner, BudgetSendsTheNearestFirstAndTheRestLater) {
  Scene scene(settings(60, 4, 128, /*budget=*/200));
  scene.add(100, 100);
  for (int i = 1; i <= 60; ++i)  // ids ascending with distance
    scene.add(100.0f + static_cast<float>(i) * 0.7f, 100.0f + static_cast<float>(i % 3));
  const size_t first = scene.snapshot();
  EXPECT_LE(first, 220u);
  const auto seen = scene.seen_slots();
  ASSERT_GT(seen.size(), 2u);
  ASSERT_LT(seen.size(), 61u);
  // What went is a prefix by distance: the nearest entities.
  for (uint32_t slot = 0; slot < seen.size(); ++slot) EXPECT_TRUE(seen.count(slot)) << slot;

  int snapshots = 1;
  while (scene.seen_slots().size() < 61 && snapshots < 50) {
    EXPECT_LE(scene.snapshot(), 220u);
    ++snapshots;
  }
  EXPECT_EQ(scene.seen_slots().size(), 61u);
  EXPECT_GT(snapshots, 2);
}

TEST(SnapshotPlanner, WaitingEntitiesAreNotStarved) {
  // 30 near entities change every snapshot and alone overflow the budget; one farther entity
  // also changes. It must still be updated now and then.
  Scene scene(settings(60, 4, 128, /*budget=*/120));
  scene.add(100, 100);
  for (int i = 1; i <= 30; ++i)
    scene.add(100.0f + static_cast<float>(i % 6), 101.0f + float(i / 6));
  const uint32_t far = scene.add(140, 100);
  for (int i = 0; i < 40; ++i) scene.snapshot();  // everyone entered
  ASSERT_TRUE(scene.sees(far));

  int far_updates = 0;
  for (int round = 0; round < 40; ++round) {
    // Everyone takes a different random-ish step, so every entity changes every snapshot.
    for (uint32_t slot = 1; slot < scene.positions.size(); ++slot) {
      const float wobble = static_cast<float>((round * 7 + static_cast<int>(slot) * 13) % 5) - 2;
      scene.move(slot, scene.positions[slot].x + wobble * 0.3f, scene.positions[slot].y);
    }
    scene.snapshot();
    const auto updated = scene.view.updated();
    if (std::find(updated.begin(), updated.end(), far + 1) != updated.end()) ++far_updates;
  }
  EXPECT_GE(far_updates, 3);
  // And the client's picture of it is exact after an update.
  scene.snapshot();
}

TEST(SnapshotPlanner, FarEntitiesUpdateLessOften) {
  InterestSettings s = settings(30, 4);
  s.full_rate_radius = 5;
  Scene scene(s);
  scene.add(100, 100);
  const uint32_t near = scene.add(103, 100);  // within 5: every snapshot
  const uint32_t mid = scene.add(108, 100);   // within 10: every 2nd
  const uint32_t far = scene.add(120, 100);   // beyond: every 4th
  scene.snapshot();
  int near_updates = 0, mid_updates = 0, far_updates = 0;
  for (int i = 0; i < 16; ++i) {
    for (uint32_t slot : {near, mid, far})  // all keep moving
      scene.move(slot, scene.positions[slot].x, 100.25f + 0.25f * static_cast<float>(i));
    scene.snapshot();
    const auto updated = scene.view.updated();
    near_updates += std::count(updated.begin(), updated.end(), near + 1);
    mid_updates += std::count(updated.begin(), updated.end(), mid + 1);
    far_updates += std::count(updated.begin(), updated.end(), far + 1);
  }
  EXPECT_EQ(near_updates, 16);
  EXPECT_EQ(mid_updates, 8);
  EXPECT_EQ(far_updates, 4);
  // A far entity's picture catches up whenever it is updated: no drift.
  EXPECT_NEAR(protocol::dequantize_position(scene.view.find(far + 1)->y), 100.0f + 0.25f * 16,
              1.0f);
}

TEST(SnapshotPlanner, DepartedEntitiesLeaveAndUnchangedOnesCostNothing) {
  Scene scene(settings(20, 4));
  scene.add(50, 50);
  const uint32_t other = scene.add(52, 50);
  scene.snapshot();
  ASSERT_TRUE(scene.sees(other));
  const size_t idle = scene.snapshot();
  EXPECT_LE(idle, 4u);  // header only
  scene.active[other] = 0;
  scene.states[other].id = 0;
  scene.snapshot();
  EXPECT_FALSE(scene.sees(other));
}

// The tracked list stays ascending by id (the planner finds baselines in one walk over it and
// the encoder's view) while entities enter in distance order, wait, move and leave.
TEST(SnapshotPlanner, TrackedEntitiesStayInIdOrderAndUpdatesFindTheirBaselines) {
  Scene scene(settings(30, 4, 128, /*budget=*/150));
  scene.add(100, 100);
  std::vector<uint32_t> others;
  for (int i = 1; i <= 40; ++i)  // ids ascending, distance descending
    others.push_back(scene.add(100.0f + 25.0f - static_cast<float>(i) * 0.6f, 100.0f));
  for (int round = 0; round < 60; ++round) {
    for (uint32_t slot : others)  // everyone moves a little every snapshot
      scene.move(slot, scene.positions[slot].x, 100.0f + 0.1f * static_cast<float>(round % 7));
    if (round == 30) {  // one leaves the world, one walks out of range
      scene.active[others[5]] = 0;
      scene.states[others[5]].id = 0;
      scene.move(others[6], 200, 200);
    }
    scene.snapshot();
    const auto tracked = scene.interest.tracked();
    for (size_t i = 1; i < tracked.size(); ++i)
      ASSERT_LT(tracked[i - 1].id, tracked[i].id) << "round " << round;
  }
  for (int settle = 0; settle < 10; ++settle) scene.snapshot();  // the waiting ones catch up
  // Every entity still in range reached the client, at its current position.
  for (uint32_t slot : others) {
    if (slot == others[5] || slot == others[6]) {
      EXPECT_FALSE(scene.sees(slot)) << slot;
      continue;
    }
    ASSERT_TRUE(scene.sees(slot)) << slot;
    EXPECT_EQ(scene.view.find(slot + 1)->y, scene.states[slot].y) << slot;
  }
}

// The frame lists enters, updates and leaves each ascending by id (the encoder's order) when
// ids do not follow slots, as after churn: a slot freed by one entity and reused by a newer one
// in the same snapshot leaves the old id and enters the new.
TEST(SnapshotPlanner, FramesAscendByIdWhenIdsDoNotFollowSlots) {
  Scene scene(settings(30, 4, 128, /*budget=*/120));
  scene.add(100, 100);
  std::vector<uint32_t> others;
  for (int i = 1; i <= 30; ++i)
    others.push_back(
        scene.add(100.0f + static_cast<float>(i % 9), 100.0f + static_cast<float>(i / 9)));
  for (size_t i = 0; i < others.size(); ++i)  // ids run against the slots
    scene.states[others[i]].id = static_cast<uint32_t>(1000 - 7 * i);
  auto ascending = [](const auto& list, auto id_of) {
    for (size_t i = 1; i < list.size(); ++i)
      if (id_of(list[i - 1]) >= id_of(list[i])) return false;
    return true;
  };
  const auto state_id = [](const protocol::EntityState& s) { return s.id; };
  const auto plain_id = [](uint32_t id) { return id; };
  for (int round = 0; round < 40; ++round) {
    for (uint32_t slot : others)
      scene.move(slot, scene.positions[slot].x + 0.05f, scene.positions[slot].y);
    if (round == 20) {  // slot others[3] is reused by a newer entity, others[4] walks away
      scene.states[others[3]].id = 5000;
      scene.move(others[4], 400, 400);
    }
    EntityTable table{scene.positions, scene.active, scene.states};
    scene.grid.rebuild(scene.positions, scene.active);
    scene.tick += 2;
    const auto frame =
        scene.planner->plan(table, scene.grid, 0, scene.tick, 0, scene.interest, scene.encoder);
    ASSERT_TRUE(ascending(frame.enters, state_id)) << "round " << round;
    ASSERT_TRUE(ascending(frame.updates, state_id)) << "round " << round;
    ASSERT_TRUE(ascending(frame.leaves, plain_id)) << "round " << round;
    if (round == 20) {
      EXPECT_NE(std::find(frame.leaves.begin(), frame.leaves.end(), 1000u - 21u),
                frame.leaves.end());
      EXPECT_NE(std::find(frame.leaves.begin(), frame.leaves.end(), 1000u - 28u),
                frame.leaves.end());
    }
    scene.bytes.clear();
    scene.encoder.encode(frame, scene.bytes);
    ASSERT_EQ(scene.view.apply(scene.bytes), protocol::DecodeError::none) << "round " << round;
  }
  // The client sees exactly who is in range now, where they are.
  for (uint32_t slot : others) {
    const protocol::EntityState* seen = scene.view.find(scene.states[slot].id);
    if (slot == others[4]) {
      EXPECT_EQ(seen, nullptr);
      continue;
    }
    ASSERT_NE(seen, nullptr) << slot;
    EXPECT_EQ(seen->x, scene.states[slot].x) << slot;
  }
  EXPECT_EQ(scene.view.find(1000 - 21), nullptr) << "the slot's old entity left";
}

// Moves are counted at their bound (SnapshotEncoder::kMaxPositionUpdateBits) only while
// everything fits by the bounds: here 20 walkers' bounds overflow a small budget, their exact
// cost does not, and every snapshot carries all 20.
TEST(SnapshotPlanner, MovesThatFitByTheirExactCostAreAllSent) {
  Scene scene(settings(30, 4, 128, /*budget=*/60));
  scene.add(100, 100);
  std::vector<uint32_t> walkers;
  for (int i = 0; i < 20; ++i) walkers.push_back(scene.add(90.0f + static_cast<float>(i), 95.0f));
  for (int i = 0; i < 40; ++i) scene.snapshot();  // they all enter, a few per snapshot
  for (uint32_t slot : walkers) ASSERT_TRUE(scene.sees(slot)) << slot;
  ASSERT_GT(20 * protocol::SnapshotEncoder::kMaxPositionUpdateBits, 60 * 8);
  for (int step = 0; step < 10; ++step) {
    for (uint32_t slot : walkers)  // a straight walk: each update costs a few bits
      scene.move(slot, scene.positions[slot].x, scene.positions[slot].y + 0.25f);
    scene.snapshot();
    EXPECT_EQ(scene.view.updated().size(), walkers.size()) << "step " << step;
  }
}

}  // namespace
}  // namespace omega::zone
