//! In-process cost of the full middleware stack (Sentry hub, security headers,
//! request id, span, metrics, deadline, panic guard) on `/health`, against a
//! bare actix handler measured in the same run, and once more under the production
//! subscriber (JSON lines at info, traces off: `health/full_stack_info_logs`). No sockets: this isolates our
//! per-request overhead from the kernel's. The over-the-wire numbers come from
//! `scripts/bench-http.sh` (wrk).
//!
//! `simulations`: server-side cost of `POST /api/v1/simulations`, cached (an L1 hit, plus
//! the row and audit entry it stores) and uncached (a 1,000-scenario, 30-year plan with a
//! fresh seed each time: engine, serialization, storage), beside `/health` in the same run.
//! Over-the-wire numbers for the API come from `scripts/loadtest.sh`.
//!
//! `result_page`: the first view of a result page (issue 21: p50 ≤ 50 ms for 1,000 × 30),
//! `GET /s/{id}` with its analysis not yet cached, beside the same page with its analysis
//! cached and the analysis alone (`GET /s/{id}/analysis`: what the first view used to wait
//! for), same run.

use std::time::{Duration, Instant};

use actix_web::{App, HttpResponse, test, web};
use criterion::{Criterion, criterion_group, criterion_main};
use glidepath::app::app;
use glidepath::config::{LogFormat, LogSettings, Settings};
use glidepath::state::AppState;
use glidepath::telemetry::logging;

async fn bare_health() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({ "status": "ok" }))
}

fn settings(dir: &tempfile::TempDir) -> Settings {
    settings_with(dir, &[])
}

/// Development settings with a SQLite file in `dir`, quiet logs, and `extra` variables.
fn settings_with(dir: &tempfile::TempDir, extra: &[(&str, &str)]) -> Settings {
    let mut vars: std::collections::HashMap<String, String> = [
        (
            "APP__DATABASE__URL".to_string(),
            format!("sqlite://{}/bench.db", dir.path().display()),
        ),
        ("APP__LOG__LEVEL".to_string(), "warn".to_string()),
    ]
    .into_iter()
    .collect();
    vars.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    Settings::load(&vars).expect("bench settings")
}

/// A current-thread runtime and a local set, as actix's test services need, with the
/// metrics recorder installed.
fn runtime() -> (tokio::runtime::Runtime, tokio::task::LocalSet) {
    glidepath::telemetry::metrics::install();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    (rt, tokio::task::LocalSet::new())
}

fn health(c: &mut Criterion) {
    let (rt, local) = runtime();
    let dir = tempfile::tempdir().unwrap();

    let (full, bare) = local.block_on(&rt, async {
        let state = AppState::new(settings(&dir)).unwrap();
        let full = test::init_service(app(state)).await;
        let bare =
            test::init_service(App::new().route("/health", web::get().to(bare_health))).await;
        (full, bare)
    });

    let mut group = c.benchmark_group("health");
    group.bench_function("bare_actix", |b| {
        b.iter(|| {
            local.block_on(&rt, async {
                let res =
                    test::call_service(&bare, test::TestRequest::get().uri("/health").to_request())
                        .await;
                assert!(res.status().is_success());
            })
        })
    });
    let full_health = || {
        local.block_on(&rt, async {
            let res =
                test::call_service(&full, test::TestRequest::get().uri("/health").to_request())
                    .await;
            assert!(res.status().is_success());
        })
    };
    group.bench_function("full_stack", |b| b.iter(full_health));
    // As served: the production subscriber (JSON lines at info), traces off.
    let production = LogSettings {
        level: "info".into(),
        format: LogFormat::Json,
    };
    let subscriber = logging::subscriber(&production, None);
    tracing::subscriber::with_default(subscriber, || {
        group.bench_function("full_stack_info_logs", |b| b.iter(full_health));
    });
    group.finish();
}

fn plan(seed: u64) -> String {
    format!(
        r#"{{"current_age": 65, "end_age": 95, "portfolio": {{"balance": 1000000}},
            "spending": {{"annual": 40000}}, "simulation": {{"scenarios": 1000, "seed": {seed}}}}}"#
    )
}

fn post(body: String) -> actix_http::Request {
    test::TestRequest::post()
        .uri("/api/v1/simulations")
        .insert_header(("content-type", "application/json"))
        .set_payload(body)
        .to_request()
}

fn simulations(c: &mut Criterion) {
    let (rt, local) = runtime();
    let dir = tempfile::tempdir().unwrap();
    let full = local.block_on(&rt, async {
        let state = AppState::new(settings(&dir)).unwrap();
        state.db.migrate().await.unwrap();
        state.lifecycle.mark_started();
        test::init_service(app(state)).await
    });
    let call = |req| {
        local.block_on(&rt, async {
            let res = test::call_service(&full, req).await;
            assert!(res.status().is_success(), "{}", res.status());
        })
    };
    call(post(plan(7)));

    let mut group = c.benchmark_group("simulations");
    group.bench_function("health", |b| {
        b.iter(|| call(test::TestRequest::get().uri("/health").to_request()))
    });
    group.bench_function("post_cached", |b| b.iter(|| call(post(plan(7)))));
    let mut seed = 1_000;
    group.bench_function("post_uncached_1000x30", |b| {
        b.iter(|| {
            seed += 1;
            call(post(plan(seed)))
        })
    });
    group.finish();
}

fn result_page(c: &mut Criterion) {
    let (rt, local) = runtime();
    let dir = tempfile::tempdir().unwrap();
    let full = local.block_on(&rt, async {
        let state = AppState::new(settings(&dir)).unwrap();
        state.db.migrate().await.unwrap();
        state.lifecycle.mark_started();
        test::init_service(app(state)).await
    });
    let create = |seed: u64| -> String {
        local.block_on(&rt, async {
            let body: serde_json::Value =
                test::call_and_read_body_json(&full, post(plan(seed))).await;
            body["id"].as_str().expect("an id").to_string()
        })
    };
    let get = |path: &str| {
        local.block_on(&rt, async {
            let req = test::TestRequest::get()
                .uri(path)
                .insert_header(("accept", "text/html"))
                .to_request();
            let res = test::call_service(&full, req).await;
            assert!(res.status().is_success(), "{path}: {}", res.status());
            test::read_body(res).await.len()
        })
    };
    let seen = create(7);
    get(&format!("/s/{seen}/analysis"));

    let mut group = c.benchmark_group("result_page");
    group.sample_size(30);
    group.measurement_time(Duration::from_secs(20));
    let mut seed = 10_000;
    // `timed(iters, path)`: the time of `GET /s/{id}{path}` on `iters` fresh results, each
    // created untimed, and each one's analysis then waited for untimed (so they never pile up).
    let mut timed = |iters: u64, path: &str| {
        let mut total = Duration::ZERO;
        for _ in 0..iters {
            seed += 1;
            let id = create(seed);
            let start = Instant::now();
            get(&format!("/s/{id}{path}"));
            total += start.elapsed();
            get(&format!("/s/{id}/analysis"));
        }
        total
    };
    group.bench_function("first_view_1000x30", |b| {
        b.iter_custom(|iters| timed(iters, ""))
    });
    group.bench_function("cached_view_1000x30", |b| {
        b.iter(|| get(&format!("/s/{seen}")))
    });
    group.bench_function("analysis_1000x30", |b| {
        b.iter_custom(|iters| timed(iters, "/analysis"))
    });
    group.finish();
}

/// The rate limiter's local path: one check of a per-IP budget large enough never to deny,
/// over many client addresses (so the keyed map is realistic), and the full stack on a
/// limited route with the limiter on and off, same run.
fn rate_limit(c: &mut Criterion) {
    use glidepath::config::RateLimitSettings;
    use glidepath::rate_limit::{RateLimiter, Subject};
    let (rt, local) = runtime();
    let limiter = RateLimiter::new(
        &RateLimitSettings {
            anonymous_per_minute: 60_000_000,
            trusted_proxies: Vec::new(),
            tiers: [("free".to_string(), 120)].into_iter().collect(),
        },
        "",
        None,
    );
    let subjects: Vec<Subject> = (0..10_000u32)
        .map(|i| Subject::Ip(std::net::IpAddr::from(i.to_be_bytes())))
        .collect();
    let mut next = 0;
    let mut group = c.benchmark_group("rate_limit");
    group.bench_function("local_check", |b| {
        b.iter(|| {
            next = (next + 1) % subjects.len();
            let decision = rt.block_on(limiter.check(&subjects[next]));
            assert!(decision.is_some_and(|d| d.allowed));
        })
    });
    group.finish();

    let dir = tempfile::tempdir().unwrap();
    let app_with = |per_minute: &str| {
        let settings = settings_with(
            &dir,
            &[("APP__RATE_LIMIT__ANONYMOUS_PER_MINUTE", per_minute)],
        );
        local.block_on(&rt, async {
            test::init_service(app(AppState::new(settings).unwrap())).await
        })
    };
    // The largest budget accepted: never spent in a bench.
    let limited = app_with("60000000");
    let unlimited = app_with("0");
    let request = || {
        test::TestRequest::get()
            .uri("/api/v1/assumptions")
            .peer_addr("192.0.2.1:4000".parse().unwrap())
            .to_request()
    };
    let mut group = c.benchmark_group("rate_limit_full_stack");
    group.bench_function("limiter_off", |b| {
        b.iter(|| {
            local.block_on(&rt, async {
                assert!(
                    test::call_service(&unlimited, request())
                        .await
                        .status()
                        .is_success()
                );
            })
        })
    });
    group.bench_function("limiter_on", |b| {
        b.iter(|| {
            local.block_on(&rt, async {
                assert!(
                    test::call_service(&limited, request())
                        .await
                        .status()
                        .is_success()
                );
            })
        })
    });
    group.finish();
}

criterion_group!(benches, health, simulations, result_page, rate_limit);
criterion_main!(benches);
