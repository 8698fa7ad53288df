# shellcheck shell=bash
# Throwaway PostgreSQL 15 and Redis 7 servers on free loopback ports, for tests and the
# local stack. Source this file, then:
#   omega_services_start DIR   start both; writes DIR/services.env and prints the URLs
#   omega_services_stop DIR    stop both and delete their data
#   omega_pg_stop DIR / omega_pg_start DIR        stop/start PostgreSQL only (same port, data kept)
#   omega_redis_stop DIR / omega_redis_start DIR  stop/start Redis only
# DIR/services.env holds DATABASE_URL, REDIS_URL and the ports. PostgreSQL refuses to run as
# root, so as root its data directory lives in a mktemp directory owned by `postgres` and
# its programs run through runuser. Everything binds 127.0.0.1 only, with trust auth: these
# servers are for tests and development, never for real data.

OMEGA_PG_BIN=${OMEGA_PG_BIN:-/usr/lib/postgresql/15/bin}

# A loopback TCP port that was free a moment ago, picked at random below the kernel's
# ephemeral range: a port bind(0) hands out can be taken by the next outgoing connection
# before our server binds it (tests/world_stack.cpp free_port does the same). Callers still
# retry on collision.
omega_free_port() {
  python3 - <<'PY'
import random, socket
low = 32768
try:
    low = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
except (OSError, ValueError, IndexError):
    pass
for _ in range(1000):
    port = random.randint(10000, max(10000, low - 1))
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port))
    except OSError:
        continue
    finally:
        s.close()
    print(port)
    break
else:
    raise SystemExit("omega_free_port: no free port below the ephemeral range")
PY
}

_omega_as_pg() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

_omega_env_get() {  # DIR KEY
  sed -n "s/^$2=//p" "$1/services.env" 2>/dev/null | tail -n1
}

_omega_env_set() {  # DIR KEY VALUE
  local file="$1/services.env"
  touch "$file"
  grep -v "^$2=" "$file" >"$file.tmp" || true
  echo "$2=$3" >>"$file.tmp"
  mv "$file.tmp" "$file"
}

omega_pg_init() {  # DIR — OMEGA_PG_DATA_IN_DIR=1: data in DIR/pg when postgres can write there
  local dir=$1 data=""
  if [ "${OMEGA_PG_DATA_IN_DIR:-0}" = 1 ]; then
    mkdir -p "$dir/pg"
    if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$dir/pg"; fi
    if _omega_as_pg test -w "$dir/pg"; then
      data="$dir/pg"
    else
      echo "services: user postgres cannot reach $dir/pg (a parent directory is closed to it);" \
        "keeping the PostgreSQL data in /tmp instead" >&2
      rmdir "$dir/pg" 2>/dev/null || true
    fi
  fi
  if [ -z "$data" ]; then
    data=$(mktemp -d /tmp/omega-pg.XXXXXX)
    chmod 755 "$data"
    if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$data"; fi
  fi
  _omega_as_pg "$OMEGA_PG_BIN/initdb" -D "$data/data" -U omega --auth=trust -E UTF8 --no-locale \
    --no-sync >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; return 1; }
  _omega_env_set "$dir" OMEGA_PG_DATA "$data/data"
  _omega_env_set "$dir" OMEGA_PG_ROOT "$data"
}

omega_pg_start() {  # DIR — starts on the recorded port, or picks a free one
  local dir=$1 data port attempt
  data=$(_omega_env_get "$dir" OMEGA_PG_DATA)
  port=$(_omega_env_get "$dir" OMEGA_PG_PORT)
  for attempt in 1 2 3 4 5; do
    [ -n "$port" ] || port=$(omega_free_port)
    if _omega_as_pg "$OMEGA_PG_BIN/pg_ctl" -D "$data" -l "$data/server.log" -w -t 30 \
      -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$data \
          -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
      start >/dev/null 2>&1; then
      _omega_env_set "$dir" OMEGA_PG_PORT "$port"
      _omega_env_set "$dir" DATABASE_URL "postgresql://omega@127.0.0.1:$port/omega"
      return 0
    fi
    # Keep a recorded port (a restart must come back where clients expect it); retry it.
    if [ -z "$(_omega_env_get "$dir" OMEGA_PG_PORT)" ]; then port=""; fi
    sleep 0.5
  done
  echo "services.sh: PostgreSQL did not start; log:" >&2
  tail -n 20 "$data/server.log" >&2
  return 1
}

omega_pg_stop() {  # DIR — stops PostgreSQL, keeps its data
  local data
  data=$(_omega_env_get "$1" OMEGA_PG_DATA)
  [ -n "$data" ] && [ -f "$data/postmaster.pid" ] || return 0
  _omega_as_pg "$OMEGA_PG_BIN/pg_ctl" -D "$data" -m fast -w -t 30 stop >/dev/null 2>&1 || true
}

omega_redis_start() {  # DIR
  local dir=$1 port attempt
  port=$(_omega_env_get "$dir" OMEGA_REDIS_PORT)
  for attempt in 1 2 3 4 5; do
    [ -n "$port" ] || port=$(omega_free_port)
    rm -f "$dir/redis.pid"
    if redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
      --pidfile "$dir/redis.pid" --dir "$dir" --logfile "$dir/redis.log" >/dev/null 2>&1; then
      local tries
      for tries in $(seq 1 50); do
        if [ "$(redis-cli -p "$port" ping 2>/dev/null)" = PONG ]; then
          _omega_env_set "$dir" OMEGA_REDIS_PORT "$port"
          _omega_env_set "$dir" REDIS_URL "redis://127.0.0.1:$port/0"
          return 0
        fi
        sleep 0.1
      done
    fi
    if [ -z "$(_omega_env_get "$dir" OMEGA_REDIS_PORT)" ]; then port=""; fi
    sleep 0.2
  done
  echo "services.sh: Redis did not start; log:" >&2
  tail -n 20 "$dir/redis.log" >&2
  return 1
}

omega_redis_stop() {  # DIR
  local dir=$1 pid tries
  [ -f "$dir/redis.pid" ] || return 0
  pid=$(cat "$dir/redis.pid")
  if [ -n "$pid" ] && kill "$pid" 2>/dev/null; then
    for tries in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
  fi
  rm -f "$dir/redis.pid"
}

omega_services_start() {  # DIR
  local dir=$1
  mkdir -p "$dir"
  rm -f "$dir/services.env"
  omega_pg_init "$dir" || return 1
  omega_pg_start "$dir" || return 1
  "$OMEGA_PG_BIN/createdb" -h 127.0.0.1 -p "$(_omega_env_get "$dir" OMEGA_PG_PORT)" -U omega omega || return 1
  omega_redis_start "$dir" || return 1
  echo "DATABASE_URL=$(_omega_env_get "$dir" DATABASE_URL)"
  echo "REDIS_URL=$(_omega_env_get "$dir" REDIS_URL)"
}

omega_services_stop() {  # DIR
  local dir=$1 root
  [ -f "$dir/services.env" ] || return 0
  omega_redis_stop "$dir"
  omega_pg_stop "$dir"
  root=$(_omega_env_get "$dir" OMEGA_PG_ROOT)
  case "$root" in /tmp/omega-pg.* | "$dir/pg") rm -rf "$root" ;; esac
  rm -f "$dir/services.env"
}
