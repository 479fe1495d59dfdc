//! In-process cost of the full middleware stack (Sentry hub, security headers,
//! request id, span, metrics, deadline, panic guard) on `/health`, against a
//! bare actix handler measured in the same run. No sockets: this isolates our
//! per-request overhead from the kernel's. The over-the-wire numbers come from
//! `scripts/bench-http.sh` (wrk).

use actix_web::{App, HttpResponse, test, web};
use criterion::{Criterion, criterion_group, criterion_main};
use glidepath::config::Settings;
use glidepath::http::app;
use glidepath::state::AppState;

async fn bare_health() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({ "status": "ok" }))
}

fn settings(dir: &tempfile::TempDir) -> Settings {
    let vars = [
        (
            "APP__DATABASE__URL",
            format!("sqlite://{}/bench.db", dir.path().display()),
        ),
        ("APP__LOG__LEVEL", "warn".to_string()),
    ];
    Settings::load(&vars.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
        .expect("bench settings")
}

fn health(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let local = tokio::task::LocalSet::new();
    let dir = tempfile::tempdir().unwrap();
    glidepath::telemetry::metrics::install();

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
    group.bench_function("full_stack", |b| {
        b.iter(|| {
            local.block_on(&rt, async {
                let res =
                    test::call_service(&full, test::TestRequest::get().uri("/health").to_request())
                        .await;
                assert!(res.status().is_success());
            })
        })
    });
    group.finish();
}

criterion_group!(benches, health);
criterion_main!(benches);
