//! Sentry error reporting, on when `sentry.dsn` is set.
//!
//! Initialise before the async runtime starts (Sentry's requirement); keep the
//! guard alive until exit, because dropping it flushes queued events.

use crate::config::Settings;

pub fn init(settings: &Settings) -> Option<sentry::ClientInitGuard> {
    if settings.sentry.dsn.is_empty() {
        return None;
    }
    let dsn = settings.sentry.dsn.expose().parse().ok()?;
    Some(sentry::init(options(settings, Some(dsn))))
}

/// Client options shared by production and the tests' capturing transport.
pub fn options(settings: &Settings, dsn: Option<sentry::types::Dsn>) -> sentry::ClientOptions {
    let mut options = sentry::ClientOptions::new()
        .release(format!(
            "glidepath@{}+{}",
            env!("CARGO_PKG_VERSION"),
            env!("GLIDEPATH_COMMIT")
        ))
        .environment(settings.environment.as_str())
        .traces_sample_rate(settings.sentry.traces_sample_rate)
        .attach_stacktrace(true)
        .send_default_pii(false);
    options.dsn = dsn;
    options
}
