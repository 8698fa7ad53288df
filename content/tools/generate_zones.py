#!/usr/bin/env python3
"""Generates the zone maps in content/zones/ (format: game/tile_map_loader.hpp).

    python3 content/tools/generate_zones.py            # rewrite every map
    python3 content/tools/generate_zones.py --check    # fail if a committed map differs

The generated JSON files are committed; this script is how they were made, so a map can be
changed by editing the recipe and regenerating rather than by hand. Output depends only on
the seeds below (random.Random with integer seeds and randrange/random is stable across
CPython 3 versions).

Topology (issue 5): three hub cities; four open zones (forest, desert, mountain, volcanic),
each reachable from every hub; two private dungeon rifts, rift_d1 entered from forest and
desert, rift_d2 from mountain and volcanic; one tournament arena (arena_1, issue 7) with no
portals, entered only with a match ticket. Every portal has a portal back, and arriving
players appear at a spawn named "from_<zone they came from>" a few tiles from the portal
that leads back, never on it.
"""

import argparse
import json
import math
import os
import random
import sys
from collections import deque

FLOOR, WALL, WATER = ".", "#", "~"

HUBS = ["hub_city_1", "hub_city_2", "hub_city_3"]
ZONES = ["forest", "desert", "mountain", "volcanic"]
RIFT_OF = {"forest": "rift_d1", "desert": "rift_d1", "mountain": "rift_d2", "volcanic": "rift_d2"}
RIFTS = ["rift_d1", "rift_d2"]

# Which side of a hub each zone's gate is on.
HUB_GATES = {"forest": "north", "mountain": "east", "desert": "south", "volcanic": "west"}

# Reachable share of floor the generator insists on before sealing leftover pockets; the
# C++ content test checks >= 90 % on the shipped files.
MIN_CONNECTED_BEFORE_SEAL = 0.95


class Grid:
    def __init__(self, width, height, fill):
        self.width = width
        self.height = height
        self.cells = [[fill] * width for _ in range(height)]
        self.spawns = []  # (name, x, y)
        self.portals = []  # (x, y, w, h, target_zone, target_spawn)

    def inside(self, x, y):
        return 0 <= x < self.width and 0 <= y < self.height

    def get(self, x, y):
        return self.cells[y][x] if self.inside(x, y) else WALL

    def set(self, x, y, tile):
        if self.inside(x, y):
            self.cells[y][x] = tile

    def rect(self, x, y, w, h, tile):
        for yy in range(y, y + h):
            for xx in range(x, x + w):
                self.set(xx, yy, tile)

    def disc(self, cx, cy, rx, ry, tile):
        for yy in range(int(cy - ry) - 1, int(cy + ry) + 2):
            for xx in range(int(cx - rx) - 1, int(cx + rx) + 2):
                if ((xx - cx) / rx) ** 2 + ((yy - cy) / ry) ** 2 <= 1.0:
                    self.set(xx, yy, tile)

    def border(self, thickness):
        w, h = self.width, self.height
        self.rect(0, 0, w, thickness, WALL)
        self.rect(0, h - thickness, w, thickness, WALL)
        self.rect(0, 0, thickness, h, WALL)
        self.rect(w - thickness, 0, thickness, h, WALL)

    def corridor(self, x0, y0, x1, y1, width, rng=None):
        """Carves floor from (x0, y0) to (x1, y1), wandering a little when rng is given."""
        x, y = x0, y0
        while (x, y) != (x1, y1):
            self.rect(x - width // 2, y - width // 2, width, width, FLOOR)
            dx, dy = x1 - x, y1 - y
            if rng is not None and rng.random() < 0.25:
                if rng.random() < 0.5 and dx:
                    y += rng.choice((-1, 1)) if 3 < y < self.height - 4 else 0
                elif dy:
                    x += rng.choice((-1, 1)) if 3 < x < self.width - 4 else 0
                continue
            if abs(dx) >= abs(dy):
                x += (dx > 0) - (dx < 0)
            else:
                y += (dy > 0) - (dy < 0)
        self.rect(x - width // 2, y - width // 2, width, width, FLOOR)

    def add_spawn(self, name, x, y):
        self.rect(x - 1, y - 1, 3, 3, FLOOR)
        self.spawns.append((name, x, y))

    def add_portal(self, x, y, w, h, target_zone, target_spawn, arrival=None):
        """A portal; with `arrival` (x, y), a path is carved from it to that tile."""
        self.rect(x, y, w, h, FLOOR)
        if arrival is not None:
            self.corridor(x + w // 2, y + h // 2, arrival[0], arrival[1], 3)
        self.portals.append((x, y, w, h, target_zone, target_spawn))

    def reachable_from(self, x, y):
        seen = [[False] * self.width for _ in range(self.height)]
        seen[y][x] = True
        queue = deque([(x, y)])
        while queue:
            cx, cy = queue.popleft()
            for nx, ny in ((cx + 1, cy), (cx - 1, cy), (cx, cy + 1), (cx, cy - 1)):
                if self.get(nx, ny) == FLOOR and not seen[ny][nx]:
                    seen[ny][nx] = True
                    queue.append((nx, ny))
        return seen

    def connect_caves(self, x, y, min_size, rng):
        """Carves a path from every floor region of at least min_size tiles to (x, y)."""
        while True:
            seen = self.reachable_from(x, y)
            cave = self.largest_unreached(seen)
            if cave is None or len(cave) < min_size:
                return
            cx, cy = cave[len(cave) // 2]
            self.corridor(cx, cy, x, y, 2, rng)

    def largest_unreached(self, seen):
        best = None
        visited = [row[:] for row in seen]
        for sy in range(self.height):
            for sx in range(self.width):
                if self.cells[sy][sx] != FLOOR or visited[sy][sx]:
                    continue
                region, queue = [], deque([(sx, sy)])
                visited[sy][sx] = True
                while queue:
                    cx, cy = queue.popleft()
                    region.append((cx, cy))
                    for nx, ny in ((cx + 1, cy), (cx - 1, cy), (cx, cy + 1), (cx, cy - 1)):
                        if self.get(nx, ny) == FLOOR and not visited[ny][nx]:
                            visited[ny][nx] = True
                            queue.append((nx, ny))
                if best is None or len(region) > len(best):
                    best = region
        return best

    def seal_pockets(self, name, x, y, min_share=MIN_CONNECTED_BEFORE_SEAL):
        """Turns floor not reachable from (x, y) into wall, after checking it is rare."""
        seen = self.reachable_from(x, y)
        floor = reached = 0
        for yy in range(self.height):
            for xx in range(self.width):
                if self.cells[yy][xx] == FLOOR:
                    floor += 1
                    if seen[yy][xx]:
                        reached += 1
                    else:
                        self.cells[yy][xx] = WALL
        share = reached / floor
        if share < min_share:
            sys.exit(f"{name}: only {share:.1%} of floor is connected before sealing")
        return share


def write_zone(grid, name, kind, default_spawn, out_dir, check):
    first = grid.spawns[0]
    seen = grid.reachable_from(first[1], first[2])
    for spawn_name, x, y in grid.spawns:
        assert seen[y][x], (name, spawn_name)
    for x, y, w, h, zone, _ in grid.portals:
        assert all(seen[yy][xx] for yy in range(y, y + h) for xx in range(x, x + w)), (name, zone)
    lines = ["{", '  "format": 1,', f'  "name": "{name}",', f'  "kind": "{kind}",',
             f'  "width": {grid.width},', f'  "height": {grid.height},', '  "rows": [']
    rows = ["".join(row) for row in grid.cells]
    lines += [f'    "{row}"' + ("," if i + 1 < len(rows) else "") for i, row in enumerate(rows)]
    lines.append("  ],")
    lines.append('  "spawns": [')
    spawns = [json.dumps({"name": n, "x": x, "y": y}) for n, x, y in grid.spawns]
    lines += ["    " + s + ("," if i + 1 < len(spawns) else "") for i, s in enumerate(spawns)]
    lines.append("  ],")
    lines.append(f'  "default_spawn": "{default_spawn}",')
    lines.append('  "portals": [')
    portals = [json.dumps({"x": x, "y": y, "width": w, "height": h, "target_zone": z,
                           "target_spawn": s}) for x, y, w, h, z, s in grid.portals]
    lines += ["    " + p + ("," if i + 1 < len(portals) else "") for i, p in enumerate(portals)]
    lines.append("  ]")
    lines.append("}")
    text = "\n".join(lines) + "\n"
    path = os.path.join(out_dir, name + ".json")
    if check:
        with open(path) as f:
            if f.read() != text:
                sys.exit(f"{path} differs from what the generator makes")
        return
    with open(path, "w") as f:
        f.write(text)


# ---------------------------------------------------------------------------------------
# Hub cities: walled, a street grid around a central plaza with a fountain, four gates.


def hub_buildings(grid, rng, x0, y0, w, h):
    """Fills one city block with houses (some hollow with a door), or makes it a park."""
    if rng.random() < 0.2:
        for _ in range(w * h // 40):  # trees
            grid.set(rng.randrange(x0 + 1, x0 + w - 1), rng.randrange(y0 + 1, y0 + h - 1), WALL)
        if w > 12 and h > 12 and rng.random() < 0.6:  # pond
            grid.disc(x0 + w / 2, y0 + h / 2, w / 4, h / 5, WATER)
        return
    y = y0 + 1
    while y < y0 + h - 4:
        depth = min(rng.randrange(5, 11), y0 + h - 1 - y)
        x = x0 + 1
        while x < x0 + w - 4:
            width = min(rng.randrange(5, 12), x0 + w - 1 - x)
            if width >= 4 and depth >= 4:
                grid.rect(x, y, width, depth, WALL)
                if width >= 6 and depth >= 6 and rng.random() < 0.5:
                    # A hall with a door on its south or north side.
                    grid.rect(x + 1, y + 1, width - 2, depth - 2, FLOOR)
                    door_x = x + width // 2
                    grid.set(door_x, y + depth - 1 if rng.random() < 0.5 else y, FLOOR)
            x += width + rng.randrange(1, 3)
        y += depth + rng.randrange(1, 3)


def hub_keep(grid, x0, y0, size):
    """A walled keep filling a 2 x 2 group of blocks: outer wall, courtyard, tower, gate."""
    grid.rect(x0, y0, size, size, FLOOR)
    grid.rect(x0 + 2, y0 + 2, size - 4, size - 4, WALL)
    grid.rect(x0 + 4, y0 + 4, size - 8, size - 8, FLOOR)
    grid.rect(x0 + size // 2 - 6, y0 + size // 2 - 6, 12, 12, WALL)  # the tower
    grid.rect(x0 + size // 2 - 4, y0 + size // 2 - 4, 8, 8, FLOOR)
    for cx, cy in ((x0 + 2, y0 + 2), (x0 + size - 8, y0 + 2), (x0 + 2, y0 + size - 8),
                   (x0 + size - 8, y0 + size - 8)):
        grid.rect(cx, cy, 6, 6, WALL)  # corner bastions
    mid = x0 + size // 2
    grid.rect(mid - 2, y0 + 2, 4, 2, FLOOR)  # gates on all four sides, doors in the tower
    grid.rect(mid - 2, y0 + size - 4, 4, 2, FLOOR)
    grid.rect(x0 + 2, mid - 2, 2, 4, FLOOR)
    grid.rect(x0 + size - 4, mid - 2, 2, 4, FLOOR)
    grid.rect(mid - 1, y0 + size // 2 + 4, 2, 2, FLOOR)
    grid.rect(mid - 1, y0 + size // 2 - 6, 2, 2, FLOOR)


def hub_market(grid, rng, x0, y0, w, h):
    """An open market square: rows of stalls (1 x 2 walls) with wide aisles."""
    grid.rect(x0, y0, w, h, FLOOR)
    for y in range(y0 + 3, y0 + h - 3, 5):
        for x in range(x0 + 3, x0 + w - 3, 4):
            if rng.random() < 0.75:
                grid.rect(x, y, 2, 1, WALL)


def make_hub(name, seed, river, river_at):
    rng = random.Random(seed)
    size = 256
    grid = Grid(size, size, FLOOR)
    center = size // 2
    street_step = 32
    lines = list(range(street_step // 2, size, street_step))  # 16, 48, ..., 240

    # Blocks between the streets.
    for bx in range(len(lines) - 1):
        for by in range(len(lines) - 1):
            x0, y0 = lines[bx] + 2, lines[by] + 2
            hub_buildings(grid, rng, x0, y0, street_step - 4, street_step - 4)

    # Streets: 4 wide on the grid lines, 8 wide avenues to the gates; a few street segments
    # are built over so the grid does not read as a grid.
    for line in lines:
        grid.rect(line - 2, 0, 4, size, FLOOR)
        grid.rect(0, line - 2, size, 4, FLOOR)
    for _ in range(6):
        i, j = rng.randrange(1, len(lines) - 2), rng.randrange(1, len(lines) - 1)
        if rng.random() < 0.5:
            grid.rect(lines[i] + 3, lines[j] - 2, street_step - 6, 4, WALL)
        else:
            grid.rect(lines[j] - 2, lines[i] + 3, 4, street_step - 6, WALL)
    grid.rect(center - 4, 0, 8, size, FLOOR)
    grid.rect(0, center - 4, size, 8, FLOOR)

    # The keep in the quadrant away from the river; the market squares beside the plaza.
    keep_x = 50 if (river == "vertical" and river_at > center) or rng.random() < 0.5 else 146
    keep_y = 146 if river == "horizontal" and river_at < center else 50
    if river == "vertical":
        keep_x = 50 if river_at > center else 146
    hub_keep(grid, keep_x, keep_y, 60)
    hub_market(grid, rng, center + 16, center - 30, 22, 22)
    hub_market(grid, rng, center - 38, center + 8, 22, 22)

    # A river with a gentle meander through the middle of a row of blocks, crossed by a
    # bridge at every street.
    phase = rng.random() * math.tau
    for t in range(size):
        mid = int(river_at + 5 * math.sin(t / 19.0 + phase))
        for d in range(-2, 3):
            if river == "horizontal":
                grid.set(t, mid + d, WATER)
            else:
                grid.set(mid + d, t, WATER)
    for line in lines + [center]:
        width = 8 if line == center else 4
        if river == "horizontal":
            grid.rect(line - width // 2, river_at - 10, width, 20, FLOOR)
        else:
            grid.rect(river_at - 10, line - width // 2, 20, width, FLOOR)

    # The plaza: an open disc with a fountain and a ring of trees.
    grid.disc(center, center, 22, 22, FLOOR)
    grid.disc(center, center, 4, 4, WATER)
    grid.set(center, center, WALL)  # the statue in the fountain
    for i in range(16):
        angle = i * math.tau / 16 + math.pi / 16
        grid.set(int(center + 17 * math.cos(angle)), int(center + 17 * math.sin(angle)), WALL)
    grid.add_spawn("plaza", center, center + 9)

    # City walls (3 thick); at the end of each avenue a portal just inside the wall.
    grid.border(3)
    for zone in ZONES:
        side = HUB_GATES[zone]
        if side == "north":
            portal, spawn = (center - 2, 3, 4, 2), (center, 10)
        elif side == "south":
            portal, spawn = (center - 2, size - 5, 4, 2), (center, size - 11)
        elif side == "east":
            portal, spawn = (size - 5, center - 2, 2, 4), (size - 11, center)
        else:
            portal, spawn = (3, center - 2, 2, 4), (10, center)
        grid.add_portal(*portal, zone, "from_" + name)
        grid.add_spawn("from_" + zone, *spawn)

    grid.seal_pockets(name, center, center + 9)
    return grid


# ---------------------------------------------------------------------------------------
# Open zones: cellular-automaton terrain, with corridors carved so every portal connects.

ZONE_STYLE = {
    # name: (seed, size, wall share before smoothing, water features)
    "forest": (101, 100, 0.43, "lake"),
    "desert": (202, 100, 0.30, "oases"),
    "mountain": (303, 100, 0.48, "tarns"),
    "volcanic": (404, 100, 0.40, "lava"),
}


def cellular(grid, rng, wall_share, rounds=4):
    w, h = grid.width, grid.height
    for y in range(h):
        for x in range(w):
            grid.cells[y][x] = WALL if rng.random() < wall_share else FLOOR
    for _ in range(rounds):
        new = [row[:] for row in grid.cells]
        for y in range(h):
            for x in range(w):
                walls = sum(grid.get(x + dx, y + dy) == WALL
                            for dx in (-1, 0, 1) for dy in (-1, 0, 1) if dx or dy)
                new[y][x] = WALL if walls >= 5 else (FLOOR if walls <= 3 else grid.cells[y][x])
        grid.cells = new


def zone_water(grid, rng, style):
    w, h = grid.width, grid.height
    if style == "lake":
        grid.disc(w * 0.7, h * 0.35, 9, 6, WATER)
        x = rng.randrange(10, w - 10)
        for y in range(h):  # a stream, crossed by the carved paths
            x = max(5, min(w - 6, x + rng.choice((-1, 0, 0, 1))))
            grid.rect(x, y, 2, 1, WATER)
    elif style == "oases":
        for _ in range(4):
            grid.disc(rng.randrange(15, w - 15), rng.randrange(15, h - 15), 3 + rng.random() * 3, 3, WATER)
    elif style == "tarns":
        for _ in range(3):
            grid.disc(rng.randrange(15, w - 15), rng.randrange(15, h - 15), 3, 2 + rng.random() * 2, WATER)
    else:  # lava rivers: water tiles, drawn by the client as lava in a volcanic zone
        for _ in range(2):
            y = rng.randrange(20, h - 20)
            for x in range(w):
                y = max(8, min(h - 9, y + rng.choice((-1, 0, 0, 1))))
                grid.rect(x, y, 1, 3, WATER)


def make_zone(name):
    seed, size, wall_share, style = ZONE_STYLE[name]
    rng = random.Random(seed)
    grid = Grid(size, size, FLOOR)
    cellular(grid, rng, wall_share)
    zone_water(grid, rng, style)
    grid.border(2)
    center = size // 2
    grid.disc(center, center, 6, 6, FLOOR)
    grid.add_spawn("entry", center, center)

    # Portals to the hubs along the south edge, the rift entrance in the north-east.
    for i, hub in enumerate(HUBS):
        px = 22 + i * 26
        grid.add_portal(px, size - 4, 3, 2, hub, "from_" + name, (px + 1, size - 9))
        grid.add_spawn("from_" + hub, px + 1, size - 9)
        grid.corridor(px + 1, size - 9, center, center, 3, rng)
    rift = RIFT_OF[name]
    grid.add_portal(size - 12, 2, 3, 2, rift, "from_" + name, (size - 11, 7))
    grid.add_spawn("from_" + rift, size - 11, 7)
    grid.corridor(size - 11, 7, center, center, 3, rng)
    # Re-assert the portals and spawns over anything the corridors or water drew.
    for x, y, w, h, _, _ in grid.portals:
        grid.rect(x, y, w, h, FLOOR)
    # Caves the automaton cut off get a path to the centre; crumbs too small to matter are
    # filled in.
    grid.connect_caves(center, center, 12, rng)
    grid.seal_pockets(name, center, center, min_share=0.9)
    return grid


# ---------------------------------------------------------------------------------------
# Rifts: rooms joined by corridors in solid rock.


def make_rift(name, seed, entries):
    rng = random.Random(seed)
    size = 48
    grid = Grid(size, size, WALL)
    rooms = []
    attempts = 0
    while len(rooms) < 7 and attempts < 500:
        attempts += 1
        w, h = rng.randrange(6, 12), rng.randrange(6, 11)
        x, y = rng.randrange(2, size - w - 2), rng.randrange(2, size - h - 2)
        if any(x < rx + rw + 2 and rx < x + w + 2 and y < ry + rh + 2 and ry < y + h + 2
               for rx, ry, rw, rh in rooms):
            continue
        rooms.append((x, y, w, h))
    # Entrance hall first (nearest the top-left), the boss chamber last (farthest from it).
    rooms.sort(key=lambda r: r[0] + r[1])
    for x, y, w, h in rooms:
        grid.rect(x, y, w, h, FLOOR)
    for (ax, ay, aw, ah), (bx, by, bw, bh) in zip(rooms, rooms[1:]):
        grid.corridor(ax + aw // 2, ay + ah // 2, bx + bw // 2, by + bh // 2, 2)
    hall_x, hall_y, hall_w, hall_h = rooms[0]
    # Pools in the larger chambers for the client to light.
    for x, y, w, h in rooms[2:]:
        if w >= 9 and h >= 8:
            grid.disc(x + w / 2, y + h / 2, 1.5, 1.5, WATER)
    # Exits on the hall's west and north walls, one per zone the rift is entered from.
    grid.add_spawn("entrance", hall_x + hall_w // 2, hall_y + hall_h // 2)
    exits = [("west", entries[0]), ("north", entries[1])]
    for side, zone in exits:
        if side == "west":
            grid.add_portal(hall_x, hall_y + 1, 1, 2, zone, "from_" + name)
            grid.add_spawn("from_" + zone, hall_x + 3, hall_y + 2)
        else:
            grid.add_portal(hall_x + hall_w - 3, hall_y, 2, 1, zone, "from_" + name)
            grid.add_spawn("from_" + zone, hall_x + hall_w - 2, hall_y + 3)
    grid.seal_pockets(name, hall_x + hall_w // 2, hall_y + hall_h // 2)
    return grid


# ---------------------------------------------------------------------------------------
# Arena: a small walled square with four pillars for line-of-sight play, two team starts
# facing each other across the middle, and no portals (players arrive with a match ticket
# and go back to their saved zone afterwards).


def make_arena(size):
    grid = Grid(size, size, FLOOR)
    grid.border(2)
    quarter, pillar = size // 4, 2
    for px in (quarter, size - quarter - pillar):
        for py in (quarter, size - quarter - pillar):
            grid.rect(px, py, pillar, pillar, WALL)
    middle = size // 2
    grid.add_spawn("center", middle, middle)
    grid.add_spawn("team_1", 4, middle)
    grid.add_spawn("team_2", size - 5, middle)
    return grid


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args()
    out_dir = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "zones")
    os.makedirs(out_dir, exist_ok=True)
    for i, hub in enumerate(HUBS):
        river, river_at = [("horizontal", 192), ("vertical", 192), ("horizontal", 64)][i]
        write_zone(make_hub(hub, 1000 + i, river, river_at), hub, "hub", "plaza", out_dir,
                   args.check)
    for zone in ZONES:
        write_zone(make_zone(zone), zone, "zone", "entry", out_dir, args.check)
    write_zone(make_rift("rift_d1", 7001, ["forest", "desert"]), "rift_d1", "dungeon",
               "entrance", out_dir, args.check)
    write_zone(make_rift("rift_d2", 7002, ["mountain", "volcanic"]), "rift_d2", "dungeon",
               "entrance", out_dir, args.check)
    write_zone(make_arena(32), "arena_1", "arena", "center", out_dir, args.check)


if __name__ == "__main__":
    main()
