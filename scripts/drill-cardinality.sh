#!/usr/bin/env bash
# Drill: a flood of made-up HTTP methods (and paths) must not grow the metrics. Two floods
# of 1,000 requests with invented methods against /health and invented paths, on 127.0.0.1;
# fails when the first adds more than a few label sets (`other`, `unmatched`) or the second
# adds any. Bounded: under 60 s. `.ci/run` runs it; docs/operations.md ("Drills") records it.
#
#   scripts/drill-cardinality.sh [path/to/glidepath]     # default: the debug build
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-${CARGO_TARGET_DIR:-target}/debug/glidepath}"
scratch="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
APP__SERVER__HOST=127.0.0.1 PORT="$port" APP__LOG__LEVEL=warn \
  APP__DATABASE__URL="sqlite://$scratch/drill.db" "$bin" serve >"$scratch/server.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; rm -rf "$scratch"' EXIT
for _ in $(seq 1 200); do curl -fs "http://127.0.0.1:$port/startup" >/dev/null && break; sleep 0.05; done

timeout 60 python3 - "$port" <<'PY'
import http.client, sys, time
port = int(sys.argv[1])
def series():
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", "/metrics")
    text = conn.getresponse().read().decode()
    return sum(1 for line in text.splitlines() if line.startswith("http_requests_total{")), len(text)
def flood(offset):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    for i in range(offset, offset + 1000):
        method, path = (f"X{i}", "/health") if i % 2 else ("GET", f"/no/such/{i}")
        try:
            conn.request(method, path)
            conn.getresponse().read()
        except (http.client.HTTPException, OSError):
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
before, size_before = series()
started = time.monotonic()
flood(0)
middle, _ = series()
flood(1000)
after, size_after = series()
elapsed = time.monotonic() - started
print(f"2,000 invented requests in {elapsed:.1f} s: label sets {before} -> {middle} -> {after}, "
      f"/metrics {size_before} -> {size_after} bytes")
# The first flood may add `other` and `unmatched` once; the second must add nothing.
if middle - before > 4 or after != middle:
    sys.exit(f"FAIL: label sets grew {before} -> {middle} -> {after}")
PY
