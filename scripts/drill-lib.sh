# Shared by the drill scripts (`scripts/drill-*.sh`): sourced, never run. It takes the
# binary from the drill's first argument (default: the debug build), makes a scratch folder
# and a free port, and cleans up on exit.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bin="${1:-${CARGO_TARGET_DIR:-target}/debug/glidepath}"
scratch="$(mktemp -d)"
server=""
# Other processes a drill starts, killed on exit too.
extra_pids=()

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
port="$(free_port)"

# Starts the service on $port with an SQLite file in $scratch and the given extra
# `NAME=value` settings, sets $server, and waits until /startup answers 200.
serve() {
  env APP__SERVER__HOST=127.0.0.1 PORT="$port" APP__LOG__LEVEL=warn \
    APP__DATABASE__URL="sqlite://$scratch/drill.db" "$@" \
    "$bin" serve >>"$scratch/server.log" 2>&1 &
  server=$!
  for _ in $(seq 1 200); do
    curl -fs "http://127.0.0.1:$port/startup" >/dev/null && return
    sleep 0.05
  done
  echo "the server did not start:" >&2
  cat "$scratch/server.log" >&2
  exit 1
}

cleanup() {
  kill -9 ${server:+"$server"} "${extra_pids[@]}" 2>/dev/null || true
  rm -rf "$scratch"
}
trap cleanup EXIT
