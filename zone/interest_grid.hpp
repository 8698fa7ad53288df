// InterestGrid: a uniform spatial grid over one instance's entities, rebuilt every tick, that
// answers "which entities lie within r of this point" without allocating.
//
// Rebuild is a counting sort of the entities by cell into one flat array (two passes, O(n +
// cells)); buffers grow to the high-water mark and are then reused, so a steady-state tick
// allocates nothing. Cells are sized to a fraction of the view radius (see zone_server.cpp), so
// a view query visits about 5x5 cells. Queries have no side effects.
//
// Thread safety: none; owned by one instance's simulation thread.
#pragma once

#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

#include "game/vec2.hpp"

namespace omega::zone {

class InterestGrid {
 public:
  // A grid covering [0, world_width) x [0, world_height) tiles; positions outside are clamped
  // into the border cells.
  InterestGrid(float world_width, float world_height, float cell_size);

  // Re-sorts all entities: `positions[i]` is entity slot i, included when `active[i]` != 0.
  void rebuild(std::span<const game::Vec2> positions, std::span<const uint8_t> active);

  // Calls fn(slot, distance_squared) for every entity within `radius` of `center`.
  template <class Fn>
  void query(game::Vec2 center, float radius, Fn&& fn) const {
    const float r2 = radius * radius;
    const int x0 = cell_x(center.x - radius), x1 = cell_x(center.x + radius);
    const int y0 = cell_y(center.y - radius), y1 = cell_y(center.y + radius);
    for (int cy = y0; cy <= y1; ++cy) {
      const uint32_t row = static_cast<uint32_t>(cy) * static_cast<uint32_t>(columns_);
      const uint32_t begin = cell_start_[row + static_cast<uint32_t>(x0)];
      const uint32_t end = cell_start_[row + static_cast<uint32_t>(x1) + 1];
      // Cells of one row are contiguous in the sorted array: one linear scan per row.
      for (uint32_t i = begin; i < end; ++i) {
        const Entry& e = entries_[i];
        const float dx = e.x - center.x, dy = e.y - center.y;
        const float d2 = dx * dx + dy * dy;
        if (d2 <= r2) fn(e.slot, d2);
      }
    }
  }

  float cell_size() const { return cell_size_; }
  int columns() const { return columns_; }
  int rows() const { return rows_; }
  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    float x, y;
    uint32_t slot;
  };
  int cell_x(float x) const { return clamp_cell(x, columns_); }
  int cell_y(float y) const { return clamp_cell(y, rows_); }
  int clamp_cell(float v, int count) const {
    const float c = std::floor(v * inverse_cell_);
    if (!(c >= 0.0f)) return 0;  // also NaN
    return c >= static_cast<float>(count - 1) ? count - 1 : static_cast<int>(c);
  }

  float cell_size_;
  float inverse_cell_;
  int columns_;
  int rows_;
  std::vector<uint32_t> cell_start_;  // columns*rows + 1 prefix sums into entries_
  std::vector<uint32_t> cell_of_;     // scratch: cell of each slot this rebuild
  std::vector<Entry> entries_;        // entities sorted by cell
};

}  // namespace omega::zone
