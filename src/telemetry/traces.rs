//! OpenTelemetry traces, exported over OTLP/HTTP (protobuf) when
//! `OTEL_EXPORTER_OTLP_ENDPOINT` (or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) is set.
//!
//! The standard `OTEL_*` variables apply: the exporter's headers, timeout and protocol, the
//! batch processor's `OTEL_BSP_*`, the sampler (`OTEL_TRACES_SAMPLER`, parent-based always-on
//! by default, so a caller's sampling decision is kept), `OTEL_SERVICE_NAME` (default
//! `glidepath`) and `OTEL_RESOURCE_ATTRIBUTES`; `OTEL_SDK_DISABLED=true` turns export off.
//! With no endpoint nothing is installed: spans cost what they cost before.
//!
//! Spans come from `tracing` (`tracing-opentelemetry` turns them into OpenTelemetry spans):
//! `request` for each request, with `validate`, `cache`, `simulate`, `statistics`, `render`
//! and `store` inside. An incoming W3C `traceparent` is the request span's parent
//! ([`trace_id`]), and the trace id lands on the request's log lines and Sentry events.

use anyhow::{Context as _, bail};
use opentelemetry::trace::{TraceContextExt, TracerProvider as _};
use opentelemetry::{Context, KeyValue};
use opentelemetry_otlp::{Protocol, WithExportConfig};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::propagation::TraceContextPropagator;
use opentelemetry_sdk::trace::{SdkTracerProvider, Tracer};
use tracing_opentelemetry::OpenTelemetrySpanExt;

/// The exporting tracer provider. Shut it down at exit: that sends the last batch.
pub struct Traces {
    provider: SdkTracerProvider,
}

impl Traces {
    /// The provider the `OTEL_*` variables describe, or `None` when no endpoint is set or
    /// `OTEL_SDK_DISABLED` is `true`. Fails on a protocol other than `http/protobuf`, the one
    /// this build speaks, rather than sending nothing.
    pub fn from_env(environment: &str) -> anyhow::Result<Option<Self>> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let endpoint = var("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
            .or_else(|| var("OTEL_EXPORTER_OTLP_ENDPOINT"));
        let disabled = var("OTEL_SDK_DISABLED").is_some_and(|v| v.eq_ignore_ascii_case("true"));
        if endpoint.is_none() || disabled {
            return Ok(None);
        }
        let protocol = var("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL")
            .or_else(|| var("OTEL_EXPORTER_OTLP_PROTOCOL"));
        if let Some(protocol) = protocol.filter(|p| p != "http/protobuf") {
            bail!(
                "OTEL_EXPORTER_OTLP_PROTOCOL is {protocol:?}: this build exports traces over \
                 http/protobuf only"
            );
        }
        // The builder reads the endpoint, headers and timeout from the environment.
        let exporter = opentelemetry_otlp::SpanExporter::builder()
            .with_http()
            .with_protocol(Protocol::HttpBinary)
            .build()
            .context("OTLP trace exporter")?;
        let mut resource = Resource::builder().with_attributes([
            KeyValue::new("service.version", env!("CARGO_PKG_VERSION")),
            KeyValue::new("deployment.environment.name", environment.to_owned()),
        ]);
        if var("OTEL_SERVICE_NAME").is_none() {
            resource = resource.with_service_name("glidepath");
        }
        let provider = SdkTracerProvider::builder()
            .with_batch_exporter(exporter)
            .with_resource(resource.build())
            .build();
        Ok(Some(Self { provider }))
    }

    pub fn tracer(&self) -> Tracer {
        self.provider.tracer("glidepath")
    }

    /// Sends what is queued and stops the exporter's thread.
    pub fn shutdown(self) {
        if let Err(err) = self.provider.shutdown() {
            tracing::warn!(error = %err, "traces: the last spans were not exported");
        }
    }
}

/// The request span's trace: the incoming `traceparent`'s, or, when traces are exported and
/// none came, the new trace the span starts. `None` when there is neither.
///
/// When traces are exported, the incoming context becomes `span`'s parent, so the caller's
/// trace continues through this service.
pub fn trace_id(span: &tracing::Span, traceparent: Option<&str>) -> Option<String> {
    let remote = traceparent.map(extract).unwrap_or_default();
    let incoming = remote.span().span_context().clone();
    if span.set_parent(remote).is_ok() {
        let context = span.context();
        let started = context.span().span_context().trace_id();
        return Some(started.to_string());
    }
    incoming.is_valid().then(|| incoming.trace_id().to_string())
}

/// The W3C trace context of a `traceparent` value; an invalid one gives an empty context.
fn extract(traceparent: &str) -> Context {
    use opentelemetry::propagation::TextMapPropagator;
    let carrier =
        std::collections::HashMap::from([("traceparent".to_string(), traceparent.into())]);
    TraceContextPropagator::new().extract(&carrier)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_valid_traceparent_gives_its_trace_id_without_exporting() {
        let span = tracing::Span::none();
        assert_eq!(
            trace_id(
                &span,
                Some("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
            )
            .as_deref(),
            Some("4bf92f3577b34da6a3ce929d0e0e4736")
        );
    }

    #[test]
    fn a_malformed_or_zero_traceparent_gives_no_trace_id() {
        let span = tracing::Span::none();
        for bad in [
            "",
            "garbage",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        ] {
            assert_eq!(trace_id(&span, Some(bad)), None, "{bad:?}");
        }
        assert_eq!(trace_id(&span, None), None);
    }
}
