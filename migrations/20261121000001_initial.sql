-- Glidepath schema, version 1. Portable between SQLite and PostgreSQL:
-- ids are TEXT, timestamps are UTC RFC 3339 TEXT (lexically ordered:
-- YYYY-MM-DDTHH:MM:SS.ffffffZ), integers are BIGINT, JSON documents are TEXT.

CREATE TABLE api_keys (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    -- SHA-256 of the key, hex. The key itself is shown once and never stored.
    key_hash    TEXT NOT NULL UNIQUE,
    tier        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    revoked_at  TEXT
);

-- One row per distinct result, keyed by the hash of (normalized plan, seed,
-- engine version). The heavy JSON lives here once, however often it is asked for.
CREATE TABLE results (
    hash            TEXT PRIMARY KEY,
    created_at      TEXT NOT NULL,
    engine_version  TEXT NOT NULL,
    -- u64 seeds do not fit a signed BIGINT, so they are stored as decimal text.
    seed            TEXT NOT NULL,
    scenarios       BIGINT NOT NULL,
    years           BIGINT NOT NULL,
    duration_ms     DOUBLE PRECISION NOT NULL,
    plan_json       TEXT NOT NULL,
    result_json     TEXT NOT NULL
);

-- One row per request that produced a result: the permalink (a random 128-bit id)
-- and the caller's history.
CREATE TABLE simulations (
    id           TEXT PRIMARY KEY,
    created_at   TEXT NOT NULL,
    api_key_id   TEXT REFERENCES api_keys (id),
    result_hash  TEXT NOT NULL REFERENCES results (hash),
    request_id   TEXT
);
CREATE INDEX simulations_owner_history ON simulations (api_key_id, created_at, id);

CREATE TABLE audit_log (
    id              TEXT PRIMARY KEY,
    occurred_at     TEXT NOT NULL,
    request_id      TEXT,
    actor           TEXT NOT NULL,
    action          TEXT NOT NULL,
    target          TEXT,
    outcome         TEXT NOT NULL,
    -- SHA-256 of the client IP with a per-deployment salt; never the raw address.
    client_ip_hash  TEXT
);
CREATE INDEX audit_log_time ON audit_log (occurred_at);
