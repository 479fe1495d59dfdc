//! Simulations as a service: a normalized plan in, a stored result with a permalink out.
//!
//! [`Simulations::create`]:
//! 1. hash the canonical plan (with its seed) and the engine version;
//! 2. find the result in L1, then L2, or run the engine under admission control (see
//!    [`admission`]) — concurrent identical requests share one run;
//! 3. store the result once per hash, a fresh `simulations` row with a random 128-bit id,
//!    and an audit entry, in one transaction, before answering. If the database is down the
//!    request fails with [`SimulationError::Storage`] and no id is handed out.
//!
//! [`Simulations::run`] is steps 1 and 2 alone: a preview, which stores nothing.
//!
//! [`Simulations::find`] resolves an id to its row and the row's result (L1, L2, then the
//! database); [`Simulations::stored_analysis`] and [`Simulations::report`] build on it.
//! The HTTP layer maps [`SimulationError`] to coded responses.

pub mod admission;
mod analyses;
pub mod cache;
pub mod comparisons;
pub mod document;
mod reports;

use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};
use tracing::Instrument;

use crate::config::Settings;
use crate::engine::plan::Limits;
use crate::engine::{self, EngineError, Plan, PlanDefaults, RunOptions};
use crate::storage::audit::AuditEntry;
use crate::storage::simulations::{self as store, NewResult, NewSimulation, SimulationWriter};
use crate::storage::{Database, RedisStore, StorageError, timestamp_now};
use crate::telemetry::metrics as m;
use admission::{Admission, AdmissionError};
pub use analyses::{AnalysisDoc, StoredAnalysis};
pub use cache::CacheTier;
use cache::{ResultCache, TieredCache};
pub use document::{ResultDoc, result_hash};
pub use reports::ReportFile;
use reports::Reports;

#[derive(Debug, Clone, thiserror::Error)]
pub enum SimulationError {
    #[error("every engine thread is busy and the queue is full")]
    Overloaded,
    #[error("the simulation did not finish within {0:?}")]
    Timeout(Duration),
    #[error("the report was not rendered within {0:?}")]
    ReportTimeout(Duration),
    #[error(transparent)]
    Storage(Arc<StorageError>),
    #[error("{0}")]
    Internal(String),
}

impl From<StorageError> for SimulationError {
    fn from(err: StorageError) -> Self {
        Self::Storage(Arc::new(err))
    }
}

/// Who asked, for the audit log and the history.
#[derive(Debug, Clone, Default)]
pub struct Caller {
    pub request_id: Option<String>,
    pub api_key_id: Option<String>,
    pub ip: Option<IpAddr>,
}

/// A simulation row with its result.
pub struct Simulation {
    pub id: String,
    pub created_at: String,
    pub result: Arc<ResultDoc>,
    pub cache: CacheTier,
}

impl Simulation {
    pub fn response_body(&self) -> actix_web::web::Bytes {
        self.result.response_body(&self.id, &self.created_at)
    }
}

pub struct Simulations {
    db: Database,
    writer: SimulationWriter,
    cache: ResultCache,
    analyses: TieredCache<AnalysisDoc>,
    reports: Reports,
    defaults: PlanDefaults,
    limits: Limits,
    admission: Admission,
    timeout: Duration,
    ip_salt: Vec<u8>,
    /// Engine runs started by this instance (tests check that identical requests share one).
    engine_runs: AtomicU64,
}

impl Simulations {
    pub fn new(
        settings: &Settings,
        db: Database,
        redis: Option<RedisStore>,
    ) -> anyhow::Result<Self> {
        let ip_salt = match settings.audit.ip_salt.expose() {
            "" => {
                let mut salt = vec![0; 16];
                rand::fill(&mut salt[..]);
                salt
            }
            salt => salt.as_bytes().to_vec(),
        };
        Ok(Self {
            writer: SimulationWriter::spawn(db.clone()),
            db,
            // Analyses are small and rarer than results; they get a tenth of L1.
            cache: ResultCache::new(&settings.cache, 0.9, redis.clone()),
            analyses: TieredCache::new(&settings.cache, 0.1, redis),
            reports: Reports::new(settings),
            admission: Admission::new(&settings.simulation)?,
            timeout: Duration::from_millis(settings.simulation.timeout_ms),
            ip_salt,
            engine_runs: AtomicU64::new(0),
            defaults: settings.plan_defaults.clone(),
            limits: Limits {
                max_scenarios: settings.simulation.max_scenarios,
                // Analyses get plans whose birth years are spelled out (`with_birth_years_of`).
                this_year: None,
            },
        })
    }

    pub fn cache(&self) -> &ResultCache {
        &self.cache
    }

    pub fn admission(&self) -> &Admission {
        &self.admission
    }

    /// The key's simulations, newest first, after `cursor` (from the previous page).
    pub async fn history(
        &self,
        api_key_id: &str,
        after: Option<(&str, &str)>,
        limit: u32,
    ) -> Result<Vec<store::HistoryRow>, SimulationError> {
        Ok(store::history(&self.db, api_key_id, after, i64::from(limit)).await?)
    }

    /// Finishes pending writes and releases the database connection the writer holds.
    pub async fn close(&self) {
        self.writer.close().await;
    }

    fn count_engine_run(&self) {
        self.engine_runs.fetch_add(1, Ordering::Relaxed);
    }

    /// Engine jobs (simulations and analyses) started by this instance.
    pub fn engine_runs(&self) -> u64 {
        self.engine_runs.load(Ordering::Relaxed)
    }

    /// The plan's result, from the cache or the engine, storing nothing: no simulation, no
    /// audit entry (a preview). The result stays cached, so creating the same plan next is a
    /// cache hit.
    pub async fn run(&self, plan: Plan) -> Result<(Arc<ResultDoc>, CacheTier), SimulationError> {
        let plan_json = serde_json::to_string(&plan).expect("plans serialize");
        let hash = result_hash(&plan_json);
        self.cache
            .get_or_insert_with(&hash, || self.run_engine(hash.clone(), plan))
            .await
            .map_err(unshare)
    }

    /// Runs (or finds) the plan's result and stores a new simulation of it.
    pub async fn create(&self, plan: Plan, caller: &Caller) -> Result<Simulation, SimulationError> {
        let (result, cache) = self.run(plan).await?;

        let id = new_simulation_id();
        let created_at = timestamp_now();
        let audit = self.created_audit(caller, "simulation.create", &id);
        let new_result = (!result.is_stored()).then(|| NewResult {
            hash: result.hash.clone(),
            engine_version: result.meta.engine_version.clone(),
            seed: result.meta.seed,
            scenarios: result.meta.scenarios,
            years: result.meta.years,
            duration_ms: result.meta.elapsed_ms,
            plan_json: result.plan_json.clone(),
            result_json: result.body.clone(),
        });
        self.writer
            .write(NewSimulation {
                id: id.clone(),
                created_at: created_at.clone(),
                api_key_id: caller.api_key_id.clone(),
                request_id: caller.request_id.clone(),
                result: new_result,
                result_hash: result.hash.clone(),
                audit,
            })
            .instrument(tracing::info_span!("store"))
            .await
            .map_err(SimulationError::Storage)?;
        result.mark_stored();
        Ok(Simulation {
            id,
            created_at,
            result,
            cache,
        })
    }

    /// The simulation with this id, or `None` (also for ids that are not ours in form). A
    /// simulation created with an API key exists only for that key (`viewer`).
    pub async fn find(
        &self,
        id: &str,
        viewer: Option<&str>,
    ) -> Result<Option<Simulation>, SimulationError> {
        if !is_simulation_id(id) {
            return Ok(None);
        }
        let Some(row) = store::find(&self.db, id).await? else {
            return Ok(None);
        };
        if row.api_key_id.is_some() && row.api_key_id.as_deref() != viewer {
            return Ok(None);
        }
        let hash = row.result_hash.clone();
        let (result, cache) = self
            .cache
            .get_or_insert_with(&hash, || async {
                let json = store::result_json(&self.db, &hash).await?.ok_or_else(|| {
                    SimulationError::Internal(format!("simulation {id} points to a missing result"))
                })?;
                ResultDoc::parse(hash.clone(), json.into(), true).map_err(|err| {
                    SimulationError::Internal(format!("stored result {hash}: {err}"))
                })
            })
            .await
            .map_err(unshare)?;
        Ok(Some(Simulation {
            id: row.id,
            created_at: row.created_at,
            result,
            cache,
        }))
    }

    async fn run_engine(&self, hash: String, plan: Plan) -> Result<ResultDoc, SimulationError> {
        self.count_engine_run();
        let started = Instant::now();
        let deadline = started + self.timeout;
        let scenarios = plan.simulation.scenarios;
        // The span covers the wait for the engine and the run on its pool (where the engine's
        // `statistics` span and the result's `render` nest in it).
        let span = tracing::info_span!("simulate", scenarios);
        let on_pool = span.clone();
        let outcome = self
            .admission
            .run(deadline, move || {
                on_pool.in_scope(|| {
                    let options = RunOptions {
                        deadline: Some(deadline),
                        simd: None,
                    };
                    engine::simulate(&plan, &options)
                        .map(|outcome| ResultDoc::new(hash, &plan, &outcome))
                })
            })
            .instrument(span)
            .await;
        let (label, result) = match outcome {
            Ok(Ok(doc)) => ("completed", Ok(doc)),
            Ok(Err(EngineError::Timeout)) | Err(AdmissionError::Timeout) => {
                ("timeout", Err(SimulationError::Timeout(self.timeout)))
            }
            Err(AdmissionError::Overloaded) => ("overloaded", Err(SimulationError::Overloaded)),
            Ok(Err(err)) => ("failed", Err(SimulationError::Internal(err.to_string()))),
            Err(err @ AdmissionError::Panicked) => {
                ("failed", Err(SimulationError::Internal(err.to_string())))
            }
        };
        metrics::counter!(m::SIMULATIONS_TOTAL, "outcome" => label).increment(1);
        if let Ok(doc) = &result {
            metrics::histogram!(m::SIMULATION_DURATION_SECONDS)
                .record(doc.meta.elapsed_ms / 1000.0);
            metrics::counter!(m::SIMULATION_PATHS_TOTAL).increment(u64::from(scenarios));
        }
        result
    }

    /// The audit entry of a successful create by `caller` of the permalink `id`.
    fn created_audit(&self, caller: &Caller, action: &str, id: &str) -> AuditEntry {
        AuditEntry {
            request_id: caller.request_id.clone(),
            actor: caller
                .api_key_id
                .as_ref()
                .map_or_else(|| "anonymous".to_string(), |key| format!("api_key:{key}")),
            action: action.into(),
            target: Some(id.to_owned()),
            outcome: "success".into(),
            client_ip_hash: caller.ip.map(|ip| self.hash_ip(ip)),
        }
    }

    /// SHA-256 of the address with the deployment's salt (`audit.ip_salt`), as audited.
    pub fn hash_ip(&self, ip: IpAddr) -> String {
        let mut hasher = Sha256::new();
        hasher.update(&self.ip_salt);
        hasher.update(ip.to_string().as_bytes());
        hex::encode(hasher.finalize())
    }
}

/// Errors shared by coalesced callers arrive in an `Arc`; each caller gets its own copy.
fn unshare(err: Arc<SimulationError>) -> SimulationError {
    SimulationError::clone(&err)
}

/// A fresh permalink id: 128 random bits from `rand`'s thread generator (ChaCha12 seeded and
/// reseeded from the OS), as 32 lowercase hex digits.
pub fn new_simulation_id() -> String {
    hex::encode(rand::random::<[u8; 16]>())
}

pub fn is_simulation_id(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}
