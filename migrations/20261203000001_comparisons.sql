-- Comparisons: 2 to 4 plans run on the same random numbers, stored whole under a random
-- 128-bit id (the permalink /c/{id}). The document holds every plan, its result and the
-- paired differences; it is written once and never changed.
CREATE TABLE comparisons (
    id              TEXT PRIMARY KEY,
    created_at      TEXT NOT NULL,
    api_key_id      TEXT REFERENCES api_keys (id),
    request_id      TEXT,
    engine_version  TEXT NOT NULL,
    document        TEXT NOT NULL
);
