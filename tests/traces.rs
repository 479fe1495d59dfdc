//! Traces: spans exported over OTLP/HTTP to a receiver run in the test (it decodes the
//! protobuf the way a collector does), an incoming W3C `traceparent` continued, and its trace
//! id on the request's log lines and Sentry events. The real binary, because the tracer
//! provider and the subscriber are process-global.

mod common;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use common::server::Server;
use nix::sys::signal::Signal;
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTraceServiceRequest, ExportTraceServiceResponse,
};
use opentelemetry_proto::tonic::common::v1::KeyValue;
use opentelemetry_proto::tonic::common::v1::any_value::Value as AnyValue;
use opentelemetry_proto::tonic::trace::v1::Span;
use prost::Message;
use serde_json::Value;

/// What the receiver was sent: spans with their resource's `service.name`, and Sentry
/// envelopes as text.
#[derive(Clone, Default)]
struct Received {
    spans: Arc<Mutex<Vec<(String, Span)>>>,
    sentry: Arc<Mutex<Vec<String>>>,
}

impl Received {
    fn spans(&self) -> Vec<(String, Span)> {
        self.spans.lock().unwrap().clone()
    }
}

/// OTLP/HTTP's `/v1/traces` (protobuf in, an empty `ExportTraceServiceResponse` out) and
/// Sentry's envelope endpoint.
async fn receive(req: HttpRequest, body: web::Bytes, got: web::Data<Received>) -> HttpResponse {
    if req.path() == "/v1/traces" {
        let content_type = req.headers().get("content-type").unwrap().to_str().unwrap();
        assert_eq!(content_type, "application/x-protobuf");
        let export = ExportTraceServiceRequest::decode(body).expect("OTLP protobuf");
        for resource_spans in export.resource_spans {
            let attributes = resource_spans.resource.unwrap_or_default().attributes;
            let service = string_attribute(&attributes, "service.name").unwrap_or_default();
            for scope in resource_spans.scope_spans {
                let mut spans = got.spans.lock().unwrap();
                spans.extend(scope.spans.into_iter().map(|span| (service.clone(), span)));
            }
        }
        return HttpResponse::Ok()
            .content_type("application/x-protobuf")
            .body(ExportTraceServiceResponse::default().encode_to_vec());
    }
    if req.path().ends_with("/envelope/") {
        let text = String::from_utf8_lossy(&body).into_owned();
        got.sentry.lock().unwrap().push(text);
        return HttpResponse::Ok().json(serde_json::json!({}));
    }
    HttpResponse::NotFound().finish()
}

async fn receiver() -> (Received, u16) {
    let got = Received::default();
    let data = web::Data::new(got.clone());
    let server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .app_data(web::PayloadConfig::new(16 << 20))
            .default_service(web::to(receive))
    })
    .workers(1)
    .bind(("127.0.0.1", 0))
    .unwrap();
    let port = server.addrs()[0].port();
    actix_web::rt::spawn(server.run());
    (got, port)
}

fn string_attribute(attributes: &[KeyValue], key: &str) -> Option<String> {
    attributes.iter().find(|kv| kv.key == key).and_then(|kv| {
        match kv.value.as_ref()?.value.as_ref()? {
            AnyValue::StringValue(s) => Some(s.clone()),
            _ => None,
        }
    })
}

const TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const CALLER_SPAN: &str = "00f067aa0ba902b7";
const PDF_TRACE: &str = "0af7651916cd43dd8448eb211c80319c";

fn plan(seed: u64) -> Value {
    serde_json::json!({"current_age": 65, "end_age": 90,
        "portfolio": {"balance": 600000}, "spending": {"annual": 25000},
        "simulation": {"scenarios": 200, "seed": seed}})
}

async fn post(server: &Server, request_id: &str, traceparent: Option<String>, seed: u64) -> Value {
    let mut request = reqwest::Client::new()
        .post(server.url("/api/v1/simulations"))
        .header("x-request-id", request_id)
        .json(&plan(seed));
    if let Some(traceparent) = traceparent {
        request = request.header("traceparent", traceparent);
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), 201);
    response.json().await.unwrap()
}

#[actix_web::test]
async fn spans_reach_an_otlp_receiver_and_a_traceparent_continues_into_logs_and_sentry() {
    let (got, port) = receiver().await;
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::started(&dir, |cmd| {
        cmd.env(
            "OTEL_EXPORTER_OTLP_ENDPOINT",
            format!("http://127.0.0.1:{port}"),
        )
        .env("OTEL_BSP_SCHEDULE_DELAY", "100")
        .env("SENTRY_DSN", format!("http://key@127.0.0.1:{port}/1"))
        .env("APP__LOG__FORMAT", "json")
        .env("APP__LOG__LEVEL", "info")
        // Every PDF runs out of time: a 504, which Sentry hears of once, as an incident.
        .env("APP__REPORT__TIMEOUT_MS", "1");
    })
    .await;

    let traced = post(
        &server,
        "traced-1",
        Some(format!("00-{TRACE}-{CALLER_SPAN}-01")),
        1,
    )
    .await;
    let untraced = post(&server, "untraced-1", None, 2).await;
    let pdf = reqwest::Client::new()
        .get(server.url(&format!(
            "/api/v1/simulations/{}/report.pdf",
            traced["id"].as_str().unwrap()
        )))
        .header("x-request-id", "pdf-1")
        .header("traceparent", format!("00-{PDF_TRACE}-{CALLER_SPAN}-01"))
        .send()
        .await
        .unwrap();
    assert_eq!(pdf.status(), 504);
    for _ in 0..3 {
        assert_eq!(
            reqwest::get(server.url("/health")).await.unwrap().status(),
            200
        );
    }
    server.signal(Signal::SIGTERM);
    assert!(server.wait_exit(Duration::from_secs(15)).await.success());
    let output = server.output();

    // The export ends with the process: shutdown sends the last batch.
    let deadline = Instant::now() + Duration::from_secs(5);
    while got.spans().is_empty() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let spans = got.spans();
    assert!(spans.iter().all(|(service, _)| service == "glidepath"));

    // The traced request: its spans all in the caller's trace, the request span a child of
    // the caller's span, every other one a child of a span of ours.
    let in_trace: Vec<&Span> = spans
        .iter()
        .map(|(_, span)| span)
        .filter(|span| hex::encode(&span.trace_id) == TRACE)
        .collect();
    let by_id: HashMap<String, &Span> = in_trace
        .iter()
        .map(|span| (hex::encode(&span.span_id), *span))
        .collect();
    let named = |name: &str| -> Vec<&Span> {
        in_trace
            .iter()
            .copied()
            .filter(|span| span.name == name)
            .collect()
    };
    let request = named("request");
    assert_eq!(request.len(), 1, "{in_trace:#?}");
    assert_eq!(hex::encode(&request[0].parent_span_id), CALLER_SPAN);
    assert_eq!(
        string_attribute(&request[0].attributes, "route").as_deref(),
        Some("/api/v1/simulations")
    );
    let parent_name = |span: &Span| by_id[&hex::encode(&span.parent_span_id)].name.clone();
    for (name, parent) in [
        ("validate", "request"),
        ("cache", "request"),
        ("simulate", "cache"),
        ("statistics", "simulate"),
        ("render", "simulate"),
        ("store", "request"),
    ] {
        let found = named(name);
        assert_eq!(found.len(), 1, "one {name} span: {in_trace:#?}");
        assert_eq!(parent_name(found[0]), parent, "{name}'s parent");
        assert!(found[0].end_time_unix_nano >= found[0].start_time_unix_nano);
    }
    assert_eq!(
        string_attribute(&named("cache")[0].attributes, "tier").as_deref(),
        Some("miss")
    );

    // Probes are not traced.
    assert!(
        !spans.iter().any(
            |(_, span)| string_attribute(&span.attributes, "route").as_deref() == Some("/health")
        ),
        "a probe was exported"
    );

    // Log lines: every one of the traced request carries its trace id; the untraced request
    // started a trace of its own, which is the one exported.
    let lines: Vec<Value> = output
        .lines()
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect();
    let of = |id: &str| -> Vec<&Value> {
        lines
            .iter()
            .filter(|line| line["request_id"] == id)
            .collect()
    };
    assert!(!of("traced-1").is_empty(), "{output}");
    assert!(
        of("traced-1").iter().all(|line| line["trace_id"] == TRACE),
        "{output}"
    );
    let own = of("untraced-1")[0]["trace_id"]
        .as_str()
        .unwrap_or_else(|| panic!("no trace id on the untraced request: {output}"))
        .to_string();
    assert_eq!(own.len(), 32);
    assert_ne!(own, TRACE);
    let own_request = spans
        .iter()
        .find(|(_, span)| hex::encode(&span.trace_id) == own && span.name == "request")
        .map(|(_, span)| span)
        .expect("the untraced request's own trace was exported");
    assert!(own_request.parent_span_id.is_empty(), "a root span");
    assert_eq!(untraced["id"].as_str().map(str::len), Some(32));

    // Sentry's event for the PDF's timeout carries that request's trace id.
    let envelopes = got.sentry.lock().unwrap().clone();
    let event = envelopes
        .iter()
        .flat_map(|envelope| envelope.lines())
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .find(|item| item["tags"]["request_id"] == "pdf-1")
        .unwrap_or_else(|| panic!("no Sentry event for the PDF: {envelopes:#?}"));
    assert_eq!(event["tags"]["trace_id"], PDF_TRACE);
}

#[actix_web::test]
async fn a_protocol_this_build_does_not_speak_refuses_to_start() {
    let dir = tempfile::tempdir().unwrap();
    let output = common::server::command(&dir, 8080)
        .env("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4317")
        .env("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")
        .arg("serve")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("http/protobuf"), "{stderr}");
}
