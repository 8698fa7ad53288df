#!/usr/bin/env bash
# Writes the scrape configuration from the environment (see Dockerfile), then runs Prometheus.
set -euo pipefail
api=${OMEGA_PROMETHEUS_API:-api}
zones=${OMEGA_PROMETHEUS_ZONES:?OMEGA_PROMETHEUS_ZONES: host:port of each zone HTTP port}
targets=""
for z in $zones; do targets+="'$z', "; done
cat >/tmp/prometheus.yml <<CONF
global:
  scrape_interval: 5s
  evaluation_interval: 15s
rule_files:
  - /etc/omega/alerts.yml
scrape_configs:
  - job_name: omega-api
    authorization:
      credentials_file: ${OMEGA_PROMETHEUS_API_TOKEN_FILE:-/run/secrets/service_token}
    dns_sd_configs:
      - names: ['$api']
        type: A
        port: 8080
        refresh_interval: 10s
  - job_name: omega-zone
    static_configs:
      - targets: [${targets%, }]
CONF
exec prometheus --config.file=/tmp/prometheus.yml --storage.tsdb.path=/prometheus \
  --storage.tsdb.retention.time=15d --web.listen-address=0.0.0.0:9090 "$@"
