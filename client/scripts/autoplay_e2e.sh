#!/usr/bin/env bash
# End-to-end test of omega-client (CTest client_autoplay_e2e, label e2e): runs the client
# headless (SDL_VIDEODRIVER=offscreen, software renderer) with --autoplay against a real
# omega-zone crowded with omega-bots — and a real omega-api on throwaway PostgreSQL and Redis
# when the API is built — then checks that the screenshots of login, character select and the
# world are non-trivial and differ from one another (pixel statistics).
# Exit 77 (CTest: skipped) when a binary it needs is not built.
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${OMEGA_BUILD_DIR:-build/release}
client=$build/client/omega-client
zone=$build/zone/omega-zone
bots=$build/bots/omega-bots
api=$build/api/omega-api
for bin in "$client" "$zone" "$bots"; do
  if [[ ! -x $bin ]]; then
    echo "autoplay_e2e: SKIPPED: $bin is not built" >&2
    exit 77
  fi
done
# DEV ONLY seed (the same public one scripts/run-local uses).
seed=0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d
work=$(mktemp -d /tmp/omega-client-e2e.XXXXXX)
pids=()
services_started=0
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [[ $services_started == 1 ]]; then omega_services_stop "$work/services" || true; fi
  if [[ ${OMEGA_KEEP_E2E:-0} == 1 ]]; then echo "autoplay_e2e: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

public_key=$("$bots" --print-public-key --dev-key-seed "$seed")
OMEGA_ZONE_PORT=0 OMEGA_ZONE_HTTP_PORT=0 OMEGA_ZONE_TICKET_PUBLIC_KEY=$public_key \
OMEGA_ZONE_MAP=hub_city_1 OMEGA_ZONE_INSTANCE_ID=1 \
  "$zone" >"$work/zone.out" 2>"$work/zone.log" &
pids+=($!)
for _ in $(seq 100); do
  grep -q '"listening"' "$work/zone.out" 2>/dev/null && break
  kill -0 "${pids[0]}" 2>/dev/null || { echo "autoplay_e2e: omega-zone exited" >&2; cat "$work/zone.log" >&2; exit 1; }
  sleep 0.1
done
ws_port=$(sed -n 's/.*"ws_port":\([0-9]*\).*/\1/p' "$work/zone.out" | head -n1)
[[ -n $ws_port ]] || { echo "autoplay_e2e: omega-zone did not report its port" >&2; exit 1; }
zone_url="ws://127.0.0.1:$ws_port/"

# Other players in view: a few bots standing around the spawn.
"$bots" --url "$zone_url" --count 4 --zone hub_city_1 --instance 1 --dev-key-seed "$seed" \
  --first-character-id 5000 --behaviour idle --seconds 300 >"$work/bots.out" 2>"$work/bots.log" &
pids+=($!)

script=client/scripts/dev_zone.autoplay
api_args=()
if [[ -x $api && -f scripts/lib/services.sh ]]; then
  # shellcheck source=../../scripts/lib/services.sh
  source scripts/lib/services.sh
  mkdir -p "$work/services"
  services_started=1
  omega_services_start "$work/services" >/dev/null
  # shellcheck disable=SC1091
  source "$work/services/services.env"
  api_port=$(omega_free_port)
  DATABASE_URL=$DATABASE_URL REDIS_URL=$REDIS_URL OMEGA_API_PORT=$api_port OMEGA_API_LISTEN=127.0.0.1 \
  OMEGA_JWT_SECRET=client-e2e-secret-client-e2e-secret-0123456789 OMEGA_MIGRATE_ON_START=true \
    "$api" >"$work/api.out" 2>"$work/api.log" &
  pids+=($!)
  for _ in $(seq 150); do
    python3 -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=1)" \
      "http://127.0.0.1:$api_port/healthz" >/dev/null 2>&1 && break
    kill -0 "${pids[-1]}" 2>/dev/null || { echo "autoplay_e2e: omega-api exited" >&2; cat "$work/api.log" >&2; exit 1; }
    sleep 0.2
  done
  script=client/scripts/full_stack.autoplay
  api_args=(--api "http://127.0.0.1:$api_port")
else
  echo "autoplay_e2e: omega-api not built: zone-only script (dev path)" >&2
fi

shots=$work/shots
status=0
SDL_VIDEODRIVER=offscreen SDL_AUDIODRIVER=dummy timeout 240 "$client" --software --size 1280x720 \
  "${api_args[@]}" --dev-zone "$zone_url" --dev-key-seed "$seed" --dev-zone-name hub_city_1 \
  --autoplay "$script" --screenshot-dir "$shots" >"$work/client.out" 2>"$work/client.log" || status=$?
if [[ $status != 0 ]]; then
  echo "autoplay_e2e: omega-client exited with $status" >&2
  tail -n 40 "$work/client.log" >&2
  tail -n 20 "$work/zone.log" >&2
  exit 1
fi
grep '^autoplay' "$work/client.log" >&2 || true

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
names = ["login", "characters", "world", "world_resumed"]
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
for a, b in itertools.combinations(names[:3], 2):
    diff = sum(abs(x - y) for p, q in zip(images[a], images[b]) for x, y in zip(p, q)) / (3 * len(images[a]))
    print(f"{a} vs {b}: mean abs difference {diff:.1f}")
    if diff < 5:
        sys.exit(f"autoplay_e2e: {a} and {b} look the same")
print("autoplay_e2e: OK")
PY
