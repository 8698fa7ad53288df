#include "bots/travel.hpp"

#include <cmath>
#include <cstdint>

#include "game/movement.hpp"
#include "game/tile_map_loader.hpp"

namespace omega::bots {

namespace {

float distance(game::Vec2 a, game::Vec2 b) {
  return std::hypot(a.x - b.x, a.y - b.y);
}

game::Vec2 tile_centre(int32_t tx, int32_t ty) {
  return {float(tx) + 0.5f, float(ty) + 0.5f};
}

bool valid_zone_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

void plan(const game::TileMap& map, TravelState& state, game::Vec2 self, double now_s) {
  state.path = portal_path(map, self, state.route.front());
  state.next = 0;
  state.planned = true;
  state.unreachable = state.path.empty() && !map.portal_at(self.x, self.y);
  state.last_position = self;
  state.last_progress_s = now_s;
  state.on_portal_since_s = -1.0;
}

}  // namespace

bool parse_route(std::string_view text, std::vector<std::string>& zones) {
  zones.clear();
  while (!text.empty()) {
    const size_t comma = text.find(',');
    const std::string_view zone = text.substr(0, comma);
    if (!valid_zone_name(zone)) return false;
    zones.emplace_back(zone);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
    if (text.empty()) return false;  // a trailing comma
  }
  return !zones.empty();
}

const game::TileMap* ZoneMaps::get(const std::string& zone) {
  auto it = maps_.find(zone);
  if (it == maps_.end()) {
    game::TileMapLoadResult loaded = game::load_zone_map(zone, content_dir_);
    it = maps_
             .emplace(zone, loaded.ok() ? std::make_unique<game::TileMap>(std::move(*loaded.map))
                                        : nullptr)
             .first;
  }
  return it->second.get();
}

std::vector<game::Vec2> portal_path(const game::TileMap& map, game::Vec2 from,
                                    std::string_view target_zone) {
  const int32_t width = map.width(), height = map.height();
  const auto index = [width](int32_t x, int32_t y) {
    return size_t(y) * size_t(width) + size_t(x);
  };
  const int32_t sx = int32_t(std::floor(from.x)), sy = int32_t(std::floor(from.y));
  if (!map.in_bounds(sx, sy)) return {};
  // Parent of each reached tile (its index + 1; 0 = not reached): one allocation per plan,
  // which a bot makes once per zone it crosses.
  std::vector<uint32_t> parent(size_t(width) * size_t(height), 0);
  std::vector<uint32_t> queue;
  queue.reserve(1024);
  const uint32_t start = uint32_t(index(sx, sy));
  parent[start] = start + 1;
  queue.push_back(start);
  constexpr int32_t kSteps[4][2] = {{1, 0}, {-1, 0}, {0, 1}, {0, -1}};
  for (size_t head = 0; head < queue.size(); ++head) {
    const uint32_t at = queue[head];
    const int32_t x = int32_t(at % uint32_t(width)), y = int32_t(at / uint32_t(width));
    const game::Portal* portal = map.portal_at_tile(x, y);
    if (portal != nullptr && portal->target_zone == target_zone) {
      std::vector<game::Vec2> path;
      for (uint32_t t = at; t != start; t = parent[t] - 1)
        path.push_back(tile_centre(int32_t(t % uint32_t(width)), int32_t(t / uint32_t(width))));
      return {path.rbegin(), path.rend()};
    }
    for (const auto& step : kSteps) {
      const int32_t nx = x + step[0], ny = y + step[1];
      if (map.is_blocked(nx, ny)) continue;
      const uint32_t n = uint32_t(index(nx, ny));
      if (parent[n] != 0) continue;
      parent[n] = at + 1;
      queue.push_back(n);
    }
  }
  return {};
}

bool segment_is_walkable(const game::TileMap& map, game::Vec2 from, game::Vec2 to) {
  const float length = distance(from, to);
  const int samples = std::max(1, int(std::ceil(length / 0.1f)));
  for (int i = 0; i <= samples; ++i) {
    const float t = float(i) / float(samples);
    const game::Vec2 p{from.x + (to.x - from.x) * t, from.y + (to.y - from.y) * t};
    if (!game::circle_is_clear(map, p, game::kEntityRadius + 0.02f)) return false;
  }
  return true;
}

void enter_zone(TravelState& state, const std::string& zone, double now_s) {
  const bool moved_on = zone != state.zone;
  state.zone = zone;
  if (!state.route.empty() && state.route.front() == zone) {
    state.route.pop_front();
    state.dwell_until_s = now_s + state.dwell_s;
  } else if (moved_on) {
    state.dwell_until_s = now_s;
  }
  state.planned = false;
  state.unreachable = false;
  state.path.clear();
}

bool wants_to_travel(const TravelState& state, double now_s) {
  return !state.route.empty() && !state.unreachable && now_s >= state.dwell_until_s;
}

MoveIntent travel_step(const game::TileMap& map, TravelState& state, game::Vec2 self,
                       double now_s) {
  if (state.route.empty()) return {};
  // A jump (death and respawn) or a long stall: the old path no longer starts here.
  if (state.planned && distance(self, state.last_position) > 3.0f) state.planned = false;
  if (distance(self, state.last_position) >= kTravelProgressTiles) {
    state.last_position = self;
    state.last_progress_s = now_s;
  }
  const bool on_portal = [&] {
    const game::Portal* portal = map.portal_at(self.x, self.y);
    return portal != nullptr && portal->target_zone == state.route.front();
  }();
  if (on_portal) {
    if (state.on_portal_since_s < 0.0) state.on_portal_since_s = now_s;
    if (now_s - state.on_portal_since_s < kPortalRetrySeconds) return {};  // wait for Transfer
    // No Transfer: walk off the portal tile (back along the path) and come again.
    state.on_portal_since_s = -1.0;
    state.planned = false;
    const float back = state.path.size() >= 2
                           ? std::atan2(state.path[state.path.size() - 2].y - self.y,
                                        state.path[state.path.size() - 2].x - self.x)
                           : 0.0f;
    return {true, back};
  }
  state.on_portal_since_s = -1.0;
  if (!state.planned || now_s - state.last_progress_s >= kTravelStuckSeconds) {
    plan(map, state, self, now_s);
    if (state.unreachable || state.path.empty()) return {};
  }
  // Skip ahead to the farthest of the next few waypoints reachable in a straight line.
  const size_t last = std::min(state.path.size() - 1, state.next + kShortcutLookahead);
  for (size_t candidate = last; candidate > state.next; --candidate) {
    if (segment_is_walkable(map, self, state.path[candidate])) {
      state.next = candidate;
      break;
    }
  }
  while (state.next + 1 < state.path.size() &&
         distance(self, state.path[state.next]) < kWaypointReachedTiles)
    ++state.next;
  const game::Vec2 goal = state.path[state.next];
  return {true, std::atan2(goal.y - self.y, goal.x - self.x)};
}

}  // namespace omega::bots
