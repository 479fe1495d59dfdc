//! The HTTP surface: one app factory for `main` and the tests, so tests exercise
//! the real middleware, limits and error handlers.

pub(crate) mod api;
pub mod client_ip;
pub mod errors;
mod extract;
pub mod guard;
pub mod openapi;
mod probes;
pub mod request_id;
mod telemetry;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::{Compress, Condition, DefaultHeaders, from_fn};
use actix_web::{App, FromRequest, Handler, HttpResponse, Resource, Responder, web};

pub use errors::{AppError, ErrorCode, FieldError};
pub use request_id::RequestId;

use crate::state::AppState;

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

fn security_headers(hsts_max_age_seconds: u64) -> DefaultHeaders {
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

/// Builds the application. Add routes in `routes`; tests may add more with
/// `App::route`, and those get the same middleware and error handling.
pub fn app(
    state: AppState,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let body_limit = state.settings.server.body_limit_bytes;
    let hsts = state.settings.server.hsts_max_age_seconds;
    // A per-request hub costs a few allocations; skip it when Sentry is off.
    let sentry_enabled = sentry::Hub::main()
        .client()
        .is_some_and(|client| client.is_enabled());
    // Performance transactions (which also continue incoming traces) only when sampled.
    let traces = state.settings.sentry.traces_sample_rate > 0.0;
    App::new()
        .app_data(web::Data::new(state))
        .app_data(extract::json_config(body_limit))
        .app_data(extract::payload_config(body_limit))
        .app_data(extract::form_config(body_limit))
        .configure(routes)
        .default_service(web::to(not_found))
        // Outermost last: Sentry (per-request hub) → headers → compression → error pages →
        // telemetry → guard → handlers.
        .wrap(from_fn(guard::middleware))
        .wrap(from_fn(telemetry::middleware))
        .wrap(from_fn(crate::web::error_pages::middleware))
        .wrap(Compress::default())
        .wrap(security_headers(hsts))
        .wrap(Condition::new(
            sentry_enabled,
            sentry_actix::Sentry::builder()
                .capture_server_errors(false)
                .start_transaction(traces)
                .finish(),
        ))
}

fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(get_resource("/health", probes::health))
        .service(get_resource("/startup", probes::startup))
        .service(get_resource("/ready", probes::ready))
        .service(get_resource("/metrics", metrics))
        .configure(api::routes)
        .configure(crate::web::routes);
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

async fn metrics() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .insert_header(("cache-control", "no-store"))
        .body(crate::telemetry::metrics::render())
}

async fn not_found() -> Result<HttpResponse, AppError> {
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
