//! JSON API v1: simulations and the OpenAPI document.
//!
//! Handlers parse and validate, then hand the plan to [`crate::simulations`], which owns
//! caching, admission control and storage. Each `#[utoipa::path]` here is the
//! documentation of its route; `openapi.rs` collects them.

use std::time::Duration;

use actix_web::http::header::{self, HeaderMap, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};

use super::errors::{AppError, ErrorCode, FieldError};
use super::guard::Identity;
use super::request_id::RequestId;
use super::{get_resource, resource};
use crate::engine::plan::{AssetAssumption, Correlations, Limits, parse_plan_json};
use crate::simulations::{CacheTier, Caller, Simulation, SimulationError};
use crate::state::AppState;
use actix_web::HttpMessage;

pub const SIMULATIONS: &str = "/api/v1/simulations";

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        resource(SIMULATIONS, "GET, HEAD, POST")
            .route(web::post().to(create_simulation))
            .route(web::get().to(list_simulations))
            .route(web::head().to(list_simulations)),
    )
    .service(get_resource("/api/v1/simulations/{id}", get_simulation))
    .service(get_resource(
        "/api/v1/simulations/{id}/percentiles.csv",
        get_percentiles_csv,
    ))
    .service(get_resource(
        "/api/v1/simulations/{id}/report.pdf",
        get_report_pdf,
    ))
    .service(resource("/api/v1/analysis", "POST").route(web::post().to(create_analysis)))
    .service(get_resource("/api/v1/assumptions", assumptions))
    .service(get_resource("/api/v1/openapi.json", openapi_json));
}

/// Results are immutable, so a client may keep one as long as it likes.
const IMMUTABLE: &str = "private, max-age=31536000, immutable";
const X_CACHE: &str = "x-cache";

/// Run a simulation, or find its result in the cache, and store it under a new id.
#[utoipa::path(
    post,
    path = "/api/v1/simulations",
    tag = "simulations",
    request_body(content = crate::engine::PlanInput, content_type = "application/json",
        description = "The plan. Only `current_age`, `end_age`, `portfolio.balance` and `spending.annual` are required."),
    responses(
        (status = 201, description = "The result, stored under a new unguessable id.",
            body = super::openapi::SimulationResult,
            headers(
                ("Location" = String, description = "The permalink of this simulation."),
                ("ETag" = String, description = "Weak validator of the result; equal plans and seeds share it."),
                ("X-Cache" = String, description = "`hit-l1`, `hit-l2` or `miss`."),
            )),
        (status = 400, description = "The body is not JSON.", body = super::errors::Body),
        (status = 413, description = "The body is over 64 KiB.", body = super::errors::Body),
        (status = 415, description = "The body is not `application/json`.", body = super::errors::Body),
        (status = 422, description = "The plan breaks the rules; `fields` lists every problem.", body = super::errors::Body),
        (status = 503, description = "`overloaded` or `storage_unavailable`; retry after `Retry-After` seconds.", body = super::errors::Body,
            headers(("Retry-After" = String, description = "Seconds to wait."))),
        (status = 504, description = "The simulation did not finish in time.", body = super::errors::Body),
        (status = 401, description = "An unknown, revoked or malformed API key.", body = super::errors::Body),
        (status = 429, description = "Over the rate limit; see `Retry-After` and `RateLimit-*`.", body = super::errors::Body,
            headers(("Retry-After" = String, description = "Seconds to wait."))),
    )
)]
pub async fn create_simulation(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let text = json_object_text(&req, &body)?;
    let input = parse_plan_json(text).map_err(|field| AppError::validation(vec![field]))?;
    let limits = Limits {
        max_scenarios: state.settings.simulation.max_scenarios,
    };
    let plan = input
        .normalize(&state.settings.plan_defaults, limits)
        .map_err(AppError::validation)?;
    ensure_started(&state)?;
    let simulation = state
        .simulations
        .create(plan, &caller(&req))
        .await
        .map_err(into_app_error)?;
    record_simulation_fields(&simulation);
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("{SIMULATIONS}/{}", simulation.id)))
        .insert_header((header::ETAG, etag(&simulation)))
        .insert_header((X_CACHE, simulation.cache.as_str()))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .content_type(mime_json())
        .body(simulation.response_body()))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HistoryQuery {
    /// Entries per page, 1 to 100 (default 20).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
    /// `next_cursor` from the previous page.
    pub cursor: Option<String>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct HistoryEntry {
    pub id: String,
    pub created_at: String,
    pub scenarios: i64,
    pub years: i64,
    /// The simulation's permalink.
    pub url: String,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct HistoryPage {
    /// Newest first.
    pub simulations: Vec<HistoryEntry>,
    /// Pass as `cursor` for the next page; `null` on the last one.
    pub next_cursor: Option<String>,
}

/// The calling API key's own simulations, newest first, with cursor paging.
#[utoipa::path(
    get,
    path = "/api/v1/simulations",
    tag = "simulations",
    params(HistoryQuery),
    security(("api_key" = [])),
    responses(
        (status = 200, description = "A page of the key's history.", body = HistoryPage),
        (status = 400, description = "A query string that cannot be read (a parameter given twice).", body = super::errors::Body),
        (status = 401, description = "No API key, or an unknown or revoked one.", body = super::errors::Body),
        (status = 422, description = "A bad `limit` or `cursor`.", body = super::errors::Body),
        (status = 429, description = "Over the rate limit; see `Retry-After` and `RateLimit-*`.", body = super::errors::Body,
            headers(("Retry-After" = String, description = "Seconds to wait."))),
    )
)]
pub async fn list_simulations(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<HistoryQuery>,
) -> Result<HttpResponse, AppError> {
    ensure_started(&state)?;
    let identity = identity(&req);
    let Some(key_id) = identity.key_id() else {
        return Err(AppError::new(
            ErrorCode::Unauthorized,
            "the history belongs to an API key: send `Authorization: Bearer <API key>`",
        ));
    };
    let mut errors = Vec::new();
    let limit = match query.limit.as_deref().map(str::parse::<u32>) {
        None => 20,
        Some(Ok(n)) if (1..=100).contains(&n) => n,
        Some(_) => {
            errors.push(FieldError::new(
                "limit",
                "must be a whole number from 1 to 100",
            ));
            20
        }
    };
    let cursor = query.cursor.as_deref().map(decode_cursor);
    if let Some(None) = cursor {
        errors.push(FieldError::new(
            "cursor",
            "is not a cursor this API gave out",
        ));
    }
    if !errors.is_empty() {
        return Err(AppError::validation(errors));
    }
    let after = cursor.flatten();
    let rows = state
        .simulations
        .history(
            key_id,
            after.as_ref().map(|(a, b)| (a.as_str(), b.as_str())),
            limit + 1,
        )
        .await
        .map_err(into_app_error)?;
    let more = rows.len() > limit as usize;
    let simulations: Vec<HistoryEntry> = rows
        .into_iter()
        .take(limit as usize)
        .map(|row| HistoryEntry {
            url: format!("{SIMULATIONS}/{}", row.id),
            id: row.id,
            created_at: row.created_at,
            scenarios: row.scenarios,
            years: row.years,
        })
        .collect();
    let next_cursor = more
        .then(|| {
            simulations
                .last()
                .map(|last| encode_cursor(&last.created_at, &last.id))
        })
        .flatten();
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(HistoryPage {
            simulations,
            next_cursor,
        }))
}

/// Opaque to clients: the position (created_at, id) of the last entry, hex-encoded.
fn encode_cursor(created_at: &str, id: &str) -> String {
    hex::encode(format!("{created_at}|{id}"))
}

fn decode_cursor(cursor: &str) -> Option<(String, String)> {
    let text = String::from_utf8(hex::decode(cursor).ok()?).ok()?;
    let (at, id) = text.split_once('|')?;
    (crate::simulations::is_simulation_id(id) && at.len() <= 40)
        .then(|| (at.to_string(), id.to_string()))
}

/// A stored simulation.
#[utoipa::path(
    get,
    path = "/api/v1/simulations/{id}",
    tag = "simulations",
    params(("id" = String, Path, description = "The simulation id: 32 lowercase hex digits.")),
    responses(
        (status = 200, description = "The stored result.", body = super::openapi::SimulationResult,
            headers(
                ("ETag" = String, description = "Weak validator of the result."),
                ("X-Cache" = String, description = "`hit-l1`, `hit-l2` or `miss` (read from the database)."),
            )),
        (status = 304, description = "The result matches `If-None-Match`."),
        (status = 404, description = "No simulation has this id.", body = super::errors::Body),
        (status = 503, description = "The database is unavailable.", body = super::errors::Body,
            headers(("Retry-After" = String, description = "Seconds to wait."))),
        (status = 401, description = "An unknown, revoked or malformed API key.", body = super::errors::Body),
        (status = 429, description = "Over the rate limit; see `Retry-After` and `RateLimit-*`.", body = super::errors::Body,
            headers(("Retry-After" = String, description = "Seconds to wait."))),
    )
)]
pub async fn get_simulation(
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let simulation = find(&state, &req, &id).await?;
    let tag = etag(&simulation);
    let not_modified = matches_etag(req.headers(), &tag);
    let mut response = if not_modified {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header((header::ETAG, tag))
        .insert_header((X_CACHE, simulation.cache.as_str()))
        .insert_header((header::CACHE_CONTROL, IMMUTABLE));
    if not_modified {
        return Ok(response.finish());
    }
    Ok(response
        .content_type(mime_json())
        .body(simulation.response_body()))
}

/// The yearly percentile bands of real balance and spending, as CSV.
#[utoipa::path(
    get,
    path = "/api/v1/simulations/{id}/percentiles.csv",
    tag = "simulations",
    params(("id" = String, Path, description = "The simulation id.")),
    responses(
        (status = 200, description = "One row per simulated year: `year,age,balance_p5,…,balance_p95,spending_p5,…,spending_p95`, today's dollars.",
            content_type = "text/csv", body = String,
            headers(("ETag" = String, description = "Validator of the CSV."))),
        (status = 304, description = "The CSV matches `If-None-Match`."),
        (status = 404, description = "No simulation has this id.", body = super::errors::Body),
        (status = 503, description = "The database is unavailable.", body = super::errors::Body,
            headers(("Retry-After" = String, description = "Seconds to wait."))),
        (status = 401, description = "An unknown, revoked or malformed API key.", body = super::errors::Body),
        (status = 429, description = "Over the rate limit; see `Retry-After` and `RateLimit-*`.", body = super::errors::Body,
            headers(("Retry-After" = String, description = "Seconds to wait."))),
    )
)]
pub async fn get_percentiles_csv(
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let simulation = find(&state, &req, &id).await?;
    let tag = format!("\"{}-csv\"", simulation.result.hash);
    if matches_etag(req.headers(), &tag) {
        return Ok(HttpResponse::NotModified()
            .insert_header((header::ETAG, tag))
            .insert_header((header::CACHE_CONTROL, IMMUTABLE))
            .finish());
    }
    let csv = simulation
        .result
        .percentiles_csv()
        .map_err(AppError::internal)?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, tag))
        .insert_header((header::CACHE_CONTROL, IMMUTABLE))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!(
                "attachment; filename=\"glidepath-{}-percentiles.csv\"",
                simulation.id
            ),
        ))
        .content_type("text/csv; charset=utf-8")
        .body(csv))
}

/// The plan review as a PDF: cover with the odds, the plan and its assumptions, the charts,
/// the percentile table, the analysis, methodology and disclaimer.
#[utoipa::path(
    get,
    path = "/api/v1/simulations/{id}/report.pdf",
    tag = "simulations",
    params(
        ("id" = String, Path, description = "The simulation id."),
        crate::web::report::ReportQuery,
    ),
    responses(
        (status = 200, description = "The report. The same result gives the same bytes.",
            content_type = "application/pdf", body = super::openapi::PdfDocument,
            headers(
                ("ETag" = String, description = "Validator of the report (absent when the analysis was unavailable and the report says so)."),
                ("Content-Disposition" = String, description = "`attachment` with a file name."),
            )),
        (status = 304, description = "The report matches `If-None-Match`."),
        (status = 400, description = "A query string that cannot be read (a parameter given twice).", body = super::errors::Body),
        (status = 404, description = "No simulation has this id.", body = super::errors::Body),
        (status = 422, description = "`paper` is not `a4` or `letter`.", body = super::errors::Body),
        (status = 503, description = "The database is unavailable.", body = super::errors::Body,
            headers(("Retry-After" = String, description = "Seconds to wait."))),
        (status = 504, description = "The render passed `report.timeout_ms`.", body = super::errors::Body),
        (status = 401, description = "An unknown, revoked or malformed API key.", body = super::errors::Body),
        (status = 429, description = "Over the rate limit; see `Retry-After` and `RateLimit-*`.", body = super::errors::Body,
            headers(("Retry-After" = String, description = "Seconds to wait."))),
    )
)]
pub async fn get_report_pdf(
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<String>,
    query: web::Query<crate::web::report::ReportQuery>,
) -> Result<HttpResponse, AppError> {
    crate::web::report::serve(&state, &req, &id, &query).await
}

/// The body of `POST /api/v1/analysis`.
#[derive(serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnalysisRequest {
    /// The plan, exactly as for `POST /api/v1/simulations`.
    #[schema(value_type = crate::engine::PlanInput)]
    pub plan: serde_json::Value,
    /// Success targets, 0.5 to 0.99 each, at most five. Default `[0.90, 0.95]`.
    #[schema(example = json!([0.9, 0.95]))]
    pub targets: Option<Vec<f64>>,
}

/// Safe spending, goal seeking and sensitivity for a plan, with insights in plain words.
#[utoipa::path(
    post,
    path = "/api/v1/analysis",
    tag = "analysis",
    request_body(content = AnalysisRequest, content_type = "application/json"),
    responses(
        (status = 200, description = "The analysis. Every number is a simulation of the plan with one input changed, on the plan's seed and scenario count.",
            body = crate::analysis::Analysis,
            headers(("X-Cache" = String, description = "`hit-l1`, `hit-l2` or `miss`."))),
        (status = 400, description = "The body is not a JSON object.", body = super::errors::Body),
        (status = 413, description = "The body is over 64 KiB.", body = super::errors::Body),
        (status = 415, description = "The body is not `application/json`.", body = super::errors::Body),
        (status = 422, description = "Bad plan fields (`plan.…`) or targets (`targets[i]`); `fields` lists every problem.", body = super::errors::Body),
        (status = 503, description = "`overloaded`; retry after `Retry-After` seconds.", body = super::errors::Body,
            headers(("Retry-After" = String, description = "Seconds to wait."))),
        (status = 504, description = "The analysis did not finish in time.", body = super::errors::Body),
        (status = 401, description = "An unknown, revoked or malformed API key.", body = super::errors::Body),
        (status = 429, description = "Over the rate limit; see `Retry-After` and `RateLimit-*`.", body = super::errors::Body,
            headers(("Retry-After" = String, description = "Seconds to wait."))),
    )
)]
pub async fn create_analysis(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let text = json_object_text(&req, &body)?;
    let request: AnalysisRequest = serde_json::from_str(text)
        .map_err(|err| AppError::validation(vec![FieldError::new("body", err.to_string())]))?;
    let plan_text = request.plan.to_string();
    let mut errors = Vec::new();
    let input = match parse_plan_json(&plan_text) {
        Ok(input) => Some(input),
        Err(field) => {
            errors.push(FieldError::new(
                format!("plan.{}", field.path),
                field.message,
            ));
            None
        }
    };
    let targets = crate::analysis::targets(request.targets.as_deref()).unwrap_or_else(|bad| {
        errors.extend(bad);
        Vec::new()
    });
    let limits = Limits {
        max_scenarios: state.settings.simulation.max_scenarios,
    };
    let plan = input.as_ref().and_then(|input| {
        input
            .clone()
            .normalize(&state.settings.plan_defaults, limits)
            .map_err(|bad| errors.extend(crate::analysis::under_plan(bad)))
            .ok()
    });
    let (Some(input), Some(plan)) = (input, plan) else {
        return Err(AppError::validation(errors));
    };
    if !errors.is_empty() {
        return Err(AppError::validation(errors));
    }
    let plan_json = serde_json::to_string(&plan).expect("plans serialize");
    let (analysis, cache) = state
        .simulations
        .analyze(input, &plan_json, targets)
        .await
        .map_err(into_app_error)?;
    record_log_fields(plan.simulation.scenarios, plan.years() as u32, cache);
    Ok(HttpResponse::Ok()
        .insert_header((X_CACHE, cache.as_str()))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .content_type(mime_json())
        .body(analysis.body.clone()))
}

/// A named set of lognormal market assumptions, in the plan's `market` terms.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct AssumptionSet {
    /// `defaults` or `us_history`.
    pub name: &'static str,
    pub description: String,
    pub stocks: AssetAssumption,
    pub bonds: AssetAssumption,
    pub cash: AssetAssumption,
    pub inflation: AssetAssumption,
    pub correlations: Correlations,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct AssumptionSets {
    pub sets: Vec<AssumptionSet>,
}

/// Market assumptions to choose from: this service's defaults, and the same parameters
/// fitted to US history ("fit from history"). Copy one into a plan's `market`.
#[utoipa::path(
    get,
    path = "/api/v1/assumptions",
    tag = "simulations",
    responses(
        (status = 200, description = "The assumption sets.", body = AssumptionSets),
        (status = 401, description = "An unknown, revoked or malformed API key.", body = super::errors::Body),
        (status = 429, description = "Over the rate limit; see `Retry-After` and `RateLimit-*`.", body = super::errors::Body,
            headers(("Retry-After" = String, description = "Seconds to wait."))),
    )
)]
pub async fn assumptions(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
        .json(assumption_sets(&state.settings.plan_defaults.market))
}

/// The configured defaults and the fit to US history (the form's presets use them too).
pub(crate) fn assumption_sets(defaults: &crate::engine::plan::Market) -> AssumptionSets {
    let fit = crate::engine::history::us_annual().fit();
    AssumptionSets {
        sets: vec![
            AssumptionSet {
                name: "defaults",
                description: "The service's defaults: assumptions, not advice.".into(),
                stocks: defaults.stocks,
                bonds: defaults.bonds,
                cash: defaults.cash,
                inflation: defaults.inflation,
                correlations: defaults.correlations,
            },
            AssumptionSet {
                name: "us_history",
                description: format!(
                    "Fitted to US history {}–{}: arithmetic means, sample volatilities and \
                     correlations of the yearly series in data/us_annual.csv.",
                    fit.first_year, fit.last_year
                ),
                stocks: fit.stocks,
                bonds: fit.bonds,
                cash: fit.cash,
                inflation: fit.inflation,
                correlations: fit.correlations,
            },
        ],
    }
}

/// This document.
#[utoipa::path(
    get,
    path = "/api/v1/openapi.json",
    tag = "meta",
    responses((status = 200, description = "The OpenAPI 3.1 document of this API.", content_type = "application/json", body = Object))
)]
pub async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok()
        .content_type(mime_json())
        .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
        .body(super::openapi::document())
}

/// The body as text, once it is known to be a JSON object sent as JSON: 415, or 400 with
/// the syntax error's position.
fn json_object_text<'a>(req: &HttpRequest, body: &'a [u8]) -> Result<&'a str, AppError> {
    if !is_json(req.headers()) {
        return Err(AppError::new(
            ErrorCode::UnsupportedMediaType,
            "expected a JSON body with Content-Type: application/json",
        ));
    }
    let text = std::str::from_utf8(body)
        .map_err(|_| AppError::new(ErrorCode::MalformedRequest, "the body is not UTF-8 text"))?;
    if let Err(err) = serde_json::from_str::<serde::de::IgnoredAny>(text) {
        let message = format!("the body is not valid JSON: {err}");
        return Err(AppError::new(ErrorCode::MalformedRequest, message)
            .with_fields(vec![FieldError::new("body", err.to_string())]));
    }
    if !text.trim_start().starts_with('{') {
        return Err(AppError::new(
            ErrorCode::MalformedRequest,
            "the body must be a JSON object",
        )
        .with_fields(vec![FieldError::new("body", "expected a JSON object")]));
    }
    Ok(text)
}

/// The caller as the guard established it (anonymous when the guard did not run).
/// Who is asking, for the audit log and the history.
pub(crate) fn caller(req: &HttpRequest) -> Caller {
    let identity = identity(req);
    Caller {
        request_id: RequestId::current().map(|id| id.to_string()),
        api_key_id: identity.key_id().map(str::to_string),
        ip: identity.ip,
    }
}

fn identity(req: &HttpRequest) -> Identity {
    req.extensions()
        .get::<Identity>()
        .cloned()
        .unwrap_or_default()
}

/// Until migrations have run (the database may be unreachable), nothing can be stored.
pub(crate) fn ensure_started(state: &AppState) -> Result<(), AppError> {
    if state.lifecycle.is_started() {
        return Ok(());
    }
    Err(AppError::new(
        ErrorCode::StorageUnavailable,
        "storage is not ready yet (the database is unreachable or still migrating); retry shortly",
    )
    .with_retry_after(Duration::from_secs(2)))
}

pub(crate) async fn find(
    state: &AppState,
    req: &HttpRequest,
    id: &str,
) -> Result<Simulation, AppError> {
    ensure_started(state)?;
    state
        .simulations
        .find(id, identity(req).key_id())
        .await
        .map_err(into_app_error)?
        .ok_or_else(|| AppError::not_found("simulation"))
        .inspect(record_simulation_fields)
}

pub(crate) fn into_app_error(err: SimulationError) -> AppError {
    match err {
        SimulationError::Overloaded => AppError::new(
            ErrorCode::Overloaded,
            "every simulation slot is busy; retry shortly",
        )
        .with_retry_after(Duration::from_secs(1)),
        SimulationError::Timeout(after) => AppError::new(
            ErrorCode::Timeout,
            format!(
                "the simulation did not finish within {} ms; try fewer scenarios",
                after.as_millis()
            ),
        ),
        SimulationError::Storage(err) => AppError::from(&*err),
        SimulationError::Internal(message) => AppError::internal(anyhow::anyhow!(message)),
    }
}

/// `scenarios`, `years` and `cache` on the request's log line.
fn record_log_fields(scenarios: u32, years: u32, cache: CacheTier) {
    let span = tracing::Span::current();
    span.record("scenarios", scenarios);
    span.record("years", years);
    span.record("cache", cache.as_str());
}

pub(crate) fn record_simulation_fields(simulation: &Simulation) {
    let meta = &simulation.result.meta;
    record_log_fields(meta.scenarios, meta.years, simulation.cache);
}

/// Weak: the same result under another id has another body (its `id`), but the same numbers.
fn etag(simulation: &Simulation) -> String {
    format!("W/\"{}\"", simulation.result.hash)
}

/// `If-None-Match` by weak comparison (RFC 9110 §13.1.2), including `*`.
pub(crate) fn matches_etag(headers: &HeaderMap, tag: &str) -> bool {
    let opaque = |t: &str| t.trim().trim_start_matches("W/").to_string();
    let ours = opaque(tag);
    headers
        .get_all(header::IF_NONE_MATCH)
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|candidate| candidate.trim() == "*" || opaque(candidate) == ours)
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .map(|essence| essence.trim().to_ascii_lowercase())
        .is_some_and(|essence| essence == "application/json" || essence.ends_with("+json"))
}

fn mime_json() -> HeaderValue {
    HeaderValue::from_static("application/json")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(
                header::HeaderName::from_static(name),
                HeaderValue::from_static(value),
            );
        }
        map
    }

    #[test]
    fn if_none_match_uses_weak_comparison_and_lists() {
        let tag = "W/\"abc\"";
        assert!(matches_etag(&headers(&[("if-none-match", "\"abc\"")]), tag));
        assert!(matches_etag(
            &headers(&[("if-none-match", "\"x\", W/\"abc\"")]),
            tag
        ));
        assert!(matches_etag(&headers(&[("if-none-match", "*")]), tag));
        assert!(!matches_etag(
            &headers(&[("if-none-match", "\"abd\"")]),
            tag
        ));
        assert!(!matches_etag(&headers(&[]), tag));
    }

    #[test]
    fn json_content_types() {
        assert!(is_json(&headers(&[("content-type", "application/json")])));
        assert!(is_json(&headers(&[(
            "content-type",
            "Application/JSON; charset=utf-8"
        )])));
        assert!(is_json(&headers(&[(
            "content-type",
            "application/problem+json"
        )])));
        assert!(!is_json(&headers(&[("content-type", "text/plain")])));
        assert!(!is_json(&headers(&[])));
    }
}
