//! A plan with accounts over HTTP: through the JSON API, the form (without JavaScript), the
//! result page, the CSV and the PDF; bad input refused by name, with nothing stored.

use crate::support as common;

use std::process::Command;

use common::{started_app, text_of};
use scraper::{Html, Selector};
use serde_json::{Value, json};

fn taxed() -> Value {
    json!({
        "current_age": 66, "end_age": 95, "birth_year": 1960,
        "social_security": {"monthly_benefit": 2_400, "claiming_age": 67},
        "accounts": {"taxable": {"balance": 250_000, "basis": 150_000},
                     "traditional": {"balance": 700_000}, "roth": {"balance": 50_000}},
        "spending": {"annual": 60_000},
        "income": [{"name": "Pension", "annual": 9_000, "inflation_adjusted": false}],
        "tax": {"conversion": "fill_bracket", "conversion_bracket_rate": 0.12, "state_rate": 0.04},
        "simulation": {"scenarios": 200, "seed": 3}
    })
}

#[tokio::test]
async fn a_taxed_plan_reports_its_taxes_in_the_api_the_page_and_the_csv() {
    let app = started_app().await;
    let result = app.create(&taxed(), None).await;
    let taxes = &result["taxes"];
    assert!(
        taxes["lifetime_tax"]["p50"].as_f64().unwrap() > 10_000.0,
        "{taxes}"
    );
    // Born 1960: the first required distribution is at 75, the tenth year: about the
    // prior year-end traditional balance over the table's 24.6.
    let rmd = taxes["rmd_yearly"]["p50"].as_array().unwrap();
    assert!(rmd[..9].iter().all(|r| r == 0.0), "{rmd:?}");
    let traditional = taxes["accounts"]["traditional"]["p50"][8].as_f64().unwrap();
    let first = rmd[9].as_f64().unwrap();
    assert!(
        first > 0.0 && (first - traditional / 24.6).abs() < 0.2 * first,
        "{first} vs {traditional}"
    );
    assert_eq!(result["plan"]["portfolio"]["balance"], 1_000_000.0);
    assert_eq!(result["plan"]["tax"]["withdrawal_order"], "taxable_first");
    assert_eq!(result["plan"]["income"][0]["taxable"], true);

    let id = result["id"].as_str().unwrap();
    let doc = app.result_page(id).await;
    let facts = text_of(&doc, "#taxes-title ~ dl");
    assert!(
        facts.contains("Lifetime tax") && facts.contains("after tax"),
        "{facts}"
    );
    let table = text_of(&doc, "#chart-accounts table");
    assert!(
        table.contains("Traditional") && table.contains("Roth"),
        "{table}"
    );
    let plan = text_of(&doc, "#plan-title + dl");
    assert!(plan.contains("to the top of the 12% bracket"), "{plan}");

    let csv = app.csv(id).await;
    let head = csv.lines().next().unwrap();
    assert!(
        head.ends_with(",tax_p50,rmd_p50,effective_rate_p50,taxable_p50,traditional_p50,roth_p50"),
        "{head}"
    );
}

#[tokio::test]
async fn drawn_lifetimes_with_accounts_report_taxes_among_the_futures_lived() {
    let app = started_app().await;
    let mut plan = taxed();
    plan["sex"] = json!("female");
    plan["longevity"] = json!({"model": "drawn"});
    let result = app.create(&plan, None).await;
    let (taxes, lifetimes) = (&result["taxes"], &result["household"]["lifetimes"]);
    let years = result["ages"].as_array().unwrap().len();
    assert!(
        years > 29,
        "drawn lifetimes run past the fixed end age: {years}"
    );
    for band in [&taxes["tax_yearly"]["p50"], &lifetimes["alive_share"]] {
        assert_eq!(band.as_array().unwrap().len(), years, "{band}");
    }
    assert!(
        taxes["lifetime_tax"]["p5"].as_f64().unwrap()
            < taxes["lifetime_tax"]["p95"].as_f64().unwrap()
    );

    let id = result["id"].as_str().unwrap();
    let doc = app.result_page(id).await;
    let facts = text_of(&doc, "#taxes-title ~ dl");
    assert!(facts.contains("Lifetime tax"), "{facts}");
    let csv = app.csv(id).await;
    let head = csv.lines().next().unwrap();
    assert!(
        head.contains("alive_share") && head.contains("tax_p50"),
        "{head}"
    );
    assert_eq!(csv.lines().count(), years + 1);
}

#[tokio::test]
async fn the_report_of_a_taxed_plan_has_its_tax_page() {
    if Command::new("pdftotext").arg("-v").output().is_err() {
        common::service_missing("pdftotext", "apt-get install poppler-utils");
        return;
    }
    let app = started_app().await;
    let result = app.create(&taxed(), None).await;
    let id = result["id"].as_str().unwrap();
    let words = app
        .pdf_words(&format!("/api/v1/simulations/{id}/report.pdf"))
        .await;
    assert!(words.contains("Lifetime tax"), "{words}");
    assert!(words.contains("Savings by account"), "{words}");
    assert!(words.contains("Uniform Lifetime Table"), "{words}");
}

#[tokio::test]
async fn bad_accounts_are_a_422_naming_each_field_and_nothing_is_stored() {
    let app = started_app().await;
    let mut plan = taxed();
    plan["accounts"]["taxable"]["basis"] = json!(300_000);
    plan["accounts"]["roth"]["balance"] = json!(-5);
    plan["tax"]["conversion_bracket_rate"] = json!(0.2);
    plan["tax"]["state_rate"] = json!(0.16);
    let response = app.post_plan(&plan).await;
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
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
            "accounts.roth.balance",
            "accounts.taxable.basis",
            "tax.conversion_bracket_rate",
            "tax.state_rate",
        ]
    );
    assert_eq!(app.simulations_stored().await, 0);
}

#[tokio::test]
async fn accounts_from_the_form_run_without_javascript_and_errors_use_the_forms_words() {
    let app = started_app().await;
    let form = [
        ("current_age", "66"),
        ("end_age", "93"),
        ("birth_year", "1960"),
        ("spending.annual", "55000"),
        ("accounts.taxable.balance", "200000"),
        ("accounts.taxable.basis", "250000"),
        ("accounts.traditional.balance", "600000"),
        ("tax.withdrawal_order", "fill_bracket"),
        ("tax.fill_bracket_rate", "12"),
        ("tax.state_taxes_social_security", "false"),
        ("simulation.scenarios", "100"),
    ];
    let response = app.post_form(&form).await;
    assert_eq!(response.status(), 422);
    let doc = Html::parse_document(&response.text().await.unwrap());
    let summary = text_of(&doc, "#error-summary li");
    assert!(
        summary.contains("Its cost basis: must be between $0 and $200,000"),
        "{summary}"
    );
    assert!(
        doc.select(&Selector::parse("details#taxes[open]").unwrap())
            .next()
            .is_some()
    );
    assert_eq!(app.simulations_stored().await, 0);

    let mut fixed = form.to_vec();
    fixed[5] = ("accounts.taxable.basis", "150000");
    let response = app.post_form(&fixed).await;
    assert_eq!(response.status(), 303, "{}", response.text().await.unwrap());
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let id = location.trim_start_matches("/s/");
    let doc = app.result_page(id).await;
    let plan = text_of(&doc, "#plan-title + dl");
    assert!(
        plan.contains("traditional up to the top of the 12% bracket"),
        "{plan}"
    );
    // Without any account, the tax rules the form always posts are left out.
    let plain = [
        ("current_age", "66"),
        ("end_age", "93"),
        ("portfolio.balance", "800000"),
        ("spending.annual", "40000"),
        ("tax.withdrawal_order", "taxable_first"),
        ("tax.conversion", "none"),
        ("tax.state_taxes_social_security", "false"),
        ("income[0].annual", "10000"),
        ("income[0].taxable", "true"),
        ("simulation.scenarios", "100"),
    ];
    assert_eq!(app.post_form(&plain).await.status(), 303);
}

#[tokio::test]
async fn the_analysis_of_a_taxed_plan_compares_the_orders_and_conversions_on_the_page_too() {
    let app = started_app().await;
    let response = app
        .post_json(
            "/api/v1/analysis",
            &json!({"plan": taxed(), "targets": [0.9]}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let analysis: Value = response.json().await.unwrap();
    let choices = analysis["tax_choices"]["choices"]
        .as_array()
        .expect("tax choices");
    assert_eq!(choices.len(), 6);
    assert!(analysis["tax_choices"]["best"]["label"].is_string());
    assert!(analysis["safe_spending"][0]["spending"].as_f64().unwrap() > 0.0);

    let result = app.create(&taxed(), None).await;
    let doc = app.result_page(result["id"].as_str().unwrap()).await;
    let section = text_of(&doc, "#tax-choices-title ~ div table");
    assert!(
        section.contains("Roth conversions to the top of the 22% bracket"),
        "{section}"
    );
    assert!(section.contains("As planned"), "{section}");
}
