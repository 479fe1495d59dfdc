//! The write path: group commit of simulations, their new results and audit entries.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use sqlx::pool::PoolConnection;
use sqlx::{Any, AssertSqlSafe, Connection};
use tokio::sync::{mpsc, oneshot};

use super::{NewResult, NewSimulation};
use crate::storage::audit;
use crate::storage::{Backend, Database, StorageError, timestamp_now};
use crate::telemetry::metrics as m;

/// Most simulations written in one transaction (well under every bind-parameter limit).
const MAX_BATCH: usize = 256;

/// Writes simulations with group commit. Each writer task owns one connection and a queue;
/// every request that arrives while its writer's transaction runs joins the next one. Under
/// load a transaction carries many requests (one commit, a few multi-row statements);
/// alone, a request is written at once. Each caller still waits for its own commit.
///
/// SQLite gets one writer (it has one write lock, and a writer that keeps its connection
/// keeps its page cache warm); PostgreSQL gets several, so commits overlap.
#[derive(Clone)]
pub struct SimulationWriter {
    queues: Arc<[mpsc::Sender<Message>]>,
    next: Arc<AtomicUsize>,
    /// For the request's database budget.
    db: Database,
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
    /// Starts the writer tasks on the current tokio runtime.
    pub fn spawn(db: Database) -> Self {
        let writers = match db.backend() {
            Backend::Sqlite => 1,
            // Leave at least half the pool to readers.
            Backend::Postgres => (db.pool_size() / 2).clamp(1, 4) as usize,
        };
        let queues = (0..writers)
            .map(|_| {
                let (queue, inbox) = mpsc::channel::<Message>(4 * MAX_BATCH);
                tokio::spawn(run_writer(db.clone(), inbox));
                queue
            })
            .collect();
        Self {
            queues,
            next: Arc::new(AtomicUsize::new(0)),
            db,
        }
    }

    /// Stores the simulation (and its result and audit entry) and returns once committed,
    /// waiting no longer than the request's database budget. A write whose caller stopped
    /// waiting before its batch started is not made.
    pub async fn write(&self, simulation: NewSimulation) -> Result<(), Arc<StorageError>> {
        let (done, committed) = oneshot::channel();
        let lost = || Arc::new(StorageError::Sql(sqlx::Error::PoolClosed));
        let queue = &self.queues[self.next.fetch_add(1, Ordering::Relaxed) % self.queues.len()];
        let write = async {
            queue
                .send(Message::Write {
                    simulation: Box::new(simulation),
                    done,
                })
                .await
                .map_err(|_| lost())?;
            committed.await.map_err(|_| lost())?
        };
        match self.db.budget_left() {
            Some(left) => tokio::time::timeout(left, write)
                .await
                .unwrap_or_else(|_| Err(Arc::new(StorageError::Timeout(left)))),
            None => write.await,
        }
    }

    /// Finishes the queued writes and returns the writers' connections to the pool, which
    /// can then close. Writes after this fail as if the pool were closed.
    pub async fn close(&self) {
        for queue in self.queues.iter() {
            let (ack, closed) = oneshot::channel();
            if queue.send(Message::Close(ack)).await.is_ok() {
                let _ = closed.await;
            }
        }
    }
}

async fn run_writer(db: Database, mut inbox: mpsc::Receiver<Message>) {
    let mut messages = Vec::with_capacity(MAX_BATCH);
    let mut conn = None;
    let mut closed = None;
    while closed.is_none() && inbox.recv_many(&mut messages, MAX_BATCH).await > 0 {
        let mut rows = Vec::with_capacity(messages.len());
        let mut waiters = Vec::with_capacity(messages.len());
        for message in messages.drain(..) {
            match message {
                // Its caller gave up (its budget ran out): nobody will hear of this id.
                Message::Write { done, .. } if done.is_closed() => {}
                Message::Write { simulation, done } => {
                    rows.push(*simulation);
                    waiters.push(done);
                }
                Message::Close(ack) => closed = Some(ack),
            }
        }
        if rows.is_empty() {
            continue;
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
}

type AnyQuery<'q> = sqlx::query::Query<'q, Any, sqlx::any::AnyArguments>;

const RESULT_COLUMNS: [&str; 9] = [
    "hash",
    "created_at",
    "engine_version",
    "seed",
    "scenarios",
    "years",
    "duration_ms",
    "plan_json",
    "result_json",
];
const SIMULATION_COLUMNS: [&str; 5] = [
    "id",
    "created_at",
    "api_key_id",
    "result_hash",
    "request_id",
];

/// `INSERT INTO {table} ({columns}) VALUES ($n, …), (…), …` for `rows` rows, numbering the
/// placeholders on from `*n`. Built from counts only: every value is bound.
fn insert_sql(table: &str, columns: &[&str], rows: usize, n: &mut usize) -> String {
    let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
    for row in 0..rows {
        sql.push_str(if row == 0 { "(" } else { ", (" });
        for column in 0..columns.len() {
            *n += 1;
            let _ = write!(sql, "{}${}", if column == 0 { "" } else { ", " }, *n);
        }
        sql.push(')');
    }
    sql
}

/// Writes the simulations, their new results (once per hash) and their audit entries
/// atomically on `conn` (acquired from the pool if `None`): all of them or none.
///
/// PostgreSQL gets one statement (data-modifying CTEs; a statement is atomic), so a batch
/// costs one round trip. SQLite gets one transaction of up to three statements.
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
    let now = timestamp_now();
    // One PostgreSQL statement numbers its placeholders on; SQLite's statements each start at 1.
    let one_statement = db.backend() == Backend::Postgres;
    let mut n = 0;
    let next_start = |n: &mut usize| {
        if !one_statement {
            *n = 0;
        }
    };
    let results_sql = (!results.is_empty()).then(|| {
        let sql = insert_sql("results", &RESULT_COLUMNS, results.len(), &mut n);
        sql + " ON CONFLICT (hash) DO NOTHING"
    });
    next_start(&mut n);
    let simulations_sql = insert_sql("simulations", &SIMULATION_COLUMNS, batch.len(), &mut n);
    next_start(&mut n);
    let audit_sql = insert_sql("audit_log", &audit::COLUMNS, batch.len(), &mut n);

    let write = async {
        let conn = match conn {
            Some(conn) => conn,
            None => conn.insert(db.pool().acquire().await?),
        };
        if one_statement {
            let mut sql = String::from("WITH ");
            if let Some(results_sql) = &results_sql {
                let _ = write!(sql, "new_results AS ({results_sql}), ");
            }
            let _ = write!(sql, "new_simulations AS ({simulations_sql}) {audit_sql}");
            let query = bind_results(sqlx::query(AssertSqlSafe(sql)), &results, &now)?;
            bind_audit(bind_simulations(query, batch), batch, &audit_ids)
                .execute(&mut **conn)
                .await?;
            Ok(())
        } else {
            let mut tx = conn.begin().await?;
            if let Some(results_sql) = results_sql {
                bind_results(sqlx::query(AssertSqlSafe(results_sql)), &results, &now)?
                    .execute(&mut *tx)
                    .await?;
            }
            bind_simulations(sqlx::query(AssertSqlSafe(simulations_sql)), batch)
                .execute(&mut *tx)
                .await?;
            bind_audit(sqlx::query(AssertSqlSafe(audit_sql)), batch, &audit_ids)
                .execute(&mut *tx)
                .await?;
            tx.commit().await
        }
    };
    db.run(write).await?;
    metrics::counter!(m::AUDIT_ENTRIES_TOTAL, "outcome" => "written").increment(batch.len() as u64);
    Ok(())
}

fn bind_results<'q>(
    mut query: AnyQuery<'q>,
    results: &[&'q NewResult],
    now: &'q str,
) -> Result<AnyQuery<'q>, sqlx::Error> {
    for result in results {
        let json = std::str::from_utf8(&result.result_json)
            .map_err(|err| sqlx::Error::Encode(Box::new(err)))?;
        query = query
            .bind(result.hash.as_str())
            .bind(now)
            .bind(result.engine_version.as_str())
            .bind(result.seed.to_string())
            .bind(i64::from(result.scenarios))
            .bind(i64::from(result.years))
            .bind(result.duration_ms)
            .bind(result.plan_json.as_str())
            .bind(json);
    }
    Ok(query)
}

fn bind_simulations<'q>(mut query: AnyQuery<'q>, batch: &'q [NewSimulation]) -> AnyQuery<'q> {
    for simulation in batch {
        query = query
            .bind(simulation.id.as_str())
            .bind(simulation.created_at.as_str())
            .bind(simulation.api_key_id.as_deref())
            .bind(simulation.result_hash.as_str())
            .bind(simulation.request_id.as_deref());
    }
    query
}

fn bind_audit<'q>(
    mut query: AnyQuery<'q>,
    batch: &'q [NewSimulation],
    ids: &'q [String],
) -> AnyQuery<'q> {
    for (simulation, id) in batch.iter().zip(ids) {
        query = audit::bind(query, id, &simulation.created_at, &simulation.audit);
    }
    query
}
