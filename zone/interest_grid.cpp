#include "zone/interest_grid.hpp"

#include <algorithm>

namespace omega::zone {

InterestGrid::InterestGrid(float world_width, float world_height, float cell_size)
    : cell_size_(std::max(cell_size, 1.0f)), inverse_cell_(1.0f / cell_size_) {
  columns_ = std::max(1, static_cast<int>(std::ceil(std::max(world_width, 1.0f) * inverse_cell_)));
  rows_ = std::max(1, static_cast<int>(std::ceil(std::max(world_height, 1.0f) * inverse_cell_)));
  cell_start_.assign(static_cast<size_t>(columns_) * static_cast<size_t>(rows_) + 1, 0);
}

void InterestGrid::rebuild(std::span<const game::Vec2> positions, std::span<const uint8_t> active) {
  std::fill(cell_start_.begin(), cell_start_.end(), 0u);
  cell_of_.resize(positions.size());
  size_t count = 0;
  // Pass 1: count per cell (shifted by one so the prefix sum gives each cell's start).
  for (size_t slot = 0; slot < positions.size(); ++slot) {
    if (!active[slot]) continue;
    const uint32_t cell =
        static_cast<uint32_t>(cell_y(positions[slot].y)) * static_cast<uint32_t>(columns_) +
        static_cast<uint32_t>(cell_x(positions[slot].x));
    cell_of_[slot] = cell;
    ++cell_start_[cell + 1];
    ++count;
  }
  for (size_t c = 1; c < cell_start_.size(); ++c) cell_start_[c] += cell_start_[c - 1];
  entries_.resize(count);
  // Pass 2: place; cell_start_[cell] is used as the write cursor and restored afterwards.
  for (size_t slot = 0; slot < positions.size(); ++slot) {
    if (!active[slot]) continue;
    const uint32_t at = cell_start_[cell_of_[slot]]++;
    entries_[at] = {positions[slot].x, positions[slot].y, static_cast<uint32_t>(slot)};
  }
  // Each cursor now sits at the next cell's start: shift back by one cell.
  for (size_t c = cell_start_.size() - 1; c > 0; --c) cell_start_[c] = cell_start_[c - 1];
  cell_start_[0] = 0;
}

}  // namespace omega::zone
