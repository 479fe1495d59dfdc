//! The composition root: the one route table and the middleware stack, built the same way
//! for `main`, the tests and the benches, and [`startup`] (the server's life).
//!
//! Everything else is a part: `http` the toolkit, `api` and `web` the handlers, `state`
//! what they reach, `simulations` the service behind them.

pub mod startup;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::{Compress, Condition, from_fn};
use actix_web::{App, web};

use crate::http::{body, extract, get_resource, guard, probes, security_headers, telemetry};
use crate::state::AppState;
use crate::{api, web as pages};

/// Builds the application. Routes are in `routes`; tests may add more with
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
        .default_service(web::to(crate::http::not_found))
        // Outermost last: Sentry (per-request hub) → headers → compression → error pages →
        // telemetry → guard → body deadline → handlers.
        .wrap(from_fn(body::deadline))
        .wrap(from_fn(guard::middleware))
        .wrap(from_fn(telemetry::middleware))
        .wrap(from_fn(pages::error_pages::middleware))
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

/// Every route of the service.
fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(get_resource(probes::HEALTH, probes::health))
        .service(get_resource(probes::STARTUP, probes::startup))
        .service(get_resource(probes::READY, probes::ready))
        .service(get_resource(probes::METRICS, probes::metrics))
        .configure(api::simulations::routes)
        .configure(api::exports::routes)
        .configure(api::comparisons::routes)
        .configure(api::analysis::routes)
        .configure(api::assumptions::routes)
        .configure(api::openapi::routes)
        .configure(pages::routes);
}
