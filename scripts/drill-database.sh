#!/usr/bin/env bash
# Drill: the database black-holed, then cut, under load (PostgreSQL on 127.0.0.1:5432,
# reached through a proxy in this script). 4 clients post new plans throughout. While the
# proxy swallows every byte, no request may wait more than the query timeout (1 s here)
# plus 10% (and slack); after it forwards again, and after a cut, the service must be back
# within `breaker.open_seconds` (2 s here) plus a query timeout. Only 201 and coded 503 may
# be answered, and every id answered 201 must resolve at the end. Bounded: under 60 s.
# `.ci/run` runs it; docs/operations.md ("Drills") records it.
#
#   scripts/drill-database.sh [path/to/glidepath]     # default: the debug build
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-${CARGO_TARGET_DIR:-target}/debug/glidepath}"
db="glidepath_drill_$$"
psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $db" >/dev/null
trap 'psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true' EXIT

timeout 55 python3 - "$bin" "$db" <<'PY'
import http.client, json, os, socket, subprocess, sys, tempfile, threading, time
binary, db = sys.argv[1], sys.argv[2]
hole, cut = threading.Event(), threading.Event()
conns, conns_lock = [], threading.Lock()

def pump(src, dst):
    try:
        while True:
            data = src.recv(16384)
            if not data:
                break
            if not hole.is_set():
                dst.sendall(data)
    except OSError:
        pass
    for s in (src, dst):
        try: s.close()
        except OSError: pass

listener = socket.socket(); listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("127.0.0.1", 0)); listener.listen(64)
proxy_port = listener.getsockname()[1]
def accept():
    while True:
        inbound, _ = listener.accept()
        if cut.is_set():
            inbound.close(); continue
        while hole.is_set():
            time.sleep(0.02)
        outbound = socket.create_connection(("127.0.0.1", 5432))
        with conns_lock: conns.extend([inbound, outbound])
        threading.Thread(target=pump, args=(inbound, outbound), daemon=True).start()
        threading.Thread(target=pump, args=(outbound, inbound), daemon=True).start()
threading.Thread(target=accept, daemon=True).start()

with socket.socket() as s:
    s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]
env = dict(os.environ, APP__SERVER__HOST="127.0.0.1", PORT=str(port), APP__LOG__LEVEL="warn",
           APP__RATE_LIMIT__ANONYMOUS_PER_MINUTE="0", APP__DATABASE__QUERY_TIMEOUT_MS="1000",
           APP__BREAKER__OPEN_SECONDS="2",
           APP__DATABASE__URL=f"postgres://postgres@127.0.0.1:{proxy_port}/{db}")
log = tempfile.TemporaryFile()
server = subprocess.Popen([binary, "serve"], env=env, stdout=log, stderr=log)
try:
    for _ in range(400):
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=1); c.request("GET", "/startup")
            if c.getresponse().status == 200: break
        except OSError: pass
        time.sleep(0.05)
    results, lock, stop = [], threading.Lock(), threading.Event()
    def client(n):
        i = 0
        while not stop.is_set():
            i += 1
            body = json.dumps({"current_age": 65, "end_age": 80, "portfolio": {"balance": 600000},
                               "spending": {"annual": 25000},
                               "simulation": {"scenarios": 50, "seed": n * 1_000_000 + i}})
            started = time.monotonic()
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                c.request("POST", "/api/v1/simulations", body, {"Content-Type": "application/json"})
                r = c.getresponse(); payload = r.read()
                sim = json.loads(payload).get("id") if r.status == 201 else None
                outcome = (r.status, sim)
            except (http.client.HTTPException, OSError) as err:
                outcome = (repr(err), None)
            with lock: results.append((started, time.monotonic() - started, *outcome))
            time.sleep(0.02)
    threads = [threading.Thread(target=client, args=(n,)) for n in range(4)]
    for t in threads: t.start()
    def back_after(t0):
        while time.monotonic() - t0 < 15:
            with lock:
                if any(s >= t0 and st == 201 for s, _, st, _ in results): 
                    return min(s + d for s, d, st, _ in results if s >= t0 and st == 201) - t0
            time.sleep(0.05)
        return None
    time.sleep(1)
    hole.set(); t_hole = time.monotonic(); time.sleep(3); hole.clear(); t_back1 = time.monotonic()
    back1 = back_after(t_back1)
    cut.set()
    with conns_lock:
        for s in conns:
            try: s.shutdown(socket.SHUT_RDWR)
            except OSError: pass
        conns.clear()
    time.sleep(2); cut.clear(); t_back2 = time.monotonic()
    back2 = back_after(t_back2)
    stop.set()
    for t in threads: t.join()
    waits_in_hole = [d for s, d, _, _ in results if t_hole <= s < t_back1]
    statuses = {}
    for _, _, st, _ in results: statuses[st] = statuses.get(st, 0) + 1
    ids = [sim for _, _, st, sim in results if st == 201]
    missing = 0
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    for sim in ids:
        c.request("GET", f"/api/v1/simulations/{sim}"); r = c.getresponse(); r.read()
        missing += r.status != 200
    print(f"statuses {statuses}; longest wait in the black hole {max(waits_in_hole):.2f} s; "
          f"back {back1:.1f} s after the hole and {back2:.1f} s after the cut; "
          f"{len(ids) - missing} of {len(ids)} answered ids resolve")
    problems = []
    if set(statuses) - {201, 503}: problems.append(f"statuses {statuses}")
    if max(waits_in_hole) > 1.1 + 0.5: problems.append("a request waited past its budget")
    if back1 is None or back1 > 3.5 or back2 is None or back2 > 3.5: problems.append("slow recovery")
    if missing: problems.append(f"{missing} dangling ids")
    if problems: sys.exit("FAIL: " + "; ".join(problems))
finally:
    server.terminate(); server.wait(timeout=20)
PY
