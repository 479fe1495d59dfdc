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
target="${CARGO_TARGET_DIR:-target}"
(cd "$(dirname "$0")/.." && cargo build --release --quiet --bin glidepath)
# shellcheck source=scripts/drill-lib.sh
source "$(dirname "$0")/drill-lib.sh" "$target/release/glidepath"

requests="${REQUESTS:-200}"
base="http://127.0.0.1:$port"
# shellcheck disable=SC2086 # SERVER_ENV is a list of NAME=value words
serve APP__LOG__FORMAT=json APP__SIMULATION__MAX_SCENARIOS=10000 \
  APP__RATE_LIMIT__ANONYMOUS_PER_MINUTE=0 ${SERVER_ENV:-}

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
  kill "$server" 2>/dev/null || true
  args=(--bench --warm-up-time 2 --measurement-time 5 --noplot 'engine/simulate/10000x30$')
  if [ -n "${BENCH_BINARY:-}" ]; then
    out="$("$BENCH_BINARY" "${args[@]}" 2>&1)"
  else
    out="$(cargo bench --quiet --bench engine -- "${args[@]}" 2>&1)"
  fi
  echo "bench:   engine/simulate/10000x30 $(grep -m1 'time:' <<<"$out" | sed 's/ \+/ /g')"
fi
