#!/usr/bin/env bash
# Builds the project's Dockerfile with podman and runs the image as it is deployed: UID 10001,
# a read-only root filesystem, every capability dropped. Checks that the HEALTHCHECK passes,
# that /ready is 200 on SQLite, that nothing outside /data and /tmp is writable, and that
# SIGTERM exits 0.
#
#   sudo scripts/image-smoke.sh        # root: podman with chroot isolation and vfs storage
#
# No registry is pulled. The two base images the Dockerfile names are made here:
#   debian:bookworm-slim        debootstrap --variant=minbase bookworm (deb.debian.org)
#   rust:1.95-slim-bookworm     that, plus gcc and libc6-dev, this machine's Rust toolchain
#                               (`rustc --print sysroot`) at /usr/local/rust, and this
#                               machine's extra CAs (/usr/local/share/ca-certificates)
# The build then runs as it would anywhere (cargo-chef and the crates from crates.io, the
# runtime's ca-certificates from deb.debian.org). Needs podman, buildah and debootstrap
# (`apt-get install podman buildah debootstrap`; runc and jq where the default runtime cannot
# start a container, see "runtime" below), and about 15 GB of disk (vfs copies each layer
# whole). Takes about 15 minutes on 2 cores, 12 of them the release build
# (docs/deployment.md, "The image, built and run here").
#
# It uses podman's default storage (/var/lib/containers). The build's intermediate layers stay
# there as a cache for the next run (about 30 GB after two runs): `podman image prune -f`
# frees them.
#
# WORK (default /var/tmp/glidepath-image) keeps the debootstrapped tree between runs; KEEP=1
# keeps the image afterwards (the two bases always stay); REUSE=1 then runs the checks on it
# without building again.
set -euo pipefail
cd "$(dirname "$0")/.."

work="${WORK:-/var/tmp/glidepath-image}"
image="localhost/glidepath:smoke"
name="glidepath-smoke-$$"
rust_version="$(sed -n 's/^ARG RUST_VERSION=//p' Dockerfile)"
podman=(podman --storage-driver vfs --cgroup-manager cgroupfs --events-backend file)
started_at=$SECONDS

say() { printf '\n==> %s (%ss)\n' "$*" "$((SECONDS - started_at))"; }
fail() { echo "image-smoke: $*" >&2; exit 1; }

for tool in podman buildah debootstrap curl python3; do
  command -v "$tool" >/dev/null || fail "$tool is missing (apt-get install podman buildah debootstrap curl)"
done
[ "$(id -u)" -eq 0 ] || fail "run as root: chroot isolation and debootstrap need it"

cleanup() {
  "${podman[@]}" rm -f "$name" >/dev/null 2>&1 || true
  if [ "${KEEP:-0}" != 1 ]; then
    "${podman[@]}" rmi -f "$image" >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

if [ "${REUSE:-0}" = 1 ] && "${podman[@]}" image exists "$image"; then
  say "REUSE=1: the image from the last KEEP=1 run"
else
say "base: debian:bookworm-slim (debootstrap)"
rootfs="$work/rootfs"
if [ ! -x "$rootfs/usr/bin/apt-get" ]; then
  rm -rf "$rootfs"
  mkdir -p "$work"
  debootstrap --variant=minbase bookworm "$rootfs" http://deb.debian.org/debian
  # As Docker's debian images: no apt caches, a sources list on deb.debian.org.
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
fi
tar -C "$rootfs" -c . | "${podman[@]}" import - docker.io/library/debian:bookworm-slim >/dev/null

say "base: rust:${rust_version}-slim-bookworm (gcc, libc6-dev and this machine's toolchain)"
sysroot="$(rustc --print sysroot)"
"$sysroot/bin/rustc" --version | grep -q "^rustc ${rust_version}\." \
  || fail "this machine's rustc is not ${rust_version}: $("$sysroot/bin/rustc" --version)"
context="$work/rust-context"
rm -rf "$context"
mkdir -p "$context"
cp -a "$sysroot" "$context/rust"
rm -rf "$context/rust/share/doc"
# The build machine's own trusted CAs (here: the egress proxy's), so that cargo in the build
# reaches crates.io as cargo on this machine does.
mkdir -p "$context/ca"
cp /usr/local/share/ca-certificates/*.crt "$context/ca/" 2>/dev/null || true
cat >"$context/Containerfile" <<'EOF'
FROM docker.io/library/debian:bookworm-slim
COPY ca /usr/local/share/ca-certificates
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates gcc libc6-dev \
    && update-ca-certificates \
    && rm -rf /var/lib/apt/lists/*
COPY rust /usr/local/rust
ENV CARGO_HOME=/usr/local/cargo PATH=/usr/local/cargo/bin:/usr/local/rust/bin:/usr/sbin:/usr/bin:/sbin:/bin
EOF
"${podman[@]}" build --isolation chroot --network host --format docker \
  -t "docker.io/library/rust:${rust_version}-slim-bookworm" "$context"
rm -rf "$context"

say "build: the project's Dockerfile"
build_started=$SECONDS
"${podman[@]}" build --isolation chroot --network host --format docker \
  --build-arg VERSION=smoke --build-arg REVISION="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)" \
  -t "$image" -f Dockerfile .
echo "built in $((SECONDS - build_started)) s"
fi

say "image: user, healthcheck, size"
user="$("${podman[@]}" image inspect --format '{{.Config.User}}' "$image")"
[ "$user" = "10001:10001" ] || fail "the image runs as '$user', not 10001:10001"
"${podman[@]}" image inspect --format '{{json .Config.Healthcheck}}' "$image" | grep -q healthcheck \
  || fail "the image has no HEALTHCHECK (build with --format docker)"
"${podman[@]}" image inspect --format 'size: {{.Size}} bytes' "$image"

say "runtime"
# Some sandboxes (this machine's) refuse setrlimit, which crun and runc make for the OCI
# spec's rlimits, and crun refuses their cgroup layout. There, runc runs the container
# through a wrapper that drops the spec's rlimits first; nothing else changes.
runtime=()
if ! "${podman[@]}" run --rm --network host --entrypoint /usr/bin/true "$image" >/dev/null 2>&1; then
  command -v runc >/dev/null && command -v jq >/dev/null \
    || fail "the default OCI runtime cannot start a container here; install runc and jq for the fallback"
  mkdir -p "$work/runtime"
  cat >"$work/runtime/runc" <<'WRAPPER'
#!/usr/bin/env bash
# runc, with the OCI spec's rlimits removed first (this machine refuses setrlimit).
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[i]}" in
    --bundle | -b) f="${args[i + 1]}/config.json"; jq 'del(.process.rlimits)' "$f" >"$f.tmp" && mv "$f.tmp" "$f" ;;
    --process | -p) f="${args[i + 1]}"; jq 'del(.rlimits)' "$f" >"$f.tmp" && mv "$f.tmp" "$f" ;;
  esac
done
exec /usr/sbin/runc "$@"
WRAPPER
  sed -i "s|/usr/sbin/runc|$(command -v runc)|" "$work/runtime/runc"
  chmod +x "$work/runtime/runc"
  runtime=(--runtime "$work/runtime/runc")
  echo "the default runtime failed; using runc without the spec's rlimits"
fi
"${podman[@]}" run --rm --network host "${runtime[@]}" --entrypoint /usr/bin/true "$image" 2>/dev/null \
  || fail "no OCI runtime can start the image here"

say "run: read-only root, no capabilities, UID 10001, SQLite in the /data volume"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
# `--health-interval disable`: no systemd here to time the checks; the image's HEALTHCHECK
# command is run below, once, by `podman healthcheck run`.
"${podman[@]}" run -d --name "$name" --network host "${runtime[@]}" --health-interval disable \
  --read-only --tmpfs /tmp --cap-drop all --security-opt no-new-privileges \
  -e PORT="$port" -e APP__SERVER__HOST=127.0.0.1 -e APP__LOG__FORMAT=json \
  "$image" >/dev/null
for _ in $(seq 1 200); do
  curl -fs "http://127.0.0.1:$port/startup" >/dev/null && break
  sleep 0.1
done
curl -fs "http://127.0.0.1:$port/startup" >/dev/null || {
  "${podman[@]}" logs "$name" >&2
  fail "/startup never answered 200"
}

uid="$("${podman[@]}" top "$name" huser | awk 'NR > 1 { print $1; exit }')"
[ "$uid" = "10001" ] || fail "the process runs as '$uid', not 10001"
# The bounding set of the service's process (PID 1): empty when every capability is dropped.
caps="$("${podman[@]}" exec "$name" /usr/bin/awk '/^CapBnd/ { print $2 }' /proc/1/status)"
[ "$caps" = "0000000000000000" ] || fail "capabilities left: $caps"
[ "$("${podman[@]}" inspect --format '{{.HostConfig.ReadonlyRootfs}}' "$name")" = true ] \
  || fail "the root filesystem is writable"
if "${podman[@]}" exec "$name" /usr/bin/touch /usr/local/bin/written 2>/dev/null; then
  fail "the root filesystem took a write"
fi
echo "runs as UID $uid, capability bounding set $caps, read-only root"

status="$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/ready")"
[ "$status" = 200 ] || fail "/ready answered $status"
curl -fs -X POST -H 'content-type: application/json' "http://127.0.0.1:$port/api/v1/simulations" \
  -d '{"current_age": 65, "end_age": 95, "portfolio": {"balance": 1000000}, "spending": {"annual": 40000}}' \
  | grep -q '"success_probability"' || fail "a simulation was not stored"
"${podman[@]}" exec "$name" /usr/bin/test -s /data/glidepath.db || fail "no SQLite file in /data"
echo "/ready 200; a simulation stored in /data/glidepath.db"

"${podman[@]}" healthcheck run "$name" || fail "the HEALTHCHECK failed"
echo "HEALTHCHECK passes"

say "SIGTERM"
"${podman[@]}" kill --signal TERM "$name" >/dev/null
code="$("${podman[@]}" wait "$name")"
[ "$code" = 0 ] || { "${podman[@]}" logs "$name" >&2; fail "SIGTERM exited $code"; }
"${podman[@]}" logs "$name" 2>&1 | tail -n 3
echo "SIGTERM: exit 0"

say "image smoke passed"
