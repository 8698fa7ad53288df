#include "zone/navmesh.hpp"

#include <cmath>
#include <cstring>
#include <vector>

#include <recastnavigation/DetourNavMesh.h>
#include <recastnavigation/DetourNavMeshBuilder.h>
#include <recastnavigation/DetourNavMeshQuery.h>
#include <recastnavigation/Recast.h>

#include "game/movement.hpp"

namespace omega::zone {
namespace {

// Voxel size in tiles: 5 voxels per tile resolves the entity radius (0.3 tiles) well enough.
constexpr float kCellSize = 0.2f;
constexpr float kCellHeight = 0.2f;
// Detour search nodes: enough for a path across a 256-tile zone around walls.
constexpr int kMaxSearchNodes = 4096;
constexpr int kMaxPathPolys = 256;
constexpr unsigned short kWalkableFlag = 1;

struct RecastBuffers {
  rcHeightfield* solid = rcAllocHeightfield();
  rcCompactHeightfield* compact = rcAllocCompactHeightfield();
  rcContourSet* contours = rcAllocContourSet();
  rcPolyMesh* polys = rcAllocPolyMesh();
  ~RecastBuffers() {
    rcFreeHeightField(solid);
    rcFreeCompactHeightfield(compact);
    rcFreeContourSet(contours);
    rcFreePolyMesh(polys);
  }
};

}  // namespace

NavMesh::NavMesh() = default;

NavMesh::~NavMesh() {
  dtFreeNavMeshQuery(query_);
  dtFreeNavMesh(mesh_);
}

bool NavMesh::build(const game::TileMap& map, std::string& error) {
  std::vector<float> verts;
  std::vector<int> tris;
  for (int32_t ty = 0; ty < map.height(); ++ty) {
    for (int32_t tx = 0; tx < map.width(); ++tx) {
      if (map.is_blocked(tx, ty)) continue;
      const int base = static_cast<int>(verts.size() / 3);
      const float x = static_cast<float>(tx), z = static_cast<float>(ty);
      for (const auto& [vx, vz] : {std::pair{x, z}, {x + 1, z}, {x + 1, z + 1}, {x, z + 1}})
        verts.insert(verts.end(), {vx, 0.0f, vz});
      // Counter-clockwise seen from above (+y), as Recast expects for walkable faces.
      tris.insert(tris.end(), {base, base + 2, base + 1, base, base + 3, base + 2});
    }
  }
  if (tris.empty()) {
    error = "no walkable tile";
    return false;
  }
  rcConfig cfg{};
  cfg.cs = kCellSize;
  cfg.ch = kCellHeight;
  cfg.walkableSlopeAngle = 45.0f;
  cfg.walkableHeight = 5;
  cfg.walkableClimb = 1;
  cfg.walkableRadius = static_cast<int>(std::ceil(game::kEntityRadius / kCellSize));
  cfg.maxEdgeLen = 0;
  cfg.maxSimplificationError = 0.6f;
  cfg.minRegionArea = 4;
  cfg.mergeRegionArea = 64;
  cfg.maxVertsPerPoly = 6;
  cfg.bmin[0] = 0;
  cfg.bmin[1] = -1;
  cfg.bmin[2] = 0;
  cfg.bmax[0] = static_cast<float>(map.width());
  cfg.bmax[1] = 1;
  cfg.bmax[2] = static_cast<float>(map.height());
  rcCalcGridSize(cfg.bmin, cfg.bmax, cfg.cs, &cfg.width, &cfg.height);

  rcContext context(false);
  RecastBuffers b;
  const int triangle_count = static_cast<int>(tris.size() / 3);
  std::vector<unsigned char> areas(triangle_count, RC_WALKABLE_AREA);
  const int vert_count = static_cast<int>(verts.size() / 3);
  if (!rcCreateHeightfield(&context, *b.solid, cfg.width, cfg.height, cfg.bmin, cfg.bmax, cfg.cs,
                           cfg.ch) ||
      !rcRasterizeTriangles(&context, verts.data(), vert_count, tris.data(), areas.data(),
                            triangle_count, *b.solid, cfg.walkableClimb) ||
      !rcBuildCompactHeightfield(&context, cfg.walkableHeight, cfg.walkableClimb, *b.solid,
                                 *b.compact) ||
      !rcErodeWalkableArea(&context, cfg.walkableRadius, *b.compact) ||
      !rcBuildDistanceField(&context, *b.compact) ||
      !rcBuildRegions(&context, *b.compact, 0, cfg.minRegionArea, cfg.mergeRegionArea) ||
      !rcBuildContours(&context, *b.compact, cfg.maxSimplificationError, cfg.maxEdgeLen,
                       *b.contours) ||
      !rcBuildPolyMesh(&context, *b.contours, cfg.maxVertsPerPoly, *b.polys)) {
    error = "recast build failed";
    return false;
  }
  for (int i = 0; i < b.polys->npolys; ++i) b.polys->flags[i] = kWalkableFlag;

  dtNavMeshCreateParams params{};
  params.verts = b.polys->verts;
  params.vertCount = b.polys->nverts;
  params.polys = b.polys->polys;
  params.polyAreas = b.polys->areas;
  params.polyFlags = b.polys->flags;
  params.polyCount = b.polys->npolys;
  params.nvp = b.polys->nvp;
  // No detail mesh: the map is flat, Detour derives one from the polygons.
  params.walkableHeight = cfg.walkableHeight * cfg.ch;
  params.walkableRadius = game::kEntityRadius;
  params.walkableClimb = cfg.walkableClimb * cfg.ch;
  std::memcpy(params.bmin, b.polys->bmin, sizeof(params.bmin));
  std::memcpy(params.bmax, b.polys->bmax, sizeof(params.bmax));
  params.cs = cfg.cs;
  params.ch = cfg.ch;
  params.buildBvTree = true;
  unsigned char* data = nullptr;
  int size = 0;
  if (!dtCreateNavMeshData(&params, &data, &size)) {
    error = "detour: cannot create mesh data (too many vertices?)";
    return false;
  }
  mesh_ = dtAllocNavMesh();
  if (dtStatusFailed(mesh_->init(data, size, DT_TILE_FREE_DATA))) {
    dtFree(data);
    error = "detour: mesh init failed";
    return false;
  }
  query_ = dtAllocNavMeshQuery();
  if (dtStatusFailed(query_->init(mesh_, kMaxSearchNodes))) {
    dtFreeNavMeshQuery(query_);
    query_ = nullptr;
    error = "detour: query init failed";
    return false;
  }
  return true;
}

int NavMesh::find_path(game::Vec2 from, game::Vec2 to, std::span<game::Vec2> corners) const {
  if (query_ == nullptr || corners.empty()) return 0;
  dtQueryFilter filter;
  filter.setIncludeFlags(kWalkableFlag);
  const float extents[3] = {1.0f, 1.0f, 1.0f};
  const float start[3] = {from.x, 0.0f, from.y};
  const float end[3] = {to.x, 0.0f, to.y};
  dtPolyRef start_ref = 0, end_ref = 0;
  float start_point[3], end_point[3];
  if (dtStatusFailed(query_->findNearestPoly(start, extents, &filter, &start_ref, start_point)) ||
      dtStatusFailed(query_->findNearestPoly(end, extents, &filter, &end_ref, end_point)) ||
      start_ref == 0 || end_ref == 0)
    return 0;
  dtPolyRef polys[kMaxPathPolys];
  int poly_count = 0;
  if (dtStatusFailed(query_->findPath(start_ref, end_ref, start_point, end_point, &filter, polys,
                                      &poly_count, kMaxPathPolys)) ||
      poly_count == 0)
    return 0;
  float straight[kMaxCorners * 3];
  int count = 0;
  const int max = std::min<int>(kMaxCorners, static_cast<int>(corners.size()));
  if (dtStatusFailed(query_->findStraightPath(start_point, end_point, polys, poly_count, straight,
                                              nullptr, nullptr, &count, max)))
    return 0;
  for (int i = 0; i < count; ++i) corners[i] = {straight[i * 3], straight[i * 3 + 2]};
  return count;
}

}  // namespace omega::zone
