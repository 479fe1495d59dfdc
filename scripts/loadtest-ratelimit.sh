#!/usr/bin/env bash
# The rate limiter over the wire: `GET /api/v1/assumptions` at 32 connections (wrk on
# 127.0.0.1, bounded in time) against three instances of one release build, one after the
# other: limiter off, the in-process limiter, and the Redis limiter (one Lua script per
# request). The budget is large enough never to deny, so the numbers are the limiter's cost.
#
#   scripts/loadtest-ratelimit.sh          # needs wrk, curl, python3, Redis on 127.0.0.1:6379
#   DURATION=5s scripts/loadtest-ratelimit.sh
set -euo pipefail
cd "$(dirname "$0")/.."

duration="${DURATION:-10s}"
target="${CARGO_TARGET_DIR:-target}"
cargo build --release --quiet --bin glidepath
bin="$target/release/glidepath"
scratch="$(mktemp -d)"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "$scratch"' EXIT

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "commit:  $(git rev-parse --short HEAD); wrk -t2 -c32, $duration per instance"

cat >"$scratch/report.lua" <<'LUA'
function done(summary, latency, requests)
  local p = function(q) return latency:percentile(q) / 1000 end
  io.write(string.format("requests/s %.0f  p50 %.2f ms  p99 %.2f ms  non-2xx/3xx %d\n",
    summary.requests / (summary.duration / 1e6), p(50), p(99), summary.errors.status))
end
LUA

run() { # label per_minute redis_enabled
  local port
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  APP__SERVER__HOST=127.0.0.1 PORT="$port" APP__LOG__LEVEL=warn APP__LOG__FORMAT=json \
    APP__DATABASE__URL="sqlite://$scratch/$port.db" APP__RATE_LIMIT__ANONYMOUS_PER_MINUTE="$2" \
    APP__REDIS__ENABLED="$3" APP__REDIS__KEY_PREFIX="glidepath:loadtest:$port:" \
    "$bin" serve >"$scratch/$port.log" 2>&1 &
  local pid=$!
  pids+=("$pid")
  for _ in $(seq 1 500); do curl -fs "http://127.0.0.1:$port/startup" >/dev/null && break; sleep 0.01; done
  echo -n "$1: "
  wrk -t2 -c32 -d"$duration" -s "$scratch/report.lua" "http://127.0.0.1:$port/api/v1/assumptions" | grep requests/s
  # A Redis line means something only if Redis decided every request.
  local fallbacks
  fallbacks="$(curl -fs "http://127.0.0.1:$port/metrics" | awk '/^rate_limit_fallbacks_total/ {print $2}')"
  if [ "$3" = true ] && [ "${fallbacks:-0}" != 0 ]; then
    echo "FAIL: $fallbacks checks fell back to the local limiter" >&2
    exit 1
  fi
  kill "$pid"
  wait "$pid" 2>/dev/null || true
}

run "limiter off          " 0 false
# 60 million a minute: the largest budget accepted, never spent in a run this short.
run "in-process limiter   " 60000000 false
run "Redis limiter        " 60000000 true
