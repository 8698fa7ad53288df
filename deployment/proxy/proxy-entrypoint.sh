#!/usr/bin/env bash
# Writes /etc/nginx/nginx.conf from the environment (see Dockerfile) and runs nginx in the
# foreground as PID 1 (SIGQUIT: graceful stop).
set -euo pipefail
host=${OMEGA_PUBLIC_HOST:?OMEGA_PUBLIC_HOST: the public host name (the name in the certificate)}
api=${OMEGA_PROXY_API:-api:8080}
zones=${OMEGA_PROXY_ZONES:?OMEGA_PROXY_ZONES: process=host:port of each zone process}
resolver=${OMEGA_PROXY_RESOLVER:-127.0.0.11}
cert=${OMEGA_PROXY_CERT:-/run/secrets/tls_cert}
key=${OMEGA_PROXY_KEY:-/run/secrets/tls_key}
for f in "$cert" "$key"; do
  [[ -r $f ]] || { echo "proxy: cannot read $f (TLS certificate/key secret)" >&2; exit 1; }
done

zone_locations=""
for spec in $zones; do
  process=${spec%%=*}
  target=${spec#*=}
  process_pattern='^[a-z0-9][a-z0-9_-]*$'
  target_pattern='^[A-Za-z0-9._-]+:[0-9]+$'
  if ! [[ $process =~ $process_pattern && $target =~ $target_pattern ]]; then
    echo "proxy: bad OMEGA_PROXY_ZONES entry \"$spec\" (want process=host:port)" >&2
    exit 1
  fi
  zone_locations+="
    location /zp/$process/ {
      set \$zone_upstream $target;
      rewrite ^/zp/$process(/.*)\$ \$1 break;
      proxy_pass http://\$zone_upstream;
      proxy_http_version 1.1;
      proxy_set_header Upgrade \$http_upgrade;
      proxy_set_header Connection \$connection_upgrade;
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-For \$remote_addr;
      proxy_set_header X-Forwarded-Proto https;
      # A zone process that does not accept at once is away (restarting, or its name still
      # resolves to the dead task): fail fast with 502 so the client asks /v1/play again,
      # rather than holding the upgrade for nginx's default 60 s.
      proxy_connect_timeout 2s;
      # The zone closes silent clients itself (idle_timeout_s); this only bounds a dead link.
      proxy_read_timeout 120s;
      proxy_send_timeout 120s;
      proxy_buffering off;
    }"
done

cat >/etc/nginx/nginx.conf <<CONF
worker_processes auto;
pid /tmp/nginx.pid;
error_log stderr warn;
events { worker_connections 16384; }
http {
  access_log off;
  server_tokens off;
  client_max_body_size 1m;
  # Re-resolved every second: a restarted task (new address) is reached at once.
  resolver $resolver valid=1s ipv6=off;
  resolver_timeout 2s;
  map \$http_upgrade \$connection_upgrade { default upgrade; '' close; }
  ssl_protocols TLSv1.2 TLSv1.3;
  ssl_session_cache shared:tls:10m;

  # A handshake that names no host, or another host, is refused: clients must send SNI.
  server {
    listen 8443 ssl default_server;
    ssl_reject_handshake on;
  }

  server {
    listen 8443 ssl;
    server_name $host;
    ssl_certificate $cert;
    ssl_certificate_key $key;

    # Zone-facing internal routes and the services' own metrics never leave the network.
    location /internal/ { return 404; }
    location = /metrics { return 404; }

    location ~ ^/(v1/|healthz\$|readyz\$) {
      set \$api_upstream $api;
      proxy_pass http://\$api_upstream;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-For \$remote_addr;
      proxy_set_header X-Forwarded-Proto https;
      proxy_connect_timeout 2s;
      proxy_read_timeout 30s;
      proxy_next_upstream error timeout http_502 http_503;
      proxy_next_upstream_tries 3;
    }
$zone_locations

    location / { return 404; }
  }
}
CONF
nginx -t -q
exec nginx -g 'daemon off;'
