#!/usr/bin/env bash
# Drill: SIGTERM under keep-alive load loses no request. 8 keep-alive clients post as fast
# as they can; the server gets SIGTERM and drains for 1.5 s. A client told
# `Connection: close` moves on, as it would to another replica; a refused connection is
# safe to retry. The drill fails on a request sent and never answered, on a client never
# told to move on, or on a shutdown that does not exit 0. Bounded: under 60 s. `.ci/run`
# runs it; docs/operations.md ("Drills") records it.
#
#   scripts/drill-sigterm.sh [path/to/glidepath]     # default: the debug build
source "$(dirname "$0")/drill-lib.sh"
serve APP__SERVER__DRAIN_DELAY_MS=1500 APP__RATE_LIMIT__ANONYMOUS_PER_MINUTE=0

timeout 50 python3 - "$port" "$server" <<'PY'
import http.client, json, os, signal, sys, threading, time
port, pid = int(sys.argv[1]), int(sys.argv[2])
body = json.dumps({"current_age": 65, "end_age": 70, "portfolio": {"balance": 600000},
                   "spending": {"annual": 25000}, "simulation": {"scenarios": 10, "seed": 3}})
answered, moved, lost, lock = [0], [0], [], threading.Lock()
def client():
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    while True:
        try:
            conn.request("POST", "/api/v1/simulations", body, {"Content-Type": "application/json"})
        except ConnectionRefusedError:
            return  # the listener is gone before anything was sent: safe to retry elsewhere
        except OSError as err:
            with lock: lost.append(f"send: {err!r}")
            return
        try:
            response = conn.getresponse()
            response.read()
        except (http.client.HTTPException, OSError) as err:
            with lock: lost.append(f"no answer: {err!r}")
            return
        with lock: answered[0] += 1
        if response.status not in (201, 503):
            with lock: lost.append(f"status {response.status}")
        if (response.getheader("connection") or "").lower() == "close":
            with lock: moved[0] += 1
            return
threads = [threading.Thread(target=client) for _ in range(8)]
for t in threads: t.start()
time.sleep(0.5)
os.kill(pid, signal.SIGTERM)
for t in threads: t.join()
print(f"{answered[0]} answered; {moved[0]} of 8 clients told to move on; {len(lost)} lost")
if lost or moved[0] != 8:
    sys.exit(f"FAIL: {lost[:3]}")
PY
for _ in $(seq 1 200); do kill -0 "$server" 2>/dev/null || break; sleep 0.05; done
if wait "$server"; then echo "the server exited 0"; else echo "FAIL: the server exited $?" >&2; exit 1; fi
