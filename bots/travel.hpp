// Travel: a bot walks to the portal that leads to the next zone of its route, along a
// breadth-first path over the zone's game::TileMap (the same maps the zone simulates).
//
// Pure logic with time passed in, unit-tested without a network: the swarm feeds it the
// bot's own position from snapshots and the zone it was welcomed into, and sends the
// MoveIntent it returns. Stepping onto the portal is all a bot does; the zone answers with a
// Transfer and the swarm follows it.
//
// Thread safety: none; each bot owns its TravelState. ZoneMaps is used from one thread.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bots/behaviour.hpp"
#include "game/tile_map.hpp"
#include "game/vec2.hpp"

namespace omega::bots {

// A waypoint counts as reached this close (tiles). Smaller than half a tile so a bot turning
// a corner of a one-tile corridor never cuts into the wall; larger than one input's travel at
// the 20 Hz inputs of a travelling bot (5 tiles/s ÷ 20 = 0.25) would make it overshoot and
// come back, so the steering also skips ahead to any later waypoint it can walk to straight.
inline constexpr float kWaypointReachedTiles = 0.3f;
// How many waypoints ahead the straight-line shortcut looks (a cheap string-pulling).
inline constexpr size_t kShortcutLookahead = 10;
// No progress of this many tiles for kTravelStuckSeconds: someone stands in the way or a
// monster pushed the bot off the path; plan again from where it is.
inline constexpr float kTravelProgressTiles = 0.1f;
inline constexpr double kTravelStuckSeconds = 1.5;
// Standing on the portal without a Transfer for this long (the zone may have been refused a
// place, 503): step off and on again.
inline constexpr double kPortalRetrySeconds = 3.0;

// "hub_city_1,forest,rift_d1" → the zones in order; false on an empty or malformed list.
bool parse_route(std::string_view text, std::vector<std::string>& zones);

// The tile maps of content/zones, loaded on first use and kept.
class ZoneMaps {
 public:
  explicit ZoneMaps(std::string content_dir) : content_dir_(std::move(content_dir)) {}
  // nullptr when the zone has no loadable map (then the bot cannot travel there).
  const game::TileMap* get(const std::string& zone);

 private:
  std::string content_dir_;
  std::map<std::string, std::unique_ptr<game::TileMap>, std::less<>> maps_;
};

// Tile centres from `from` to the nearest tile of a portal into `target_zone` (4-connected
// breadth-first search over walkable tiles), not including the start tile. Empty when there
// is no such portal or it cannot be reached.
std::vector<game::Vec2> portal_path(const game::TileMap& map, game::Vec2 from,
                                    std::string_view target_zone);

// Whether a circle of the entity radius can walk the straight segment without touching a
// blocked tile (sampled every 0.1 tile).
bool segment_is_walkable(const game::TileMap& map, game::Vec2 from, game::Vec2 to);

struct TravelState {
  std::deque<std::string> route;  // zones still to reach, in order
  std::string zone;               // the zone the bot was last welcomed into
  double dwell_s = 0.0;           // how long to stay in each zone before heading on
  double dwell_until_s = 0.0;
  std::vector<game::Vec2> path;  // to a portal into route.front()
  size_t next = 0;               // index of the waypoint being walked to
  bool planned = false;          // path computed for this visit
  bool unreachable = false;      // no way to route.front() from here: travel gives up
  game::Vec2 last_position{};
  double last_progress_s = 0.0;
  double on_portal_since_s = -1.0;
};

// The bot was welcomed into `zone`: the route advances when it was the next stop (a first
// stop equal to the starting zone is dropped as well) and the bot dwells before going on.
void enter_zone(TravelState& state, const std::string& zone, double now_s);

// True while the route has a next stop the bot should walk to now.
bool wants_to_travel(const TravelState& state, double now_s);

// The next step towards the portal into route.front(); plans (or re-plans) as needed.
MoveIntent travel_step(const game::TileMap& map, TravelState& state, game::Vec2 self, double now_s);

}  // namespace omega::bots
