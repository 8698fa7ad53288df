// The walking route over a zone's tile map from where we stand to the nearest tile of a portal
// to a given zone: what the autoplay's `travel` step follows to reach a portal the way a player
// would, around walls and water, without hard-coded waypoints that break when a map changes.
//
// Breadth-first search over walkable tiles with four neighbours (no diagonal steps, so a route
// never cuts a wall's corner). Thread safety: pure function.
#pragma once

#include <string_view>
#include <vector>

#include "game/tile_map.hpp"

namespace omega::client {

// Tile centres from the tile after `from`'s up to and including a tile of a portal whose
// target is `zone`. Empty when `from` is already on such a tile or none can be reached (the
// caller tells these apart with map.portal_at).
std::vector<game::Vec2> route_to_portal(const game::TileMap& map, game::Vec2 from,
                                        std::string_view zone);

}  // namespace omega::client
