#!/usr/bin/env bash
# Drill: `kill -9` in the middle of a burst of POSTs on SQLite loses no answered result.
# 8 clients post uncached plans; the server is killed mid-burst without warning, started
# again on the same file, and every id that was answered 201 must resolve (no dangling id).
# Bounded: under 60 s. `.ci/run` runs it; docs/operations.md ("Drills") records it.
#
#   scripts/drill-kill9.sh [path/to/glidepath]     # default: the debug build
source "$(dirname "$0")/drill-lib.sh"
serve APP__RATE_LIMIT__ANONYMOUS_PER_MINUTE=0
disown "$server"  # killed on purpose: no job notice

timeout 50 python3 - "$port" "$server" "$scratch/ids" <<'PY'
import http.client, json, os, signal, sys, threading, time
port, pid, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
ids, lock, stop = [], threading.Lock(), threading.Event()
def client(n):
    seed = 0
    while not stop.is_set():
        seed += 1
        body = json.dumps({"current_age": 65, "end_age": 80, "portfolio": {"balance": 600000},
                           "spending": {"annual": 25000},
                           "simulation": {"scenarios": 50, "seed": n * 1_000_000 + seed}})
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("POST", "/api/v1/simulations", body, {"Content-Type": "application/json"})
            response = conn.getresponse()
            payload = response.read()
            if response.status == 201:
                with lock:
                    ids.append(json.loads(payload)["id"])
            elif response.status != 503:
                sys.exit(f"FAIL: a {response.status}")
        except (http.client.HTTPException, OSError):
            pass  # the server is gone: no answer, so nothing was promised
threads = [threading.Thread(target=client, args=(n,)) for n in range(8)]
for t in threads: t.start()
while len(ids) < 150:
    time.sleep(0.01)
os.kill(pid, signal.SIGKILL)
time.sleep(0.5)
stop.set()
for t in threads: t.join()
with open(out, "w") as f:
    f.write("\n".join(ids))
print(f"killed after {len(ids)} answered POSTs")
PY
while kill -0 "$server" 2>/dev/null; do sleep 0.05; done
serve APP__RATE_LIMIT__ANONYMOUS_PER_MINUTE=0
disown "$server"
timeout 30 python3 - "$port" "$scratch/ids" <<'PY'
import http.client, sys
port, ids = int(sys.argv[1]), open(sys.argv[2]).read().split()
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
missing = []
for sim in ids:
    conn.request("GET", f"/api/v1/simulations/{sim}")
    response = conn.getresponse()
    response.read()
    if response.status != 200:
        missing.append((sim, response.status))
print(f"after the restart, {len(ids) - len(missing)} of {len(ids)} answered ids resolve")
if missing:
    sys.exit(f"FAIL: dangling ids {missing[:5]}")
PY
