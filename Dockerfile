# syntax=docker/dockerfile:1
# Glidepath: a multi-stage build. cargo-chef caches the dependency build in its own layer,
# so a change to our code rebuilds only our crate. The runtime is Debian slim, non-root,
# and needs nothing writable but /tmp and the /data volume (SQLite, when no DATABASE_URL).

ARG RUST_VERSION=1.95
FROM rust:${RUST_VERSION}-slim-bookworm AS chef
RUN cargo install cargo-chef --locked --version 0.1.73
WORKDIR /build

FROM chef AS planner
COPY . .
RUN cargo chef prepare --recipe-path recipe.json

FROM chef AS builder
COPY --from=planner /build/recipe.json recipe.json
RUN cargo chef cook --release --recipe-path recipe.json
COPY . .
# Templates, static assets, config and the history data are compiled into the binary.
RUN cargo build --release --locked --bin glidepath \
    && install -D -m 0755 target/release/glidepath /out/glidepath

FROM debian:bookworm-slim AS runtime
ARG VERSION=dev
ARG REVISION=unknown
LABEL org.opencontainers.image.title="glidepath" \
      org.opencontainers.image.description="Monte Carlo retirement planning: web, JSON API and PDF reports" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.source="https://github.com/glidepath/glidepath"
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates=20230311* \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --gid 10001 glidepath \
    && useradd --uid 10001 --gid 10001 --no-create-home --shell /usr/sbin/nologin glidepath \
    && install -d -o 10001 -g 10001 -m 0750 /data
COPY --from=builder /out/glidepath /usr/local/bin/glidepath
# No APP_ENV here: each deployment sets it (Kubernetes: the overlay's ConfigMap). Without
# one the image runs the development settings: SQLite at data/glidepath.db, relative to the
# working directory, so in the /data volume.
WORKDIR /
VOLUME ["/data"]
USER 10001:10001
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=2s --start-period=20s --retries=3 \
    CMD ["/usr/local/bin/glidepath", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/glidepath"]
CMD ["serve"]
