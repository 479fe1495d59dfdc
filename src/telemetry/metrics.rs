//! The process-wide Prometheus registry.
//!
//! Every metric name is a constant here and is described in `describe`, so the
//! exposition always has `# HELP` lines (promtool insists). Later parts (engine,
//! cache, limiter) add their names to this list and record through the `metrics`
//! macros. Labels use route *templates* (`/s/{id}`), never raw paths.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use metrics::{Counter, Gauge, describe_counter, describe_gauge, describe_histogram};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

pub const HTTP_REQUESTS_TOTAL: &str = "http_requests_total";
pub use super::latency::HTTP_REQUEST_DURATION_SECONDS;
pub const HTTP_REQUESTS_IN_FLIGHT: &str = "http_requests_in_flight";
pub const CIRCUIT_BREAKER_OPEN: &str = "circuit_breaker_open";
pub const DEPENDENCY_UP: &str = "dependency_up";
pub const AUDIT_ENTRIES_TOTAL: &str = "audit_entries_total";
pub const BUILD_INFO: &str = "build_info";
pub const SIMULATIONS_TOTAL: &str = "simulations_total";
pub const SIMULATION_DURATION_SECONDS: &str = "simulation_duration_seconds";
pub const SIMULATION_PATHS_TOTAL: &str = "simulation_paths_total";
pub const SIMULATIONS_IN_FLIGHT: &str = "simulations_in_flight";
pub const SIMULATION_QUEUE_DEPTH: &str = "simulation_queue_depth";
pub const CACHE_REQUESTS_TOTAL: &str = "cache_requests_total";
pub const ANALYSIS_REQUESTS_TOTAL: &str = "analysis_requests_total";
pub const RATE_LIMITED_TOTAL: &str = "rate_limited_total";
pub const PDF_REPORTS_TOTAL: &str = "pdf_reports_total";
pub const RATE_LIMIT_FALLBACKS_TOTAL: &str = "rate_limit_fallbacks_total";

struct Registry {
    handle: PrometheusHandle,
    process: metrics_process::Collector,
}

static REGISTRY: OnceLock<Registry> = OnceLock::new();

/// Installs the global recorder once per process; later calls are no-ops.
pub fn install() {
    registry();
}

fn registry() -> &'static Registry {
    REGISTRY.get_or_init(|| {
        let recorder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), &super::latency::BUCKETS)
            .expect("bucket list is non-empty")
            .build_recorder();
        let handle = recorder.handle();
        // Another recorder may exist when the library is embedded; ours still renders.
        let _ = metrics::set_global_recorder(recorder);
        let upkeep = handle.clone();
        std::thread::Builder::new()
            .name("metrics-upkeep".into())
            .spawn(move || {
                loop {
                    std::thread::sleep(Duration::from_secs(5));
                    upkeep.run_upkeep();
                }
            })
            .expect("spawning the metrics upkeep thread");
        let process = metrics_process::Collector::default();
        process.describe();
        describe();
        metrics::gauge!(
            BUILD_INFO,
            "version" => env!("CARGO_PKG_VERSION"),
            "commit" => env!("GLIDEPATH_COMMIT"),
        )
        .set(1.0);
        Registry { handle, process }
    })
}

/// The Prometheus text exposition, with process metrics sampled now.
pub fn render() -> String {
    let registry = registry();
    registry.process.collect();
    let mut out = registry.handle.render();
    super::latency::render_into(&mut out);
    out
}

fn describe() {
    describe_counter!(
        HTTP_REQUESTS_TOTAL,
        "HTTP requests by method, route template and status."
    );
    describe_gauge!(HTTP_REQUESTS_IN_FLIGHT, "HTTP requests being served now.");
    describe_gauge!(
        CIRCUIT_BREAKER_OPEN,
        "1 while the dependency's circuit breaker is open."
    );
    describe_gauge!(
        DEPENDENCY_UP,
        "1 if the dependency answered its last readiness check."
    );
    describe_counter!(AUDIT_ENTRIES_TOTAL, "Audit log writes by outcome.");
    describe_gauge!(BUILD_INFO, "Always 1; labels carry the version and commit.");
    describe_counter!(
        SIMULATIONS_TOTAL,
        "Engine runs requested, by outcome: completed, timeout, overloaded, failed."
    );
    describe_histogram!(
        SIMULATION_DURATION_SECONDS,
        "Engine time of completed simulations, queueing excluded."
    );
    describe_counter!(
        SIMULATION_PATHS_TOTAL,
        "Paths (scenarios) simulated by completed runs."
    );
    describe_gauge!(
        SIMULATIONS_IN_FLIGHT,
        "Simulations running on an engine thread now."
    );
    describe_gauge!(
        SIMULATION_QUEUE_DEPTH,
        "Simulations waiting for an engine thread now."
    );
    describe_counter!(
        RATE_LIMITED_TOTAL,
        "Requests refused with 429, by subject: anonymous (per IP) or api_key."
    );
    describe_counter!(
        RATE_LIMIT_FALLBACKS_TOTAL,
        "Rate-limit checks decided in process because Redis was unreachable."
    );
    describe_counter!(
        ANALYSIS_REQUESTS_TOTAL,
        "Plan analyses by outcome: completed, cached, overloaded, timeout, failed."
    );
    describe_counter!(
        PDF_REPORTS_TOTAL,
        "PDF reports served, by outcome: rendered, cached, timeout, failed."
    );
    describe_counter!(
        CACHE_REQUESTS_TOTAL,
        "Result cache lookups by tier (l1, l2) and result (hit, miss, error)."
    );
}

/// Per-thread handles for the per-request HTTP series, so the hot path does one
/// small map lookup instead of building and hashing a labelled key per metric.
/// Label cardinality is bounded: route templates × methods × statuses.
#[derive(Default)]
struct HttpSeries {
    in_flight: Option<Gauge>,
    /// Route template → the few (method, status) pairs seen on it.
    by_route: HashMap<String, Vec<RouteSeries>>,
}

struct RouteSeries {
    method: String,
    status: u16,
    requests: Counter,
    latency: Arc<super::latency::Series>,
}

thread_local! {
    static HTTP_SERIES: RefCell<HttpSeries> = RefCell::new(HttpSeries::default());
}

/// Adds `delta` to `http_requests_in_flight`.
pub fn http_in_flight(delta: f64) {
    HTTP_SERIES.with_borrow_mut(|series| {
        series
            .in_flight
            .get_or_insert_with(|| metrics::gauge!(HTTP_REQUESTS_IN_FLIGHT))
            .increment(delta);
    });
}

/// The methods that get a series of their own; any other is counted as `other`, so a client
/// inventing method names cannot grow the number of series.
const KNOWN_METHODS: [&str; 9] = [
    "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "CONNECT", "TRACE",
];

/// `method` as a metric label: one of the nine standard methods, or `other`.
pub fn method_label(method: &str) -> &'static str {
    KNOWN_METHODS
        .into_iter()
        .find(|known| *known == method)
        .unwrap_or("other")
}

/// Counts one finished request and records its latency. Every label is from a bounded set:
/// the method (see [`method_label`]), the route template or `unmatched`, the status code.
pub fn http_request_done(method: &str, route: &str, status: u16, seconds: f64) {
    let method = method_label(method);
    HTTP_SERIES.with_borrow_mut(|series| {
        let seen = match series.by_route.get_mut(route) {
            Some(seen) => seen,
            None => series.by_route.entry(route.to_string()).or_default(),
        };
        let index = match seen
            .iter()
            .position(|s| s.status == status && s.method == method)
        {
            Some(index) => index,
            None => {
                let labels = [
                    ("method", method.to_string()),
                    ("route", route.to_string()),
                    ("status", status.to_string()),
                ];
                seen.push(RouteSeries {
                    method: method.to_string(),
                    status,
                    requests: metrics::counter!(HTTP_REQUESTS_TOTAL, &labels),
                    latency: super::latency::series(method, route, status),
                });
                seen.len() - 1
            }
        };
        seen[index].requests.increment(1);
        seen[index].latency.record(seconds);
    });
}
