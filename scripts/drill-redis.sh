#!/usr/bin/env bash
# Drill: Redis killed under load. The service runs with its own Redis (a fresh
# `redis-server` on a free port); 4 clients post new and repeated plans; Redis is killed
# mid-run. No error may reach a client (every POST 201), `/ready` must say `degraded` (200),
# and lookups skipped while the circuit is open must be counted. Bounded: under 60 s.
# `.ci/run` runs it; docs/operations.md ("Drills") records it.
#
#   scripts/drill-redis.sh [path/to/glidepath]     # default: the debug build
source "$(dirname "$0")/drill-lib.sh"
redis_port="$(free_port)"
redis-server --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no >"$scratch/redis.log" 2>&1 &
redis=$!
disown "$redis"  # killed on purpose: no job notice
extra_pids+=("$redis")
serve APP__RATE_LIMIT__ANONYMOUS_PER_MINUTE=0 APP__REDIS__ENABLED=true \
  APP__REDIS__URL="redis://127.0.0.1:$redis_port"

timeout 50 python3 - "$port" "$redis" <<'PY'
import http.client, json, os, signal, sys, threading, time
port, redis_pid = int(sys.argv[1]), int(sys.argv[2])
statuses, lock, stop = {}, threading.Lock(), threading.Event()
def client(n):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    i = 0
    while not stop.is_set():
        i += 1
        seed = n * 1_000_000 + (i if i % 2 else 1)  # every other plan repeats: cache hits
        body = json.dumps({"current_age": 65, "end_age": 80, "portfolio": {"balance": 600000},
                           "spending": {"annual": 25000}, "simulation": {"scenarios": 50, "seed": seed}})
        try:
            conn.request("POST", "/api/v1/simulations", body, {"Content-Type": "application/json"})
            response = conn.getresponse()
            response.read()
            status = response.status
        except (http.client.HTTPException, OSError) as err:
            status = repr(err)
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        with lock: statuses[status] = statuses.get(status, 0) + 1
threads = [threading.Thread(target=client, args=(n,)) for n in range(4)]
for t in threads: t.start()
time.sleep(1.5)
os.kill(redis_pid, signal.SIGKILL)
time.sleep(3)
stop.set()
for t in threads: t.join()
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
conn.request("GET", "/ready")
ready = conn.getresponse()
readiness = json.loads(ready.read())
conn.request("GET", "/metrics")
metrics = conn.getresponse().read().decode()
skipped = 'cache_requests_total{tier="l2",result="skipped"}' in metrics
print(f"statuses across Redis's death: {statuses}; /ready {ready.status} {readiness['status']}; "
      f"skipped lookups counted: {skipped}")
if set(statuses) != {201} or ready.status != 200 or readiness["status"] != "degraded" or not skipped:
    sys.exit("FAIL")
PY
