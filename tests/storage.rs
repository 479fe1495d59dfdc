//! The storage layer against real SQLite, PostgreSQL and Redis on 127.0.0.1.

mod common;

use std::time::{Duration, Instant};

use common::{CLOSED_PORT, PgDatabase, redis_url, unique_prefix};
use glidepath::config::{BreakerSettings, DatabaseSettings, RedisSettings, Secret};
use glidepath::resilience::CircuitState;
use glidepath::storage::audit::{self, AuditEntry};
use glidepath::storage::comparisons::{self, NewComparison};
use glidepath::storage::{Backend, Database, RedisError, RedisStore, StorageError};

const BREAKER: BreakerSettings = BreakerSettings {
    failure_threshold: 5,
    open_seconds: 30,
};

fn database_settings(url: &str) -> DatabaseSettings {
    DatabaseSettings {
        url: Secret::new(url),
        pool_size: 2,
        run_migrations: true,
        query_timeout_ms: 2000,
    }
}

fn redis_settings(url: &str, prefix: &str) -> RedisSettings {
    RedisSettings {
        enabled: true,
        url: Secret::new(url),
        pool_size: 4,
        timeout_ms: 100,
        key_prefix: prefix.to_string(),
    }
}

fn entry(action: &str) -> AuditEntry {
    AuditEntry {
        request_id: Some("req-1".into()),
        actor: "operator".into(),
        action: action.into(),
        target: Some("api_key:k1".into()),
        outcome: "success".into(),
        client_ip_hash: None,
    }
}

async fn audit_round_trip(db: &Database) {
    db.migrate().await.expect("migrations apply");
    db.migrate().await.expect("migrations are idempotent");

    audit::record(db, &entry("api_key.create")).await.unwrap();
    audit::record(db, &entry("api_key.revoke")).await.unwrap();
    let recent = audit::recent(db, 10).await.unwrap();

    assert_eq!(recent.len(), 2);
    assert_eq!(recent[0].entry.action, "api_key.revoke", "newest first");
    assert_eq!(recent[1].entry, entry("api_key.create"));
    assert!(recent[0].occurred_at.ends_with('Z'));
    comparison_round_trip(db).await;
}

/// A comparison and its audit entry are written together and read back whole.
async fn comparison_round_trip(db: &Database) {
    let id = "0123456789abcdef0123456789abcdef";
    let stored = NewComparison {
        id: id.into(),
        created_at: glidepath::storage::timestamp_now(),
        api_key_id: None,
        request_id: Some("req-2".into()),
        engine_version: "1.1.0".into(),
        document: r#"{"plans": ["é, \"quoted\""]}"#.into(),
        audit: entry("comparison.create"),
    };
    comparisons::insert(db, &stored).await.unwrap();
    let row = comparisons::find(db, id).await.unwrap().expect("stored");
    assert_eq!(
        (row.id.as_str(), row.document.as_str()),
        (id, stored.document.as_str())
    );
    assert_eq!(row.created_at, stored.created_at);
    assert_eq!(
        audit::recent(db, 1).await.unwrap()[0].entry.action,
        "comparison.create"
    );
    // The same id twice is refused, and the audit trail gains nothing from the failure.
    assert!(comparisons::insert(db, &stored).await.is_err());
    assert_eq!(audit::recent(db, 10).await.unwrap().len(), 3);
    assert!(
        comparisons::find(db, &id.replace('0', "f"))
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn sqlite_applies_migrations_and_round_trips_audit_entries() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/data/glidepath.db", dir.path().display());
    let db = Database::connect_lazy(&database_settings(&url), &BREAKER).unwrap();
    assert_eq!(db.backend(), Backend::Sqlite);

    audit_round_trip(&db).await;

    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(mode, "wal");
}

#[tokio::test]
async fn postgres_applies_migrations_and_round_trips_audit_entries() {
    let Some(pg) = PgDatabase::create().await else {
        return;
    };
    let db = Database::connect_lazy(&database_settings(&pg.url), &BREAKER).unwrap();
    assert_eq!(db.backend(), Backend::Postgres);

    audit_round_trip(&db).await;
    db.close().await;
}

#[tokio::test]
async fn postgres_enforces_the_schema_constraints() {
    let Some(pg) = PgDatabase::create().await else {
        return;
    };
    let db = Database::connect_lazy(&database_settings(&pg.url), &BREAKER).unwrap();
    db.migrate().await.unwrap();

    let orphan = db
        .run(
            sqlx::query(
                "INSERT INTO simulations (id, created_at, result_hash) VALUES ($1, $2, $3)",
            )
            .bind("sim-1")
            .bind("2026-11-21T00:00:00.000000Z")
            .bind("no-such-result")
            .execute(db.pool()),
        )
        .await;

    assert!(matches!(orphan, Err(StorageError::Sql(_))), "{orphan:?}");
    db.close().await;
}

#[tokio::test]
async fn dead_database_opens_the_circuit_and_then_fails_fast() {
    let url = format!("postgres://postgres@127.0.0.1:{CLOSED_PORT}/none");
    let db = Database::connect_lazy(&database_settings(&url), &BREAKER).unwrap();

    for _ in 0..BREAKER.failure_threshold {
        assert!(db.ping(Duration::from_secs(1)).await.is_err());
    }
    assert_eq!(db.breaker().state(), CircuitState::Open);
    let started = Instant::now();
    let refused = db.ping(Duration::from_secs(1)).await;

    assert!(
        matches!(refused, Err(StorageError::CircuitOpen)),
        "{refused:?}"
    );
    assert!(started.elapsed() < Duration::from_millis(50));
}

#[tokio::test]
async fn redis_round_trips_values_with_ttl_under_the_key_prefix() {
    let Some(url) = redis_url() else { return };
    let prefix = unique_prefix();
    let redis = RedisStore::new(&redis_settings(url, &prefix), &BREAKER).unwrap();

    redis
        .set_ex("v1:result:abc", b"payload", Duration::from_secs(60))
        .await
        .unwrap();
    let value = redis.get("v1:result:abc").await.unwrap();
    let key = redis.key("v1:result:abc");
    let ttl: i64 = redis
        .guarded(Duration::from_secs(1), async |conn| {
            deadpool_redis::redis::cmd("TTL")
                .arg(&key)
                .query_async(conn)
                .await
        })
        .await
        .unwrap();
    redis.delete("v1:result:abc").await.unwrap();

    assert_eq!(value.as_deref(), Some(&b"payload"[..]));
    assert!(key.starts_with(&prefix));
    assert!((1..=60).contains(&ttl), "ttl {ttl}");
    assert_eq!(redis.get("v1:result:abc").await.unwrap(), None);
}

#[tokio::test]
async fn two_stores_share_values_through_one_redis() {
    let Some(url) = redis_url() else { return };
    let prefix = unique_prefix();
    let replica_a = RedisStore::new(&redis_settings(url, &prefix), &BREAKER).unwrap();
    let replica_b = RedisStore::new(&redis_settings(url, &prefix), &BREAKER).unwrap();

    replica_a
        .set_ex("shared", b"42", Duration::from_secs(30))
        .await
        .unwrap();

    assert_eq!(
        replica_b.get("shared").await.unwrap().as_deref(),
        Some(&b"42"[..])
    );
    replica_b.delete("shared").await.unwrap();
}

#[tokio::test]
async fn dead_redis_costs_one_deadline_per_call_until_the_circuit_opens() {
    let url = format!("redis://127.0.0.1:{CLOSED_PORT}");
    let redis = RedisStore::new(&redis_settings(&url, "glidepath:test:"), &BREAKER).unwrap();

    for _ in 0..BREAKER.failure_threshold {
        let started = Instant::now();
        assert!(redis.get("anything").await.is_err());
        assert!(
            started.elapsed() < Duration::from_millis(500),
            "{:?}",
            started.elapsed()
        );
    }
    let refused = redis.get("anything").await;

    assert!(
        matches!(refused, Err(RedisError::CircuitOpen)),
        "{refused:?}"
    );
}
