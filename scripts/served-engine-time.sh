#!/usr/bin/env bash
# Engine time as served: the `elapsed_ms` of back-to-back uncached 10,000 x 30 POSTs to a
# warm release server on 127.0.0.1 (the plan of the engine bench, a new seed each time),
# beside the criterion bench of the same plan in the same run. About a minute.
#
#   scripts/served-engine-time.sh              # needs curl and python3; SQLite
#   REQUESTS=400 scripts/served-engine-time.sh
#   BENCH_BINARY=path scripts/served-engine-time.sh   # a bench binary built before
#
# Variants, each a fresh server, to tell the causes apart (BENCHMARKS.md):
#   SERVER_ENV="APP__SIMULATION__WORKERS=1"    one engine thread
#   NO_BENCH=1                                 skip the criterion bench
set -euo pipefail
cd "$(dirname "$0")/.."

requests="${REQUESTS:-200}"
target="${CARGO_TARGET_DIR:-target}"
cargo build --release --quiet --bin glidepath
bin="$target/release/glidepath"
scratch="$(mktemp -d)"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "$scratch"' EXIT

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"
# shellcheck disable=SC2086 # SERVER_ENV is a list of NAME=value words
env APP__SERVER__HOST=127.0.0.1 PORT="$port" APP__LOG__LEVEL=warn APP__LOG__FORMAT=json \
  APP__DATABASE__URL="sqlite://$scratch/served.db" APP__SIMULATION__MAX_SCENARIOS=10000 \
  APP__RATE_LIMIT__ANONYMOUS_PER_MINUTE=0 ${SERVER_ENV:-} \
  "$bin" serve >"$scratch/server.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 500); do curl -fs "$base/startup" >/dev/null && break; sleep 0.01; done

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "commit:  $(git rev-parse --short HEAD); server env: ${SERVER_ENV:-(defaults)}"
BASE="$base" REQUESTS="$requests" python3 - <<'EOF'
import http.client, json, os, statistics, time
from urllib.parse import urlparse

url = urlparse(os.environ["BASE"])
conn = http.client.HTTPConnection(url.hostname, url.port)
def post(seed):
    plan = {"current_age": 20, "retirement_age": 20, "end_age": 50,
            "portfolio": {"balance": 1000000}, "allocation": {"stocks": 0.6, "bonds": 0.4},
            "spending": {"strategy": "constant_dollar", "annual": 40000},
            "simulation": {"scenarios": 10000, "seed": seed}}
    start = time.perf_counter()
    conn.request("POST", "/api/v1/simulations", json.dumps(plan),
                 {"content-type": "application/json"})
    response = conn.getresponse()
    body = json.loads(response.read())
    assert response.status == 201, (response.status, body)
    return body["elapsed_ms"], (time.perf_counter() - start) * 1e3

for seed in range(1, 21):  # warm: the pool, the caches, the matrices' memory
    post(10**9 + seed)
n = int(os.environ["REQUESTS"])
engine, wall = zip(*(post(seed) for seed in range(1, n + 1)))
q = statistics.quantiles(engine, n=20)
print(f"served: {n} uncached 10,000 x 30 POSTs one after another")
print(f"  elapsed_ms: median {statistics.median(engine):.3f} ms, p5 {q[0]:.3f}, p95 {q[-1]:.3f}")
print(f"  request round trip: median {statistics.median(wall):.3f} ms")
EOF
if [ -z "${NO_BENCH:-}" ]; then
  kill "${pids[@]}" 2>/dev/null || true
  args=(--bench --warm-up-time 2 --measurement-time 5 --noplot 'engine/simulate/10000x30$')
  if [ -n "${BENCH_BINARY:-}" ]; then
    out="$("$BENCH_BINARY" "${args[@]}" 2>&1)"
  else
    out="$(cargo bench --quiet --bench engine -- "${args[@]}" 2>&1)"
  fi
  echo "bench:   engine/simulate/10000x30 $(grep -m1 'time:' <<<"$out" | sed 's/ \+/ /g')"
fi
