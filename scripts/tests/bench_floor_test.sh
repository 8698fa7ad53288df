#!/usr/bin/env bash
# `scripts/bench floor` (issue 18, item 1) runs the hub and then the bare-socket floor with the
# traffic the hub run measured, and reports cpu_ratio_to_floor. Small runs: the figures are not
# judged, only that the floor repeated the zone's pattern and every byte it sent arrived; a
# failed hub run is an error, not a ratio.
set -euo pipefail
cd "$(dirname "$0")/../.."
export OMEGA_BENCH_NO_BUILD=1 OMEGA_BENCH_BUILD_DIR=${OMEGA_BUILD_DIR:-build/release}
fail() { echo "bench_floor_test: $*" >&2; exit 1; }
log=/tmp/bench_floor_test.$$

set +e
out=$(OMEGA_ZONE_MAX_PLAYERS=5 scripts/bench floor players=10 seconds=1 2>"$log")
status=$?
set -e
echo "failed run: status $status, $out"
[[ $status -ne 0 ]] || fail "a floor run whose hub run failed exited 0"
python3 - "$out" <<'PY' || fail "bad JSON for the failed run: $out"
import json, sys
line = json.loads(sys.argv[1].strip().splitlines()[-1])
assert line["scenario"] == "floor" and line["players"] == 10, line
assert "bench hub failed" in line["error"] and "only 5 of 10" in line["error"], line
assert "cpu_ratio_to_floor" not in line, line
PY

# Enough players and seconds that the floor costs several clock ticks of CPU (10 ms each).
# Two rounds: the line is the round with the median ratio (of two, the lower) and lists both.
out=$(scripts/bench floor players=24 seconds=5 rounds=2 2>"$log") || { cat "$log" >&2; fail "the floor run failed: $out"; }
echo "measured run: $out"
python3 - "$out" <<'PY' || fail "bad JSON for the measured run: $out"
import json, sys
line = json.loads(sys.argv[1].strip().splitlines()[-1])
assert line["scenario"] == "floor" and "error" not in line, line
assert line["rounds"] == 2 and len(line["cpu_ratio_to_floor_rounds"]) == 2, line
assert line["cpu_ratio_to_floor"] == min(line["cpu_ratio_to_floor_rounds"]), line
assert len(line["cpu_ratio_to_uring_floor_rounds"]) == 2, line
assert line["cpu_ratio_to_floor"] is not None and line["cpu_ratio_to_floor"] > 0, line
assert line["floor_cpu_pct_per_player"] > 0 and line["zone_cpu_pct_per_player"] > 0, line
# The zone batches: at least one message per write, and it writes about once per tick.
# (messages are rounded to 0.1 a second, writes to 0.01)
assert 0 < line["writes_per_player_s"] <= line["messages_per_player_s"] + 0.1, line
assert line["bytes_per_message"] > 0, line
# The floor moved what the zone moved (its 2-byte frame headers on top) and lost nothing.
down = line["zone_down_bytes_per_player_s"]
assert 0.9 * down <= line["floor_down_bytes_per_player_s"] <= 1.6 * down, line
assert line["floor_would_block"] == 0 and line["floor_received_ratio"] == 1.0, line
# scripts/install-deps installs liburing: the io_uring floor ran too.
assert line["floor_uring_cpu_pct_per_player"] > 0 and line["cpu_ratio_to_uring_floor"] > 0, line
assert line["floor_uring_would_block"] == 0, line
PY
rm -f "$log"
echo "bench_floor_test: ok"
