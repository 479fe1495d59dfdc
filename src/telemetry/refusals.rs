//! Expected refusals, told once rather than per request.
//!
//! A database outage or an overload refuses every request for as long as it lasts, and
//! clients make the same mistakes by the thousand. Each such refusal is noted here by its
//! reason (the error code): [`flush`], run every second, logs one `warn` line per reason with
//! how many requests it refused since the last line. A reason seen after a quiet spell of
//! [`INCIDENT_GAP`] starts an *incident*, which is reported to Sentry once.

use std::collections::BTreeMap;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// A reason not seen for this long starts a new incident when it returns.
pub const INCIDENT_GAP: Duration = Duration::from_secs(60);

#[derive(Default)]
struct Reason {
    /// Refusals since the last flush.
    count: u64,
    status: u16,
    /// A message of the last refusal, for the log line.
    message: String,
    last_seen: Option<Instant>,
}

#[derive(Default)]
pub struct Refusals {
    reasons: Mutex<BTreeMap<&'static str, Reason>>,
}

impl Refusals {
    /// Notes one refusal; `true` when it starts an incident.
    pub fn note(&self, reason: &'static str, status: u16, message: &str, now: Instant) -> bool {
        let mut reasons = self.reasons.lock().unwrap_or_else(|p| p.into_inner());
        let entry = reasons.entry(reason).or_default();
        let starts = entry
            .last_seen
            .is_none_or(|seen| now.duration_since(seen) >= INCIDENT_GAP);
        entry.count += 1;
        entry.status = status;
        if entry.message != message {
            entry.message = message.to_string();
        }
        entry.last_seen = Some(now);
        starts
    }

    /// The refusals since the last call, by reason: (reason, status, count, a message).
    pub fn take(&self) -> Vec<(&'static str, u16, u64, String)> {
        let mut reasons = self.reasons.lock().unwrap_or_else(|p| p.into_inner());
        reasons
            .iter_mut()
            .filter(|(_, r)| r.count > 0)
            .map(|(reason, r)| {
                (
                    *reason,
                    r.status,
                    std::mem::take(&mut r.count),
                    r.message.clone(),
                )
            })
            .collect()
    }
}

/// The process's refusals.
pub fn global() -> &'static Refusals {
    static GLOBAL: OnceLock<Refusals> = OnceLock::new();
    GLOBAL.get_or_init(Refusals::default)
}

/// Logs one `warn` line per reason refused since the last flush.
pub fn flush() {
    for (reason, status, count, example) in global().take() {
        tracing::warn!(reason, status, count, example, "requests refused");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_are_counted_per_reason_and_an_incident_starts_after_a_quiet_spell() {
        let refusals = Refusals::default();
        let t0 = Instant::now();
        assert!(refusals.note("overloaded", 503, "busy", t0));
        for i in 1..1000 {
            assert!(!refusals.note("overloaded", 503, "busy", t0 + Duration::from_millis(i)));
        }
        assert!(refusals.note("not_found", 404, "no such route", t0));
        assert_eq!(
            refusals.take(),
            [
                ("not_found", 404, 1, "no such route".to_string()),
                ("overloaded", 503, 1000, "busy".to_string()),
            ]
        );
        assert_eq!(refusals.take(), []);
        // Still the same incident a second later; a new one after the gap.
        assert!(!refusals.note("overloaded", 503, "busy", t0 + Duration::from_secs(2)));
        assert!(refusals.note(
            "overloaded",
            503,
            "busy",
            t0 + Duration::from_secs(2) + INCIDENT_GAP
        ));
    }
}
