//! Results and simulations: a result is stored once per hash, and every request that
//! produced one gets its own `simulations` row (the permalink) and an audit entry, all in
//! one transaction, so a returned id always resolves and never lacks its audit trail.

use sqlx::Row;

use super::audit::{self, AuditEntry};
use super::{Database, StorageError};
use crate::telemetry::metrics as m;

/// A result to store, unless the caller knows it is already there.
pub struct NewResult<'a> {
    pub hash: &'a str,
    pub engine_version: &'a str,
    pub seed: u64,
    pub scenarios: u32,
    pub years: u32,
    pub duration_ms: f64,
    pub plan_json: &'a str,
    pub result_json: &'a str,
}

pub struct NewSimulation<'a> {
    pub id: &'a str,
    pub created_at: &'a str,
    pub api_key_id: Option<&'a str>,
    pub request_id: Option<&'a str>,
    /// `None` when the result row is known to exist.
    pub result: Option<NewResult<'a>>,
    pub result_hash: &'a str,
    pub audit: &'a AuditEntry,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimulationRow {
    pub id: String,
    pub created_at: String,
    pub api_key_id: Option<String>,
    pub result_hash: String,
}

/// Writes the result (if given and new), the simulation row and its audit entry atomically.
pub async fn insert(db: &Database, new: &NewSimulation<'_>) -> Result<(), StorageError> {
    let audit_id = audit::new_entry_id();
    let write = async {
        let mut tx = db.pool().begin().await?;
        if let Some(result) = &new.result {
            sqlx::query(
                "INSERT INTO results \
                 (hash, created_at, engine_version, seed, scenarios, years, duration_ms, plan_json, result_json) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (hash) DO NOTHING",
            )
            .bind(result.hash)
            .bind(new.created_at)
            .bind(result.engine_version)
            .bind(result.seed.to_string())
            .bind(i64::from(result.scenarios))
            .bind(i64::from(result.years))
            .bind(result.duration_ms)
            .bind(result.plan_json)
            .bind(result.result_json)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query(
            "INSERT INTO simulations (id, created_at, api_key_id, result_hash, request_id) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(new.id)
        .bind(new.created_at)
        .bind(new.api_key_id)
        .bind(new.result_hash)
        .bind(new.request_id)
        .execute(&mut *tx)
        .await?;
        audit::insert(&audit_id, new.created_at, new.audit)
            .execute(&mut *tx)
            .await?;
        tx.commit().await
    };
    db.run(write).await?;
    metrics::counter!(m::AUDIT_ENTRIES_TOTAL, "outcome" => "written").increment(1);
    Ok(())
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
