//! The coded error body for every error the HTTP layer produces, through the real
//! app factory (middleware, extractor configs, default services).
//!
//! Input errors go through the real `POST /api/v1/simulations`. Failures with no
//! natural trigger (a handler's internal error, a panic) use routes added here to the
//! real app, so they get exactly the middleware the real routes get.

use crate::support as common;

use actix_http::Request;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use actix_web::{HttpResponse, test, web};
use glidepath::app::app;
use glidepath::http::{AppError, ErrorCode, FieldError};
use glidepath::state::AppState;
use serde_json::Value;

async fn invalid() -> Result<HttpResponse, AppError> {
    Err(AppError::validation(vec![
        FieldError::new("spending.annual", "must be at most 1000000"),
        FieldError::new("end_age", "must be greater than current_age"),
    ]))
}

async fn broken() -> Result<HttpResponse, AppError> {
    Err(AppError::internal(anyhow::anyhow!(
        "connection to 10.0.0.5 failed: password=hunter2"
    )))
}

async fn panics() -> HttpResponse {
    panic!("handler bug");
}

macro_rules! test_app {
    () => {{
        let dir = tempfile::tempdir().unwrap();
        let state = AppState::new(common::settings_with(&dir, |_| {})).unwrap();
        state.db.migrate().await.unwrap();
        state.lifecycle.mark_started();
        let service = test::init_service(
            app(state)
                .route("/api/v1/invalid", web::get().to(invalid))
                .route("/api/v1/broken", web::get().to(broken))
                .route("/api/v1/panics", web::get().to(panics)),
        )
        .await;
        (service, dir)
    }};
}

/// A POST to the simulations route with this content type and raw body.
fn plan_request(content_type: &str, payload: impl Into<actix_web::web::Bytes>) -> Request {
    TestRequest::post()
        .uri("/api/v1/simulations")
        .insert_header(("content-type", content_type))
        .set_payload(payload)
        .to_request()
}

const PLAN: &str = r#"{"current_age": 65, "end_age": 90, "portfolio": {"balance": 500000},
    "spending": {"annual": 20000}, "simulation": {"scenarios": 100}}"#;

/// Calls the app and returns the status and JSON body.
async fn call_json<S, B>(app: &S, req: Request) -> (StatusCode, Value)
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: actix_web::body::MessageBody,
{
    let res = test::call_service(app, req).await;
    let status = res.status();
    (status, test::read_body_json(res).await)
}

/// Asserts the shape of a coded error body.
fn assert_coded(status: StatusCode, expected: ErrorCode, body: &Value) {
    assert_eq!(status, expected.status(), "{body}");
    assert_eq!(body["error"]["code"], expected.as_str(), "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    assert!(body["error"]["fields"].is_array(), "{body}");
    assert!(
        body["error"]["request_id"]
            .as_str()
            .is_some_and(|id| !id.is_empty()),
        "{body}"
    );
}

#[actix_web::test]
async fn malformed_json_is_a_400_malformed_request() {
    let (app, _dir) = test_app!();
    let req = plan_request("application/json", "{\"current_age\": ");

    let (status, body) = call_json(&app, req).await;

    assert_coded(status, ErrorCode::MalformedRequest, &body);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("not valid JSON")
    );
}

#[actix_web::test]
async fn a_wrong_type_is_a_422_naming_the_field() {
    let (app, _dir) = test_app!();
    let req = TestRequest::post()
        .uri("/api/v1/simulations")
        .set_json(serde_json::json!({"current_age": "seven"}))
        .to_request();

    let (status, body) = call_json(&app, req).await;

    assert_coded(status, ErrorCode::ValidationFailed, &body);
    assert_eq!(body["error"]["fields"][0]["path"], "current_age");
    assert!(
        body["error"]["fields"][0]["message"]
            .as_str()
            .unwrap()
            .contains("invalid type"),
        "{body}"
    );
}

#[actix_web::test]
async fn a_body_that_is_not_an_object_is_a_400() {
    let (app, _dir) = test_app!();
    let (status, body) = call_json(&app, plan_request("application/json", "[60, 95]")).await;

    assert_coded(status, ErrorCode::MalformedRequest, &body);
    assert_eq!(body["error"]["fields"][0]["path"], "body");
}

#[actix_web::test]
async fn wrong_content_type_is_a_415() {
    let (app, _dir) = test_app!();
    let req = plan_request("text/plain", PLAN);

    let (status, body) = call_json(&app, req).await;

    assert_coded(status, ErrorCode::UnsupportedMediaType, &body);
}

#[actix_web::test]
async fn body_over_64_kib_is_a_413() {
    let (app, _dir) = test_app!();
    let padding = " ".repeat(64 * 1024);
    let req = plan_request("application/json", format!("{PLAN}{padding}"));

    let (status, body) = call_json(&app, req).await;

    assert_coded(status, ErrorCode::PayloadTooLarge, &body);
}

#[actix_web::test]
async fn body_just_under_the_limit_is_accepted() {
    let (app, _dir) = test_app!();
    let padding = " ".repeat(64 * 1024 - PLAN.len() - 1);
    let req = plan_request("application/json", format!("{PLAN}{padding}"));

    let res = test::call_service(&app, req).await;

    assert_eq!(res.status(), 201);
}

#[actix_web::test]
async fn unknown_route_is_a_404() {
    let (app, _dir) = test_app!();
    let (status, body) = call_json(&app, TestRequest::get().uri("/api/v1/nope").to_request()).await;

    assert_coded(status, ErrorCode::NotFound, &body);
}

#[actix_web::test]
async fn wrong_method_is_a_405() {
    let (app, _dir) = test_app!();
    let res = test::call_service(&app, TestRequest::delete().uri("/health").to_request()).await;
    assert_eq!(res.headers().get("allow").unwrap(), "GET, HEAD");
    let (status, body) = (res.status(), test::read_body_json(res).await);
    assert_coded(status, ErrorCode::MethodNotAllowed, &body);

    let res = test::call_service(
        &app,
        TestRequest::put().uri("/api/v1/simulations").to_request(),
    )
    .await;
    assert_eq!(res.status(), 405);
    assert_eq!(res.headers().get("allow").unwrap(), "GET, HEAD, POST");
}

#[actix_web::test]
async fn validation_failure_is_a_422_listing_every_field() {
    let (app, _dir) = test_app!();
    let (status, body) =
        call_json(&app, TestRequest::get().uri("/api/v1/invalid").to_request()).await;

    assert_coded(status, ErrorCode::ValidationFailed, &body);
    let paths: Vec<&str> = body["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["spending.annual", "end_age"]);
}

#[actix_web::test]
async fn internal_error_hides_its_cause() {
    let (app, _dir) = test_app!();
    let res = test::call_service(&app, TestRequest::get().uri("/api/v1/broken").to_request()).await;

    let status = res.status();
    let bytes = test::read_body(res).await;
    let text = String::from_utf8_lossy(&bytes);
    assert!(
        !text.contains("hunter2") && !text.contains("10.0.0.5"),
        "{text}"
    );
    assert_coded(
        status,
        ErrorCode::Internal,
        &serde_json::from_slice(&bytes).unwrap(),
    );
}

#[actix_web::test]
async fn a_panicking_handler_becomes_a_coded_500() {
    let (app, _dir) = test_app!();
    let res =
        test::try_call_service(&app, TestRequest::get().uri("/api/v1/panics").to_request()).await;

    // The panic leaves the middleware as a coded error that actix renders.
    let Err(err) = res else {
        panic!("a panic must be an error response")
    };
    let response = err.error_response();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = actix_web::body::to_bytes(response.into_body())
        .await
        .unwrap();
    let body: Value = serde_json::from_slice(&bytes).unwrap();
    assert_coded(status, ErrorCode::Internal, &body);
    assert!(!body.to_string().contains("handler bug"));
    assert_eq!(headers.get("x-content-type-options").unwrap(), "nosniff");
    assert_eq!(
        headers.get("x-request-id").unwrap(),
        body["error"]["request_id"].as_str().unwrap()
    );
}

#[actix_web::test]
async fn request_id_is_echoed_in_header_and_error_body() {
    let (app, _dir) = test_app!();
    let req = TestRequest::get()
        .uri("/api/v1/nope")
        .insert_header(("x-request-id", "trace-me-123"))
        .to_request();

    let res = test::call_service(&app, req).await;

    assert_eq!(res.headers().get("x-request-id").unwrap(), "trace-me-123");
    let body: Value = test::read_body_json(res).await;
    assert_eq!(body["error"]["request_id"], "trace-me-123");
}

#[actix_web::test]
async fn security_headers_are_on_every_response() {
    let (app, _dir) = test_app!();
    for uri in ["/health", "/api/v1/nope"] {
        let res = test::call_service(&app, TestRequest::get().uri(uri).to_request()).await;
        let headers = res.headers();
        assert_eq!(
            headers.get("x-content-type-options").unwrap(),
            "nosniff",
            "{uri}"
        );
        assert_eq!(
            headers.get("referrer-policy").unwrap(),
            "no-referrer",
            "{uri}"
        );
        let csp = headers
            .get("content-security-policy")
            .unwrap()
            .to_str()
            .unwrap();
        assert!(
            csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"),
            "{uri}: {csp}"
        );
    }
}

#[actix_web::test]
async fn a_request_past_its_deadline_is_a_coded_504() {
    let dir = tempfile::tempdir().unwrap();
    let settings = common::settings_with(&dir, |vars| {
        vars.insert("APP__SERVER__REQUEST_TIMEOUT_SECONDS".into(), "1".into());
    });
    let slow = || async {
        tokio::time::sleep(std::time::Duration::from_secs(5)).await;
        HttpResponse::Ok().finish()
    };
    let app = test::init_service(
        app(AppState::new(settings).unwrap()).route("/api/v1/slow", web::get().to(slow)),
    )
    .await;
    let started = std::time::Instant::now();

    let res =
        test::try_call_service(&app, TestRequest::get().uri("/api/v1/slow").to_request()).await;

    let Err(err) = res else {
        panic!("a timed-out request must be an error response")
    };
    assert!(started.elapsed() < std::time::Duration::from_secs(3));
    let response = err.error_response();
    let status = response.status();
    let body: Value = serde_json::from_slice(
        &actix_web::body::to_bytes(response.into_body())
            .await
            .unwrap(),
    )
    .unwrap();
    assert_coded(status, ErrorCode::Timeout, &body);
}

/// A body trickled slower than `server.body_timeout_seconds` gets a coded 408 at the deadline,
/// not a connection held for the whole request deadline.
#[tokio::test]
async fn a_trickled_body_is_a_coded_408_at_its_deadline() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = common::started_app_with(|vars| {
        vars.insert("APP__SERVER__BODY_TIMEOUT_SECONDS".into(), "1".into());
    })
    .await;
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", app.port))
        .await
        .unwrap();
    let started = std::time::Instant::now();
    stream
        .write_all(
            b"POST /api/v1/simulations HTTP/1.1\r\nHost: localhost\r\n\
              Content-Type: application/json\r\nContent-Length: 200\r\n\r\n{\"current_age\"",
        )
        .await
        .unwrap();
    let mut response = Vec::new();
    let read = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        stream.read_to_end(&mut response),
    )
    .await;
    let waited = started.elapsed();
    let response = String::from_utf8_lossy(&response);
    assert!(read.is_ok(), "no answer within 10 s: {response}");
    assert!(response.starts_with("HTTP/1.1 408"), "{response}");
    assert!(
        response.contains("\"code\":\"request_timeout\""),
        "{response}"
    );
    assert!(waited < std::time::Duration::from_secs(5), "{waited:?}");
}
