#!/usr/bin/env bash
# Over-the-wire numbers for BENCHMARKS.md: /health latency and throughput with
# wrk against the full service and against a bare actix handler (examples/bare.rs)
# in the same run, idle resident memory, and process start to /startup 200.
#
#   scripts/bench-http.sh            # needs wrk, curl, python3
set -euo pipefail
cd "$(dirname "$0")/.."

target="${CARGO_TARGET_DIR:-target}"
cargo build --release --quiet --bin glidepath --example bare
bin="$target/release/glidepath"
bare="$target/release/examples/bare"
scratch="$(mktemp -d)"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "$scratch"' EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

start_glidepath() { # port workers → pid; production-like logging, SQLite
  APP__SERVER__HOST=127.0.0.1 PORT="$1" APP__SERVER__WORKERS="$2" APP__LOG__LEVEL=warn APP__LOG__FORMAT=json \
    APP__DATABASE__URL="sqlite://$scratch/bench-$1.db" "$bin" serve >"$scratch/log-$1" 2>&1 &
  echo $!
}

wait_200() { for _ in $(seq 1 500); do curl -fs "$1" >/dev/null && return 0; sleep 0.01; done; return 1; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "commit:  $(git rev-parse --short HEAD)"

echo; echo "## start to /startup 200 (SQLite, fresh database, 5 runs)"
python3 - "$bin" "$scratch" <<'PY'
import os, socket, subprocess, sys, time, urllib.request, statistics
binary, scratch = sys.argv[1], sys.argv[2]
times = []
for run in range(5):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
    env = dict(os.environ, APP__SERVER__HOST="127.0.0.1", PORT=str(port), APP__LOG__LEVEL="warn",
               APP__DATABASE__URL=f"sqlite://{scratch}/startup-{run}.db")
    start = time.perf_counter()
    proc = subprocess.Popen([binary, "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while True:
        try:
            if urllib.request.urlopen(f"http://127.0.0.1:{port}/startup", timeout=1).status == 200:
                break
        except Exception:
            time.sleep(0.002)
    times.append((time.perf_counter() - start) * 1000)
    proc.terminate(); proc.wait()
print("start to /startup 200 (ms): " + ", ".join(f"{t:.0f}" for t in times) + f"; median {statistics.median(times):.0f}")
PY

measure() { # label workers wrk-threads rounds
  local label="$1" workers="$2" threads="$3" rounds="$4"
  local port_full port_bare pid_full pid_bare
  port_full="$(free_port)"; pid_full="$(start_glidepath "$port_full" "$workers")"; pids+=("$pid_full")
  port_bare="$(free_port)"; "$bare" "$port_bare" "$workers" >/dev/null 2>&1 & pid_bare=$!; pids+=("$pid_bare")
  wait_200 "http://127.0.0.1:$port_full/startup"; wait_200 "http://127.0.0.1:$port_bare/health"
  sleep 2
  echo; echo "## $label"
  echo "idle RSS: glidepath $(awk '/VmRSS/ {print $2, $3}' /proc/"$pid_full"/status), bare $(awk '/VmRSS/ {print $2, $3}' /proc/"$pid_bare"/status)"
  for round in $(seq 1 "$rounds"); do
    for which in bare full; do
      port="$port_bare"; [ "$which" = full ] && port="$port_full"
      wrk -t"$threads" -c32 -d10s --latency "http://127.0.0.1:$port/health" >"$scratch/wrk"
      awk -v w="$which" -v r="$round" '/Requests\/sec/ {rps=$2} $1=="50%" {p50=$2} $1=="99%" {p99=$2}
        END {printf "%-5s round %s: %10s req/s  p50 %-8s p99 %s\n", w, r, rps, p50, p99}' "$scratch/wrk"
    done
  done
  echo "glidepath RSS after load: $(awk '/VmRSS/ {print $2, $3}' /proc/"$pid_full"/status)"
  kill "$pid_full" "$pid_bare"; wait "$pid_full" "$pid_bare" 2>/dev/null || true
}

# The target setup: the server on one core (1 worker), wrk on the other.
measure "1 worker, wrk -t1 -c32 -d10s /health (target setup)" 1 1 4
# Both on both cores: the scheduler, not the server, sets the tail here.
measure "2 workers, wrk -t2 -c32 -d10s /health (shared cores)" 2 2 1
