//! The audit log: who did what, when, with which outcome.
//!
//! Writes are retried (transient failures only, at most 3 tries). An entry that
//! still cannot be written is logged in full at error level and counted as
//! `audit_entries_total{outcome="failed"}`, so nothing disappears silently.

use serde::Serialize;
use sqlx::Row;

use super::{Database, StorageError, timestamp_now};
use crate::resilience::Backoff;
use crate::telemetry::metrics as m;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    pub request_id: Option<String>,
    /// `anonymous`, `api_key:{id}` or `operator` (CLI).
    pub actor: String,
    /// Dotted verb, e.g. `api_key.create`, `simulation.create`.
    pub action: String,
    pub target: Option<String>,
    /// `success`, `denied`, `failed`.
    pub outcome: String,
    pub client_ip_hash: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAuditEntry {
    pub id: String,
    pub occurred_at: String,
    pub entry: AuditEntry,
}

pub async fn record(db: &Database, entry: &AuditEntry) -> Result<String, StorageError> {
    let id = new_entry_id();
    let occurred_at = timestamp_now();
    let result = Backoff::DEFAULT
        .retry(
            || {
                let insert = sqlx::query(
                    "INSERT INTO audit_log \
                     (id, occurred_at, request_id, actor, action, target, outcome, client_ip_hash) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                );
                db.run(bind(insert, &id, &occurred_at, entry).execute(db.pool()))
            },
            StorageError::is_transient,
        )
        .await;
    match &result {
        Ok(_) => metrics::counter!(m::AUDIT_ENTRIES_TOTAL, "outcome" => "written").increment(1),
        Err(err) => {
            metrics::counter!(m::AUDIT_ENTRIES_TOTAL, "outcome" => "failed").increment(1);
            tracing::error!(
                error = %err,
                audit = %serde_json::to_string(entry).unwrap_or_default(),
                occurred_at,
                "audit entry could not be stored"
            );
        }
    }
    result.map(|_| id)
}

/// Time-ordered (UUIDv7), so new entries append to the end of the primary-key index
/// instead of dirtying a random page of it per insert.
pub(super) fn new_entry_id() -> String {
    uuid::Uuid::now_v7().simple().to_string()
}

/// The columns of `audit_log`, in the order [`bind`] binds them.
pub(super) const COLUMNS: [&str; 8] = [
    "id",
    "occurred_at",
    "request_id",
    "actor",
    "action",
    "target",
    "outcome",
    "client_ip_hash",
];

/// Binds one entry's values, in [`COLUMNS`] order.
pub(super) fn bind<'q>(
    query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>,
    id: &'q str,
    occurred_at: &'q str,
    entry: &'q AuditEntry,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
    query
        .bind(id)
        .bind(occurred_at)
        .bind(entry.request_id.as_deref())
        .bind(entry.actor.as_str())
        .bind(entry.action.as_str())
        .bind(entry.target.as_deref())
        .bind(entry.outcome.as_str())
        .bind(entry.client_ip_hash.as_deref())
}

/// The newest entries first.
pub async fn recent(db: &Database, limit: i64) -> Result<Vec<StoredAuditEntry>, StorageError> {
    let rows = db
        .run(
            sqlx::query(
                "SELECT id, occurred_at, request_id, actor, action, target, outcome, client_ip_hash \
                 FROM audit_log ORDER BY occurred_at DESC, id DESC LIMIT $1",
            )
            .bind(limit)
            .fetch_all(db.pool()),
        )
        .await?;
    rows.into_iter()
        .map(|row| {
            Ok(StoredAuditEntry {
                id: row.try_get("id")?,
                occurred_at: row.try_get("occurred_at")?,
                entry: AuditEntry {
                    request_id: row.try_get("request_id")?,
                    actor: row.try_get("actor")?,
                    action: row.try_get("action")?,
                    target: row.try_get("target")?,
                    outcome: row.try_get("outcome")?,
                    client_ip_hash: row.try_get("client_ip_hash")?,
                },
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(StorageError::from)
}

/// Tallies of repeated denials (failed authentication, rate limiting) that would flood the
/// audit log if written one by one: an attacker could otherwise write a row per request.
/// Each distinct (action, actor, client) gets one entry per flush, its target saying how
/// many times it happened. Flushed every minute by the app and once more on shutdown, so a
/// tally is never silently dropped.
pub struct DenialTally {
    db: Database,
    counts: std::sync::Mutex<std::collections::HashMap<TallyKey, u64>>,
}

/// (action, actor, client IP hash).
type TallyKey = (String, String, Option<String>);

impl DenialTally {
    pub fn new(db: Database) -> Self {
        Self {
            db,
            counts: std::sync::Mutex::default(),
        }
    }

    pub fn note(&self, action: &str, actor: &str, client_ip_hash: Option<String>) {
        let mut counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        *counts
            .entry((action.to_string(), actor.to_string(), client_ip_hash))
            .or_default() += 1;
    }

    /// Writes one entry per tally and clears them.
    pub async fn flush(&self) {
        let drained: Vec<_> = {
            let mut counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
            counts.drain().collect()
        };
        for ((action, actor, client_ip_hash), count) in drained {
            let entry = AuditEntry {
                request_id: None,
                actor,
                action,
                target: Some(format!("{count} requests")),
                outcome: "denied".into(),
                client_ip_hash,
            };
            // `record` retries and, if it still fails, logs the entry in full.
            let _ = record(&self.db, &entry).await;
        }
    }
}
