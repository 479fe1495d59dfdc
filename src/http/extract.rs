//! Extractor settings (body limits and their coded errors) and the extractors handlers
//! share: who is asking ([`Identity`], [`Caller`]), a body once there is room for engine work
//! ([`Admitted`]), a JSON object body ([`JsonObject`]) and the stored simulation a path
//! names ([`Found`]).

use std::future::{Ready, ready};
use std::pin::Pin;
use std::time::Duration;

use actix_web::dev::Payload;
use actix_web::error::JsonPayloadError;
use actix_web::http::header::{self, HeaderMap};
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};

use super::errors::{AppError, ErrorCode, FieldError};
use super::guard::Identity;
use super::request_id::RequestId;
use super::telemetry::record_simulation;
use crate::simulations::comparisons::ComparisonDoc;
use crate::simulations::{Caller, Simulation, SimulationError};
use crate::state::AppState;

pub fn json_config(limit: usize) -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(limit)
        .error_handler(|err, _req| json_error(err).into())
}

pub fn payload_config(limit: usize) -> web::PayloadConfig {
    web::PayloadConfig::new(limit)
}

pub fn form_config(limit: usize) -> web::FormConfig {
    web::FormConfig::default().limit(limit)
}

fn json_error(err: JsonPayloadError) -> AppError {
    match err {
        JsonPayloadError::ContentType => unsupported_media_type(),
        JsonPayloadError::Overflow { limit }
        | JsonPayloadError::OverflowKnownLength { limit, .. } => AppError::new(
            ErrorCode::PayloadTooLarge,
            format!("the body is larger than the {limit}-byte limit"),
        ),
        JsonPayloadError::Deserialize(err) if err.is_data() => AppError::new(
            ErrorCode::MalformedRequest,
            format!("the JSON does not have the expected shape: {err}"),
        ),
        JsonPayloadError::Deserialize(err) => AppError::new(
            ErrorCode::MalformedRequest,
            format!("the body is not valid JSON: {err}"),
        ),
        other => {
            let code = ErrorCode::for_status(actix_web::ResponseError::status_code(&other));
            AppError::new(code, other.to_string())
        }
    }
}

fn unsupported_media_type() -> AppError {
    AppError::new(
        ErrorCode::UnsupportedMediaType,
        "expected a JSON body with Content-Type: application/json",
    )
}

/// The caller as the guard established it (anonymous when the guard did not run).
impl FromRequest for Identity {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(identity(req)))
    }
}

fn identity(req: &HttpRequest) -> Identity {
    req.extensions()
        .get::<Identity>()
        .cloned()
        .unwrap_or_default()
}

/// Who is asking, for the audit log and the history.
impl FromRequest for Caller {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let identity = identity(req);
        ready(Ok(Caller {
            request_id: RequestId::current().map(|id| id.to_string()),
            api_key_id: identity.key_id().map(str::to_string),
            ip: identity.ip,
        }))
    }
}

/// A body that is a JSON object sent as JSON, as text: 415 for another media type, 400
/// with the syntax error's position, or 400 for JSON that is not an object.
pub struct JsonObject(pub String);

impl FromRequest for JsonObject {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, actix_web::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let json = is_json(req.headers());
        let body = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            // A body over the limit keeps the payload extractor's own coded error.
            let body = body.await?;
            Ok(Self(json_object_text(json, &body)?.to_string()))
        })
    }
}

fn json_object_text(json: bool, body: &[u8]) -> Result<&str, AppError> {
    if !json {
        return Err(unsupported_media_type());
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

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .map(|essence| essence.trim().to_ascii_lowercase())
        .is_some_and(|essence| essence == "application/json" || essence.ends_with("+json"))
}

/// `T` (a request body), extracted once there is room for engine work. When every engine
/// thread is busy and the queue is full, a request that may need the engine waits, doing
/// nothing, up to `simulation.queue_wait_ms` for room, and is then refused (503
/// `overloaded`), all before its body is read, parsed, normalized or hashed: refusing stays
/// cheap, and the engine keeps its time. (A plan whose result is cached waits too.)
pub struct Admitted<T>(pub T);

impl<T> FromRequest for Admitted<T>
where
    T: FromRequest + 'static,
    T::Error: Into<actix_web::Error>,
{
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, actix_web::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let mut payload = payload.take();
        Box::pin(async move {
            if let Some(state) = req.app_data::<web::Data<AppState>>()
                && !state.simulations.admission().wait_for_room().await
            {
                return Err(AppError::from(SimulationError::Overloaded).into());
            }
            T::from_request(&req, &mut payload)
                .await
                .map(Admitted)
                .map_err(Into::into)
        })
    }
}

/// The stored simulation named by the route's `{id}`, as its viewer may see it: 404 for an
/// unknown id or another key's private result, 503 while storage is not ready.
pub struct Found(pub Simulation);

impl FromRequest for Found {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let id = req.match_info().get("id").unwrap_or_default().to_string();
        let viewer = identity(req);
        Box::pin(async move {
            let state = state.ok_or_else(|| {
                AppError::internal(anyhow::anyhow!("the app state is not registered"))
            })?;
            find(&state, &viewer, &id).await.map(Found)
        })
    }
}

/// The stored comparison named by the route's `{id}`, as its viewer may see it (as
/// [`Found`]).
pub struct FoundComparison(pub ComparisonDoc);

impl FromRequest for FoundComparison {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let id = req.match_info().get("id").unwrap_or_default().to_string();
        let viewer = identity(req);
        Box::pin(async move {
            let state = state.ok_or_else(|| {
                AppError::internal(anyhow::anyhow!("the app state is not registered"))
            })?;
            find_comparison(&state, &viewer, &id)
                .await
                .map(FoundComparison)
        })
    }
}

/// The simulation `id` as `viewer` may see it (see [`Found`]).
pub async fn find(state: &AppState, viewer: &Identity, id: &str) -> Result<Simulation, AppError> {
    ensure_started(state)?;
    state
        .simulations
        .find(id, viewer.key_id())
        .await?
        .ok_or_else(|| AppError::not_found("simulation"))
        .inspect(record_simulation)
}

/// The comparison `id` as `viewer` may see it (see [`FoundComparison`]).
pub async fn find_comparison(
    state: &AppState,
    viewer: &Identity,
    id: &str,
) -> Result<ComparisonDoc, AppError> {
    ensure_started(state)?;
    state
        .simulations
        .find_comparison(id, viewer.key_id())
        .await?
        .ok_or_else(|| AppError::not_found("comparison"))
}

/// Until migrations have run (the database may be unreachable), nothing can be stored.
pub fn ensure_started(state: &AppState) -> Result<(), AppError> {
    if state.lifecycle.is_started() {
        return Ok(());
    }
    Err(AppError::new(
        ErrorCode::StorageUnavailable,
        "storage is not ready yet (the database is unreachable or still migrating); retry shortly",
    )
    .with_retry_after(Duration::from_secs(2)))
}

/// The result page's address as the client reached this service.
pub fn permalink(req: &HttpRequest, id: &str) -> String {
    absolute(req, &format!("/s/{id}"))
}

/// `path` on this host, as the request reached it: `https://example.com/c/…`.
pub fn absolute(req: &HttpRequest, path: &str) -> String {
    let info = req.connection_info();
    format!("{}://{}{path}", info.scheme(), info.host())
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::header::HeaderValue;

    #[test]
    fn json_content_types() {
        let headers = |value: Option<&'static str>| {
            let mut map = HeaderMap::new();
            if let Some(value) = value {
                map.insert(header::CONTENT_TYPE, HeaderValue::from_static(value));
            }
            map
        };
        assert!(is_json(&headers(Some("application/json"))));
        assert!(is_json(&headers(Some("Application/JSON; charset=utf-8"))));
        assert!(is_json(&headers(Some("application/problem+json"))));
        assert!(!is_json(&headers(Some("text/plain"))));
        assert!(!is_json(&headers(None)));
    }
}
