//! The PDF report, checked with real PDF tools (`qpdf`, poppler's `pdftotext`, `pdfinfo` and
//! `pdftoppm`, installed by `.ci/run`): a valid file whose text carries the same numbers as
//! the JSON result, every page renderable (PNGs under `target/report-pages/` to look at),
//! the same bytes for the same result, paper sizes, privacy and the metric.
//!
//! Without the tools the tests skip loudly; under `CI=true` they fail.

use crate::support as common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{plans, started_app};
use glidepath::analysis::{Analyzer, DEFAULT_TARGETS};
use glidepath::engine::plan::{Limits, parse_plan_json};
use glidepath::engine::{self, PlanDefaults, RunOptions};
use glidepath::format::money;
use glidepath::report::pdf::{self, Paper, Report};
use serde_json::Value;

/// Issue 6's size budget.
const MAX_BYTES: usize = 250 * 1024;

fn tools_present() -> bool {
    let missing: Vec<&str> = ["qpdf", "pdftotext", "pdfinfo", "pdftoppm"]
        .into_iter()
        .filter(|tool| Command::new(tool).arg("-v").output().is_err())
        .collect();
    if missing.is_empty() {
        return true;
    }
    common::service_missing(
        "the PDF tools",
        format!("{missing:?} not installed: apt-get install qpdf poppler-utils"),
    );
    false
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn run(tool: &str, args: &[&str]) -> String {
    let out = Command::new(tool).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{tool} {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The report's words, one space between them (pdftotext lays columns out with runs of them).
fn words(path: &Path) -> String {
    let text = run("pdftotext", &["-layout", path.to_str().unwrap(), "-"]);
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[tokio::test]
async fn the_report_is_a_valid_pdf_whose_text_is_the_json_result() {
    if !tools_present() {
        return;
    }
    let app = started_app().await;
    let result = app.create(&plans::guardrails(), None).await;
    let id = result["id"].as_str().unwrap();

    let response = app
        .get(&format!("/api/v1/simulations/{id}/report.pdf"))
        .await;
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], "application/pdf");
    assert_eq!(
        headers["content-disposition"],
        format!(
            "attachment; filename=\"glidepath-report-plan-{}-a4.pdf\"",
            &id[..8]
        )
        .as_str()
    );
    let bytes = response.bytes().await.unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    assert!(bytes.len() <= MAX_BYTES, "{} bytes", bytes.len());

    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "report.pdf", &bytes);
    let check = run("qpdf", &["--check", path.to_str().unwrap()]);
    assert!(
        check.contains("No syntax or stream encoding errors"),
        "{check}"
    );

    // The headline odds, worded for guardrails (spending at or above its floor), the two
    // chances apart, and the percentile table, as the JSON has them.
    let text = words(&path);
    assert!(
        text.contains(
            "of 100 simulated futures keep your spending at or above its $24,000 floor to age 95"
        ),
        "{text}"
    );
    let held = (result["floor_held"]["probability"].as_f64().unwrap() * 100.0).round();
    assert!(
        text.contains(&format!("Floor holds at or above $24,000 a year: {held}%")),
        "{text}"
    );
    assert!(text.contains("Money lasts to age 95: "), "{text}");
    let p50 = result["balance_percentiles"]["p50"].as_array().unwrap();
    let p5 = result["balance_percentiles"]["p5"].as_array().unwrap();
    // Balances are at the end of each year: age A's is index A − 55 − 1.
    for age in [60usize, 65, 70, 75, 80, 85, 90, 95] {
        let i = age - 56;
        let median = money(p50[i].as_f64().unwrap());
        let low = money(p5[i].as_f64().unwrap());
        assert!(
            text.contains(&format!("{age} {low} ")) && text.contains(&median),
            "age {age}: {low} … {median} not in the table"
        );
    }
    for words in [
        "Your plan",
        "Assumptions",
        "Savings over time, in today's dollars",
        "Yearly spending, in today's dollars",
        "What would change the odds",
        "Methodology",
        "not financial, tax or legal advice",
        "Seed 7",
        &format!("/s/{id}"),
    ] {
        assert!(text.contains(words), "{words:?} is not in the report");
    }

    // Every page renders; the PNGs are kept for people to look at.
    let info = run("pdfinfo", &[path.to_str().unwrap()]);
    let pages: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!(pages >= 4, "{pages} pages");
    assert!(info.contains("(A4)"), "{info}");
    // No page is left mostly empty before the next section: the plan follows the answer
    // on the first page, and the charts begin by the second.
    let page_words = |first: &str, last: &str| {
        run(
            "pdftotext",
            &["-f", first, "-l", last, path.to_str().unwrap(), "-"],
        )
    };
    assert!(page_words("1", "1").contains("Your plan"));
    assert!(page_words("1", "2").contains("Savings over time, in today's dollars"));
    let out = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .unwrap()
        .join("report-pages");
    std::fs::create_dir_all(&out).unwrap();
    let prefix = out.join("report");
    run(
        "pdftoppm",
        &[
            "-r",
            "60",
            "-png",
            path.to_str().unwrap(),
            prefix.to_str().unwrap(),
        ],
    );
    for page in 1..=pages {
        let png = out.join(format!("report-{page}.png"));
        let size = std::fs::metadata(&png)
            .unwrap_or_else(|e| panic!("{}: {e}", png.display()))
            .len();
        assert!(size > 5_000, "page {page} is blank ({size} bytes)");
    }

    // A second download is the cached copy; both are counted.
    let again = app
        .get(&format!("/s/{id}/report.pdf"))
        .await
        .bytes()
        .await
        .unwrap();
    assert_eq!(again, bytes);
    // A client holding it gets a 304 without a render.
    let etag = headers["etag"].to_str().unwrap();
    let cached = app
        .client
        .get(app.url(&format!("/api/v1/simulations/{id}/report.pdf")))
        .header("if-none-match", etag)
        .send()
        .await
        .unwrap();
    assert_eq!(cached.status(), 304);
    assert!(cached.bytes().await.unwrap().is_empty());
    let metrics = app.get("/metrics").await.text().await.unwrap();
    for outcome in ["rendered", "cached"] {
        assert!(
            metrics.contains(&format!("pdf_reports_total{{outcome=\"{outcome}\"}}")),
            "{outcome}: {metrics}"
        );
    }
    app.shutdown().await.unwrap();
}

#[tokio::test]
async fn letter_paper_on_request_and_a_clear_error_for_other_sizes() {
    if !tools_present() {
        return;
    }
    let app = started_app().await;
    let id = app.create(&plans::guardrails(), None).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let letter = app.get(&format!("/s/{id}/report.pdf?paper=letter")).await;
    assert_eq!(letter.status(), 200);
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "letter.pdf", &letter.bytes().await.unwrap());
    let info = run("pdfinfo", &[path.to_str().unwrap()]);
    assert!(info.contains("612 x 792 pts (letter)"), "{info}");

    let bad = app
        .get(&format!("/api/v1/simulations/{id}/report.pdf?paper=a3"))
        .await;
    assert_eq!(bad.status(), 422);
    let body: Value = bad.json().await.unwrap();
    assert_eq!(body["error"]["code"], "validation_failed");
    assert_eq!(body["error"]["fields"][0]["path"], "paper");

    let missing = app
        .get("/api/v1/simulations/0123456789abcdef0123456789abcdef/report.pdf")
        .await;
    assert_eq!(missing.status(), 404);
    app.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_keyed_simulations_report_is_private() {
    let app = started_app().await;
    let (_, secret) = glidepath::storage::api_keys::create(&app.state.db, "owner", "free")
        .await
        .unwrap();
    let id = app.create(&plans::guardrails(), Some(&secret)).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let path = format!("/api/v1/simulations/{id}/report.pdf");
    let anonymous = app.get(&path).await;
    assert_eq!(anonymous.status(), 404);
    let owner = app
        .client
        .get(app.url(&path))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap();
    assert_eq!(owner.status(), 200);
    app.shutdown().await.unwrap();
}

/// The same result renders the same bytes (printpdf's random trailer id is replaced), and
/// the creation date is the simulation's, not the clock's.
#[test]
fn the_same_result_renders_the_same_bytes_dated_by_the_result() {
    let defaults = PlanDefaults::default();
    let limits = Limits {
        max_scenarios: 10_000,
        this_year: Some(2026),
    };
    let input = parse_plan_json(&plans::guardrails().to_string()).unwrap();
    let plan = input.normalize(&defaults, limits).unwrap();
    let outcome = engine::simulate(&plan, &RunOptions::default()).unwrap();
    let analysis = Analyzer::new(input, &defaults, limits, RunOptions::default())
        .unwrap()
        .run(&DEFAULT_TARGETS)
        .unwrap();
    let render = |created_at: &str| {
        let report = Report {
            plan: &plan,
            outcome: &outcome,
            analysis: Some(&analysis),
            id: "0123456789abcdef0123456789abcdef",
            created_at,
            permalink: "https://glidepath.example/s/0123456789abcdef0123456789abcdef",
        };
        pdf::render(&report, Paper::A4)
    };
    let first = render("2031-05-04T10:20:30Z");
    let second = render("2031-05-04T10:20:30Z");
    assert!(first == second, "two renders of one result differ");
    let later = render("2032-01-01T00:00:00Z");
    assert!(first != later, "the date is part of the report");
    if tools_present() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "dated.pdf", &first);
        let info = run("pdfinfo", &["-isodates", path.to_str().unwrap()]);
        assert!(info.contains("2031-05-04T10:20:30"), "{info}");
    }
}
