# Sourced by the deployment scripts and tests: which docker CLI to run.
#
# $DOCKER if set; else Debian's /usr/bin/docker (docker.io 20.10: the same version as the
# Debian daemon, and its `docker build` has BuildKit built in, which the Dockerfile's stage
# selection needs); else the `docker` on PATH. A newer CLI on PATH (/usr/local/bin/docker 28.x
# here) works too when it has the buildx plugin: DOCKER=docker.
if [[ -z ${DOCKER:-} ]]; then
  if [[ -x /usr/bin/docker ]]; then DOCKER=/usr/bin/docker; else DOCKER=docker; fi
fi
export DOCKER DOCKER_BUILDKIT=1
