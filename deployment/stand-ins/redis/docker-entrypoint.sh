#!/usr/bin/env bash
# The official redis image's start-up contract for the stand-in (see Dockerfile).
set -euo pipefail
if [[ ${1:-} == redis-server ]]; then
  shift
  set -- redis-server --bind '* -::*' --protected-mode no --dir /data --daemonize no "$@"
  if [[ $(id -u) == 0 ]]; then
    chown -R redis:redis /data
    exec setpriv --reuid=redis --regid=redis --init-groups "$@"
  fi
fi
exec "$@"
