//! Sentry capture through sentry-actix, with Sentry's own test transport.
//! Its own test binary, because the Sentry client is process-global.

mod common;

use std::sync::Arc;

use actix_web::{HttpResponse, test, web};
use glidepath::app::app;
use glidepath::http::AppError;
use glidepath::state::AppState;
use sentry::test::TestTransport;

async fn broken() -> Result<HttpResponse, AppError> {
    Err(AppError::internal(anyhow::anyhow!("disk on fire")))
}

async fn panics() -> HttpResponse {
    panic!("bug in a handler");
}

async fn missing() -> Result<HttpResponse, AppError> {
    Err(AppError::not_found("simulation"))
}

/// The events sent since the last call.
fn captured(transport: &TestTransport) -> Vec<sentry::protocol::Event<'static>> {
    transport
        .fetch_and_clear_envelopes()
        .into_iter()
        .filter_map(|envelope| envelope.event().cloned())
        .collect()
}

fn tag<'a>(event: &'a sentry::protocol::Event<'static>, key: &str) -> Option<&'a str> {
    event.tags.get(key).map(String::as_str)
}

#[actix_web::test]
async fn server_errors_panics_and_outages_reach_sentry_once_each_with_request_id_route_environment_and_release()
 {
    let dir = tempfile::tempdir().unwrap();
    let settings = common::settings_with(&dir, |_| {});
    let transport = TestTransport::new();
    let mut options = glidepath::telemetry::sentry::options(
        &settings,
        Some("https://key@sentry.invalid/1".parse().unwrap()),
    );
    options.transport = Some(Arc::new(transport.clone()));
    let _guard = sentry::init(options);
    let service = test::init_service(
        app(AppState::new(settings).unwrap())
            .route("/api/v1/boom/{id}", web::get().to(broken))
            .route("/api/v1/missing", web::get().to(missing))
            .route("/api/v1/panics", web::get().to(panics))
            .route("/api/v1/down", web::get().to(storage_down)),
    )
    .await;

    let boom = test::TestRequest::get()
        .uri("/api/v1/boom/42")
        .insert_header(("x-request-id", "sentry-test-1"))
        .to_request();
    assert_eq!(test::call_service(&service, boom).await.status(), 500);
    let not_found = test::TestRequest::get().uri("/api/v1/missing").to_request();
    assert_eq!(test::call_service(&service, not_found).await.status(), 404);

    let events = captured(&transport);
    assert_eq!(events.len(), 1, "only the 5xx is reported: {events:#?}");
    let event = &events[0];
    assert_eq!(tag(event, "request_id"), Some("sentry-test-1"));
    assert_eq!(tag(event, "route"), Some("/api/v1/boom/{id}"));
    assert_eq!(event.environment.as_deref(), Some("development"));
    let release = event.release.as_deref().unwrap_or_default();
    assert!(
        release.starts_with(concat!("glidepath@", env!("CARGO_PKG_VERSION"))),
        "{release}"
    );

    // A panic is reported once, by the panic handler, with the same tags.
    let panic = test::TestRequest::get()
        .uri("/api/v1/panics")
        .insert_header(("x-request-id", "sentry-test-2"))
        .to_request();
    assert!(test::try_call_service(&service, panic).await.is_err());
    let events = captured(&transport);
    assert_eq!(events.len(), 1, "{events:#?}");
    let event = &events[0];
    assert_eq!(event.level, sentry::Level::Fatal);
    assert!(
        format!("{:?}", event.exception).contains("bug in a handler"),
        "{event:#?}"
    );
    assert_eq!(tag(event, "request_id"), Some("sentry-test-2"));
    assert_eq!(tag(event, "route"), Some("/api/v1/panics"));

    // An outage refuses every request, but Sentry hears of it once: one event per incident,
    // and the log tells the count once a second.
    for _ in 0..50 {
        let request = test::TestRequest::get().uri("/api/v1/down").to_request();
        assert_eq!(test::call_service(&service, request).await.status(), 503);
    }
    let events = captured(&transport);
    assert_eq!(events.len(), 1, "{events:#?}");
    assert_eq!(events[0].level, sentry::Level::Warning);
    let message = events[0].message.as_deref().unwrap_or_default();
    assert!(message.contains("storage_unavailable"), "{message}");
    let refused = glidepath::telemetry::refusals::global().take();
    assert!(
        refused.iter().any(
            |(reason, status, count, _)| *reason == "storage_unavailable"
                && *status == 503
                && *count == 50
        ),
        "{refused:?}"
    );
}

async fn storage_down() -> Result<HttpResponse, AppError> {
    Err(AppError::new(
        glidepath::http::ErrorCode::StorageUnavailable,
        "the database is unavailable, so nothing was stored; try again shortly",
    ))
}
