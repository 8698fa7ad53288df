# Sourced by backup-postgres and restore-postgres: sets $container to the running PostgreSQL
# container ($POSTGRES_CONTAINER; else the Swarm task of ${OMEGA_STACK:-omega}_postgres; else
# the docker-compose service `postgres`).
container=${POSTGRES_CONTAINER:-}
if [[ -z $container ]]; then
  container=$("$DOCKER" ps -q --filter status=running \
    --filter "label=com.docker.swarm.service.name=${OMEGA_STACK:-omega}_postgres" | head -1)
fi
if [[ -z $container ]]; then
  container=$("$DOCKER" ps -q --filter status=running \
    --filter label=com.docker.compose.service=postgres | head -1)
fi
[[ -n $container ]] || { echo "no running PostgreSQL container (set POSTGRES_CONTAINER)" >&2; exit 1; }
