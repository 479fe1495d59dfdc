//! The household over HTTP: a couple's plan through the JSON API, the form (without
//! JavaScript), the result page, the CSV and the PDF; its bad input refused by name in the
//! API and in the form's own words, with nothing stored.

use crate::support as common;

use std::process::Command;

use common::{TestApp, started_app, text_of};
use scraper::{Html, Selector};
use serde_json::{Value, json};

fn couple() -> Value {
    json!({
        "current_age": 62, "end_age": 90,
        "social_security": {"monthly_benefit": 1000, "claiming_age": 70},
        "partner": {"current_age": 62, "end_age": 95,
                    "social_security": {"monthly_benefit": 0, "claiming_age": 62}},
        "portfolio": {"balance": 900_000},
        "spending": {"annual": 50_000, "survivor_share": 0.7,
                     "steps": [{"age": 80, "change": -0.1}]},
        "income": [{"name": "Pension", "annual": 12_000, "owner": "primary",
                    "survivor_share": 0.5, "inflation_adjusted": false}],
        "simulation": {"scenarios": 200, "seed": 9}
    })
}

async fn stored(app: &TestApp) -> i64 {
    app.simulations_stored().await
}

#[tokio::test]
async fn a_couples_result_carries_the_partners_ages_each_claim_and_the_planned_spending() {
    let app = started_app().await;
    let result = app.create(&couple(), None).await;

    // SSA's examples for a PIA of $1,000 at full retirement age 67: $1,240 at 70; the
    // spousal $500 once the worker has claimed (the spouse is 70 by then).
    let household = &result["household"];
    let monthly = |person: usize, field: &str| {
        household["social_security"][person][field]
            .as_f64()
            .map(f64::round)
    };
    assert_eq!(monthly(0, "monthly_benefit"), Some(1240.0));
    assert_eq!(monthly(1, "monthly_spousal"), Some(500.0));
    assert_eq!(result["years"], 33);
    assert_eq!(household["partner_ages"][0], 62);
    assert_eq!(result["ages"][32], 94);
    let planned = |t: usize| household["planned_spending"][t].as_f64().unwrap();
    assert!((planned(18) - 45_000.0).abs() < 1e-6);
    // You die at 90: the survivor spends 70 %, after the step at 80.
    assert!((planned(28) - 31_500.0).abs() < 1e-6);
    assert_eq!(result["plan"]["partner"]["end_age"], 95);

    let id = result["id"].as_str().unwrap();
    let page = app
        .client
        .get(app.url(&format!("/s/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let doc = Html::parse_document(&page.text().await.unwrap());
    let social_security = text_of(&doc, "#social-security-title + p + dl");
    assert!(
        social_security.contains("$1,240 a month from 70"),
        "{social_security}"
    );
    assert!(
        social_security.contains("spousal benefit of $500"),
        "{social_security}"
    );
    assert!(text_of(&doc, "table.percentiles thead").contains("Age (partner)"));
    assert!(text_of(&doc, "table.percentiles tbody").contains("67 (67)"));
    let headline = text_of(&doc, "#headline");
    assert!(headline.contains("while either of you lives"), "{headline}");
    let spending_table = text_of(&doc, "#chart-spending table");
    assert!(spending_table.contains("Planned"), "{spending_table}");
    let plan = text_of(&doc, "#plan-title + dl");
    assert!(
        plan.contains("Partner") && plan.contains("living to 95"),
        "{plan}"
    );
    assert!(plan.contains("50% to the survivor"), "{plan}");

    let csv = app.csv(id).await;
    let mut lines = csv.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .ends_with(",partner_age,planned_spending,social_security")
    );
    let first: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(first[first.len() - 3..], ["62", "50000.00", "0.00"]);
}

#[tokio::test]
async fn the_report_of_a_couple_shows_each_claim() {
    if Command::new("pdftotext").arg("-v").output().is_err() {
        common::service_missing("pdftotext", "apt-get install poppler-utils");
        return;
    }
    let app = started_app().await;
    let result = app.create(&couple(), None).await;
    let id = result["id"].as_str().unwrap();
    let words = app
        .pdf_words(&format!("/api/v1/simulations/{id}/report.pdf"))
        .await;
    assert!(words.contains("Social Security"), "{words}");
    assert!(words.contains("$1,240 a month from 70"), "{words}");
    assert!(words.contains("Age (partner)"), "{words}");
}

#[tokio::test]
async fn bad_household_input_is_a_422_naming_each_field_and_nothing_is_stored() {
    let app = started_app().await;
    let mut plan = couple();
    plan["partner"]["current_age"] = json!(121);
    plan["social_security"]["claiming_age"] = json!(61);
    plan["spending"]["survivor_share"] = json!(1.5);
    plan["spending"]["steps"] = json!([{"age": 80, "change": -0.1}, {"age": 70, "change": 0.1}]);
    plan["birth_year"] = json!(1900);
    plan["partner"]["social_security"]["monthly_benefit"] = json!(5_001);
    let response = app.post_plan(&plan).await;
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "validation_failed");
    let mut paths: Vec<&str> = body["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    paths.sort_unstable();
    assert_eq!(
        paths,
        [
            "birth_year",
            "partner.current_age",
            "partner.social_security.monthly_benefit",
            "social_security.claiming_age",
            "spending.steps[1].age",
            "spending.survivor_share",
        ]
    );
    assert_eq!(stored(&app).await, 0);
}

async fn post_form(app: &TestApp, form: &[(&str, &str)]) -> (u16, Html) {
    let response = app.post_form(form).await;
    let status = response.status().as_u16();
    (
        status,
        Html::parse_document(&response.text().await.unwrap()),
    )
}

const FORM: &[(&str, &str)] = &[
    ("current_age", "64"),
    ("end_age", "92"),
    ("portfolio.balance", "800000"),
    ("spending.annual", "$48,000"),
    ("simulation.scenarios", "100"),
];

#[tokio::test]
async fn a_couple_from_the_form_runs_and_its_errors_come_back_in_the_forms_words() {
    let app = started_app().await;
    let mut form = FORM.to_vec();
    form.extend([
        ("partner.current_age", "61"),
        ("social_security.monthly_benefit", "2100"),
        ("social_security.claiming_age", "61"),
        ("partner.social_security.monthly_benefit", "900"),
        ("spending.steps[0].age", "80"),
        ("spending.steps[0].change", "-10"),
        ("spending.survivor_share", "140"),
    ]);
    let (status, doc) = post_form(&app, &form).await;
    assert_eq!(status, 422);
    let summary = text_of(&doc, "#error-summary li");
    assert!(
        summary.contains("You claim at age: must be between 62 and 70"),
        "{summary}"
    );
    assert!(
        summary.contains("Spending after the first death: must be between 0% and 100%"),
        "{summary}"
    );
    // Values are kept as typed, the partner's section open.
    let kept = Selector::parse(r#"input[name="spending.steps[0].change"]"#).unwrap();
    assert_eq!(
        doc.select(&kept).next().unwrap().value().attr("value"),
        Some("-10")
    );
    assert!(
        doc.select(&Selector::parse("details#partner[open]").unwrap())
            .next()
            .is_some()
    );
    assert_eq!(stored(&app).await, 0);

    let fixed: Vec<(&str, &str)> = form
        .iter()
        .map(|&(k, v)| match k {
            "social_security.claiming_age" => (k, "67"),
            "spending.survivor_share" => (k, "60"),
            _ => (k, v),
        })
        .collect();
    let (status, _) = post_form(&app, &fixed).await;
    assert_eq!(status, 303);
    assert_eq!(stored(&app).await, 1);
}

#[tokio::test]
async fn spending_steps_are_added_without_javascript_and_the_smile_preset_fills_them() {
    let app = started_app().await;
    let mut form = FORM.to_vec();
    form.push(("action", "add:spending.steps"));
    let (status, doc) = post_form(&app, &form).await;
    assert_eq!(status, 200);
    let step = Selector::parse(r#"input[name="spending.steps[0].age"]"#).unwrap();
    assert!(doc.select(&step).next().is_some());

    let mut form = FORM.to_vec();
    form.push(("action", "preset:smile"));
    let (status, doc) = post_form(&app, &form).await;
    assert_eq!(status, 200);
    // From 64 to 91: steps at 69, 74, 79, 84 and 89, each a real cut.
    let ages: Vec<String> = (0..5)
        .map(|i| {
            let name =
                Selector::parse(&format!(r#"input[name="spending.steps[{i}].age"]"#)).unwrap();
            doc.select(&name)
                .next()
                .and_then(|e| e.value().attr("value"))
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    assert_eq!(ages, ["69", "74", "79", "84", "89"]);
    let change = Selector::parse(r#"input[name="spending.steps[2].change"]"#).unwrap();
    let cut: f64 = doc
        .select(&change)
        .next()
        .and_then(|e| e.value().attr("value"))
        .unwrap()
        .parse()
        .unwrap();
    assert!((-10.0..-3.0).contains(&cut), "{cut}");
    assert_eq!(stored(&app).await, 0);
}

/// A couple claiming at 67 and 65 whose savings are tight: claiming matters.
fn claimers() -> Value {
    json!({
        "current_age": 62, "end_age": 95, "birth_year": 1964,
        "social_security": {"monthly_benefit": 2400, "claiming_age": 67},
        "partner": {"current_age": 60, "end_age": 97, "birth_year": 1966,
                    "social_security": {"monthly_benefit": 900, "claiming_age": 65}},
        "portfolio": {"balance": 700_000},
        "spending": {"annual": 62_000},
        "simulation": {"scenarios": 1_000, "seed": 21}
    })
}

fn analysis_of(plan: &Value) -> glidepath::analysis::Analysis {
    use glidepath::analysis::{Analyzer, DEFAULT_TARGETS};
    use glidepath::engine::plan::{Limits, parse_plan_json};
    use glidepath::engine::{PlanDefaults, RunOptions};
    let defaults = PlanDefaults::default();
    let limits = Limits {
        max_scenarios: 10_000,
        this_year: Some(2026),
    };
    Analyzer::new(
        parse_plan_json(&plan.to_string()).unwrap(),
        &defaults,
        limits,
        RunOptions::default(),
    )
    .unwrap()
    .run(&DEFAULT_TARGETS)
    .unwrap()
}

/// Every cell runs on the plan's random numbers: the cell of the claims as planned is the
/// plan itself, number for number, and the best cell is the best of them all.
#[test]
fn the_claiming_grid_tries_62_to_70_for_each_on_common_random_numbers() {
    let analysis = analysis_of(&claimers());
    let grid = analysis.claiming.as_ref().expect("a claiming grid");
    assert_eq!(grid.your_ages, (62..=70).collect::<Vec<_>>());
    assert_eq!(grid.partner_ages, (62..=70).collect::<Vec<_>>());
    assert_eq!(grid.cells.len(), 81);
    let cell = |you: u32, partner: u32| grid.cells[((you - 62) * 9 + (partner - 62)) as usize];
    assert_eq!(cell(67, 65).you_months, 67 * 12);
    assert_eq!(cell(67, 65).partner_months, Some(65 * 12));
    assert_eq!(
        cell(67, 65).success_probability,
        analysis.success_probability,
        "the planned claims are the plan"
    );
    assert_eq!(grid.as_planned, cell(67, 65));
    assert_eq!(grid.at_62, cell(62, 62));
    assert_eq!(grid.at_full_retirement_age, cell(67, 67));
    assert!(
        grid.cells
            .iter()
            .all(|c| c.success_probability <= grid.best.success_probability)
    );
    // Tight savings and long lives: waiting pays, and the insight says so in words.
    assert!(grid.best.success_probability > grid.at_62.success_probability);
    let claiming = analysis
        .insights
        .iter()
        .find(|i| i.kind == "claiming")
        .expect("a claiming insight");
    assert!(
        claiming.text.starts_with("Claiming Social Security at ")
            && claiming
                .text
                .contains("instead of 67 (you) and 65 (your partner)"),
        "{}",
        claiming.text
    );
    // The household levers are in the sensitivity rows too.
    let levers: Vec<&str> = analysis
        .sensitivity
        .iter()
        .map(|s| s.parameter.as_str())
        .filter(|p| p.ends_with("claiming_age"))
        .collect();
    assert_eq!(levers.len(), 4, "{levers:?}");
}

#[test]
fn one_claim_gets_a_column_of_nine_and_no_claim_no_grid() {
    let mut plan = claimers();
    plan["partner"]
        .as_object_mut()
        .unwrap()
        .remove("social_security");
    let grid = analysis_of(&plan).claiming.expect("a grid");
    assert!(grid.partner_ages.is_empty());
    assert_eq!(grid.cells.len(), 9);
    assert_eq!(grid.best.partner_months, None);
    plan.as_object_mut().unwrap().remove("social_security");
    assert!(analysis_of(&plan).claiming.is_none());
}

#[tokio::test]
async fn the_result_page_and_the_report_show_when_to_claim() {
    let app = started_app().await;
    let result = app.create(&claimers(), None).await;
    let id = result["id"].as_str().unwrap();
    let doc = app.result_page(id).await;
    let section = text_of(&doc, "#claiming-title + p");
    assert!(
        section.starts_with("The best choice on these 1,000 futures is to claim at"),
        "{section}"
    );
    let cells = Selector::parse("table.heat tbody td").unwrap();
    assert_eq!(doc.select(&cells).count(), 81);
    let best = Selector::parse("table.heat td.best").unwrap();
    assert_eq!(doc.select(&best).count(), 1);
    if Command::new("pdftotext").arg("-v").output().is_err() {
        common::service_missing("pdftotext", "apt-get install poppler-utils");
        return;
    }
    let text = app.pdf_words(&format!("/s/{id}/report.pdf")).await;
    assert!(text.contains("When to claim Social Security"), "{text}");
    assert_eq!(
        text.matches('*').count(),
        2,
        "the legend's and the best cell's"
    );
}

#[tokio::test]
async fn drawn_lifetimes_reach_the_result_the_page_and_the_csv() {
    let app = started_app().await;
    let mut plan = couple();
    plan["sex"] = json!("female");
    plan["partner"]["sex"] = json!("male");
    plan["longevity"] = json!({"model": "drawn", "partner_health_adjustment": 2});
    let result = app.create(&plan, None).await;
    let lifetimes = &result["household"]["lifetimes"];
    let years = result["years"].as_u64().unwrap() as usize;
    assert_eq!(lifetimes["alive_share"].as_array().unwrap().len(), years);
    assert_eq!(lifetimes["alive_share"][0], 1.0);
    assert!(lifetimes["legacy"]["p50"].as_f64().unwrap() > 0.0);
    assert_eq!(result["terminal_wealth"]["p50"], lifetimes["legacy"]["p50"]);
    assert_eq!(result["plan"]["longevity"]["partner_health_adjustment"], 2);
    let id = result["id"].as_str().unwrap();
    let doc = app.result_page(id).await;
    let facts = text_of(&doc, "#lifetimes-title ~ dl");
    assert!(
        facts.contains("Your age at death") && facts.contains("Outliving the money"),
        "{facts}"
    );
    assert!(text_of(&doc, "#headline").contains("as long as either of you lives"));
    let csv = app.csv(id).await;
    assert!(csv.lines().next().unwrap().ends_with(",alive_share"));
    assert_eq!(csv.lines().count(), years + 1);

    // A historical run cannot draw lifetimes: refused by name, nothing stored.
    plan["market"] = json!({"model": "historical"});
    let response = app.post_plan(&plan).await;
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["fields"][0]["path"], "longevity.model");
    assert_eq!(stored(&app).await, 1);
}

/// A health adjustment left in the form after switching back to fixed ages is not sent,
/// as another strategy's parameters are not: the plan runs.
#[tokio::test]
async fn the_form_leaves_out_a_health_adjustment_with_fixed_lifetimes() {
    let app = started_app().await;
    let mut form = FORM.to_vec();
    form.extend([
        ("longevity.model", "fixed"),
        ("longevity.health_adjustment", "3"),
    ]);
    let (status, _) = post_form(&app, &form).await;
    assert_eq!(status, 303);
    // Drawn, the same value is the plan's (and needs a sex).
    form.push(("longevity.model", "drawn"));
    let (status, doc) = post_form(&app, &form).await;
    assert_eq!(status, 422);
    assert!(text_of(&doc, "#error-summary li").contains("Sex: is required with drawn lifetimes"));
    form.push(("sex", "female"));
    let (status, _) = post_form(&app, &form).await;
    assert_eq!(status, 303);
}
