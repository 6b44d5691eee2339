#!/usr/bin/env bash
# Runs the deployment example of docs/deploy.md on this machine and checks it
# end to end: redis-server with deploy/redis/hallq-redis.conf, N HallQ processes
# (the compiled dist/, as systemd's hallq@.service starts them, on ports
# 3001…300N), nginx with deploy/nginx/hallq.conf in front, then deploy/smoke.ts
# through nginx: boards over WebSocket spread over the processes, a call reaches
# all of them, one process is SIGKILLed, its boards come back through nginx.
#   bash deploy/check.sh [N=3]      (needs redis-server and nginx; N ≤ 4)
# Everything runs in a temporary directory and is stopped at the end; systemd
# itself is not used (the unit's command line and environment are).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-3}
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

npx tsc -p tsconfig.build.json  # the server as `npm start` builds it (the apps are not needed here)

redis-server deploy/redis/hallq-redis.conf --port "$REDIS_PORT" --dir "$WORK" --daemonize no >"$WORK/redis.log" 2>&1 &
pids+=($!)
until redis-cli -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; do sleep 0.1; done

hallq=()
for i in $(seq 1 "$N"); do
  port=$((3000 + i))
  # What hallq@.service and hallq.env.example set, plus the demo hall for the smoke test.
  NODE_ENV=production HALLQ_PORT=$port HALLQ_HOST=127.0.0.1 HALLQ_TRUST_PROXY=true \
    HALLQ_DATA_DIR="$WORK/data" HALLQ_REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0" \
    HALLQ_DEMO=1 HALLQ_ADMIN_PASSWORD=admin-test-password HALLQ_LOG_LEVEL=warn \
    node dist/server/main.js >"$WORK/hallq-$port.log" 2>&1 &
  pids+=($!)
  hallq+=("$port:$!")
  until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 0.1; done
done

# The repo's nginx file as it is, but on a spare port and with only the processes started here.
sed -e "s/listen 80;/listen $NGINX_PORT;/" deploy/nginx/hallq.conf |
  awk -v n="$N" '/server 127\.0\.0\.1:30/ { split($2, a, ":"); if (a[2] - 3000 > n) next } { print }' >"$WORK/hallq.conf"
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
until curl -sf "http://127.0.0.1:$NGINX_PORT/healthz" >/dev/null; do sleep 0.1; done

npx tsx deploy/smoke.ts "http://127.0.0.1:$NGINX_PORT" "${hallq[@]}"
