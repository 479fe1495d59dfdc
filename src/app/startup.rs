//! Building and running the server.
//!
//! [`Application::build`] binds the listener (port 0 picks a free one, for tests)
//! and starts migrations in the background, so `/health` answers at once and
//! `/startup` turns 200 when the database is ready.
//!
//! Shutdown order on SIGTERM or SIGINT (actix's own signal handling is off):
//! 1. `/ready` answers 503 at once;
//! 2. keep serving for `server.drain_delay_ms`, so load balancers notice; every response
//!    closes its connection, so kept-open clients move on before the listener closes;
//! 3. stop accepting; in-flight requests get `server.shutdown_timeout_seconds`;
//! 4. close the pools. `main` then flushes Sentry and exits 0.

use std::net::TcpListener;
use std::time::Duration;

use actix_web::HttpServer;
use actix_web::dev::Server;

use crate::config::Settings;
use crate::state::AppState;
use crate::storage::Database;

pub struct Application {
    port: u16,
    server: Server,
    state: AppState,
}

impl Application {
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        crate::telemetry::metrics::install();
        let state = AppState::new(settings)?;
        let server_settings = &state.settings.server;
        let listener = TcpListener::bind((server_settings.host.as_str(), server_settings.port))
            .map_err(|err| {
                anyhow::anyhow!(
                    "cannot listen on {}:{} (server.host, server.port): {err}",
                    server_settings.host,
                    server_settings.port
                )
            })?;
        let port = listener.local_addr()?.port();

        let app_state = state.clone();
        let mut server = HttpServer::new(move || super::app(app_state.clone()))
            .disable_signals()
            .shutdown_timeout(server_settings.shutdown_timeout_seconds);
        if server_settings.workers > 0 {
            server = server.workers(server_settings.workers);
        }
        let server = server.listen(listener)?.run();

        tokio::spawn(warm_up(state.clone()));
        tokio::spawn(async {
            let mut every = tokio::time::interval(Duration::from_secs(1));
            loop {
                every.tick().await;
                crate::telemetry::refusals::flush();
            }
        });
        tracing::info!(
            port,
            environment = %state.settings.environment,
            version = env!("CARGO_PKG_VERSION"),
            database = ?state.db.backend(),
            redis = state.redis.is_some(),
            "listening"
        );
        Ok(Self {
            port,
            server,
            state,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until SIGTERM or SIGINT, then shuts down in order (see the module docs).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.run_until(shutdown_signal()).await
    }

    /// Serves until `stop` completes, then shuts down in order. Tests pass their own trigger.
    pub async fn run_until(self, stop: impl Future<Output = ()>) -> std::io::Result<()> {
        let Self { server, state, .. } = self;
        let handle = server.handle();
        let mut server = std::pin::pin!(server);
        tokio::select! {
            result = &mut server => {
                state.close().await;
                return result;
            }
            () = stop => {}
        }
        let drain = Duration::from_millis(state.settings.server.drain_delay_ms);
        tracing::info!(
            drain_ms = drain.as_millis() as u64,
            "shutdown requested; draining"
        );
        state.lifecycle.start_draining();
        tokio::time::sleep(drain).await;
        tracing::info!("closing the listener; waiting for in-flight requests");
        // `stop(true)` waits up to `shutdown_timeout` for in-flight requests. The
        // server future must keep being polled meanwhile, hence the join.
        let ((), result) = tokio::join!(handle.stop(true), server);
        crate::telemetry::refusals::flush();
        state.close().await;
        tracing::info!("shutdown complete");
        result
    }
}

/// Runs migrations (when configured) until they succeed, then marks the process
/// started. A database that is down at start is retried with capped backoff.
async fn warm_up(state: AppState) {
    if state.settings.database.run_migrations {
        migrate_until_done(&state.db).await;
    }
    state.lifecycle.mark_started();
    tracing::info!("startup complete");
}

async fn migrate_until_done(db: &Database) {
    let backoff = crate::resilience::Backoff {
        attempts: u32::MAX,
        base: Duration::from_millis(250),
        max_delay: Duration::from_secs(10),
    };
    let mut failures = 0;
    loop {
        match db.migrate().await {
            Ok(()) => return,
            Err(err) => {
                failures += 1;
                let wait = backoff.ceiling(failures);
                tracing::warn!(error = %err, retry_in_ms = wait.as_millis() as u64, "migrations failed; retrying");
                tokio::time::sleep(wait).await;
            }
        }
    }
}

async fn shutdown_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate()).expect("installing the SIGTERM handler");
    let mut int = signal(SignalKind::interrupt()).expect("installing the SIGINT handler");
    tokio::select! {
        _ = term.recv() => tracing::info!(signal = "SIGTERM", "signal received"),
        _ = int.recv() => tracing::info!(signal = "SIGINT", "signal received"),
    }
}
