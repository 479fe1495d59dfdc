//! The one app-wide error type and its table of stable codes.
//!
//! Every error leaves as `{"error": {"code", "message", "fields", "request_id"}}`.
//! Codes are a contract with API clients: add new ones, never rename. Internal
//! causes stay in the log (with their cause chain) and in Sentry, never in the body.

use std::fmt;
use std::time::Duration;

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

use super::request_id::RequestId;

/// The only thing a client learns about a 500.
pub const INTERNAL_MESSAGE: &str =
    "an internal error occurred; quote the request id when reporting it";

/// Stable error codes, each with its HTTP status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// 400: the body is not valid JSON or does not match the expected shape.
    MalformedRequest,
    /// 401: a missing, unknown or revoked API key.
    Unauthorized,
    /// 404: no such route or resource (or not yours).
    NotFound,
    /// 405: the route exists, the method does not.
    MethodNotAllowed,
    /// 408: the request body did not arrive within `server.body_timeout_seconds`.
    RequestTimeout,
    /// 413: the body exceeds `server.body_limit_bytes`.
    PayloadTooLarge,
    /// 415: a body with the wrong `Content-Type`.
    UnsupportedMediaType,
    /// 422: well-formed input that breaks the rules; `fields` lists every problem.
    ValidationFailed,
    /// 429: over the rate limit; see `Retry-After`.
    RateLimited,
    /// 500: a bug or an unexpected failure; details are in the log, keyed by request id.
    Internal,
    /// 503: the service cannot take the request now (it is draining, say); see `Retry-After`.
    Unavailable,
    /// 503: the database is unavailable, so nothing could be stored; see `Retry-After`.
    StorageUnavailable,
    /// 503: every simulation slot is busy; see `Retry-After`.
    Overloaded,
    /// 504: the work did not finish within its deadline.
    Timeout,
}

impl ErrorCode {
    pub const ALL: [ErrorCode; 14] = [
        Self::MalformedRequest,
        Self::Unauthorized,
        Self::NotFound,
        Self::MethodNotAllowed,
        Self::RequestTimeout,
        Self::PayloadTooLarge,
        Self::UnsupportedMediaType,
        Self::ValidationFailed,
        Self::RateLimited,
        Self::Internal,
        Self::Unavailable,
        Self::StorageUnavailable,
        Self::Overloaded,
        Self::Timeout,
    ];

    pub const fn status(self) -> StatusCode {
        match self {
            Self::MalformedRequest => StatusCode::BAD_REQUEST,
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::ValidationFailed => StatusCode::UNPROCESSABLE_ENTITY,
            Self::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            Self::Unavailable | Self::StorageUnavailable | Self::Overloaded => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            Self::Timeout => StatusCode::GATEWAY_TIMEOUT,
        }
    }

    /// The code for a status produced outside our handlers (actix extractors, routing).
    pub fn for_status(status: StatusCode) -> Self {
        Self::ALL
            .into_iter()
            .find(|code| {
                code.status() == status
                    && !matches!(code, Self::Overloaded | Self::StorageUnavailable)
            })
            .unwrap_or(if status.is_server_error() {
                Self::Internal
            } else {
                Self::MalformedRequest
            })
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::MalformedRequest => "malformed_request",
            Self::Unauthorized => "unauthorized",
            Self::NotFound => "not_found",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::RequestTimeout => "request_timeout",
            Self::PayloadTooLarge => "payload_too_large",
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::ValidationFailed => "validation_failed",
            Self::RateLimited => "rate_limited",
            Self::Internal => "internal",
            Self::Unavailable => "unavailable",
            Self::StorageUnavailable => "storage_unavailable",
            Self::Overloaded => "overloaded",
            Self::Timeout => "timeout",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One bad input field: its JSON path (`spending.annual`, `income[0].start_age`) and why.
/// The engine's validation produces these, so a 422 lists them as they are.
pub use crate::engine::plan::FieldError;

#[derive(Debug)]
pub struct AppError {
    code: ErrorCode,
    message: String,
    fields: Vec<FieldError>,
    retry_after: Option<Duration>,
    /// Logged, never sent.
    cause: Option<anyhow::Error>,
    /// Set when the error is rendered outside the request's task (see `telemetry.rs`).
    request_id: Option<RequestId>,
}

impl AppError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            fields: Vec::new(),
            retry_after: None,
            cause: None,
            request_id: None,
        }
    }

    /// 422 listing every bad field.
    pub fn validation(fields: Vec<FieldError>) -> Self {
        let message = match fields.len() {
            1 => "1 field is invalid".to_string(),
            n => format!("{n} fields are invalid"),
        };
        Self {
            fields,
            ..Self::new(ErrorCode::ValidationFailed, message)
        }
    }

    /// 500 with a generic message; `cause` goes to the log and Sentry only.
    pub fn internal(cause: impl Into<anyhow::Error>) -> Self {
        Self {
            cause: Some(cause.into()),
            ..Self::new(ErrorCode::Internal, INTERNAL_MESSAGE)
        }
    }

    /// A coded copy of any actix error. Client errors keep actix's message (it
    /// names the problem); server errors get the generic one.
    pub fn from_actix(err: &actix_web::Error) -> Self {
        if let Some(own) = err.as_error::<AppError>() {
            return Self::from_ref(own);
        }
        let code = ErrorCode::for_status(err.as_response_error().status_code());
        let message = if code == ErrorCode::Internal {
            INTERNAL_MESSAGE.to_string()
        } else {
            err.to_string()
        };
        Self::new(code, message).with_cause(anyhow::anyhow!("{err}"))
    }

    /// A copy (the cause is kept as text).
    pub fn from_ref(own: &AppError) -> Self {
        Self {
            code: own.code,
            message: own.message.clone(),
            fields: own.fields.clone(),
            retry_after: own.retry_after,
            cause: own.cause.as_ref().map(|c| anyhow::anyhow!("{c:#}")),
            request_id: own.request_id.clone(),
        }
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(ErrorCode::NotFound, format!("{what} not found"))
    }

    /// Names the offending fields on an error that is not a 422 (a syntax error's position).
    pub fn with_fields(mut self, fields: Vec<FieldError>) -> Self {
        self.fields = fields;
        self
    }

    pub fn with_retry_after(mut self, after: Duration) -> Self {
        self.retry_after = Some(after);
        self
    }

    pub fn with_cause(mut self, cause: impl Into<anyhow::Error>) -> Self {
        self.cause = Some(cause.into());
        self
    }

    pub fn with_request_id(mut self, id: RequestId) -> Self {
        self.request_id = Some(id);
        self
    }

    pub fn code(&self) -> ErrorCode {
        self.code
    }

    pub fn fields(&self) -> &[FieldError] {
        &self.fields
    }

    /// What went wrong, in words for people (never the internal cause).
    pub fn message(&self) -> &str {
        &self.message
    }

    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }

    /// Set when the error was rendered outside the request's task.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_ref().map(RequestId::as_str)
    }

    /// The internal cause with its chain, for the log.
    pub fn cause(&self) -> Option<&anyhow::Error> {
        self.cause.as_ref()
    }
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)?;
        if let Some(cause) = &self.cause {
            write!(f, ": {cause:#}")?;
        }
        Ok(())
    }
}

impl std::error::Error for AppError {}

/// A storage failure seen by a handler: an outage is 503 `storage_unavailable` (retry
/// later), anything else is a bug or a data problem, 500 `internal`.
impl From<crate::storage::StorageError> for AppError {
    fn from(err: crate::storage::StorageError) -> Self {
        Self::from(&err)
    }
}

impl From<&crate::storage::StorageError> for AppError {
    fn from(err: &crate::storage::StorageError) -> Self {
        let cause = anyhow::anyhow!("{err}");
        if err.is_transient() {
            AppError::new(
                ErrorCode::StorageUnavailable,
                "the database is unavailable, so nothing was stored; try again shortly",
            )
            .with_retry_after(Duration::from_secs(5))
            .with_cause(cause)
        } else {
            AppError::internal(cause)
        }
    }
}

/// A simulation service failure: busy (503, retry in a second), too slow (504), the
/// database (as above) or a bug (500).
impl From<crate::simulations::SimulationError> for AppError {
    fn from(err: crate::simulations::SimulationError) -> Self {
        use crate::simulations::SimulationError;
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
            SimulationError::ReportTimeout(after) => AppError::new(
                ErrorCode::Timeout,
                format!(
                    "the report took longer than {} s; try again",
                    after.as_secs_f64()
                ),
            ),
            SimulationError::Storage(err) => AppError::from(&*err),
            SimulationError::Internal(message) => AppError::internal(anyhow::anyhow!(message)),
        }
    }
}

/// Whole seconds, rounded up: "retry after 0 seconds" invites a tight loop, so at least 1.
pub(crate) fn retry_after_secs(after: Duration) -> u64 {
    ceil_secs(after).max(1)
}

/// Whole seconds, rounded up.
pub(crate) fn ceil_secs(d: Duration) -> u64 {
    d.as_secs() + u64::from(d.subsec_nanos() > 0)
}

/// Every error's body.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = ErrorBody)]
pub struct Body<'a> {
    error: BodyInner<'a>,
}

#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = ErrorDetail)]
pub struct BodyInner<'a> {
    /// Stable machine-readable code.
    code: ErrorCode,
    /// What went wrong, in words for people.
    message: &'a str,
    /// Every bad input field (422), or the position of a syntax error (400); otherwise empty.
    fields: &'a [FieldError],
    /// Quote it when reporting a problem; also in the `X-Request-Id` header.
    request_id: Option<String>,
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        self.code.status()
    }

    fn error_response(&self) -> HttpResponse {
        let request_id = self.request_id.clone().or_else(RequestId::current);
        let mut response = HttpResponse::build(self.status_code());
        for header in super::SECURITY_HEADERS {
            response.insert_header(header);
        }
        if let Some(id) = &request_id {
            response.insert_header((super::request_id::HEADER, id.as_str()));
        }
        let body = Body {
            error: BodyInner {
                code: self.code,
                message: &self.message,
                fields: &self.fields,
                request_id: request_id.map(|id| id.to_string()),
            },
        };
        if let Some(after) = self.retry_after {
            // Round up: "retry after 0 seconds" invites a tight loop.
            response.insert_header((header::RETRY_AFTER, retry_after_secs(after).to_string()));
        }
        if self.code == ErrorCode::Unauthorized {
            response.insert_header((header::WWW_AUTHENTICATE, "Bearer realm=\"glidepath\""));
        }
        response.insert_header((header::CACHE_CONTROL, "no-store"));
        response.json(body)
    }
}

#[cfg(test)]
mod tests;
