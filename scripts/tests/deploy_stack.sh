#!/usr/bin/env bash
# The Docker side of the deploy test (tests/deploy_swarm_test.cpp, CTest label `deploy`): it
# brings a whole Omega Realm world up on a single-node Docker Swarm from this machine's
# build tree, runs the operations the test asks for, and takes everything down again.
#
#   deploy_stack.sh up ENV_FILE      dockerd (started when not running), images (build/release
#                                    packaged, no compile; base and PostgreSQL/Redis stand-ins
#                                    made offline when no registry answers), secrets, a dev CA
#                                    and certificate for `localhost`, `docker swarm init` (when
#                                    this node is in no swarm), `docker stack deploy`, and a wait
#                                    until the proxy answers https://localhost:PORT/readyz.
#                                    Writes what the other commands need to ENV_FILE.
#   deploy_stack.sh down ENV_FILE    stack removed, then its containers, volumes, networks,
#                                    secrets and test images; the swarm left and dockerd stopped
#                                    only if `up` started them. Safe to run twice or after a
#                                    failed `up`.
#   deploy_stack.sh psql ENV_FILE SQL               one query in the stack's PostgreSQL (-At)
#   deploy_stack.sh kill-zone ENV_FILE PROCESS      `docker kill` the task of zone PROCESS
#   deploy_stack.sh update-api ENV_FILE             `docker service update --force` the API
#   deploy_stack.sh backup-restore ENV_FILE         deployment/scripts/backup-postgres, then a
#                                                   restore into a scratch database, and counts
#   deploy_stack.sh prometheus ENV_FILE QUERY       an instant query in the stack's Prometheus
#   deploy_stack.sh logs ENV_FILE                   the last lines of every service's log
#
# Only this run's objects are touched: the stack name is unique (omegadt<pid>), and everything
# removed is found by the stack's label or this run's image tag. Test traffic goes to
# 127.0.0.1 only (the proxy's published port). Needs root (dockerd) and docker.io,
# docker-compose and mmdebstrap (scripts/install-deps); a missing piece is an error that says
# what is missing.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=../../deployment/scripts/docker-cli.sh
source deployment/scripts/docker-cli.sh
# shellcheck source=../lib/services.sh
source scripts/lib/services.sh  # omega_free_port

command=${1:?usage: deploy_stack.sh up|down|psql|kill-zone|update-api|backup-restore|prometheus|logs ENV_FILE ...}
env_file=${2:?ENV_FILE}
shift 2

t0=$(date +%s)
say() { echo "deploy_stack [$(($(date +%s) - t0)) s]: $*" >&2; }
die() { echo "deploy_stack: FAILED: $*" >&2; exit 1; }
load_env() { [[ -s $env_file ]] || die "no $env_file (did 'up' run?)"; source "$env_file"; }

# ---- up ------------------------------------------------------------------------------------
start_dockerd() {
  if "$DOCKER" info >/dev/null 2>&1; then return 0; fi
  command -v dockerd >/dev/null ||
    die "dockerd is not installed and no Docker daemon answers (scripts/install-deps installs docker.io)"
  [[ $(id -u) == 0 ]] || die "dockerd is not running and starting it needs root"
  say "starting dockerd (log $work/dockerd.log)"
  setsid dockerd >"$work/dockerd.log" 2>&1 </dev/null &
  echo "DOCKERD_PID=$!" >>"$env_file"
  for _ in $(seq 120); do
    "$DOCKER" info >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  tail -20 "$work/dockerd.log" >&2
  die "dockerd did not come up in 60 s"
}

up() {
  local build=${OMEGA_BUILD_DIR:-build/release} tag=deploytest-$$
  STACK=omegadt$$
  work=$(mktemp -d /tmp/omega-deploy.XXXXXX)
  : >"$env_file"
  {
    echo "STACK=$STACK"
    echo "TAG=$tag"
    echo "WORK=$work"
  } >>"$env_file"
  for tool in python3 openssl strip; do
    command -v "$tool" >/dev/null || die "$tool is missing (scripts/install-deps)"
  done
  [[ -x $DOCKER ]] || command -v "$DOCKER" >/dev/null ||
    die "no docker CLI ($DOCKER): scripts/install-deps installs docker.io"
  for b in api/omega-api zone/omega-zone bots/omega-bots; do
    [[ -x $build/$b ]] || die "$build/$b is not built (cmake --build --preset release)"
  done
  start_dockerd

  say "images (tag $tag)"
  deployment/scripts/build-images --prebuilt "$build" --tag "$tag" --stand-ins \
    --env-out "$work/images.env" || die "building the images failed (see above)"
  cat "$work/images.env" >>"$env_file"

  deployment/scripts/make-secrets "$work/secrets" >/dev/null
  deployment/scripts/make-certs --dir "$work/certs" localhost >/dev/null

  local state
  state=$("$DOCKER" info --format '{{.Swarm.LocalNodeState}}')
  if [[ $state == inactive ]]; then
    "$DOCKER" network inspect docker_gwbridge >/dev/null 2>&1 || echo "REMOVE_GWBRIDGE=1" >>"$env_file"
    say "docker swarm init (single node, 127.0.0.1)"
    "$DOCKER" swarm init --advertise-addr 127.0.0.1 >/dev/null || die "docker swarm init failed"
    echo "LEAVE_SWARM=1" >>"$env_file"
  else
    say "this node is already in a swarm ($state): using it, and leaving it as it is"
  fi

  local port
  port=$(omega_free_port)
  {
    echo "PORT=$port"
    echo "CA=$work/certs/ca.pem"
  } >>"$env_file"
  say "docker stack deploy $STACK (https://localhost:$port)"
  # Every test player comes from this host through the proxy: one address for all of them.
  (
    set -a
    source "$work/images.env"
    OMEGA_SECRETS_DIR=$work/secrets OMEGA_CERTS_DIR=$work/certs OMEGA_PUBLIC_HOST=localhost
    OMEGA_HTTPS_PORT=$port OMEGA_ZONE_MAX_CONNECTIONS_PER_IP=100000
    OMEGA_ZONE_MAX_PENDING_PER_IP=100000 OMEGA_NETWORK_SUBNET=${OMEGA_TEST_SUBNET:-10.231.0.0/24}
    set +a
    "$DOCKER" stack deploy --prune --resolve-image never -c deployment/stack.yml "$STACK" >/dev/null
  ) || die "docker stack deploy failed"

  say "waiting for the world (every service running, https://localhost:$port/readyz = 200)"
  local deadline=$(($(date +%s) + 240)) ready=0
  while [[ $(date +%s) -lt $deadline ]]; do
    if curl -sf --cacert "$work/certs/ca.pem" --max-time 3 "https://localhost:$port/readyz" >/dev/null 2>&1 &&
       zones_registered; then
      ready=1
      break
    fi
    sleep 2
  done
  [[ $ready == 1 ]] || { logs; die "the world did not come up within 240 s"; }
  say "up"
}

# Both zone processes have registered in Redis (the API can seat players there).
zones_registered() {
  local out
  out=$(redis_cli HKEYS omega:zoneprocs 2>/dev/null) || return 1
  [[ $out == *zone-a* && $out == *zone-b* ]]
}

container_of() {  # SERVICE → the id of its running container
  "$DOCKER" ps -q --filter "label=com.docker.swarm.service.name=${STACK}_$1" \
    --filter status=running | head -1
}
redis_cli() { "$DOCKER" exec "$(container_of redis)" redis-cli "$@"; }

# ---- down ----------------------------------------------------------------------------------
down() {
  [[ -s $env_file ]] || { say "nothing to take down"; return 0; }
  source "$env_file"
  local label="label=com.docker.stack.namespace=$STACK"
  if "$DOCKER" info >/dev/null 2>&1; then
    say "removing stack $STACK"
    "$DOCKER" stack rm "$STACK" >/dev/null 2>&1 || true
    for _ in $(seq 120); do
      [[ -z $("$DOCKER" ps -aq --filter "$label") ]] && break
      sleep 0.5
    done
    "$DOCKER" ps -aq --filter "$label" | xargs -r "$DOCKER" rm -f >/dev/null 2>&1 || true
    for _ in $(seq 20); do
      "$DOCKER" volume ls -q --filter "$label" | xargs -r "$DOCKER" volume rm >/dev/null 2>&1 || true
      "$DOCKER" network ls -q --filter "$label" | xargs -r "$DOCKER" network rm >/dev/null 2>&1 || true
      [[ -z $("$DOCKER" volume ls -q --filter "$label")$("$DOCKER" network ls -q --filter "$label") ]] && break
      sleep 0.5
    done
    "$DOCKER" secret ls -q --filter "$label" 2>/dev/null | xargs -r "$DOCKER" secret rm >/dev/null 2>&1 || true
    if [[ ${LEAVE_SWARM:-0} == 1 ]]; then
      say "leaving the swarm this test created"
      "$DOCKER" swarm leave --force >/dev/null 2>&1 || true
    fi
    if [[ ${REMOVE_GWBRIDGE:-0} == 1 ]]; then
      "$DOCKER" network rm docker_gwbridge >/dev/null 2>&1 || true
    fi
    if [[ -n ${TAG:-} ]]; then
      "$DOCKER" images --format '{{.Repository}}:{{.Tag}}' | grep -E ":$TAG\$" |
        xargs -r "$DOCKER" rmi >/dev/null 2>&1 || true
    fi
    local left
    left=$("$DOCKER" ps -aq --filter "$label")$("$DOCKER" volume ls -q --filter "$label")$("$DOCKER" network ls -q --filter "$label")
    [[ -z $left ]] || say "WARNING: left behind: $left"
  fi
  if [[ -n ${DOCKERD_PID:-} ]] && kill -0 "$DOCKERD_PID" 2>/dev/null; then
    say "stopping the dockerd this test started (pid $DOCKERD_PID)"
    kill -TERM "$DOCKERD_PID" 2>/dev/null || true
    for _ in $(seq 60); do kill -0 "$DOCKERD_PID" 2>/dev/null || break; sleep 0.5; done
  fi
  [[ -n ${WORK:-} && $WORK == /tmp/omega-deploy.* ]] && rm -rf "$WORK"
  rm -f "$env_file"
  say "down"
}

# ---- operations ----------------------------------------------------------------------------
psql_query() {
  "$DOCKER" exec "$(container_of postgres)" psql -U omega -d omega -v ON_ERROR_STOP=1 -At -c "$1"
}

kill_zone() {
  local container
  container=$(container_of "$1")
  [[ -n $container ]] || die "no running task of $1"
  "$DOCKER" kill "$container" >/dev/null
  say "killed $1 ($container)"
}

update_api() {
  say "docker service update --force ${STACK}_api (rolling, start-first)"
  "$DOCKER" service update --force --detach=false --quiet "${STACK}_api" >/dev/null
  say "API update done"
}

backup_restore() {
  local dump=$WORK/omega.dump
  POSTGRES_CONTAINER=$(container_of postgres) deployment/scripts/backup-postgres "$dump" >&2
  POSTGRES_CONTAINER=$(container_of postgres) deployment/scripts/restore-postgres "$dump" omega_restore >&2
  local before after
  before=$(psql_query "SELECT (SELECT count(*) FROM accounts) || ' ' || (SELECT count(*) FROM characters) || ' ' || (SELECT COALESCE(sum(gold), 0) FROM characters)")
  after=$("$DOCKER" exec "$(container_of postgres)" psql -U omega -d omega_restore -At -c \
    "SELECT (SELECT count(*) FROM accounts) || ' ' || (SELECT count(*) FROM characters) || ' ' || (SELECT COALESCE(sum(gold), 0) FROM characters)")
  "$DOCKER" exec "$(container_of postgres)" dropdb -U omega omega_restore
  echo "live $before restored $after"
}

prometheus_query() {
  "$DOCKER" exec "$(container_of prometheus)" promtool query instant http://127.0.0.1:9090 "$1"
}

logs() {
  [[ -n ${STACK:-} ]] || return 0
  local service
  for service in $("$DOCKER" service ls --filter "label=com.docker.stack.namespace=$STACK" --format '{{.Name}}' 2>/dev/null); do
    echo "---- $service" >&2
    "$DOCKER" service ps --no-trunc --format '{{.Name}} {{.CurrentState}} {{.Error}}' "$service" 2>/dev/null | head -5 >&2
    "$DOCKER" service logs --tail 15 --no-task-ids "$service" 2>&1 | tail -15 >&2
  done
}

case $command in
  up) up ;;
  down) down ;;
  psql) load_env; psql_query "$1" ;;
  kill-zone) load_env; kill_zone "$1" ;;
  update-api) load_env; update_api ;;
  backup-restore) load_env; backup_restore ;;
  prometheus) load_env; prometheus_query "$1" ;;
  logs) load_env; logs ;;
  *) die "unknown command $command" ;;
esac
