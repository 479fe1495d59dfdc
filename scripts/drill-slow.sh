#!/usr/bin/env bash
# Drill: slow clients cannot hold the service. 50 slowloris connections trickle header
# bytes, and 10 more send their headers but trickle a body. Meanwhile `/health` must stay
# fast; the slow-header connections must be closed within actix's 5 s header limit, and each
# trickled body answered with a coded 408 `request_timeout` at `server.body_timeout_seconds`
# (2 s here). Bounded: under 60 s. `.ci/run` runs it; docs/operations.md ("Drills") records it.
#
#   scripts/drill-slow.sh [path/to/glidepath]     # default: the debug build
source "$(dirname "$0")/drill-lib.sh"
serve APP__SERVER__BODY_TIMEOUT_SECONDS=2 APP__RATE_LIMIT__ANONYMOUS_PER_MINUTE=0

timeout 50 python3 - "$port" <<'PY'
import http.client, socket, sys, threading, time
port = int(sys.argv[1])
results, lock = {"headers": [], "bodies": []}, threading.Lock()
def slow_headers():
    s = socket.create_connection(("127.0.0.1", port))
    started = time.monotonic()
    s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")
    try:
        while time.monotonic() - started < 15:
            s.sendall(b"X-Slow: 1\r\n")
            s.settimeout(1)
            try:
                if s.recv(1024) == b"":
                    break  # closed by the server
            except socket.timeout:
                pass
    except OSError:
        pass  # reset by the server
    with lock: results["headers"].append(time.monotonic() - started)
def slow_body():
    s = socket.create_connection(("127.0.0.1", port))
    started = time.monotonic()
    s.sendall(b"POST /api/v1/simulations HTTP/1.1\r\nHost: x\r\n"
              b"Content-Type: application/json\r\nContent-Length: 500\r\n\r\n{")
    s.settimeout(10)
    answer = b""
    try:
        while b"\r\n\r\n" not in answer or b"}" not in answer:
            chunk = s.recv(4096)
            if not chunk:
                break
            answer += chunk
    except OSError:
        pass
    with lock: results["bodies"].append((time.monotonic() - started, answer[:12], b"request_timeout" in answer))
threads = [threading.Thread(target=slow_headers) for _ in range(50)]
threads += [threading.Thread(target=slow_body) for _ in range(10)]
for t in threads: t.start()
time.sleep(0.5)
health = []
for _ in range(20):
    started = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.request("GET", "/health")
    ok = conn.getresponse().status == 200
    health.append((time.monotonic() - started, ok))
    time.sleep(0.1)
for t in threads: t.join()
worst_health = max(t for t, _ in health)
header_close = max(results["headers"])
body_times = [t for t, _, _ in results["bodies"]]
coded = sum(1 for _, _, c in results["bodies"] if c)
print(f"/health during the attack: worst {worst_health * 1000:.0f} ms; slow headers cut after "
      f"at most {header_close:.1f} s; trickled bodies: {coded} of 10 coded 408s, after at most "
      f"{max(body_times):.1f} s")
problems = []
if not all(ok for _, ok in health) or worst_health > 0.5:
    problems.append("/health slowed or failed")
if header_close > 7:
    problems.append("a slow-header connection was held")
if coded != 10 or max(body_times) > 4:
    problems.append(f"trickled bodies: {results['bodies'][:2]}")
if problems:
    sys.exit("FAIL: " + "; ".join(problems))
PY
