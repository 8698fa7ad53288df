#include "client/tile_route.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <deque>

namespace omega::client {

std::vector<game::Vec2> route_to_portal(const game::TileMap& map, game::Vec2 from,
                                        std::string_view zone) {
  const int32_t width = map.width();
  const int32_t height = map.height();
  const auto start_x = static_cast<int32_t>(std::floor(from.x));
  const auto start_y = static_cast<int32_t>(std::floor(from.y));
  if (start_x < 0 || start_y < 0 || start_x >= width || start_y >= height) return {};
  auto is_goal = [&](int32_t x, int32_t y) {
    const game::Portal* portal = map.portal_at_tile(x, y);
    return portal && portal->target_zone == zone;
  };
  if (is_goal(start_x, start_y)) return {};
  // came_from[i]: index of the tile we reached tile i from; -1 = not reached yet.
  std::vector<int32_t> came_from(static_cast<size_t>(width) * static_cast<size_t>(height), -1);
  const int32_t start = start_y * width + start_x;
  came_from[static_cast<size_t>(start)] = start;
  std::deque<int32_t> frontier{start};
  int32_t goal = -1;
  while (!frontier.empty() && goal < 0) {
    const int32_t current = frontier.front();
    frontier.pop_front();
    const int32_t cx = current % width, cy = current / width;
    static constexpr int32_t kSteps[4][2] = {{1, 0}, {-1, 0}, {0, 1}, {0, -1}};
    for (const auto& step : kSteps) {
      const int32_t nx = cx + step[0], ny = cy + step[1];
      if (nx < 0 || ny < 0 || nx >= width || ny >= height || map.is_blocked(nx, ny)) continue;
      const int32_t next = ny * width + nx;
      if (came_from[static_cast<size_t>(next)] >= 0) continue;
      came_from[static_cast<size_t>(next)] = current;
      if (is_goal(nx, ny)) {
        goal = next;
        break;
      }
      frontier.push_back(next);
    }
  }
  std::vector<game::Vec2> route;
  for (int32_t at = goal; at >= 0 && at != start; at = came_from[static_cast<size_t>(at)])
    route.push_back({static_cast<float>(at % width) + 0.5f, static_cast<float>(at / width) + 0.5f});
  std::reverse(route.begin(), route.end());
  return route;
}

}  // namespace omega::client
