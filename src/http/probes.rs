//! Kubernetes probes.
//!
//! - `/health` (liveness): the process can answer. Touches no dependency, so a
//!   database outage never gets healthy pods restarted.
//! - `/startup`: 503 until migrations and warm-up are done.
//! - `/ready` (readiness): 503 while starting, draining, or when the database is
//!   down; 200 `degraded` when only Redis is down (L1 cache and the local limiter
//!   carry on). Each check has `probes.timeout_ms`, and they run concurrently.
//! - `/metrics`: Prometheus text.
//!
//! Machines poll these: they are never authenticated or limited, and log at debug.

use std::time::{Duration, Instant};

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::mime;
use actix_web::{HttpResponse, web};
use serde::Serialize;

use crate::state::AppState;
use crate::telemetry::metrics as m;

pub const HEALTH: &str = "/health";
pub const STARTUP: &str = "/startup";
pub const READY: &str = "/ready";
pub const METRICS: &str = "/metrics";
/// Every probe's path.
pub const PATHS: [&str; 4] = [HEALTH, STARTUP, READY, METRICS];

#[derive(Serialize)]
struct Status {
    status: &'static str,
}

#[derive(Debug, Serialize)]
pub struct Check {
    pub name: &'static str,
    /// `up` or `down`.
    pub status: &'static str,
    pub latency_ms: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Serialize)]
struct Readiness {
    /// `ready`, `degraded`, `starting`, `draining` or `unavailable`.
    status: &'static str,
    checks: Vec<Check>,
}

fn no_store(status: StatusCode) -> actix_web::HttpResponseBuilder {
    let mut builder = HttpResponse::build(status);
    builder.insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-store")));
    builder
}

/// Liveness is polled constantly, so its body is a constant.
pub async fn health() -> HttpResponse {
    no_store(StatusCode::OK)
        .content_type(mime::APPLICATION_JSON)
        .body(r#"{"status":"ok"}"#)
}

pub async fn startup(state: web::Data<AppState>) -> HttpResponse {
    if state.lifecycle.is_started() {
        no_store(StatusCode::OK).json(Status { status: "started" })
    } else {
        no_store(StatusCode::SERVICE_UNAVAILABLE).json(Status { status: "starting" })
    }
}

pub async fn ready(state: web::Data<AppState>) -> HttpResponse {
    let timeout = state.settings.probe_timeout();
    let database = timed("database", state.db.ping(timeout));
    let redis = async {
        match &state.redis {
            Some(redis) => Some(timed("redis", redis.ping(timeout)).await),
            None => None,
        }
    };
    let (database, redis) = tokio::join!(database, redis);

    let database_up = database.status == "up";
    let redis_up = redis.as_ref().is_none_or(|check| check.status == "up");
    let (status, code) = if state.lifecycle.is_draining() {
        ("draining", StatusCode::SERVICE_UNAVAILABLE)
    } else if !state.lifecycle.is_started() {
        ("starting", StatusCode::SERVICE_UNAVAILABLE)
    } else if !database_up {
        ("unavailable", StatusCode::SERVICE_UNAVAILABLE)
    } else if !redis_up {
        ("degraded", StatusCode::OK)
    } else {
        ("ready", StatusCode::OK)
    };
    let checks = std::iter::once(database).chain(redis).collect();
    no_store(code).json(Readiness { status, checks })
}

pub async fn metrics() -> HttpResponse {
    no_store(StatusCode::OK)
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(m::render())
}

async fn timed<E: std::fmt::Display>(
    name: &'static str,
    check: impl Future<Output = Result<(), E>>,
) -> Check {
    let started = Instant::now();
    let outcome = check.await;
    let latency_ms = round_ms(started.elapsed());
    metrics::gauge!(m::DEPENDENCY_UP, "dependency" => name).set(if outcome.is_ok() {
        1.0
    } else {
        0.0
    });
    match outcome {
        Ok(()) => Check {
            name,
            status: "up",
            latency_ms,
            error: None,
        },
        Err(err) => Check {
            name,
            status: "down",
            latency_ms,
            error: Some(err.to_string()),
        },
    }
}

fn round_ms(elapsed: Duration) -> f64 {
    (elapsed.as_secs_f64() * 1000.0 * 1000.0).round() / 1000.0
}
