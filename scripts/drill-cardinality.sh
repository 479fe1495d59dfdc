#!/usr/bin/env bash
# Drill: a flood of made-up HTTP methods (and paths) must not grow the metrics. Two floods
# of 1,000 requests with invented methods against /health and invented paths, on 127.0.0.1;
# fails when the first adds more than a few label sets (`other`, `unmatched`) or the second
# adds any. Bounded: under 60 s. `.ci/run` runs it; docs/operations.md ("Drills") records it.
#
#   scripts/drill-cardinality.sh [path/to/glidepath]     # default: the debug build
source "$(dirname "$0")/drill-lib.sh"
serve

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
