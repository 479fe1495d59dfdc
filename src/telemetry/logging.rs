//! The global tracing subscriber: JSON lines or human-readable output, filtered by
//! `log.level`, with Sentry breadcrumbs when Sentry is on, and OpenTelemetry spans when
//! traces are exported (`telemetry::traces`).

use std::io::IsTerminal;

use tracing_subscriber::filter::{EnvFilter, LevelFilter, Targets};
use tracing_subscriber::layer::{Layer, SubscriberExt};
use tracing_subscriber::util::SubscriberInitExt;

use opentelemetry_sdk::trace::Tracer;

use super::JsonLayer;
use crate::config::{LogFormat, LogSettings};

/// Installs the global subscriber. Call once, before anything logs. `tracer`: where spans
/// are exported, if they are.
pub fn init(settings: &LogSettings, tracer: Option<Tracer>) {
    if settings.format == LogFormat::Json {
        log_panics_as_json();
    }
    let _ = subscriber(settings, tracer).try_init();
}

/// The subscriber [`init`] installs (benches scope it to a thread).
pub fn subscriber(
    settings: &LogSettings,
    tracer: Option<Tracer>,
) -> impl tracing::Subscriber + Send + Sync + 'static {
    // Validated at load time, so the fallback is only for programmatic callers.
    let mut filter = EnvFilter::try_new(&settings.level).unwrap_or_else(|_| EnvFilter::new("info"));
    // actix logs each malformed request (a client's mistake, refused before a request
    // exists) at error, one line a connection: an attack would flood the log. Unless
    // `log.level` names it, that logger is off.
    if !settings.level.contains("actix_http") {
        filter = filter.add_directive(
            "actix_http::h1::dispatcher=off"
                .parse()
                .expect("a valid directive"),
        );
    }
    let (json, pretty) = match settings.format {
        LogFormat::Json => (Some(JsonLayer::new(std::io::stdout)), None),
        LogFormat::Pretty => (
            None,
            Some(tracing_subscriber::fmt::layer().with_ansi(std::io::stdout().is_terminal())),
        ),
    };
    // Log lines become Sentry breadcrumbs only. Events come from the telemetry middleware
    // (`http::telemetry`: each unexpected 5xx, and one per incident of refusals) and the
    // panic handler, so one failure is reported once.
    let breadcrumbs = sentry::integrations::tracing::BreadcrumbLayer::new();
    let logs = Layer::and_then(Layer::and_then(json, pretty), breadcrumbs).with_filter(filter);
    // Spans are exported whatever `log.level` says: the service's own at info and above
    // (request, validate, cache, simulate, statistics, render, store; probes' are debug).
    let spans = tracer.map(|tracer| {
        tracing_opentelemetry::layer()
            .with_tracer(tracer)
            .with_filter(Targets::new().with_target("glidepath", LevelFilter::INFO))
    });
    tracing_subscriber::registry().with(logs).with(spans)
}

/// Replaces the default panic printout (several plain-text lines on stderr, which
/// break JSON log parsing) with one error line. Sentry's panic hook, installed
/// later, still runs first and then hands over to this one.
fn log_panics_as_json() {
    std::panic::set_hook(Box::new(|info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "panic".to_string());
        let location = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()));
        let backtrace = std::backtrace::Backtrace::capture().to_string();
        tracing::error!(panic = message, location, backtrace, "panicked");
    }));
}
