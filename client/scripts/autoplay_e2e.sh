#!/usr/bin/env bash
# End-to-end test of omega-client (CTest client_autoplay_e2e, label e2e) against the real
# local stack, configured as scripts/run-local configures it: throwaway PostgreSQL and Redis
# (scripts/lib/services.sh), omega-api with the DEV-ONLY ticket seed, one omega-zone process
# in world mode hosting hub_city_1 and forest, and a few omega-bots in API mode standing in
# the hub. The client runs headless (SDL_VIDEODRIVER=offscreen, software renderer) with
# --autoplay client/scripts/full_stack.autoplay: it registers, creates a character, enters the
# world through POST /v1/play, fights, survives a cut connection (re-play and resume), walks
# to the hub's portal and follows the zone's Transfer to forest. The test passes when the
# client exits 0 having logged "arrived in forest", and the screenshots of login, character
# select, the world, the loading screen and forest are non-trivial and differ from one another.
# `autoplay_e2e.sh arena` (CTest client_arena_e2e) instead hosts arena_1 too, runs one bot that
# queues arena_1v1 with --behaviour fight, and the client plays client/scripts/arena.autoplay:
# queue, get matched with the bot, enter the arena, fight until Kick match_over, back in the
# hub through POST /v1/play; it passes when the client says so and the match is finished.
# Exit 77 (CTest: skipped) when a binary or service it needs is missing (e.g. the asan preset,
# which does not build the client).
set -euo pipefail
mode=${1:-world}
cd "$(dirname "$0")/../.."
build=${OMEGA_BUILD_DIR:-build/release}
client=$build/client/omega-client
zone=$build/zone/omega-zone
bots=$build/bots/omega-bots
api=$build/api/omega-api
for bin in "$client" "$zone" "$bots" "$api"; do
  if [[ ! -x $bin ]]; then
    echo "autoplay_e2e: SKIPPED: $bin is not built" >&2
    exit 77
  fi
done
for tool in pg_ctl redis-server; do
  if ! command -v "$tool" >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/"$tool" >/dev/null 2>&1; then
    echo "autoplay_e2e: SKIPPED: $tool is not installed (scripts/install-deps)" >&2
    exit 77
  fi
done
# DEV ONLY values (the same public ones scripts/run-local uses).
seed=0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d
service_token=client-e2e-DEV-ONLY-service-token
jwt_secret=client-e2e-DEV-ONLY-jwt-secret-0123456789abcdef
work=$(mktemp -d /tmp/omega-client-e2e.XXXXXX)
pids=()
services_started=0
# shellcheck source=../../scripts/lib/services.sh
source scripts/lib/services.sh
cleanup() {
  local i
  # Bots first, then the zone (it releases its leases to the API), then the API.
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    kill "${pids[i]}" 2>/dev/null || true
    wait "${pids[i]}" 2>/dev/null || true
  done
  if [[ $services_started == 1 ]]; then omega_services_stop "$work/services" >/dev/null 2>&1 || true; fi
  if [[ ${OMEGA_KEEP_E2E:-0} == 1 ]]; then echo "autoplay_e2e: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
die() {
  echo "autoplay_e2e: $1" >&2
  shift
  for log in "$@"; do [[ -f $log ]] && { echo "--- $log" >&2; tail -n 30 "$log" >&2; }; done
  exit 1
}

mkdir -p "$work/services"
services_started=1
omega_services_start "$work/services" >/dev/null
# shellcheck disable=SC1091
source "$work/services/services.env"

api_port=$(omega_free_port)
DATABASE_URL=$DATABASE_URL REDIS_URL=$REDIS_URL OMEGA_REDIS_PREFIX=omega: \
OMEGA_API_PORT=$api_port OMEGA_API_LISTEN=127.0.0.1 OMEGA_JWT_SECRET=$jwt_secret \
OMEGA_SERVICE_TOKEN=$service_token OMEGA_API_TICKET_SEED=$seed OMEGA_API_WORLD_FILE=content/world.json \
OMEGA_MIGRATE_ON_START=true \
  "$api" >"$work/api.out" 2>"$work/api.log" &
pids+=($!)
for _ in $(seq 300); do
  python3 -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=1)" \
    "http://127.0.0.1:$api_port/healthz" >/dev/null 2>&1 && break
  kill -0 "${pids[-1]}" 2>/dev/null || die "omega-api exited" "$work/api.log"
  sleep 0.1
done

public_key=$("$bots" --print-public-key --dev-key-seed "$seed")
ws_port=$(omega_free_port)
http_port=$(omega_free_port)
OMEGA_ZONE_HOST=127.0.0.1 OMEGA_ZONE_PORT=$ws_port OMEGA_ZONE_HTTP_PORT=$http_port \
OMEGA_ZONE_TICKET_PUBLIC_KEY=$public_key OMEGA_ZONE_API_URL="http://127.0.0.1:$api_port" \
OMEGA_ZONE_SERVICE_TOKEN=$service_token OMEGA_ZONE_REDIS_URL=$REDIS_URL OMEGA_ZONE_REDIS_PREFIX=omega: \
OMEGA_ZONE_PROCESS_ID=client-e2e-zone OMEGA_ZONE_PUBLIC_WS_URL="ws://127.0.0.1:$ws_port" \
OMEGA_ZONE_HOSTS=hub_city_1,forest$([[ $mode == arena ]] && echo ,arena_1) OMEGA_ZONE_OPEN=hub_city_1:1,forest:1 \
OMEGA_ZONE_WORLD_FILE=content/world.json \
OMEGA_ZONE_MAX_CONNECTIONS_PER_IP=100000 OMEGA_ZONE_MAX_PENDING_PER_IP=100000 \
  "$zone" >"$work/zone.out" 2>"$work/zone.log" &
pids+=($!)
for _ in $(seq 300); do
  grep -q '"listening"' "$work/zone.out" "$work/zone.log" 2>/dev/null && break
  kill -0 "${pids[-1]}" 2>/dev/null || die "omega-zone exited" "$work/zone.log"
  sleep 0.1
done

if [[ $mode == arena ]]; then
  # The opponent: one bot that queues arena_1v1 and fights the nearest player in the arena.
  "$bots" --api "http://127.0.0.1:$api_port" --count 1 --account-prefix arenabot --behaviour fight \
    --tournament arena_1v1 --tournament-after 2 --tournament-wait 90 \
    --replay-timeout 60 --join-timeout 60 --seconds 150 >"$work/bots.out" 2>"$work/bots.log" &
  pids+=($!)
  status=0
  SDL_VIDEODRIVER=offscreen SDL_AUDIODRIVER=dummy timeout 170 "$client" --software --size 1280x720 \
    --api "http://127.0.0.1:$api_port" --autoplay client/scripts/arena.autoplay --screenshot-dir "$work/shots" \
    >"$work/client.out" 2>"$work/client.log" || status=$?
  grep -E '^(autoplay|omega-client):' "$work/client.log" >&2 || true
  [[ $status == 0 ]] || die "omega-client exited with $status" "$work/client.log" "$work/zone.log" "$work/api.log"
  grep -q 'autoplay: back in hub_city_1 after the match' "$work/client.log" ||
    die "the client never came back to the hub after the match" "$work/client.log"
  grep -Eq 'omega-client: match result: (win|loss|draw), rating [0-9]+ -> [0-9]+' "$work/client.log" ||
    die "the client never showed the match result" "$work/client.log" "$work/api.log"
  matches=$(psql "$DATABASE_URL" -Atc "SELECT state || ' ' || winner_team FROM tournament_matches")
  echo "autoplay_e2e: matches: $matches" >&2
  [[ $matches =~ ^finished\ [012]$ ]] || die "expected one finished match, got: $matches" "$work/zone.log"
  echo "autoplay_e2e: arena OK"
  exit 0
fi

# Other players in view: bots in API mode (their own accounts and characters), standing in
# the hub where a new character starts.
"$bots" --api "http://127.0.0.1:$api_port" --count 4 --account-prefix demo --behaviour idle \
  --replay-timeout 60 --join-timeout 60 --seconds 300 >"$work/bots.out" 2>"$work/bots.log" &
pids+=($!)

shots=$work/shots
status=0
SDL_VIDEODRIVER=offscreen SDL_AUDIODRIVER=dummy timeout 150 "$client" --software --size 1280x720 \
  --api "http://127.0.0.1:$api_port" \
  --autoplay client/scripts/full_stack.autoplay --screenshot-dir "$shots" \
  >"$work/client.out" 2>"$work/client.log" || status=$?
grep -E '^(autoplay|omega-client):' "$work/client.log" >&2 || true
[[ $status == 0 ]] || die "omega-client exited with $status" "$work/client.log" "$work/zone.log" "$work/api.log"
grep -q 'autoplay: arrived in forest' "$work/client.log" || die "the client never logged its arrival in forest" "$work/client.log"
grep -q 'autoplay: chat line delivered: hello from the autoplay' "$work/client.log" || die "the world chat line never came back" "$work/client.log"
grep -qi 'autoplay: friend request sent to democ0' "$work/client.log" || die "the friend request never showed in the friends window" "$work/client.log"
grep -q 'autoplay: equip Rusty Sword: done' "$work/client.log" || die "the zone never answered equipping the sword" "$work/client.log"

python3 - "$shots" <<'PY'
import itertools, struct, sys
from pathlib import Path

def load(path):
    data = Path(path).read_bytes()
    if data[:2] != b"BM":
        sys.exit(f"{path}: not a BMP")
    offset, = struct.unpack_from("<I", data, 10)
    width, height = struct.unpack_from("<ii", data, 18)
    bpp, = struct.unpack_from("<H", data, 28)
    if bpp != 32:
        sys.exit(f"{path}: {bpp} bits per pixel, expected 32")
    pixels = data[offset:offset + width * abs(height) * 4]
    # Sample every 4th pixel of every 4th row: plenty for statistics, fast in pure Python.
    rows = []
    for y in range(0, abs(height), 4):
        row = pixels[y * width * 4:(y + 1) * width * 4]
        rows.append([(row[i + 2], row[i + 1], row[i]) for i in range(0, len(row), 16)])
    return width, abs(height), rows

shots = Path(sys.argv[1])
names = ["login", "characters", "world", "world_resumed", "travel_loading", "forest"]
images = {}
for name in names:
    path = shots / f"{name}.bmp"
    if not path.exists():
        sys.exit(f"autoplay_e2e: missing screenshot {path}")
    width, height, rows = load(path)
    flat = [p for row in rows for p in row]
    luma = [0.299 * r + 0.587 * g + 0.114 * b for r, g, b in flat]
    mean = sum(luma) / len(luma)
    std = (sum((v - mean) ** 2 for v in luma) / len(luma)) ** 0.5
    colors = len(set(flat))
    print(f"{name}: {width}x{height} mean {mean:.1f} std {std:.1f} colours {colors}")
    if std < 8 or colors < 40:
        sys.exit(f"autoplay_e2e: {name} looks blank (std {std:.1f}, {colors} colours)")
    images[name] = flat
# world_resumed is the world a moment later: alike by design, so it is not compared.
for a, b in itertools.combinations(["login", "characters", "world", "travel_loading", "forest"], 2):
    diff = sum(abs(x - y) for p, q in zip(images[a], images[b]) for x, y in zip(p, q)) / (3 * len(images[a]))
    print(f"{a} vs {b}: mean abs difference {diff:.1f}")
    if diff < 5:
        sys.exit(f"autoplay_e2e: {a} and {b} look the same")
print("autoplay_e2e: OK")
PY
if [[ -n ${OMEGA_E2E_SCREENSHOTS:-} ]]; then mkdir -p "$OMEGA_E2E_SCREENSHOTS" && cp "$shots"/*.bmp "$OMEGA_E2E_SCREENSHOTS"/; fi
