#!/usr/bin/env bash
# Runs the deployment example of docs/deploy.md on this machine and checks it
# end to end: redis-server with deploy/redis/hallq-redis.conf, N HallQ processes
# (the compiled dist/, as systemd's hallq@.service starts them, on ports
# 3001…300N), nginx with deploy/nginx/hallq.conf in front, then deploy/smoke.ts
# through nginx: boards over WebSocket spread over the processes, a call reaches
# all of them, one process is SIGKILLed, its boards come back through nginx.
#   bash deploy/check.sh [N=3]      (needs redis-server and nginx; N ≤ 4, the file's server lines)
# Ports: HALLQ_PORTS (default "3001 3002 3003 3004", the first N are used),
# REDIS_PORT (6391), NGINX_PORT (8089); tests/integration/deploy-example.test.ts
# passes free ones.
# Everything runs in a temporary directory and is stopped at the end; systemd
# itself is not used (the unit's command line and environment are).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-3}
read -r -a ALL_PORTS <<<"${HALLQ_PORTS:-3001 3002 3003 3004}"
PORTS=("${ALL_PORTS[@]:0:$N}")
[ "${#PORTS[@]}" -eq "$N" ] || { echo "need $N ports in HALLQ_PORTS" >&2; exit 2; }
REDIS_PORT=${REDIS_PORT:-6391}
NGINX_PORT=${NGINX_PORT:-8089}
WORK=$(mktemp -d /tmp/hallq-deploy-XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
# Waits up to 30 s for a command to succeed; otherwise shows the logs and fails.
wait_for() {
  local what=$1
  shift
  for _ in $(seq 1 300); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  echo "check.sh: timed out waiting for $what" >&2
  tail -n 20 "$WORK"/*.log >&2 || true
  exit 1
}

npx tsc -p tsconfig.build.json  # the server as `npm start` builds it (the apps are not needed here)

redis-server deploy/redis/hallq-redis.conf --port "$REDIS_PORT" --dir "$WORK" --daemonize no >"$WORK/redis.log" 2>&1 &
pids+=($!)
wait_for redis-server redis-cli -p "$REDIS_PORT" ping

hallq=()
for port in "${PORTS[@]}"; do
  # What hallq@.service and hallq.env.example set, plus the demo hall for the smoke test.
  NODE_ENV=production HALLQ_PORT=$port HALLQ_HOST=127.0.0.1 HALLQ_TRUST_PROXY=loopback \
    HALLQ_DATA_DIR="$WORK/data" HALLQ_REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0" \
    HALLQ_DEMO=1 HALLQ_ADMIN_PASSWORD=admin-test-password HALLQ_LOG_LEVEL=warn \
    node dist/server/main.js >"$WORK/hallq-$port.log" 2>&1 &
  pids+=($!)
  hallq+=("$port:$!")
  wait_for "HallQ on port $port" curl -sf "http://127.0.0.1:$port/healthz"
done

# The repo's nginx file as it is, but on a spare port and with the processes started here as its upstream servers.
sed -e "s/listen 80;/listen $NGINX_PORT;/" deploy/nginx/hallq.conf |
  awk -v ports="${PORTS[*]}" '
    BEGIN { n = split(ports, p, " ") }
    /^ *server 127\.0\.0\.1:[0-9]+ / { if (++i > n) next; sub(/127\.0\.0\.1:[0-9]+/, "127.0.0.1:" p[i]) }
    { print }' >"$WORK/hallq.conf"
cat >"$WORK/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events {}
http {
  access_log $WORK/nginx-access.log;
  include $WORK/hallq.conf;
}
CONF
nginx -t -p "$WORK" -c "$WORK/nginx.conf"
nginx -p "$WORK" -c "$WORK/nginx.conf" &
pids+=($!)
wait_for nginx curl -sf "http://127.0.0.1:$NGINX_PORT/healthz"

npx tsx deploy/smoke.ts "http://127.0.0.1:$NGINX_PORT" "${hallq[@]}"
