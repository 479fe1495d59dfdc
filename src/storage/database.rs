//! The SQL database behind one `AnyPool`, chosen by URL scheme.
//!
//! `sqlite://path` (the embedded default; the file and its folder are created, WAL
//! mode) or `postgres://…`. Queries use `$1` placeholders, which both accept.
//! The pool connects lazily, so the service starts (and answers `/health`) while
//! the database is still down; `/startup` and `/ready` tell the truth meanwhile.
//! Every call goes through [`Database::run`]: deadline plus circuit breaker.

use std::cell::Cell;
use std::future::Future;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use sqlx::AnyPool;
use sqlx::any::AnyPoolOptions;
use sqlx::migrate::Migrator;

use crate::config::{BreakerSettings, DatabaseSettings};
use crate::resilience::{BreakerError, CircuitBreaker};

static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("database unavailable: circuit open")]
    CircuitOpen,
    #[error("database call timed out after {0:?}")]
    Timeout(Duration),
    #[error("database error: {0}")]
    Sql(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl StorageError {
    /// Worth another try: the database may come back. Constraint violations won't.
    pub fn is_transient(&self) -> bool {
        match self {
            Self::CircuitOpen | Self::Timeout(_) => true,
            Self::Sql(err) => matches!(
                err,
                sqlx::Error::Io(_)
                    | sqlx::Error::PoolTimedOut
                    | sqlx::Error::PoolClosed
                    | sqlx::Error::Tls(_)
            ),
            Self::Migrate(_) => false,
        }
    }
}

impl<E: Into<StorageError>> From<BreakerError<E>> for StorageError {
    fn from(err: BreakerError<E>) -> Self {
        match err {
            BreakerError::Open => Self::CircuitOpen,
            BreakerError::Timeout(after) => Self::Timeout(after),
            BreakerError::Inner(inner) => inner.into(),
        }
    }
}

tokio::task_local! {
    /// When the current request's database time runs out.
    static BUDGET: Cell<Option<Instant>>;
}

/// Runs `fut` (one request) with one database budget: however many calls it makes, they
/// wait at most `database.query_timeout_ms` plus 10% together, counted from the first. A
/// dependency that hangs (a black-holed database) then costs a request one timeout, not one
/// per call.
pub async fn budgeted<F: Future>(fut: F) -> F::Output {
    BUDGET.scope(Cell::new(None), fut).await
}

#[derive(Clone)]
pub struct Database {
    pool: AnyPool,
    backend: Backend,
    breaker: Arc<CircuitBreaker>,
    query_timeout: Duration,
}

impl Database {
    /// Builds the pool without connecting. Fails only on a malformed URL or when
    /// the SQLite folder cannot be created.
    pub fn connect_lazy(
        settings: &DatabaseSettings,
        breaker: &BreakerSettings,
    ) -> anyhow::Result<Self> {
        sqlx::any::install_default_drivers();
        let raw = settings.url.expose();
        let (backend, url) = if raw.starts_with("sqlite:") {
            (Backend::Sqlite, prepare_sqlite_url(raw)?)
        } else {
            (Backend::Postgres, raw.to_string())
        };
        let query_timeout = Duration::from_millis(settings.query_timeout_ms);
        let pool = AnyPoolOptions::new()
            .max_connections(settings.pool_size)
            .acquire_timeout(query_timeout)
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL lets readers run beside the writer; busy_timeout makes writers queue.
                        sqlx::raw_sql(
                            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                             PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;",
                        )
                        .execute(conn)
                        .await?;
                    }
                    Ok(())
                })
            })
            .connect_lazy(&url)?;
        Ok(Self {
            pool,
            backend,
            breaker: Arc::new(CircuitBreaker::from_settings("database", breaker)),
            query_timeout,
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn pool_size(&self) -> u32 {
        self.pool.options().get_max_connections()
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn breaker(&self) -> &CircuitBreaker {
        &self.breaker
    }

    /// Runs a database call under the query deadline and the circuit breaker.
    pub async fn run<T, E, F>(&self, fut: F) -> Result<T, StorageError>
    where
        F: Future<Output = Result<T, E>>,
        E: Into<StorageError>,
    {
        self.run_within(self.query_timeout, fut).await
    }

    pub async fn run_within<T, E, F>(&self, deadline: Duration, fut: F) -> Result<T, StorageError>
    where
        F: Future<Output = Result<T, E>>,
        E: Into<StorageError>,
    {
        let deadline = match self.budget_left() {
            Some(left) if left.is_zero() => return Err(StorageError::Timeout(self.query_timeout)),
            Some(left) => deadline.min(left),
            None => deadline,
        };
        self.breaker
            .call(deadline, fut)
            .await
            .map_err(StorageError::from)
    }

    /// What is left of the current request's database budget (see [`budgeted`]), starting
    /// it if this is the request's first call; `None` outside a request.
    pub fn budget_left(&self) -> Option<Duration> {
        BUDGET
            .try_with(|budget| {
                let now = Instant::now();
                let end = budget.get().unwrap_or_else(|| {
                    let end = now + self.query_timeout.mul_f64(1.1);
                    budget.set(Some(end));
                    end
                });
                end.saturating_duration_since(now)
            })
            .ok()
    }

    /// `SELECT 1` within `deadline`, for readiness.
    pub async fn ping(&self, deadline: Duration) -> Result<(), StorageError> {
        self.run_within(deadline, sqlx::query("SELECT 1").execute(&self.pool))
            .await
            .map(drop)
    }

    /// Applies pending migrations. Safe to run from several replicas at once:
    /// sqlx takes an advisory lock on PostgreSQL.
    pub async fn migrate(&self) -> Result<(), StorageError> {
        // Migrations may legitimately take longer than one query.
        let deadline = self.query_timeout.max(Duration::from_secs(60));
        self.run_within(deadline, MIGRATOR.run(&self.pool)).await
    }

    /// Closes the pool once its connections are back, waiting at most a query timeout: a
    /// connection stuck on a dead network path must not hold the process at shutdown.
    pub async fn close(&self) {
        if tokio::time::timeout(self.query_timeout, self.pool.close())
            .await
            .is_err()
        {
            tracing::warn!("database connections did not close in time; leaving them");
        }
    }
}

/// Makes sure the SQLite file's folder exists and that the file is created on first use.
fn prepare_sqlite_url(raw: &str) -> anyhow::Result<String> {
    let rest = raw.trim_start_matches("sqlite:").trim_start_matches("//");
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let parent = Path::new(path)
        .parent()
        .filter(|p| path != ":memory:" && !p.as_os_str().is_empty());
    if let Some(parent) = parent {
        std::fs::create_dir_all(parent).map_err(|err| {
            anyhow::anyhow!(
                "cannot create the SQLite folder {}: {err}",
                parent.display()
            )
        })?;
    }
    let mode = if query.contains("mode=") {
        ""
    } else if query.is_empty() {
        "?mode=rwc"
    } else {
        "&mode=rwc"
    };
    Ok(format!("{raw}{mode}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_url_gets_create_mode_and_folder() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/nested/app.db", dir.path().display());
        let prepared = prepare_sqlite_url(&url).unwrap();
        assert!(prepared.ends_with("app.db?mode=rwc"), "{prepared}");
        assert!(dir.path().join("nested").is_dir());
        assert_eq!(
            prepare_sqlite_url("sqlite://x.db?mode=ro").unwrap(),
            "sqlite://x.db?mode=ro"
        );
    }
}
