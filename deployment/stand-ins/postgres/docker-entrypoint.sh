#!/usr/bin/env bash
# The official postgres image's start-up contract, re-implemented for the stand-in image
# (see Dockerfile): initialise PGDATA on first start from POSTGRES_* (or *_FILE), run
# /docker-entrypoint-initdb.d once, then exec postgres as the `postgres` user (PID 1, so
# `docker stop` shuts it down cleanly).
set -euo pipefail

file_env() {  # VAR [DEFAULT]: VAR, or the content of the file named by VAR_FILE
  local var=$1 file_var="${1}_FILE" default=${2:-}
  if [[ -n ${!var:-} && -n ${!file_var:-} ]]; then
    echo "error: both $var and $file_var are set" >&2
    exit 1
  fi
  local value=$default
  if [[ -n ${!var:-} ]]; then value=${!var}
  elif [[ -n ${!file_var:-} ]]; then value=$(<"${!file_var}")
  fi
  export "$var"="$value"
  unset "$file_var"
}

if [[ ${1:-} == postgres && $(id -u) == 0 ]]; then
  mkdir -p "$PGDATA"
  chown postgres:postgres "$PGDATA"
  chmod 700 "$PGDATA"
  exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi

if [[ ${1:-} == postgres && ! -s $PGDATA/PG_VERSION ]]; then
  file_env POSTGRES_PASSWORD
  file_env POSTGRES_USER postgres
  file_env POSTGRES_DB "$POSTGRES_USER"
  file_env POSTGRES_INITDB_ARGS
  auth=${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}
  if [[ -z $POSTGRES_PASSWORD && $auth != trust ]]; then
    echo "error: database is uninitialized and POSTGRES_PASSWORD is not set" >&2
    echo "       (set it, or POSTGRES_PASSWORD_FILE, or POSTGRES_HOST_AUTH_METHOD=trust)" >&2
    exit 1
  fi
  pwfile=$(mktemp)
  printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile"
  # shellcheck disable=SC2086
  initdb --username="$POSTGRES_USER" --pwfile="$pwfile" --auth-local=trust \
    --auth-host="$auth" $POSTGRES_INITDB_ARGS >/dev/null
  rm -f "$pwfile"
  {
    echo "listen_addresses = '*'"
    echo "unix_socket_directories = '/var/run/postgresql'"
  } >>"$PGDATA/postgresql.conf"
  echo "host all all all $auth" >>"$PGDATA/pg_hba.conf"
  pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -c unix_socket_directories=/var/run/postgresql" \
    -w start >/dev/null
  psql=(psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password --dbname postgres -q)
  if [[ $POSTGRES_DB != postgres ]]; then
    "${psql[@]}" --set db="$POSTGRES_DB" <<<'CREATE DATABASE :"db";'
  fi
  for f in /docker-entrypoint-initdb.d/*; do
    case $f in
      *.sh) echo "initdb.d: running $f"; . "$f" ;;
      *.sql) echo "initdb.d: running $f"; "${psql[@]}" --dbname "$POSTGRES_DB" -f "$f" ;;
      *) ;;
    esac
  done
  pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
  echo "PostgreSQL init process complete; ready for start up."
fi

exec "$@"
