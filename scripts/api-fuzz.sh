#!/usr/bin/env bash
# Validates the OpenAPI document a local instance serves (openapi-spec-validator), then
# fuzzes the JSON API with schemathesis (v4) against it, with an API key: every documented
# operation, `--checks all`, a bounded number of examples, and zero failures allowed. `.ci/run` calls it after the tests.
#
#   scripts/api-fuzz.sh [path/to/glidepath]     # default: the debug build
#   MAX_EXAMPLES=200 scripts/api-fuzz.sh
set -euo pipefail
cd "$(dirname "$0")/.."

target="${CARGO_TARGET_DIR:-target}"
bin="${1:-$target/debug/glidepath}"
venv="${SCHEMATHESIS_VENV:-$HOME/.cache/glidepath/schemathesis}"
if [ ! -x "$venv/bin/schemathesis" ] || [ ! -x "$venv/bin/openapi-spec-validator" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet 'schemathesis>=4,<5' openapi-spec-validator
fi

scratch="$(mktemp -d)"
# An API key, so the fuzzer also exercises authenticated calls (and the key's history), on
# a tier large enough that the fuzzer's pace is never rate limited.
export APP__RATE_LIMIT__TIERS__FUZZ=1000000
key="$(APP__DATABASE__URL="sqlite://$scratch/fuzz.db" APP__LOG__LEVEL=warn \
  "$bin" api-keys create --name schemathesis --tier fuzz 2>/dev/null)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
# A debug build's analysis takes about a second; on a busy machine the 5 s simulation
# deadline would turn slowness into 504s, which is not what the fuzzer is for.
APP__SERVER__HOST=127.0.0.1 PORT="$port" APP__LOG__LEVEL=warn APP__LOG__FORMAT=json \
  APP__SIMULATION__TIMEOUT_MS=60000 \
  APP__DATABASE__URL="sqlite://$scratch/fuzz.db" "$bin" serve >"$scratch/server.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; rm -rf "$scratch"' EXIT
for _ in $(seq 1 200); do
  curl -fs "http://127.0.0.1:$port/startup" >/dev/null && break
  sleep 0.05
done

curl -fs "http://127.0.0.1:$port/api/v1/openapi.json" >"$scratch/openapi.json"
"$venv/bin/openapi-spec-validator" "$scratch/openapi.json"

"$venv/bin/schemathesis" --no-color --config-file scripts/schemathesis.toml \
  run "http://127.0.0.1:$port/api/v1/openapi.json" \
  --checks all --max-examples "${MAX_EXAMPLES:-50}" --request-timeout 30 \
  --header "Authorization: Bearer $key"

if grep -E '"status":5[0-9][0-9]' "$scratch/server.log" | grep -v '"status":503'; then
  echo "the server logged a 5xx during fuzzing" >&2
  exit 1
fi
