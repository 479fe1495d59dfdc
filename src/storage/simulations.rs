//! Results and simulations: a result is stored once per hash, and every request that
//! produced one gets its own `simulations` row (the permalink) and an audit entry, in one
//! transaction, so a returned id always resolves and never lacks its audit trail.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::sync::Arc;

use bytes::Bytes;
use sqlx::pool::PoolConnection;
use sqlx::{Any, AssertSqlSafe, Connection, Row};
use tokio::sync::{mpsc, oneshot};

use super::audit::{self, AuditEntry};
use super::{Database, StorageError, timestamp_now};
use crate::telemetry::metrics as m;

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

/// Most simulations written in one transaction (well under every bind-parameter limit).
const MAX_BATCH: usize = 256;

/// Writes simulations with group commit: one task owns the writes, and every request that
/// arrives while a transaction is running joins the next one. Under load a transaction
/// carries many requests (one commit, three multi-row statements); alone, a request is
/// written at once. Each caller still waits for its own commit.
#[derive(Clone)]
pub struct SimulationWriter {
    queue: mpsc::Sender<Message>,
}

enum Message {
    Write {
        simulation: Box<NewSimulation>,
        done: oneshot::Sender<Result<(), Arc<StorageError>>>,
    },
    /// Writes everything queued before it, hands the connection back, and stops.
    Close(oneshot::Sender<()>),
}

impl SimulationWriter {
    /// Starts the writer task on the current tokio runtime.
    pub fn spawn(db: Database) -> Self {
        let (queue, mut inbox) = mpsc::channel::<Message>(4 * MAX_BATCH);
        tokio::spawn(async move {
            let mut messages = Vec::with_capacity(MAX_BATCH);
            // The writer keeps one connection: SQLite's page cache stays warm (another
            // connection's write would invalidate it) and no batch waits for the pool.
            let mut conn = None;
            let mut closed = None;
            while closed.is_none() && inbox.recv_many(&mut messages, MAX_BATCH).await > 0 {
                let mut rows = Vec::with_capacity(messages.len());
                let mut waiters = Vec::with_capacity(messages.len());
                for message in messages.drain(..) {
                    match message {
                        Message::Write { simulation, done } => {
                            rows.push(*simulation);
                            waiters.push(done);
                        }
                        Message::Close(ack) => closed = Some(ack),
                    }
                }
                let result = insert_batch(&db, &mut conn, &rows).await.map_err(Arc::new);
                if result.is_err() {
                    // It may be broken; the next batch connects afresh.
                    conn = None;
                }
                for done in waiters {
                    let _ = done.send(result.clone());
                }
            }
            drop(conn);
            if let Some(ack) = closed {
                let _ = ack.send(());
            }
        });
        Self { queue }
    }

    /// Stores the simulation (and its result and audit entry) and returns once committed.
    pub async fn write(&self, simulation: NewSimulation) -> Result<(), Arc<StorageError>> {
        let (done, committed) = oneshot::channel();
        let lost = || Arc::new(StorageError::Sql(sqlx::Error::PoolClosed));
        self.queue
            .send(Message::Write {
                simulation: Box::new(simulation),
                done,
            })
            .await
            .map_err(|_| lost())?;
        committed.await.map_err(|_| lost())?
    }

    /// Finishes the queued writes and returns the writer's connection to the pool, which
    /// can then close. Writes after this fail as if the pool were closed.
    pub async fn close(&self) {
        let (ack, closed) = oneshot::channel();
        if self.queue.send(Message::Close(ack)).await.is_ok() {
            let _ = closed.await;
        }
    }
}

/// `INSERT INTO {table} ({columns}) VALUES ($1, …), (…), …` for `rows` rows.
fn insert_sql(table: &str, columns: &[&str], rows: usize, suffix: &str) -> String {
    let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
    let mut n = 0;
    for row in 0..rows {
        sql.push_str(if row == 0 { "(" } else { ", (" });
        for column in 0..columns.len() {
            n += 1;
            let _ = write!(sql, "{}${n}", if column == 0 { "" } else { ", " });
        }
        sql.push(')');
    }
    sql.push_str(suffix);
    sql
}

/// Writes the simulations, their new results (once per hash) and their audit entries in one
/// transaction on `conn` (acquired from the pool if `None`): all of them or none.
async fn insert_batch(
    db: &Database,
    conn: &mut Option<PoolConnection<Any>>,
    batch: &[NewSimulation],
) -> Result<(), StorageError> {
    if batch.is_empty() {
        return Ok(());
    }
    let mut seen = HashSet::new();
    let results: Vec<&NewResult> = batch
        .iter()
        .filter_map(|s| s.result.as_ref())
        .filter(|r| seen.insert(r.hash.as_str()))
        .collect();
    let audit_ids: Vec<String> = batch.iter().map(|_| audit::new_entry_id()).collect();
    // Generated from counts only; every value is bound.
    let results_sql = insert_sql(
        "results",
        &[
            "hash",
            "created_at",
            "engine_version",
            "seed",
            "scenarios",
            "years",
            "duration_ms",
            "plan_json",
            "result_json",
        ],
        results.len(),
        " ON CONFLICT (hash) DO NOTHING",
    );
    let simulations_sql = insert_sql(
        "simulations",
        &[
            "id",
            "created_at",
            "api_key_id",
            "result_hash",
            "request_id",
        ],
        batch.len(),
        "",
    );
    let audit_sql = insert_sql("audit_log", &audit::COLUMNS, batch.len(), "");

    let write = async {
        let conn = match conn {
            Some(conn) => conn,
            None => conn.insert(db.pool().acquire().await?),
        };
        let mut tx = conn.begin().await?;
        if !results.is_empty() {
            let mut query = sqlx::query(AssertSqlSafe(results_sql));
            let now = timestamp_now();
            for result in &results {
                let json = std::str::from_utf8(&result.result_json)
                    .map_err(|err| sqlx::Error::Encode(Box::new(err)))?;
                query = query
                    .bind(result.hash.as_str())
                    .bind(now.as_str())
                    .bind(result.engine_version.as_str())
                    .bind(result.seed.to_string())
                    .bind(i64::from(result.scenarios))
                    .bind(i64::from(result.years))
                    .bind(result.duration_ms)
                    .bind(result.plan_json.as_str())
                    .bind(json);
            }
            query.execute(&mut *tx).await?;
        }
        let mut query = sqlx::query(AssertSqlSafe(simulations_sql));
        for simulation in batch {
            query = query
                .bind(simulation.id.as_str())
                .bind(simulation.created_at.as_str())
                .bind(simulation.api_key_id.as_deref())
                .bind(simulation.result_hash.as_str())
                .bind(simulation.request_id.as_deref());
        }
        query.execute(&mut *tx).await?;
        let mut query = sqlx::query(AssertSqlSafe(audit_sql));
        for (simulation, id) in batch.iter().zip(&audit_ids) {
            query = audit::bind(query, id, &simulation.created_at, &simulation.audit);
        }
        query.execute(&mut *tx).await?;
        tx.commit().await
    };
    db.run(write).await?;
    metrics::counter!(m::AUDIT_ENTRIES_TOTAL, "outcome" => "written").increment(batch.len() as u64);
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
