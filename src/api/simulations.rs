//! `POST /api/v1/simulations` (run a plan), `GET /api/v1/simulations` (the key's history),
//! `GET /api/v1/simulations/{id}` (a stored result) and `POST /api/v1/previews` (run a plan,
//! storing nothing).

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};

use super::{PREVIEWS, SIMULATIONS, X_CACHE, mime_json};
use crate::engine::Plan;
use crate::engine::plan::{Limits, parse_plan_json};
use crate::http::errors::{AppError, Body, ErrorCode, FieldError};
use crate::http::extract::{Admitted, Found, JsonObject, ensure_started};
use crate::http::guard::Identity;
use crate::http::openapi::{PreviewResult, SimulationResult};
use crate::http::telemetry::{record_run, record_simulation};
use crate::http::{etag, get_resource, resource};
use crate::simulations::{Caller, Simulation};
use crate::state::AppState;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        resource(SIMULATIONS, "GET, HEAD, POST")
            .route(web::post().to(create_simulation))
            .route(web::get().to(list_simulations))
            .route(web::head().to(list_simulations)),
    )
    .service(get_resource("/api/v1/simulations/{id}", get_simulation))
    .service(resource(PREVIEWS, "POST").route(web::post().to(create_preview)));
}

/// Run a simulation, or find its result in the cache, and store it under a new id.
#[utoipa::path(
    post,
    path = "/api/v1/simulations",
    tag = "simulations",
    request_body(content = crate::engine::PlanInput, content_type = "application/json",
        description = "The plan. Only `current_age`, `end_age`, `portfolio.balance` and `spending.annual` are required."),
    responses(
        (status = 201, description = "The result, stored under a new unguessable id.",
            body = SimulationResult,
            headers(
                ("Location" = String, description = "The permalink of this simulation."),
                ("ETag" = String, description = "Weak validator of the result; equal plans and seeds share it."),
                ("X-Cache" = String, description = "`hit-l1`, `hit-l2` or `miss`."),
            )),
        (status = 400, description = "The body is not JSON.", body = Body),
        (status = 422, description = "The plan breaks the rules; `fields` lists every problem.", body = Body),
        (status = 503, description = "`overloaded` or `storage_unavailable`; retry after `Retry-After` seconds.", body = Body,
            headers(("Retry-After" = String, description = "Seconds to wait."))),
        (status = 504, description = "The simulation did not finish in time.", body = Body),
    )
)]
pub async fn create_simulation(
    state: web::Data<AppState>,
    caller: Caller,
    Admitted(JsonObject(text)): Admitted<JsonObject>,
) -> Result<HttpResponse, AppError> {
    let plan = normalized(&state, &text)?;
    ensure_started(&state)?;
    let simulation = state.simulations.create(plan, &caller).await?;
    record_simulation(&simulation);
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("{SIMULATIONS}/{}", simulation.id)))
        .insert_header((header::ETAG, weak_etag(&simulation)))
        .insert_header((X_CACHE, simulation.cache.as_str()))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .content_type(mime_json())
        .body(simulation.response_body()))
}

/// Run a plan, or find its result in the cache, and store nothing: no id, no history entry,
/// no audit entry. The form's live preview uses it while you type. Rate limited like every
/// route; the result stays cached, so posting the same plan to `/api/v1/simulations` next is
/// a cache hit.
#[utoipa::path(
    post,
    path = "/api/v1/previews",
    tag = "simulations",
    request_body(content = crate::engine::PlanInput, content_type = "application/json",
        description = "The plan, as for `POST /api/v1/simulations`."),
    responses(
        (status = 200, description = "The result, not stored.", body = PreviewResult,
            headers(("X-Cache" = String, description = "`hit-l1`, `hit-l2` or `miss`."))),
        (status = 400, description = "The body is not JSON.", body = Body),
        (status = 422, description = "The plan breaks the rules; `fields` lists every problem.", body = Body),
        (status = 503, description = "`overloaded`; retry after `Retry-After` seconds.", body = Body,
            headers(("Retry-After" = String, description = "Seconds to wait."))),
        (status = 504, description = "The simulation did not finish in time.", body = Body),
    )
)]
pub async fn create_preview(
    state: web::Data<AppState>,
    Admitted(JsonObject(text)): Admitted<JsonObject>,
) -> Result<HttpResponse, AppError> {
    let plan = normalized(&state, &text)?;
    let (result, cache) = state.simulations.run(plan).await?;
    record_run(result.meta.scenarios, result.meta.years, cache);
    Ok(HttpResponse::Ok()
        .insert_header((X_CACHE, cache.as_str()))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .content_type(mime_json())
        .body(result.body.clone()))
}

/// The posted plan, parsed and normalized with this deployment's defaults and limits, or
/// the 422 that lists every problem.
#[tracing::instrument(name = "validate", skip_all)]
fn normalized(state: &AppState, text: &str) -> Result<Plan, AppError> {
    let input = parse_plan_json(text).map_err(|field| AppError::validation(vec![field]))?;
    let limits = Limits::now(state.settings.simulation.max_scenarios);
    input
        .normalize(&state.settings.plan_defaults, limits)
        .map_err(AppError::validation)
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
        (status = 400, description = "A query string that cannot be read (a parameter given twice).", body = Body),
        (status = 401, description = "No API key, or an unknown or revoked one.", body = Body),
        (status = 422, description = "A bad `limit` or `cursor`.", body = Body),
    )
)]
pub async fn list_simulations(
    state: web::Data<AppState>,
    identity: Identity,
    query: web::Query<HistoryQuery>,
) -> Result<HttpResponse, AppError> {
    ensure_started(&state)?;
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
        .await?;
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
        (status = 200, description = "The stored result.", body = SimulationResult,
            headers(
                ("ETag" = String, description = "Weak validator of the result."),
                ("X-Cache" = String, description = "`hit-l1`, `hit-l2` or `miss` (read from the database)."),
            )),
        (status = 304, description = "The result matches `If-None-Match`."),
    )
)]
pub async fn get_simulation(
    req: HttpRequest,
    Found(simulation): Found,
) -> Result<HttpResponse, AppError> {
    let tag = weak_etag(&simulation);
    let not_modified = etag::matches(req.headers(), &tag);
    let mut response = if not_modified {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header((header::ETAG, tag))
        .insert_header((X_CACHE, simulation.cache.as_str()))
        .insert_header((header::CACHE_CONTROL, etag::IMMUTABLE));
    if not_modified {
        return Ok(response.finish());
    }
    Ok(response
        .content_type(mime_json())
        .body(simulation.response_body()))
}

/// Weak: the same result under another id has another body (its `id`), but the same numbers.
fn weak_etag(simulation: &Simulation) -> String {
    format!("W/\"{}\"", simulation.result.hash)
}
