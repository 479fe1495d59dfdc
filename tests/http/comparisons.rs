//! Plans side by side: `POST /api/v1/comparisons`, its stored document, its CSV files and
//! the page `/c/{id}`, on real SQLite.

use serde_json::{Value, json};

use crate::support::*;

const COMPARISONS: &str = "/api/v1/comparisons";

fn plan(annual: f64) -> Value {
    json!({
        "current_age": 65, "end_age": 95,
        "portfolio": {"balance": 1_000_000},
        "spending": {"annual": annual},
        "simulation": {"scenarios": 1000, "seed": 11}
    })
}

/// Plan `base` with the JSON object `change` merged into its top level (one level deep).
fn with(base: Value, change: Value) -> Value {
    let mut plan = base;
    for (key, value) in change.as_object().expect("an object") {
        match (plan.get_mut(key), value) {
            (Some(Value::Object(section)), Value::Object(more)) => {
                section.extend(more.clone());
            }
            _ => {
                plan[key] = value.clone();
            }
        }
    }
    plan
}

async fn compared(app: &TestApp, plans: Vec<Value>) -> Value {
    let response = app.post_json(COMPARISONS, &json!({ "plans": plans })).await;
    let status = response.status();
    let location = header(&response, "location");
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(status, 201, "{body}");
    assert_eq!(
        location,
        format!("{COMPARISONS}/{}", body["id"].as_str().unwrap())
    );
    body
}

/// Plan A is the plan as simulated alone; every plan runs on its seed, and each
/// difference is the paths' own: the counts of disagreeing paths give the estimate, and
/// pairing makes the interval narrower than two independent runs would.
#[actix_web::test]
async fn plans_run_on_plan_as_seed_and_each_difference_is_paired() {
    let app = started_app().await;
    let a = plan(40_000.0);
    let mut b = with(
        plan(40_000.0),
        json!({"spending": {"strategy": "guardrails"}}),
    );
    b["name"] = json!("Guardrails");
    b["simulation"] = json!({}); // inherits plan A's seed and paths
    let c = with(plan(46_000.0), json!({}));
    let doc = compared(&app, vec![a.clone(), b, c]).await;

    let alone = app.create(&a, None).await;
    let plans = doc["plans"].as_array().unwrap();
    assert_eq!(plans.len(), 3);
    let names: Vec<&str> = plans.iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Plan A", "Guardrails", "Plan C"]);
    assert_eq!(
        plans[0]["result"]["success_probability"],
        alone["success_probability"]
    );
    assert_eq!(
        plans[0]["result"]["balance_percentiles"],
        alone["balance_percentiles"]
    );
    for p in plans {
        assert_eq!(
            p["plan"]["simulation"],
            json!({"scenarios": 1000, "seed": 11})
        );
        assert_eq!(p["result"]["seed"], 11);
    }
    assert_eq!(
        (doc["seed"].as_u64(), doc["scenarios"].as_u64()),
        (Some(11), Some(1000))
    );

    let differences = doc["differences"].as_array().unwrap();
    assert_eq!(differences.len(), 2);
    let share = |k: usize| plans[k]["result"]["success_probability"].as_f64().unwrap();
    for d in differences {
        let k = d["plan"].as_u64().unwrap() as usize;
        let s = &d["success"];
        let estimate = s["estimate"].as_f64().unwrap();
        assert!((estimate - (share(k) - share(0))).abs() < 1e-12);
        // The estimate is the paths that held only here less those that held only in A.
        let only_here = s["only_this_held"].as_f64().unwrap();
        let only_a = s["only_a_held"].as_f64().unwrap();
        assert!((estimate - (only_here - only_a) / 1000.0).abs() < 1e-12);
        let [lo, hi] = [
            s["interval_95"][0].as_f64().unwrap(),
            s["interval_95"][1].as_f64().unwrap(),
        ];
        assert!(lo < estimate && estimate < hi);
        let paired = s["standard_error"].as_f64().unwrap();
        assert!(paired > 0.0 && paired < s["unpaired_standard_error"].as_f64().unwrap());
        let legacy = &d["legacy"];
        assert!(
            legacy["standard_error"].as_f64().unwrap()
                < legacy["unpaired_standard_error"].as_f64().unwrap()
        );
    }
    // Spending more fails on every path that failed before, and on more.
    let more = &differences[1]["success"];
    assert_eq!(more["only_this_held"], 0);
    assert!(more["estimate"].as_f64().unwrap() < 0.0);

    // Stored: the same document by id, and its CSV files.
    let id = doc["id"].as_str().unwrap();
    let stored: Value = app
        .get(&format!("{COMPARISONS}/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(stored, doc);
    let csv = app
        .get(&format!("{COMPARISONS}/{id}/percentiles.csv"))
        .await
        .text()
        .await
        .unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("plan,name,year,age,balance_p5,"));
    assert_eq!(lines.len(), 1 + 3 * 30);
    assert!(lines[31].starts_with("B,Guardrails,1,65,"), "{}", lines[31]);
    let csv = app
        .get(&format!("{COMPARISONS}/{id}/differences.csv"))
        .await
        .text()
        .await
        .unwrap();
    let row = csv
        .lines()
        .find(|l| l.starts_with("C,Plan C,success_difference,"))
        .expect("plan C's difference");
    let value: f64 = row.split(',').nth(3).unwrap().parse().unwrap();
    assert!((value - (share(2) - share(0))).abs() < 1e-6);
}

/// Plans that cannot be compared path by path are refused with the reason, under the
/// plan's own fields, and nothing is stored.
#[actix_web::test]
async fn incomparable_plans_are_refused_and_nothing_is_stored() {
    let app = started_app().await;
    let refused = |plans: Vec<Value>| {
        let app = &app;
        async move {
            let response = app.post_json(COMPARISONS, &json!({ "plans": plans })).await;
            assert_eq!(response.status(), 422);
            let body: Value = response.json().await.unwrap();
            body["error"]["fields"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| {
                    (
                        f["path"].as_str().unwrap().to_owned(),
                        f["message"].as_str().unwrap().to_owned(),
                    )
                })
                .collect::<Vec<_>>()
        }
    };
    let a = plan(40_000.0);
    let history = with(plan(40_000.0), json!({"market": {"model": "historical"}}));
    let fields = refused(vec![a.clone(), history]).await;
    assert_eq!(fields.len(), 1, "{fields:?}");
    assert_eq!(fields[0].0, "plans[1].market.model");
    assert!(fields[0].1.contains("lognormal") && fields[0].1.contains("historical"));

    let longer = with(plan(40_000.0), json!({"end_age": 100}));
    let other_seed = with(plan(40_000.0), json!({"simulation": {"seed": 12}}));
    let fields = refused(vec![a.clone(), longer, other_seed]).await;
    let paths: Vec<&str> = fields.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(paths, ["plans[1].end_age", "plans[2].simulation.seed"]);
    assert!(fields[0].1.contains("runs to age 95 and this plan to 100"));

    let fields = refused(vec![a.clone()]).await;
    assert_eq!(fields[0].0, "plans");
    let fields = refused(vec![a.clone(); 5]).await;
    assert!(fields[0].1.contains("2 to 4 plans, not 5"));
    let bad = with(plan(40_000.0), json!({"current_age": 200}));
    let fields = refused(vec![a, bad]).await;
    assert_eq!(fields[0].0, "plans[1].current_age");

    assert_eq!(app.comparisons_stored().await, 0);
    assert_eq!(
        app.get(&format!("{COMPARISONS}/{}", "0".repeat(32)))
            .await
            .status(),
        404
    );
}

/// One plan under the CAPE rule and one under constant dollars, on history: both run the
/// start years that have a CAPE (1881 on), so they stay paired.
#[actix_web::test]
async fn a_historical_comparison_with_the_cape_rule_runs_the_valued_start_years() {
    let app = started_app().await;
    let history = json!({"model": "historical"});
    let a = with(plan(40_000.0), json!({"market": history}));
    let b = with(
        plan(40_000.0),
        json!({"market": history, "spending": {"strategy": "cape"}}),
    );
    let doc = compared(&app, vec![a, b]).await;
    for p in doc["plans"].as_array().unwrap() {
        let periods = p["result"]["historical"]["periods"].as_array().unwrap();
        assert_eq!(periods.len(), 113);
        assert_eq!(periods[0]["start_year"], 1881);
    }
    assert_eq!(doc["scenarios"], 113);
}

/// The comparison's PDF, read back with qpdf and pdftotext: the odds and differences as the
/// JSON has them, each plan's inputs, the same bytes twice; and the page links to it.
#[actix_web::test]
async fn the_comparison_pdf_carries_the_odds_and_differences_of_the_json() {
    let tools = ["qpdf", "pdftotext", "pdftoppm"];
    if tools
        .iter()
        .any(|t| std::process::Command::new(t).arg("-v").output().is_err())
    {
        service_missing("the PDF tools", "apt-get install qpdf poppler-utils");
        return;
    }
    let app = started_app().await;
    let mut b = with(
        plan(40_000.0),
        json!({"spending": {"strategy": "vanguard_dynamic"}}),
    );
    b["name"] = json!("Vanguard");
    let doc = compared(&app, vec![plan(40_000.0), b]).await;
    let id = doc["id"].as_str().unwrap();
    let page = app.get(&format!("/c/{id}")).await.text().await.unwrap();
    assert!(page.contains(&format!("href=\"/c/{id}/report.pdf\"")));

    let fetch = || async {
        let response = app.get(&format!("/c/{id}/report.pdf")).await;
        assert_eq!(response.status(), 200);
        assert_eq!(header(&response, "content-type"), "application/pdf");
        response.bytes().await.unwrap()
    };
    let bytes = fetch().await;
    assert_eq!(bytes, fetch().await, "the same comparison, the same bytes");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("comparison.pdf");
    std::fs::write(&path, &bytes).unwrap();
    let path = path.to_str().unwrap();
    let check = std::process::Command::new("qpdf")
        .args(["--check", path])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&check.stdout).contains("No syntax or stream encoding errors"));
    let out = std::process::Command::new("pdftotext")
        .args(["-layout", path, "-"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let percent = |v: &Value| glidepath::format::percent(v.as_f64().unwrap());
    let a_odds = percent(&doc["plans"][0]["result"]["success_probability"]);
    let b_odds = percent(&doc["plans"][1]["result"]["success_probability"]);
    assert!(text.contains(&format!("A: Plan A {a_odds}")), "{text}");
    assert!(text.contains(&format!("B: Vanguard {b_odds}")), "{text}");
    let change = glidepath::format::points(
        doc["differences"][0]["success"]["estimate"]
            .as_f64()
            .unwrap(),
    );
    assert!(
        text.contains(&format!("B: Vanguard {change}")),
        "{change}: {text}"
    );
    for words in [
        "Plan comparison",
        "The odds side by side",
        "Each plan against Plan A",
        "Savings over time, in today's dollars",
        "Plan B: Vanguard",
        "Vanguard dynamic spending",
        "Glidepath plan comparison | http",
    ] {
        assert!(text.contains(words), "{words}: {text}");
    }
    assert!(!text.contains("plan review"), "{text}");
    let pages = dir.path().join("page");
    let render = std::process::Command::new("pdftoppm")
        .args(["-r", "40", "-png", path, pages.to_str().unwrap()])
        .status()
        .unwrap();
    assert!(render.success());
    assert_eq!(
        app.get(&format!("/c/{id}/report.pdf?paper=a3"))
            .await
            .status(),
        422
    );
}

#[tokio::test]
async fn a_comparison_of_four_plans_takes_no_more_from_the_page() {
    let app = started_app().await;
    let two = compared(&app, vec![plan(40_000.0), plan(44_000.0)]).await;
    let page = app
        .get(two["url"].as_str().unwrap())
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("/?add_to="),
        "two plans: Add a plan… is offered"
    );
    let four = compared(
        &app,
        vec![
            plan(40_000.0),
            plan(42_000.0),
            plan(44_000.0),
            plan(46_000.0),
        ],
    )
    .await;
    let id = four["id"].as_str().unwrap();
    let page = app.get(&format!("/c/{id}")).await.text().await.unwrap();
    assert!(!page.contains("/?add_to="), "four plans: no Add a plan…");
    let before = app.comparisons_stored().await;
    let response = app
        .client
        .post(app.url("/compare"))
        .form(&[("add_to", id), ("current_age", "65"), ("end_age", "95")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    assert!(
        response.text().await.unwrap().contains("at most 4 plans"),
        "the reason is said"
    );
    assert_eq!(app.comparisons_stored().await, before, "nothing stored");
}
