#!/usr/bin/env bash
# `scripts/bench hub` judges what it measured (issue 13, item 6): a run in which not every
# player joined exits 1 with the reason in the JSON ("error") and no figures; a run that
# measured says whether the hub was playable (tick p99 <= 33 ms, server latency p95 <= 100 ms,
# RTT p95 <= 50 ms). Small runs: the figures themselves are not checked, only their shape.
# A run with threads=3 checks the zone's parallel snapshot encoding end to end.
set -euo pipefail
cd "$(dirname "$0")/../.."
export OMEGA_BENCH_NO_BUILD=1 OMEGA_BENCH_BUILD_DIR=${OMEGA_BUILD_DIR:-build/release}
fail() { echo "bench_hub_test: $*" >&2; exit 1; }

# The zone admits 5 of 10: the run must fail, with the reason, and print no figures.
set +e
out=$(OMEGA_ZONE_MAX_PLAYERS=5 scripts/bench hub players=10 seconds=1 2>/tmp/bench_hub_test.$$)
status=$?
set -e
echo "failed run: status $status, $out"
[[ $status -ne 0 ]] || fail "a run where 5 of 10 players joined exited 0"
python3 - "$out" <<'PY' || fail "bad JSON for the failed run: $out"
import json, sys
line = json.loads(sys.argv[1].strip().splitlines()[-1])
assert line["scenario"] == "hub" and line["players"] == 10, line
assert "only 5 of 10 players joined" in line["error"], line
assert "tick_ms_p99" not in line and "playable" not in line, "figures of a failed run: %s" % line
assert line["kicks"].get("server_full", 0) >= 5, line
PY

out=$(scripts/bench hub players=6 seconds=2 2>/tmp/bench_hub_test.$$)
echo "measured run: $out"
python3 - "$out" <<'PY' || fail "bad JSON for the measured run: $out"
import json, sys
line = json.loads(sys.argv[1].strip().splitlines()[-1])
assert "error" not in line, line
for key in ("tick_ms_p99", "server_latency_ms_p95", "rtt_ms_p95", "cpu_pct_per_player"):
    assert key in line, key
expected = (line["tick_ms_p99"] <= 33 and line["server_latency_ms_p95"] <= 100
            and line["rtt_ms_p95"] is not None and line["rtt_ms_p95"] <= 50)
assert line["playable"] is expected, line
PY
# threads=3 (issue 18 item 3): the zone carries the connections on three network threads and
# plans and encodes snapshots on three threads; every bot joins, and decodes every snapshot it
# gets (a bad one disconnects it) in a crowd where each sees all.
out=$(scripts/bench hub players=40 seconds=3 view=inf threads=3 2>/tmp/bench_hub_test.$$)
detail=$(sed -n 's/^bench hub detail: //p' /tmp/bench_hub_test.$$)
echo "threads=3 run: $out $detail"
python3 - "$out" "$detail" <<'PY' || fail "bad threads=3 run: $out $detail"
import json, sys
line = json.loads(sys.argv[1].strip().splitlines()[-1])
detail = json.loads(sys.argv[2])
assert "error" not in line, line
assert line["threads"] == 3 and detail["snapshot_worker_threads"] == 2, (line, detail)
assert detail["network_threads"] == 3 and detail["joined"] == 40, detail
assert line["disconnects"] == 0 and not detail["bots_disconnects"].get("total"), (line, detail)
assert detail["bots_snapshot_hz"] >= 10, detail  # 15 Hz; every bot kept decoding
PY
rm -f /tmp/bench_hub_test.$$
echo "bench_hub_test: ok"
