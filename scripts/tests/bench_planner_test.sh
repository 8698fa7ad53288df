#!/usr/bin/env bash
# scripts/bench planner prints one JSON line whose figures describe real snapshots: 300 walkers
# on the hub map, each a viewer, for 1 s at 15 snapshots per second per client. A planner that
# sent nothing, or an encoder that wrote nothing, fails it; so does a bad argument not refused.
set -euo pipefail
cd "$(dirname "$0")/../.."
export OMEGA_BENCH_BUILD_DIR=${OMEGA_BUILD_DIR:-build/release}
line=$(scripts/bench.d/planner players=300 seconds=1)
python3 - "$line" <<'PY'
import json, sys
r = json.loads(sys.argv[1])
assert r["scenario"] == "planner" and r["players"] == 300, r
assert r["snapshots"] == 300 * 15, r                     # every client, every 2nd tick, 1 s
assert 1.0 < r["entities_per_snapshot"] < 128, r          # ~5 neighbours in view, moving
assert r["bytes_per_snapshot"] > 10, r
assert r["plan_ns_per_snapshot"] > 0 and r["encode_ns_per_snapshot"] > 0, r
assert abs(r["ns_per_snapshot"] - r["plan_ns_per_snapshot"] - r["encode_ns_per_snapshot"]) < 1, r
print("bench planner:", sys.argv[1])
PY
if scripts/bench.d/planner players=0 2>/dev/null; then
  echo "bench planner accepted players=0" >&2
  exit 1
fi
