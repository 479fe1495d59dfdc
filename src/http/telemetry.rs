//! The per-request middleware: request id, tracing span (continuing an incoming W3C
//! `traceparent`), Sentry tags, the request deadline, panic containment, metrics and the
//! completion log line.
//!
//! It sits inside the Sentry middleware (so tags land on the request's hub, which
//! is configured not to capture errors itself) and reports each unexpected 5xx to Sentry
//! once. Expected refusals (every coded error but `internal`: a client's mistake, the
//! database down, a full queue, a deadline) are logged once per reason and second, and an
//! outage once per incident (`telemetry::refusals`).
//!
//! It turns every failure below it into a coded error: inner `Err`s, panics (the
//! panic itself is reported by Sentry's panic hook) and requests that outlive
//! `server.request_timeout_seconds` (504 `timeout`). Those leave as `Err(AppError)`
//! carrying the request id, because the `HttpRequest` was consumed by routing
//! (actix panics if it is cloned before routing), and actix renders them.

use std::panic::AssertUnwindSafe;
use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::ConnectionType;
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpResponse, web};
use futures_util::FutureExt;
use tracing::Instrument;

use super::errors::{AppError, ErrorCode, INTERNAL_MESSAGE};
use super::probes;
use super::request_id::{self, RequestId};
use crate::simulations::{CacheTier, Simulation};
use crate::state::AppState;
use crate::storage::budgeted;
use crate::telemetry::metrics as m;
use crate::telemetry::refusals;
use crate::telemetry::traces;

/// The W3C trace context header (<https://www.w3.org/TR/trace-context/>).
const TRACEPARENT: &str = "traceparent";

pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let started = Instant::now();
    let request_id = RequestId::from_headers(req.headers());
    let route = req
        .match_pattern()
        .unwrap_or_else(|| "unmatched".to_string());
    let method = req.method().clone();
    // Routes polled by machines log at debug, not info.
    let quiet = probes::PATHS.contains(&route.as_str());
    // Probes and /metrics bound their own work (probes.timeout_ms), so they skip
    // the request deadline and its timer.
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let deadline = state
        .as_ref()
        .filter(|_| !quiet)
        .map(|state| state.settings.request_timeout());

    // Simulation handlers fill `scenarios`, `years` and `cache` in (`record_run`). Probes'
    // spans are at debug, so they are neither exported nor paid for at info.
    macro_rules! request_span {
        ($level:expr) => {
            tracing::span!(
                $level,
                "request",
                request_id = %request_id,
                method = %method,
                route = %route,
                trace_id = tracing::field::Empty,
                scenarios = tracing::field::Empty,
                years = tracing::field::Empty,
                cache = tracing::field::Empty,
            )
        };
    }
    let span = if quiet {
        request_span!(tracing::Level::DEBUG)
    } else {
        request_span!(tracing::Level::INFO)
    };
    let traceparent = req
        .headers()
        .get(TRACEPARENT)
        .and_then(|value| value.to_str().ok());
    let trace_id = traces::trace_id(&span, traceparent);
    if let Some(trace_id) = &trace_id {
        span.record("trace_id", trace_id.as_str());
    }
    sentry::configure_scope(|scope| {
        scope.set_tag("request_id", request_id.as_str());
        scope.set_tag("route", &route);
        if let Some(trace_id) = &trace_id {
            scope.set_tag("trace_id", trace_id);
        }
    });

    m::http_in_flight(1.0);
    // One database budget per request (`storage::budgeted`).
    let call = AssertUnwindSafe(budgeted(next.call(req))).catch_unwind();
    let outcome = request_id
        .clone()
        .scope(async {
            match deadline {
                Some(deadline) => tokio::time::timeout(deadline, call).await.ok(),
                None => Some(call.await),
            }
        })
        .instrument(span.clone())
        .await;
    m::http_in_flight(-1.0);

    let panicked = matches!(outcome, Some(Err(_)));
    let result = match outcome {
        Some(Ok(Ok(res))) => Ok(request_id
            .clone()
            .sync_scope(|| coded(res.map_into_boxed_body()))),
        Some(Ok(Err(err))) => Err(AppError::from_actix(&err)),
        Some(Err(_panic)) => Err(AppError::new(ErrorCode::Internal, INTERNAL_MESSAGE)),
        None => Err(AppError::new(
            ErrorCode::Timeout,
            "the request did not finish in time",
        )),
    }
    .map_err(|err| err.with_request_id(request_id.clone()));

    let status = match &result {
        Ok(res) => res.status(),
        Err(err) => err.code().status(),
    };
    let elapsed = started.elapsed();
    m::http_request_done(
        method.as_str(),
        &route,
        status.as_u16(),
        elapsed.as_secs_f64(),
    );

    // An expected refusal (every coded error but `internal`) is told once per reason and
    // second, and an outage once per incident (`telemetry::refusals`), not per request.
    let refusal = match &result {
        Ok(res) => res
            .response()
            .error()
            .and_then(|e| e.as_error::<AppError>()),
        Err(err) => Some(err),
    }
    .filter(|err| err.code() != ErrorCode::Internal && !panicked);
    if let Some(err) = refusal {
        let code = err.code().as_str();
        let starts = refusals::global().note(code, status.as_u16(), err.message(), Instant::now());
        if starts && status.is_server_error() {
            sentry::Hub::current().capture_message(
                &format!("incident: requests refused with {code}: {}", err.message()),
                sentry::Level::Warning,
            );
        }
    }
    // Any other 5xx's error, and our own error type when it is one (for its cause).
    let failure: Option<(&(dyn std::error::Error + 'static), Option<&AppError>)> = match &result {
        _ if !status.is_server_error() || refusal.is_some() => None,
        Ok(res) => res
            .response()
            .error()
            .map(|err| (err as _, err.as_error::<AppError>())),
        Err(err) => Some((err as _, Some(err))),
    };
    if let Some((error, _)) = failure.filter(|_| !panicked) {
        // One Sentry event per failure: the panic hook has already reported panics.
        sentry::Hub::current().capture_error(error);
    }
    span.in_scope(|| {
        let status = status.as_u16();
        let duration_ms = (elapsed.as_secs_f64() * 1_000_000.0).round() / 1000.0;
        match (failure, refusal) {
            (Some((error, app_error)), _) => {
                let cause = app_error
                    .and_then(AppError::cause)
                    .map(|c| format!("{c:#}"));
                tracing::error!(status, duration_ms, error = %error, cause, "request failed");
            }
            (None, Some(err)) => {
                tracing::debug!(
                    status,
                    duration_ms,
                    code = err.code().as_str(),
                    "request refused"
                );
            }
            (None, None) if quiet => tracing::debug!(status, duration_ms, "request completed"),
            (None, None) => tracing::info!(status, duration_ms, "request completed"),
        }
    });

    let mut res = result?;
    if let Ok(value) = HeaderValue::from_str(request_id.as_str()) {
        res.headers_mut()
            .insert(HeaderName::from_static(request_id::HEADER), value);
    }
    // While draining, every response closes its connection, so kept-open clients move to a
    // new one (and to another replica) before the listener closes under them.
    if state.is_some_and(|state| state.lifecycle.is_draining()) {
        res.response_mut()
            .head_mut()
            .set_connection_type(ConnectionType::Close);
    }
    Ok(res)
}

/// Replaces an error response that did not come from [`AppError`] (actix's own
/// extractor and routing errors, plain text) with the coded JSON body.
fn coded(res: ServiceResponse<BoxBody>) -> ServiceResponse<BoxBody> {
    match res.response().error() {
        Some(err) if err.as_error::<AppError>().is_none() => {
            let replacement = AppError::from_actix(err);
            res.into_response(HttpResponse::from_error(replacement))
        }
        _ => res,
    }
}

/// `scenarios`, `years` and `cache` on the request's log line.
pub fn record_run(scenarios: u32, years: u32, cache: CacheTier) {
    let span = tracing::Span::current();
    span.record("scenarios", scenarios);
    span.record("years", years);
    span.record("cache", cache.as_str());
}

/// [`record_run`] for a simulation found or made.
pub fn record_simulation(simulation: &Simulation) {
    let meta = &simulation.result.meta;
    record_run(meta.scenarios, meta.years, simulation.cache);
}
