//! Result page rendering (issue 5's target: ≤ 2 ms p50 for a stored 40-year result) and the
//! PDF report of the same result (issue 6's: ≤ 25 ms, ≤ 250 KB).
//!
//! The page as `GET /s/{id}` builds it from a stored simulation: parse the stored plan and
//! outcome, build the charts from the shared chart model, draw them as SVG, and render the
//! template, with a cached analysis (tornado chart, insights). Measured beside the JSON API's
//! answer for the same stored result (splicing id and date into the stored document), so the
//! ratio holds on a noisy machine.
//!
//! The PDF is measured as the route does it: parse the stored plan and outcome, render
//! every page, serialize and compress.
//!
//! `cargo bench --bench web`

use std::hint::black_box;
use std::sync::Arc;

use askama::Template;
use criterion::{Criterion, criterion_group, criterion_main};
use glidepath::analysis::{Analyzer, DEFAULT_TARGETS};
use glidepath::engine::plan::{Limits, parse_plan_json};
use glidepath::engine::{self, Plan, PlanDefaults, RunOptions};
use glidepath::report::pdf::{self, Paper, Report};
use glidepath::simulations::Simulation;
use glidepath::simulations::StoredAnalysis;
use glidepath::simulations::cache::CacheTier;
use glidepath::simulations::document::{ResultDoc, result_hash};
use glidepath::web::result::ResultPage;

/// A 40-year guardrails plan (55 to 95) with an income, 1,000 scenarios: every chart is drawn.
const PLAN: &str = r#"{"name": "Bench plan", "current_age": 55, "retirement_age": 60,
    "end_age": 95, "portfolio": {"balance": 1000000, "annual_contribution": 20000},
    "spending": {"strategy": "guardrails", "annual": 45000},
    "income": [{"name": "Social Security", "annual": 24000, "start_age": 67}],
    "simulation": {"scenarios": 1000, "seed": 42}}"#;

fn stored_simulation() -> (Simulation, StoredAnalysis) {
    let defaults = PlanDefaults::default();
    let limits = Limits {
        max_scenarios: 10_000,
        this_year: Some(2026),
    };
    let input = parse_plan_json(PLAN).expect("bench plan parses");
    let plan = input
        .normalize(&defaults, limits)
        .expect("bench plan is valid");
    let outcome = engine::simulate(&plan, &RunOptions::default()).expect("simulates");
    assert_eq!(outcome.years, 40);
    let plan_json = serde_json::to_string(&plan).expect("plans serialize");
    let simulation = Simulation {
        id: "0123456789abcdef0123456789abcdef".into(),
        created_at: "2026-11-27T12:00:00Z".into(),
        result: Arc::new(ResultDoc::new(result_hash(&plan_json), &plan, &outcome)),
        cache: CacheTier::L1,
    };
    let analysis = Analyzer::new(input, &defaults, limits, RunOptions::default())
        .expect("analysis plan is valid")
        .run(&DEFAULT_TARGETS)
        .expect("analysis runs");
    (simulation, StoredAnalysis::Ready(Box::new(analysis)))
}

fn result_page(c: &mut Criterion) {
    let (simulation, analysis) = stored_simulation();
    let permalink = "https://glidepath.example/s/0123456789abcdef0123456789abcdef";
    let html = ResultPage::new(&simulation, Some(&analysis), permalink.into())
        .expect("page builds")
        .render()
        .expect("page renders");
    eprintln!("result page: {} bytes of HTML", html.len());

    let mut group = c.benchmark_group("result_page_40y");
    group.bench_function("html", |b| {
        b.iter(|| {
            ResultPage::new(black_box(&simulation), Some(&analysis), permalink.into())
                .expect("page builds")
                .render()
                .expect("page renders")
        })
    });
    group.bench_function("json_baseline", |b| {
        b.iter(|| black_box(&simulation).response_body())
    });
    group.finish();
}

fn report_pdf(c: &mut Criterion) {
    let (simulation, analysis) = stored_simulation();
    let StoredAnalysis::Ready(analysis) = analysis else {
        unreachable!("the bench computes its analysis")
    };
    let permalink = "https://glidepath.example/s/0123456789abcdef0123456789abcdef";
    let render = |simulation: &Simulation| {
        let plan = Plan::from_stored(&simulation.result.plan_json).expect("plan");
        let outcome = simulation.result.outcome().expect("outcome");
        let report = Report {
            plan: &plan,
            outcome: &outcome,
            analysis: Some(&analysis),
            id: &simulation.id,
            created_at: &simulation.created_at,
            permalink,
        };
        pdf::render(&report, Paper::A4)
    };
    eprintln!("report: {} bytes of PDF", render(&simulation).len());
    c.bench_function("report_pdf_40y", |b| {
        b.iter(|| render(black_box(&simulation)))
    });
}

criterion_group!(benches, result_page, report_pdf);
criterion_main!(benches);
