#!/usr/bin/env bash
# `OMEGA_RUN_PROMETHEUS=1 make run` (issue 17, item 3): run-local starts Prometheus, which
# scrapes the API with the service credential and both zones, loads the alerting rules, and
# sees the world (players in the zones, PostgreSQL and Redis up, no alert firing). Everything
# under a throwaway OMEGA_RUN_VAR on free ports; SIGTERM stops it all.
set -euo pipefail
cd "$(dirname "$0")/../.."
fail() { echo "run_local_prometheus_test: $*" >&2; [[ -n ${var:-} ]] && tail -n 20 "$var"/log/*.log >&2; exit 1; }

# A free port P with P+1 free too (the zones' ports are consecutive).
free_pair() {
  python3 - <<'PY'
import socket
while True:
    a = socket.socket(); a.bind(("127.0.0.1", 0)); port = a.getsockname()[1]
    b = socket.socket()
    try:
        b.bind(("127.0.0.1", port + 1)); print(port); break
    except OSError:
        pass
    finally:
        a.close(); b.close()
PY
}
var=$(mktemp -d /tmp/omega-run-local.XXXXXX)
api=$(free_pair); ws=$(free_pair); http=$(free_pair); prom=$(free_pair)
OMEGA_RUN_VAR=$var OMEGA_RUN_PROMETHEUS=1 OMEGA_RUN_PROMETHEUS_PORT=$prom OMEGA_RUN_BOTS=2 \
  OMEGA_RUN_API_PORT=$api OMEGA_RUN_ZONE_PORT=$ws OMEGA_RUN_ZONE_HTTP_PORT=$http \
  DATABASE_URL= REDIS_URL= setsid scripts/run-local >"$var/run-local.out" 2>&1 &
run=$!
cleanup() {
  if kill -0 "$run" 2>/dev/null; then
    kill -TERM "$run" 2>/dev/null || true
    for _ in $(seq 300); do kill -0 "$run" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$run" 2>/dev/null || true
  fi
  rm -rf "$var"
}
trap cleanup EXIT

# Up to 120 s for: every target up, the rules loaded, two players in the zones, both
# dependencies up — all as Prometheus sees them.
python3 - "$prom" <<'PY' || fail "Prometheus never saw the world"
import json, sys, time, urllib.parse, urllib.request
base = "http://127.0.0.1:%s/api/v1/" % sys.argv[1]
def get(path):
    with urllib.request.urlopen(base + path, timeout=5) as r:
        return json.load(r)["data"]
def value(query):
    result = get("query?query=" + urllib.parse.quote(query))["result"]
    return [float(r["value"][1]) for r in result]
deadline, last = time.time() + 120, "nothing yet"
while time.time() < deadline:
    try:
        targets = get("targets")["activeTargets"]
        health = sorted((t["labels"]["job"], t["health"], t.get("lastError", "")) for t in targets)
        rules = [r for g in get("rules")["groups"] for r in g["rules"]]
        players = value("sum(omega_zone_players)")
        pg, redis = value("omega_api_postgresql_up"), value("omega_api_redis_up")
        firing = [a["labels"]["alertname"] for a in get("alerts")["alerts"] if a["state"] == "firing"]
        last = "targets %s, %d rules, players %s, pg %s, redis %s, firing %s" % (health, len(rules), players, pg, redis, firing)
        if (len(targets) == 3 and all(h == "up" for _, h, _ in health) and len(rules) >= 12
                and players == [2.0] and pg == [1.0] and redis == [1.0]):
            assert [j for j, _, _ in health] == ["omega-api", "omega-zone", "omega-zone"], health
            assert not firing, firing
            print("run_local_prometheus_test:", last)
            sys.exit(0)
    except (OSError, KeyError, ValueError) as error:
        last = repr(error)
    time.sleep(1)
print("last seen:", last, file=sys.stderr)
sys.exit(1)
PY
grep -q "prometheus       http://127.0.0.1:$prom" "$var/run-local.out" || fail "run-local did not print Prometheus' address"

kill -TERM "$run"
for _ in $(seq 600); do kill -0 "$run" 2>/dev/null || break; sleep 0.1; done
kill -0 "$run" 2>/dev/null && fail "run-local did not stop within 60 s of SIGTERM"
grep -q "run-local: stopped" "$var/run-local.out" || fail "run-local did not stop cleanly: $(tail -3 "$var/run-local.out")"
echo "run_local_prometheus_test: ok"
