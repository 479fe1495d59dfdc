//! Results and simulations: a result is stored once per hash, and every request that
//! produced one gets its own `simulations` row (the permalink) and an audit entry, in one
//! transaction, so a returned id always resolves and never lacks its audit trail.

mod writer;

use bytes::Bytes;
use sqlx::Row;

use super::audit::AuditEntry;
use super::{Database, StorageError};
pub use writer::SimulationWriter;

/// A result to store, unless the caller knows it is already there.
#[derive(Debug, Clone)]
pub struct NewResult {
    pub hash: String,
    pub engine_version: String,
    pub seed: u64,
    pub scenarios: u32,
    pub years: u32,
    pub duration_ms: f64,
    pub plan_json: String,
    /// The result document, JSON text.
    pub result_json: Bytes,
}

#[derive(Debug, Clone)]
pub struct NewSimulation {
    pub id: String,
    pub created_at: String,
    pub api_key_id: Option<String>,
    pub request_id: Option<String>,
    /// `None` when the result row is known to exist.
    pub result: Option<NewResult>,
    pub result_hash: String,
    pub audit: AuditEntry,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimulationRow {
    pub id: String,
    pub created_at: String,
    pub api_key_id: Option<String>,
    pub result_hash: String,
}

pub async fn find(db: &Database, id: &str) -> Result<Option<SimulationRow>, StorageError> {
    let row = db
        .run(
            sqlx::query(
                "SELECT id, created_at, api_key_id, result_hash FROM simulations WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(db.pool()),
        )
        .await?;
    row.map(|row| {
        Ok(SimulationRow {
            id: row.try_get("id")?,
            created_at: row.try_get("created_at")?,
            api_key_id: row.try_get("api_key_id")?,
            result_hash: row.try_get("result_hash")?,
        })
    })
    .transpose()
    .map_err(|err: sqlx::Error| StorageError::from(err))
}

/// The stored result document for `hash`.
pub async fn result_json(db: &Database, hash: &str) -> Result<Option<String>, StorageError> {
    let row = db
        .run(
            sqlx::query("SELECT result_json FROM results WHERE hash = $1")
                .bind(hash)
                .fetch_optional(db.pool()),
        )
        .await?;
    row.map(|row| row.try_get("result_json"))
        .transpose()
        .map_err(StorageError::from)
}

/// One entry of a caller's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryRow {
    pub id: String,
    pub created_at: String,
    pub scenarios: i64,
    pub years: i64,
}

/// The key's simulations, newest first, after the (`created_at`, `id`) cursor if given.
pub async fn history(
    db: &Database,
    api_key_id: &str,
    after: Option<(&str, &str)>,
    limit: i64,
) -> Result<Vec<HistoryRow>, StorageError> {
    // The "after" bound is (created_at, id) < cursor, spelt out for both databases.
    let (at, id) = after.unwrap_or(("9999", ""));
    let rows = db
        .run(
            sqlx::query(
                "SELECT s.id, s.created_at, r.scenarios, r.years FROM simulations s \
                 JOIN results r ON r.hash = s.result_hash \
                 WHERE s.api_key_id = $1 AND (s.created_at < $2 OR (s.created_at = $2 AND s.id < $3)) \
                 ORDER BY s.created_at DESC, s.id DESC LIMIT $4",
            )
            .bind(api_key_id)
            .bind(at)
            .bind(id)
            .bind(limit)
            .fetch_all(db.pool()),
        )
        .await?;
    rows.iter()
        .map(|row| {
            Ok(HistoryRow {
                id: row.try_get("id")?,
                created_at: row.try_get("created_at")?,
                scenarios: row.try_get("scenarios")?,
                years: row.try_get("years")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(StorageError::from)
}
