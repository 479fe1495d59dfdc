//! The global tracing subscriber: JSON lines or human-readable output, filtered by
//! `log.level`, with Sentry breadcrumbs when Sentry is on.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

use super::JsonLayer;
use crate::config::{LogFormat, LogSettings};

/// Installs the global subscriber. Call once, before anything logs.
pub fn init(settings: &LogSettings) {
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
        LogFormat::Json => {
            log_panics_as_json();
            (Some(JsonLayer::new(std::io::stdout)), None)
        }
        LogFormat::Pretty => (
            None,
            Some(tracing_subscriber::fmt::layer().with_ansi(std::io::stdout().is_terminal())),
        ),
    };
    // Log lines become Sentry breadcrumbs only. Events come from the telemetry middleware
    // (`http::telemetry`: each unexpected 5xx, and one per incident of refusals) and the
    // panic handler, so one failure is reported once.
    let breadcrumbs = sentry::integrations::tracing::BreadcrumbLayer::new();
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(json)
        .with(pretty)
        .with(breadcrumbs)
        .try_init();
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
