//! The HTTP toolkit the handlers share: the coded error type, extractors, validators,
//! the per-request telemetry and guard middleware, request ids, client addresses, probes,
//! the OpenAPI pieces common to every route and the resource helpers. It imports no
//! handler: `app` wires the routes.

pub mod body;
pub mod client_ip;
pub mod errors;
pub mod etag;
pub mod extract;
pub mod guard;
pub mod openapi;
pub mod probes;
pub mod request_id;
pub mod telemetry;

use actix_web::middleware::DefaultHeaders;
use actix_web::{FromRequest, Handler, HttpResponse, Resource, Responder, web};

pub use errors::{AppError, ErrorCode, FieldError};
pub use request_id::RequestId;

/// Security headers on every response (`docs/api.md`). Error responses
/// rendered outside the middleware (panics, deadlines) add them themselves.
pub(crate) const SECURITY_HEADERS: [(&str, &str); 4] = [
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "no-referrer"),
    ("x-frame-options", "DENY"),
    (
        "content-security-policy",
        "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
    ),
];

/// The security headers, and HSTS when `hsts_max_age_seconds` is not 0.
pub fn security_headers(hsts_max_age_seconds: u64) -> DefaultHeaders {
    let headers = SECURITY_HEADERS
        .iter()
        .fold(DefaultHeaders::new(), |headers, &pair| headers.add(pair));
    if hsts_max_age_seconds == 0 {
        return headers;
    }
    headers.add((
        "strict-transport-security",
        format!("max-age={hsts_max_age_seconds}; includeSubDomains"),
    ))
}

/// A resource answering GET and HEAD with `handler`, and a coded 405 otherwise.
pub fn get_resource<F, Args>(path: &str, handler: F) -> Resource
where
    F: Handler<Args> + Clone,
    Args: FromRequest + 'static,
    F::Output: Responder + 'static,
{
    resource(path, "GET, HEAD")
        .route(web::get().to(handler.clone()))
        .route(web::head().to(handler))
}

/// A resource whose unrouted methods get a coded 405 with `Allow: {allow}`.
pub fn resource(path: &str, allow: &'static str) -> Resource {
    web::resource(path).default_service(web::to(move || method_not_allowed(allow)))
}

/// The answer for a path no route matches.
pub async fn not_found() -> Result<HttpResponse, AppError> {
    Err(AppError::new(ErrorCode::NotFound, "no such route"))
}

async fn method_not_allowed(allow: &'static str) -> HttpResponse {
    // `from_error` keeps the error on the response, for the browser's error page.
    let mut response = HttpResponse::from_error(AppError::new(
        ErrorCode::MethodNotAllowed,
        format!("method not allowed on this route; use {allow}"),
    ));
    response.headers_mut().insert(
        actix_web::http::header::ALLOW,
        actix_web::http::header::HeaderValue::from_static(allow),
    );
    response
}
