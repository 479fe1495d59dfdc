#!/usr/bin/env bash
# Load test of the JSON API with wrk, on 127.0.0.1 only, bounded in time (about a minute
# at the default DURATION=10s). Numbers for BENCHMARKS.md; every phase runs against one
# release build in this run, so they compare with each other:
#
#   1. /health at 32 connections: the baseline.
#   2. cached POST /api/v1/simulations at 32 connections (one plan, so every request after
#      the first hits L1; each still stores its own row and audit entry).
#   3. uncached 1,000-scenario, 30-year POSTs, one at a time (a new seed per request).
#   4. a flood of 4 × cores concurrent uncached 10,000-scenario POSTs while /health is
#      measured beside it; counts every status, since only 201 and coded 503 are allowed.
#   5. goodput: completed uncached 1,000-scenario POSTs a second at one connection per
#      engine thread, then at 200 connections (refusals are cheap, so work goes on).
#
#   scripts/loadtest.sh                     # needs wrk, curl, python3; SQLite
#   DURATION=5s scripts/loadtest.sh
#   LOADTEST_DATABASE_URL=postgres://postgres@127.0.0.1/glidepath_load scripts/loadtest.sh
set -euo pipefail
cd "$(dirname "$0")/.."

duration="${DURATION:-10s}"
target="${CARGO_TARGET_DIR:-target}"
cargo build --release --quiet --bin glidepath
bin="$target/release/glidepath"
scratch="$(mktemp -d)"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "$scratch"' EXIT

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"
APP__SERVER__HOST=127.0.0.1 PORT="$port" APP__LOG__LEVEL=warn APP__LOG__FORMAT=json \
  APP__DATABASE__URL="${LOADTEST_DATABASE_URL:-sqlite://$scratch/load.db}" APP__SIMULATION__MAX_SCENARIOS=10000 \
  "$bin" serve >"$scratch/server.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 500); do curl -fs "$base/startup" >/dev/null && break; sleep 0.01; done

cores="$(nproc)"
echo "machine: $cores cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "commit:  $(git rev-parse --short HEAD); wrk -t2, $duration per phase"
echo "database: ${LOADTEST_DATABASE_URL:-SQLite file}"

# A POST of one plan; SEED=random gives every request its own seed (a cache miss).
cat >"$scratch/post.lua" <<'LUA'
local scenarios = os.getenv("SCENARIOS") or "1000"
local random_seed = os.getenv("SEED") == "random"
local counter = 0
local statuses = {}
local template = '{"current_age":65,"end_age":95,"portfolio":{"balance":1000000},'
  .. '"spending":{"annual":40000},"simulation":{"scenarios":' .. scenarios .. ',"seed":%d}}'
function setup(thread)
  thread:set("id", math.random(1, 2^20))
end
function init(args)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.body = string.format(template, 7)
end
function request()
  if random_seed then
    counter = counter + 1
    return wrk.format(nil, nil, nil, string.format(template, id * 2^24 + counter))
  end
  return wrk.request()
end
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
function done(summary, latency, requests)
  local p = function(q) return latency:percentile(q) / 1000 end
  local seconds = summary.duration / 1e6
  io.write(string.format("requests/s %.0f  completed (2xx)/s %.1f  p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  non-2xx/3xx %d\n",
    summary.requests / seconds, (summary.requests - summary.errors.status) / seconds,
    p(50), p(90), p(99), summary.errors.status))
end
LUA

cat >"$scratch/get.lua" <<'LUA'
function done(summary, latency, requests)
  local p = function(q) return latency:percentile(q) / 1000 end
  io.write(string.format("requests/s %.0f  p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  non-2xx/3xx %d\n",
    summary.requests / (summary.duration / 1e6), p(50), p(90), p(99),
    summary.errors.status))
end
LUA

run_wrk() { wrk -t2 "$@" 2>&1 | grep -E 'requests/s|Socket errors' ; }

echo; echo "## 1. GET /health, 32 connections"
run_wrk -c32 -d"$duration" -s "$scratch/get.lua" "$base/health"

echo; echo "## 2. cached POST /api/v1/simulations, 32 connections"
curl -fs -o /dev/null -X POST -H 'content-type: application/json' \
  -d '{"current_age":65,"end_age":95,"portfolio":{"balance":1000000},"spending":{"annual":40000},"simulation":{"scenarios":1000,"seed":7}}' \
  "$base/api/v1/simulations"
SCENARIOS=1000 run_wrk -c32 -d"$duration" -s "$scratch/post.lua" "$base/api/v1/simulations"

echo; echo "## 3. uncached 1,000 x 30 POST, 1 connection"
SCENARIOS=1000 SEED=random run_wrk -t1 -c1 -d"$duration" -s "$scratch/post.lua" "$base/api/v1/simulations"

flood=$((4 * cores))
echo; echo "## 4. flood: $flood connections of uncached 10,000 x 30 POSTs, /health beside it (4 connections)"
before_503="$(curl -fs "$base/metrics" | awk '/^http_requests_total.*status="503"/ {s+=$2} END {print s+0}')"
SCENARIOS=10000 SEED=random wrk -t2 -c"$flood" -d"$duration" -s "$scratch/post.lua" \
  "$base/api/v1/simulations" >"$scratch/flood.txt" 2>&1 &
flood_pid=$!
sleep 1
echo -n "/health during the flood: "
run_wrk -c4 -d"$duration" -s "$scratch/get.lua" "$base/health"
wait "$flood_pid"
echo -n "flood POSTs: "; grep -E 'requests/s' "$scratch/flood.txt"
echo "statuses during the run (server's http_requests_total for the POST route):"
curl -fs "$base/metrics" | grep -E '^http_requests_total\{method="POST",route="/api/v1/simulations"' | sed 's/^/  /'
after_503="$(curl -fs "$base/metrics" | awk '/^http_requests_total.*status="503"/ {s+=$2} END {print s+0}')"
echo "coded 503 overloaded during the flood: $((after_503 - before_503))"
if curl -fs "$base/metrics" | grep -E '^http_requests_total\{method="POST".*status="5' | grep -v 'status="503"' | grep -q .; then
  echo "FAIL: a 5xx other than 503" >&2
  exit 1
fi
grep -E '"status":50[0-9]' "$scratch/server.log" | grep -v '"status":503' | head -3 || true

echo; echo "## 5. goodput: uncached 1,000 x 30 POSTs at $cores connections (one per engine thread), then at 200"
echo -n "at $cores connections:  "
SCENARIOS=1000 SEED=random run_wrk -t2 -c"$cores" -d"$duration" -s "$scratch/post.lua" "$base/api/v1/simulations"
echo -n "at 200 connections: "
SCENARIOS=1000 SEED=random run_wrk -t2 -c200 -d"$duration" -s "$scratch/post.lua" "$base/api/v1/simulations"

