//! `http_request_duration_seconds`, aggregated as it is recorded.
//!
//! The Prometheus exporter keeps every histogram sample until its upkeep folds
//! them into buckets. At 100k+ requests a second that buffering and the periodic
//! fold showed up in `/health`'s p99 (see BENCHMARKS.md). Request latency only
//! ever needs fixed buckets, so these series count straight into atomic buckets
//! and render themselves next to the exporter's output.

use std::collections::HashMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

pub const HTTP_REQUEST_DURATION_SECONDS: &str = "http_request_duration_seconds";

/// Upper bounds in seconds: sub-millisecond probes up to the 60 s request deadline.
pub const BUCKETS: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0, 60.0,
];

/// One labelled series: a count per bucket (not cumulative), plus sum and count.
#[derive(Default)]
pub struct Series {
    buckets: [AtomicU64; BUCKETS.len()],
    count: AtomicU64,
    sum_nanos: AtomicU64,
}

impl Series {
    pub fn record(&self, seconds: f64) {
        if let Some(i) = BUCKETS.iter().position(|bound| seconds <= *bound) {
            self.buckets[i].fetch_add(1, Ordering::Relaxed);
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        self.sum_nanos
            .fetch_add((seconds * 1e9) as u64, Ordering::Relaxed);
    }
}

type Labels = (String, String, u16);

struct Family {
    name: &'static str,
    help: &'static str,
    series: Mutex<HashMap<Labels, Arc<Series>>>,
}

fn family() -> &'static Family {
    static FAMILY: OnceLock<Family> = OnceLock::new();
    FAMILY.get_or_init(|| Family {
        name: HTTP_REQUEST_DURATION_SECONDS,
        help: "HTTP request latency by method, route template and status.",
        series: Mutex::new(HashMap::new()),
    })
}

/// The series for these labels, created on first use. Callers cache the `Arc`.
pub fn series(method: &str, route: &str, status: u16) -> Arc<Series> {
    let mut map = family().series.lock().unwrap_or_else(|p| p.into_inner());
    let key = (method.to_string(), route.to_string(), status);
    Arc::clone(map.entry(key).or_default())
}

fn escape(value: &str) -> String {
    value
        .replace('\\', r"\\")
        .replace('"', "\\\"")
        .replace('\n', r"\n")
}

/// Appends the family in Prometheus text format.
pub fn render_into(out: &mut String) {
    let family = family();
    let map = family.series.lock().unwrap_or_else(|p| p.into_inner());
    if map.is_empty() {
        return;
    }
    let _ = writeln!(out, "# HELP {} {}", family.name, family.help);
    let _ = writeln!(out, "# TYPE {} histogram", family.name);
    let mut entries: Vec<_> = map.iter().collect();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    for ((method, route, status), series) in entries {
        let labels = format!(
            r#"method="{}",route="{}",status="{status}""#,
            escape(method),
            escape(route)
        );
        let mut cumulative = 0;
        for (bound, bucket) in BUCKETS.iter().zip(&series.buckets) {
            cumulative += bucket.load(Ordering::Relaxed);
            let _ = writeln!(
                out,
                r#"{}_bucket{{{labels},le="{bound}"}} {cumulative}"#,
                family.name
            );
        }
        let count = series.count.load(Ordering::Relaxed);
        let sum = series.sum_nanos.load(Ordering::Relaxed) as f64 / 1e9;
        let _ = writeln!(
            out,
            r#"{}_bucket{{{labels},le="+Inf"}} {count}"#,
            family.name
        );
        let _ = writeln!(out, "{}_sum{{{labels}}} {sum}", family.name);
        let _ = writeln!(out, "{}_count{{{labels}}} {count}", family.name);
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_render_cumulatively_with_sum_and_count() {
        let series = series("GET", "/latency-test", 200);
        series.record(0.0002);
        series.record(0.002);
        series.record(100.0);

        let mut out = String::new();
        render_into(&mut out);

        let line = |suffix: &str| {
            out.lines()
                .find(|l| l.contains("/latency-test") && l.contains(suffix))
                .unwrap_or_else(|| panic!("{suffix} missing in {out}"))
                .rsplit(' ')
                .next()
                .unwrap()
                .to_string()
        };
        assert_eq!(line(r#"le="0.0005""#), "1");
        assert_eq!(line(r#"le="0.0025""#), "2");
        assert_eq!(line(r#"le="60""#), "2");
        assert_eq!(line(r#"le="+Inf""#), "3");
        assert_eq!(line("_count"), "3");
        assert!((line("_sum").parse::<f64>().unwrap() - 100.0022).abs() < 1e-6);
        assert!(out.contains("# TYPE http_request_duration_seconds histogram"));
    }
}
