//! The browser pages over real HTTP: the form, its validation round trip (post, 422 with every
//! message beside its field, values kept), post/redirect/get to the result page, rows and
//! presets without JavaScript, "Edit this plan", static assets, error pages and page weight.
//! `tests/browser.rs` drives the same pages in real Chromium.

use crate::support as common;

use common::{TestApp, header, spawn_app_with, started_app, started_app_with};
use scraper::{ElementRef, Html, Selector};
use serde_json::Value;

/// Page weight budget (HTML + CSS + JS + SVG, uncompressed): issue 5.
const PAGE_WEIGHT_LIMIT: usize = 150 * 1024;

fn sel(selector: &str) -> Selector {
    Selector::parse(selector).unwrap_or_else(|e| panic!("bad selector {selector}: {e}"))
}

fn one<'a>(doc: &'a Html, selector: &str) -> ElementRef<'a> {
    doc.select(&sel(selector))
        .next()
        .unwrap_or_else(|| panic!("no {selector} in the page"))
}

fn text(element: ElementRef) -> String {
    element.text().collect::<String>().trim().to_string()
}

/// The `value` attribute of the field named `name`, or "" when it has none.
fn value_of(doc: &Html, name: &str) -> String {
    one(doc, &format!(r#"[name="{name}"]"#))
        .value()
        .attr("value")
        .unwrap_or_default()
        .to_string()
}

/// What a browser submits for the fields under `scope`: each named input, each checked
/// checkbox (after its hidden `false`) and each select's selected option.
fn submitted(doc: &Html, scope: &str) -> Vec<(String, String)> {
    let fields = format!(
        "{scope} input[name]:not([type=checkbox]), {scope} input[type=checkbox][checked], \
         {scope} select[name]"
    );
    doc.select(&sel(&fields))
        .filter_map(|el| {
            let name = el.value().attr("name")?.to_string();
            let value = match el.value().name() {
                "select" => el
                    .select(&sel("option[selected]"))
                    .next()
                    .and_then(|o| o.value().attr("value"))
                    .unwrap_or_default(),
                _ => el.value().attr("value").unwrap_or_default(),
            };
            Some((name, value.to_string()))
        })
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// A small valid plan, as the form posts it.
fn base_plan() -> Vec<(String, String)> {
    pairs(&[
        ("current_age", "60"),
        ("end_age", "95"),
        ("portfolio.balance", "1000000"),
        ("spending.annual", "40000"),
        ("simulation.scenarios", "100"),
    ])
}

/// `base` with `overrides` replacing or adding fields.
fn with(base: &[(String, String)], overrides: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = base
        .iter()
        .filter(|(k, _)| !overrides.iter().any(|(o, _)| o == k))
        .cloned()
        .collect();
    out.extend(pairs(overrides));
    out
}

/// Posts the form without following the redirect.
async fn post(app: &TestApp, form: &[(String, String)]) -> reqwest::Response {
    app.post_form(form).await
}

async fn page(app: &TestApp, path: &str) -> (u16, Html) {
    let response = app
        .client
        .get(app.url(path))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (
        status,
        Html::parse_document(&response.text().await.unwrap()),
    )
}

async fn simulations_stored(app: &TestApp) -> i64 {
    app.simulations_stored().await
}

/// Runs `form` and returns the new result's id.
/// The stored result `id`, as the JSON API gives it.
async fn stored(app: &TestApp, id: &str) -> Value {
    app.get(&format!("/api/v1/simulations/{id}"))
        .await
        .json()
        .await
        .expect("a JSON result")
}

async fn run(app: &TestApp, form: &[(String, String)]) -> String {
    let response = post(app, form).await;
    assert_eq!(response.status(), 303, "{}", response.text().await.unwrap());
    assert_eq!(response.headers()["cache-control"], "no-store");
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let id = location.strip_prefix("/s/").expect("redirects to /s/{id}");
    assert_eq!(id.len(), 32);
    assert!(id.chars().all(|c| c.is_ascii_hexdigit()));
    id.to_string()
}

#[tokio::test]
async fn form_has_every_contract_field_labelled_with_help_units_and_bounds() {
    let app = started_app_with(|vars| {
        vars.insert("APP__PLAN_DEFAULTS__STOCKS".into(), "0.7".into());
        vars.insert("APP__PLAN_DEFAULTS__BONDS".into(), "0.3".into());
    })
    .await;
    let response = app.get("/").await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/html; charset=utf-8"
    );
    let csp = response.headers()["content-security-policy"]
        .to_str()
        .unwrap();
    assert!(csp.contains("default-src 'self'") && !csp.contains("unsafe-inline"));
    let doc = Html::parse_document(&response.text().await.unwrap());

    for name in [
        "name",
        "current_age",
        "retirement_age",
        "end_age",
        "birth_year",
        "partner.current_age",
        "partner.retirement_age",
        "partner.end_age",
        "partner.annual_contribution",
        "partner.birth_year",
        "social_security.monthly_benefit",
        "social_security.claiming_age",
        "social_security.claiming_month",
        "partner.social_security.monthly_benefit",
        "partner.social_security.claiming_age",
        "partner.social_security.claiming_month",
        "portfolio.balance",
        "portfolio.annual_contribution",
        "allocation.stocks",
        "allocation.bonds",
        "allocation.cash",
        "allocation.glide_path.end_stocks",
        "spending.strategy",
        "spending.annual",
        "spending.floor",
        "spending.percent",
        "spending.ceiling",
        "spending.upper_guard",
        "spending.lower_guard",
        "spending.adjustment",
        "spending.expected_real_return",
        "spending.horizon_age",
        "spending.survivor_share",
        "fees.expense_ratio",
        "tax.effective_rate",
        "market.model",
        "market.stocks.mean",
        "market.stocks.volatility",
        "market.bonds.mean",
        "market.cash.volatility",
        "market.inflation.mean",
        "market.correlations.stocks_bonds",
        "market.fat_tails_df",
        "market.block_years",
        "market.wrap_around",
        "simulation.scenarios",
        "simulation.seed",
    ] {
        one(&doc, &format!(r#"[name="{name}"]"#));
    }
    // The groups, with the market assumptions collapsed and summarized.
    let legends: Vec<String> = doc
        .select(&sel("form > fieldset > legend"))
        .map(text)
        .collect();
    assert_eq!(
        legends,
        [
            "About you",
            "Social Security",
            "Savings",
            "Spending and strategy",
            "Income and events",
            "Simulation"
        ]
    );
    let market = one(&doc, "details#market");
    assert!(market.value().attr("open").is_none());
    // A partner is optional: collapsed, and nothing in it is required of a plan of one.
    let partner = one(&doc, "details#partner");
    assert!(partner.value().attr("open").is_none());
    assert!(doc.select(&sel("#partner [required]")).next().is_none());
    // So are accounts: the withdrawal order's default choice does not open them.
    let taxes = one(&doc, "details#taxes");
    assert!(taxes.value().attr("open").is_none());
    assert!(
        doc.select(&sel("#social-security [required]"))
            .next()
            .is_none()
    );
    assert!(text(one(&doc, "#market summary")).contains("Stocks 9% ± 17%"));

    // Every control has a label; every number has bounds, a step and words for its range.
    let controls: Vec<ElementRef> = doc
        .select(&sel("input:not([type=hidden]), select"))
        .collect();
    assert!(controls.len() >= 33, "{} controls", controls.len());
    for control in controls {
        let id = control.value().id().expect("every control has an id");
        let label = one(&doc, &format!(r#"label[for="{id}"]"#));
        assert!(!text(label).is_empty(), "{id} has an empty label");
        let money = control.value().attr("data-money").is_some();
        if control.value().attr("type") == Some("number") {
            for attr in ["min", "max", "step"] {
                assert!(control.value().attr(attr).is_some(), "{id} lacks {attr}");
            }
        }
        // Money is typed as text ("$60k"), read by the server, and shown as read.
        if money {
            assert_eq!(control.value().attr("type"), Some("text"), "{id}");
            assert_eq!(control.value().attr("inputmode"), Some("decimal"), "{id}");
            one(&doc, &format!("#{id}-read"));
        }
        if money || control.value().attr("type") == Some("number") {
            let help = one(&doc, &format!("#{id}-help"));
            assert!(text(help).contains(" to "), "{id}: {}", text(help));
        }
    }
    // Defaults come from config: the stock share is this instance's 70 %.
    let stocks = one(&doc, r#"[name="allocation.stocks"]"#);
    assert_eq!(stocks.value().attr("value"), Some("70"));
    assert_eq!(stocks.value().attr("max"), Some("100"));
    let balance = one(&doc, r#"[name="portfolio.balance"]"#);
    assert!(text(one(&doc, "#f-portfolio-balance-help")).contains("$1,000 to $100,000,000"));
    // Not required in the browser: with accounts the balance is their total (the server
    // still asks for one without them).
    assert!(balance.value().attr("required").is_none());
    // The scenario cap is the environment's (development: 1,000).
    let scenarios = one(&doc, r#"[name="simulation.scenarios"]"#);
    assert_eq!(scenarios.value().attr("max"), Some("1000"));
}

#[tokio::test]
async fn an_invalid_plan_comes_back_with_every_error_beside_its_field_and_nothing_stored() {
    let app = started_app().await;
    let form = with(
        &base_plan(),
        &[
            ("current_age", "sixty"),
            ("portfolio.balance", "500"),
            ("allocation.stocks", "70"),
            ("allocation.bonds", "40"),
            ("market.stocks.mean", "45"),
            ("name", "Our <b>plan</b>"),
        ],
    );
    let response = post(&app, &form).await;
    assert_eq!(response.status(), 422);
    assert_eq!(
        response.headers()["content-type"],
        "text/html; charset=utf-8"
    );
    let doc = Html::parse_document(&response.text().await.unwrap());

    // The summary at the top links to each field, in form order.
    let links: Vec<(String, String)> = doc
        .select(&sel("#error-summary li a"))
        .map(|a| (a.value().attr("href").unwrap().to_string(), text(a)))
        .collect();
    let targets: Vec<&str> = links.iter().map(|(href, _)| href.as_str()).collect();
    assert_eq!(
        targets,
        [
            "#f-current_age",
            "#f-portfolio-balance",
            "#f-allocation-stocks",
            "#f-market-stocks-mean"
        ],
        "{links:?}"
    );
    assert!(links[0].1.contains("must be a number"), "{links:?}");
    // A share's range reads in percent, as the user typed it.
    assert!(
        links[3].1.contains("must be between -20% and 30%"),
        "{links:?}"
    );
    for (href, _) in &links {
        let id = href.trim_start_matches('#');
        let input = one(&doc, href);
        assert_eq!(input.value().attr("aria-invalid"), Some("true"), "{id}");
        let described = input.value().attr("aria-describedby").unwrap();
        assert!(described.contains(&format!("{id}-error")), "{id}");
        assert!(text(one(&doc, &format!("#{id}-error"))).starts_with("Error:"));
    }
    // The market section opens, since it holds an error.
    assert!(one(&doc, "details#market").value().attr("open").is_some());
    // What the user typed is kept, even what is not a number.
    assert_eq!(value_of(&doc, "current_age"), "sixty");
    assert_eq!(value_of(&doc, "portfolio.balance"), "500");
    assert_eq!(value_of(&doc, "spending.annual"), "40000");
    assert_eq!(value_of(&doc, "name"), "Our <b>plan</b>");
    assert_eq!(simulations_stored(&app).await, 0);
}

#[tokio::test]
async fn a_valid_plan_redirects_to_its_result_page_with_headline_charts_and_tables() {
    let app = started_app().await;
    let form = with(
        &base_plan(),
        &[
            ("name", "Our plan"),
            ("spending.strategy", "guardrails"),
            ("income[0].name", "Social Security"),
            ("income[0].annual", "24000"),
            ("income[0].start_age", "67"),
            ("income[0].inflation_adjusted", "false"),
            ("income[0].inflation_adjusted", "true"),
            ("simulation.seed", "42"),
        ],
    );
    let id = run(&app, &form).await;
    let (status, doc) = page(&app, &format!("/s/{id}")).await;
    assert_eq!(status, 200);
    let api = stored(&app, &id).await;
    assert_eq!(api["seed"], 42);
    assert_eq!(api["plan"]["income"][0]["annual"], 24000.0);

    // The headline says what the JSON says, in words, for what guardrails' success
    // measures: spending at or above its floor (half of $40,000 by default).
    let odds = (api["success_probability"].as_f64().unwrap() * 100.0).round();
    assert_eq!(
        text(one(&doc, "#headline")),
        format!(
            "{odds} of 100 simulated futures keep your spending at or above its $20,000 floor \
             to age 95"
        )
    );
    // Beside it, apart: the chance the money lasts and the chance the floor holds.
    let odds_text = text(one(&doc, "dl.odds"));
    let lasts = (api["money_lasts"]["probability"].as_f64().unwrap() * 100.0).round();
    assert!(
        odds_text.contains(&format!("to age 95: {lasts}% of simulated futures")),
        "{odds_text}"
    );
    assert!(
        odds_text.contains("at or above $20,000 a year"),
        "{odds_text}"
    );
    let [lo, hi] = [0, 1].map(|i| {
        (api["success_interval_95"][i].as_f64().unwrap() * 100.0)
            .round()
            .to_string()
    });
    assert!(text(one(&doc, ".interval")).contains(&format!("{lo}–{hi} of 100")));
    assert_eq!(text(one(&doc, "h1")), "Our plan");

    // Charts: fan of the balance, spending (a variable strategy), depletion histogram; each
    // SVG named and described, each with a table alternative.
    for chart in ["balance", "spending", "depletion"] {
        let svg = one(&doc, &format!("#chart-{chart} svg"));
        assert_eq!(svg.value().attr("role"), Some("img"));
        assert!(!text(one(&doc, &format!("#chart-{chart} svg title"))).is_empty());
        assert!(!text(one(&doc, &format!("#chart-{chart} svg desc"))).is_empty());
        one(&doc, &format!("#chart-{chart} .chart-table"));
    }
    let fan = one(&doc, "#chart-balance svg");
    assert_eq!(fan.select(&sel("path.band-outer")).count(), 1);
    assert_eq!(fan.select(&sel("path.band-inner")).count(), 1);
    assert_eq!(fan.select(&sel("polyline.median")).count(), 1);
    let ticks: Vec<String> = fan.select(&sel("text.tick.y")).map(text).collect();
    assert!(ticks.iter().any(|t| t.ends_with('M')), "{ticks:?}");

    // The percentile table: every five years to the end age, equal to the JSON.
    let ages: Vec<String> = doc
        .select(&sel("#percentiles tbody th"))
        .map(text)
        .collect();
    assert_eq!(ages, ["65", "70", "75", "80", "85", "90", "95"]);
    let median_at_95 = text(one(
        &doc,
        "#percentiles tbody tr:last-child td:nth-of-type(3)",
    ));
    // Balances are at the end of each simulated year: age 95's is the last (index 34).
    let json_median = api["balance_percentiles"]["p50"][34].as_f64().unwrap();
    assert_eq!(
        median_at_95.replace(['$', ','], "").parse::<f64>().unwrap(),
        json_median.round()
    );

    // The plan and its assumptions; the links to edit and to the data.
    let facts = text(one(&doc, ".two-col"));
    assert!(
        facts.contains("Social Security: $24,000 a year from 67"),
        "{facts}"
    );
    assert!(facts.contains("42"), "the seed is shown: {facts}");
    let edit = one(&doc, "a.button[href^='/?from=']");
    assert_eq!(edit.value().attr("href"), Some(&*format!("/?from={id}")));
    one(&doc, &format!(r#"a[href="/api/v1/simulations/{id}"]"#));
    one(&doc, &format!(r#"a[href="/s/{id}/report.pdf"]"#));
    one(
        &doc,
        &format!(r#"a[href="/s/{id}/report.pdf?paper=letter"]"#),
    );
    let permalink = one(&doc, "#permalink").value().attr("value").unwrap();
    assert!(permalink.ends_with(&format!("/s/{id}")), "{permalink}");
}

#[tokio::test]
async fn a_historical_plan_shows_its_periods_and_worst_start_years() {
    let app = started_app().await;
    let form = with(
        &base_plan(),
        &[("market.model", "historical"), ("end_age", "90")],
    );
    let id = run(&app, &form).await;
    let (status, doc) = page(&app, &format!("/s/{id}")).await;
    assert_eq!(status, 200);
    let headline = text(one(&doc, "#headline"));
    assert!(
        headline.starts_with("In ")
            && headline.ends_with("historical periods the money lasts to age 90"),
        "{headline}"
    );
    // Every start year: a named line in each drawing of the fan chart, and a table row
    // with what the API says of it.
    let result = stored(&app, &id).await;
    let periods = result["historical"]["periods"].as_array().unwrap();
    assert!(periods.len() > 100, "{}", periods.len());
    for layout in ["wide", "narrow"] {
        let names: Vec<String> = doc
            .select(&sel(&format!(
                "#chart-balance svg.{layout} path.period title"
            )))
            .map(text)
            .collect();
        assert_eq!(names.len(), periods.len(), "{layout}");
        assert!(names[0].starts_with("Starting in 1871: "), "{}", names[0]);
    }
    let rows: Vec<Vec<String>> = doc
        .select(&sel("#periods tbody tr"))
        .map(|tr| tr.select(&sel("th, td")).map(text).collect())
        .collect();
    assert_eq!(rows.len(), periods.len());
    let dollars = |cell: &str| cell.replace(['$', ','], "").parse::<f64>().unwrap();
    for (row, period) in rows.iter().zip(periods) {
        assert_eq!(row[0], period["start_year"].to_string());
        let balance: Vec<f64> = period["balance"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        let (t, lowest) = balance
            .iter()
            .enumerate()
            .min_by(|a, b| a.1.total_cmp(b.1))
            .unwrap();
        assert!((dollars(&row[2]) - lowest.max(0.0)).abs() <= 0.5, "{row:?}");
        assert_eq!(row[3], (60 + t + 1).to_string(), "{row:?}");
        let end = period["terminal_balance"].as_f64().unwrap();
        assert!((dollars(&row[4]) - end).abs() <= 0.5, "{row:?}");
        match period["ran_out_at_age"].as_u64() {
            Some(age) => assert_eq!(row[1], format!("ran out at {age}")),
            None => assert_eq!(row[1], "lasted"),
        }
    }
    // The worst years, named in the API's order.
    let worst: Vec<String> = result["historical"]["worst"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["start_year"].to_string())
        .collect();
    let words = text(one(&doc, "#periods-title ~ p"));
    assert!(
        words.starts_with(&format!(
            "The worst start years, worst first: {}, ",
            worst[0]
        )),
        "{words}"
    );
    assert!(
        words.contains(&format!(" and {}.", worst[worst.len() - 1])),
        "{words}"
    );
    // The report has the same table, row for row.
    let report = app.pdf_words(&format!("/s/{id}/report.pdf")).await;
    assert!(report.contains("Every historical start year"), "{report}");
    for row in [&rows[0], &rows[rows.len() / 2], &rows[rows.len() - 1]] {
        assert!(report.contains(&row.join(" ")), "{row:?} in {report}");
    }
}

/// The stored plan spells out the default floor (half of spending). The page's analysis lets
/// it follow spending, as for the plan the user sent: a cut is not a fall below a floor
/// left behind.
#[tokio::test]
async fn the_result_pages_analysis_lets_the_default_floor_follow_spending() {
    let app = started_app().await;
    let form = with(
        &base_plan(),
        &[
            ("spending.strategy", "guardrails"),
            ("spending.annual", "60000"),
        ],
    );
    let id = run(&app, &form).await;
    let doc = app.result_page(&id).await;
    let odds = text(one(&doc, "#headline"));
    let safe = text(one(&doc, "#safe-title + .table-wrap tbody td.num"));
    let safe: f64 = safe.replace(['$', ','], "").parse().unwrap();
    assert!(
        (30_000.0..60_000.0).contains(&safe),
        "safe spending at 90 % is {safe} ({odds})"
    );
}

#[tokio::test]
async fn edit_this_plan_prefills_the_form_from_the_stored_plan() {
    let app = started_app().await;
    let form = with(
        &base_plan(),
        &[
            ("spending.strategy", "vpw"),
            ("spending.expected_real_return", "2.5"),
            ("events[0].name", "New roof"),
            ("events[0].age", "70"),
            ("events[0].amount", "-30000"),
        ],
    );
    let id = run(&app, &form).await;
    let (status, doc) = page(&app, &format!("/?from={id}")).await;
    assert_eq!(status, 200);
    assert_eq!(value_of(&doc, "portfolio.balance"), "1000000");
    assert_eq!(value_of(&doc, "spending.expected_real_return"), "2.5");
    assert_eq!(value_of(&doc, "events[0].amount"), "-30000");
    assert_eq!(value_of(&doc, "events[0].name"), "New roof");
    let strategy = one(&doc, r#"select[name="spending.strategy"] option[selected]"#);
    assert_eq!(strategy.value().attr("value"), Some("vpw"));
    assert!(text(one(&doc, ".notice")).contains("editing a copy"));

    // Submitting the prefilled form unchanged gives the same result (same plan, same seed).
    // As a browser does: a checkbox is sent only when checked, after its hidden `false`.
    let inputs = submitted(&doc, "#plan-form");
    let again = run(&app, &inputs).await;
    let first = stored(&app, &id).await;
    let second: Value = app
        .get(&format!("/api/v1/simulations/{again}"))
        .await
        .json()
        .await
        .unwrap();
    assert_ne!(id, again);
    assert_eq!(first["plan"], second["plan"]);
    assert_eq!(first["success_probability"], second["success_probability"]);

    let (status, doc) = page(&app, "/?from=0123456789abcdef0123456789abcdef").await;
    assert_eq!(status, 404);
    assert_eq!(text(one(&doc, "h1")), "Page not found");
}

#[tokio::test]
async fn income_and_event_rows_are_added_and_removed_without_javascript() {
    let app = started_app().await;
    let response = post(&app, &with(&base_plan(), &[("action", "add:income")])).await;
    assert_eq!(response.status(), 200);
    let doc = Html::parse_document(&response.text().await.unwrap());
    one(&doc, r#"input[name="income[0].annual"]"#);
    let adjusted = one(
        &doc,
        r#"input[type=checkbox][name="income[0].inflation_adjusted"]"#,
    );
    assert!(adjusted.value().attr("checked").is_some());
    // Nothing else changed, and nothing ran.
    let balance = one(&doc, r#"input[name="portfolio.balance"]"#);
    assert_eq!(balance.value().attr("value"), Some("1000000"));
    assert_eq!(simulations_stored(&app).await, 0);

    let two_rows = with(
        &base_plan(),
        &[
            ("income[0].name", "Pension"),
            ("income[0].annual", "10000"),
            ("income[0].start_age", "65"),
            ("income[1].name", "Rent"),
            ("income[1].annual", "6000"),
            ("income[1].start_age", "61"),
            ("action", "remove:income:0"),
        ],
    );
    let response = post(&app, &two_rows).await;
    assert_eq!(response.status(), 200);
    let doc = Html::parse_document(&response.text().await.unwrap());
    let name = one(&doc, r#"input[name="income[0].name"]"#);
    assert_eq!(name.value().attr("value"), Some("Rent"));
    assert!(
        doc.select(&sel(r#"[name="income[1].name"]"#))
            .next()
            .is_none()
    );

    let response = post(&app, &with(&base_plan(), &[("action", "add:events")])).await;
    let doc = Html::parse_document(&response.text().await.unwrap());
    one(&doc, r#"input[name="events[0].amount"]"#);
}

#[tokio::test]
async fn the_history_preset_fills_the_market_assumptions() {
    let app = started_app().await;
    let response = post(
        &app,
        &with(&base_plan(), &[("action", "preset:us_history")]),
    )
    .await;
    assert_eq!(response.status(), 200);
    let doc = Html::parse_document(&response.text().await.unwrap());
    let assumptions: Value = app.get("/api/v1/assumptions").await.json().await.unwrap();
    let fit = assumptions["sets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "us_history")
        .unwrap();
    let shown: f64 = one(&doc, r#"input[name="market.stocks.mean"]"#)
        .value()
        .attr("value")
        .unwrap()
        .parse()
        .unwrap();
    let fitted = fit["stocks"]["mean"].as_f64().unwrap() * 100.0;
    assert!((shown - fitted).abs() < 0.005, "{shown} vs {fitted}");
    assert!(one(&doc, "details#market").value().attr("open").is_some());
}

/// The form's bounds are the table's, like the server's (`plan_fields` checks every
/// field against the table): one round trip, a bound passes and one step past it is flagged
/// beside its field, in the form's units; the weights must add up to 100%.
#[tokio::test]
async fn a_fields_bound_passes_and_one_step_past_is_flagged_beside_it() {
    let app = started_app().await;
    let (_, doc) = page(&app, "/").await;
    let fees = one(&doc, r#"input[name="fees.expense_ratio"]"#).value();
    assert_eq!((fees.attr("min"), fees.attr("max")), (Some("0"), Some("5")));
    let at = post(&app, &with(&base_plan(), &[("fees.expense_ratio", "5")])).await;
    assert_eq!(at.status(), 303, "{}", at.text().await.unwrap());
    let past = post(&app, &with(&base_plan(), &[("fees.expense_ratio", "5.01")])).await;
    assert_eq!(past.status(), 422);
    let doc = Html::parse_document(&past.text().await.unwrap());
    let flagged = one(&doc, r#"[name="fees.expense_ratio"]"#);
    assert_eq!(flagged.value().attr("aria-invalid"), Some("true"));
    let message = text(one(
        &doc,
        &format!("#{}-error", flagged.value().id().unwrap()),
    ));
    assert!(message.contains("must be between 0% and 5%"), "{message}");
    for (stocks, bonds, status) in [("100", "0", 303), ("100.5", "0", 422), ("-1", "101", 422)] {
        let form = with(
            &base_plan(),
            &[("allocation.stocks", stocks), ("allocation.bonds", bonds)],
        );
        assert_eq!(post(&app, &form).await.status(), status, "{stocks}/{bonds}");
    }
}

/// The browser does not stop the form (`novalidate`): the server lists every problem at
/// once, each in the form's words, naming fields by their labels and shares in percent.
#[tokio::test]
async fn every_error_is_listed_at_once_in_the_forms_words() {
    let app = started_app().await;
    let (_, doc) = page(&app, "/").await;
    assert!(
        one(&doc, "form#plan-form")
            .value()
            .attr("novalidate")
            .is_some()
    );
    let form = with(
        &base_plan(),
        &[
            ("current_age", "70"),
            ("end_age", "65"),
            ("allocation.stocks", "70"),
            ("allocation.bonds", "40"),
            ("spending.annual", ""),
        ],
    );
    let response = post(&app, &form).await;
    assert_eq!(response.status(), 422);
    let doc = Html::parse_document(&response.text().await.unwrap());
    let summary: Vec<String> = doc
        .select(&sel("#error-summary li"))
        .map(|li| text(li))
        .collect();
    let all = summary.join(" | ");
    assert!(summary.len() >= 3, "{all}");
    assert!(
        all.contains("must be greater than “Your age now” (70)"),
        "{all}"
    );
    assert!(
        all.contains("must add up to 100% (they add up to 110%)"),
        "{all}"
    );
    assert!(all.contains("Yearly spending"), "{all}");
    for contract_word in ["current_age", "end_age", "add up to 1 ", "1.1000"] {
        assert!(!all.contains(contract_word), "{contract_word} in {all}");
    }
    assert_eq!(simulations_stored(&app).await, 0);
}

#[tokio::test]
async fn static_assets_are_versioned_with_a_strong_etag_a_long_life_and_compression() {
    let app = started_app().await;
    let (_, doc) = page(&app, "/").await;
    let css = one(&doc, "link[rel=stylesheet]")
        .value()
        .attr("href")
        .unwrap();
    let js = one(&doc, "script[src]").value().attr("src").unwrap();
    for path in [css, js] {
        assert!(
            path.starts_with("/static/app.") && path.split('.').count() == 3,
            "{path} is versioned"
        );
        let response = app
            .client
            .get(app.url(path))
            .header("accept-encoding", "gzip")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let headers = response.headers().clone();
        assert_eq!(
            headers["cache-control"],
            "public, max-age=31536000, immutable"
        );
        let etag = headers["etag"].to_str().unwrap().to_string();
        assert!(
            etag.starts_with('"') && !etag.starts_with("W/"),
            "strong: {etag}"
        );
        assert_eq!(headers["content-encoding"], "gzip", "{path}");
        let cached = app
            .client
            .get(app.url(path))
            .header("if-none-match", &etag)
            .send()
            .await
            .unwrap();
        assert_eq!(cached.status(), 304);
    }
    let stale = app.get("/static/app.0000000000.css").await;
    assert_eq!(stale.status(), 404);
    let body: Value = stale.json().await.unwrap();
    assert_eq!(body["error"]["code"], "not_found");
    // A browser asking for the page of a missing asset gets the error page.
    let page = app
        .get_with("/static/nope.css", &[("accept", "text/html")])
        .await;
    assert_eq!(page.status(), 404);
    assert!(header(&page, "content-type").starts_with("text/html"));
}

#[tokio::test]
async fn browser_errors_are_pages_with_the_request_id_and_the_api_keeps_json() {
    let app = started_app().await;
    for path in ["/no/such/page", "/s/0123456789abcdef0123456789abcdef"] {
        let response = app
            .client
            .get(app.url(path))
            .header("accept", "text/html")
            .header("x-request-id", "web-404-test")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 404);
        assert_eq!(
            response.headers()["content-type"],
            "text/html; charset=utf-8"
        );
        let doc = Html::parse_document(&response.text().await.unwrap());
        assert_eq!(text(one(&doc, "h1")), "Page not found");
        assert_eq!(text(one(&doc, ".request-id code")), "web-404-test");
        one(&doc, "link[rel=stylesheet]");
    }
    let wrong_method = app
        .client
        .put(app.url("/simulate"))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_method.status(), 405);
    assert_eq!(wrong_method.headers()["allow"], "POST");
    assert!(wrong_method.text().await.unwrap().contains("<h1>"));

    let api = app
        .client
        .get(app.url("/api/v1/simulations/0123456789abcdef0123456789abcdef"))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), 404);
    let body: Value = api.json().await.unwrap();
    assert_eq!(body["error"]["code"], "not_found");
}

#[tokio::test]
async fn with_the_database_down_the_form_keeps_the_plan_and_pages_say_so() {
    let app = spawn_app_with(common::database_down).await;
    // The form itself needs no database.
    let (status, _) = page(&app, "/").await;
    assert_eq!(status, 200);
    // A run gets the form back with the plan as typed and the reason, with the coded
    // status and Retry-After.
    let response = post(&app, &base_plan()).await;
    assert_eq!(response.status(), 503);
    assert!(response.headers().contains_key("retry-after"));
    assert_eq!(
        response.headers()["content-type"],
        "text/html; charset=utf-8"
    );
    let doc = Html::parse_document(&response.text().await.unwrap());
    assert!(text(one(&doc, ".notice.warning")).contains("Your plan is still here"));
    let balance = one(&doc, r#"input[name="portfolio.balance"]"#);
    assert_eq!(balance.value().attr("value"), Some("1000000"));
    // A result page is the styled 503 page.
    let (status, doc) = page(&app, "/s/0123456789abcdef0123456789abcdef").await;
    assert_eq!(status, 503);
    assert_eq!(text(one(&doc, "h1")), "Glidepath is busy");
    assert!(text(one(&doc, ".error-page")).contains("Nothing is lost"));
    one(&doc, ".request-id code");
}

#[tokio::test]
async fn a_forty_year_result_page_weighs_under_150_kb_with_its_assets() {
    let app = started_app().await;
    let form = with(
        &base_plan(),
        &[
            ("current_age", "55"),
            ("end_age", "95"),
            ("spending.strategy", "guardrails"),
            ("simulation.scenarios", "1000"),
        ],
    );
    let id = run(&app, &form).await;
    app.result_page(&id).await;
    let html = app.get(&format!("/s/{id}")).await.text().await.unwrap();
    let doc = Html::parse_document(&html);
    assert!(
        doc.select(&sel("svg")).count() >= 4,
        "the analysis' tornado chart is there too"
    );
    let mut weight = html.len();
    let mut assets = vec![
        one(&doc, "link[rel=stylesheet]")
            .value()
            .attr("href")
            .unwrap(),
        one(&doc, "script[src]").value().attr("src").unwrap(),
        one(&doc, "link[rel=icon]").value().attr("href").unwrap(),
    ];
    assets.dedup();
    for path in assets {
        weight += app.get(path).await.bytes().await.unwrap().len();
    }
    assert!(
        weight <= PAGE_WEIGHT_LIMIT,
        "{weight} bytes ({} of them HTML)",
        html.len()
    );
    eprintln!("page weight: {weight} bytes, HTML {}", html.len());
}

#[tokio::test]
async fn the_form_opens_with_an_example_plan_and_its_answer_storing_nothing() {
    let app = started_app().await;
    let (status, doc) = page(&app, "/").await;
    assert_eq!(status, 200);
    assert!(text(one(&doc, "#example-notice")).contains("This is an example plan"));
    assert_eq!(value_of(&doc, "current_age"), "60");
    assert_eq!(value_of(&doc, "portfolio.balance"), "1,000,000");
    assert_eq!(text(one(&doc, "#f-portfolio-balance-read")), "= $1,000,000");
    // The answer is in view before any typing: the odds, their interval, a button.
    assert_eq!(text(one(&doc, "#answer-title")), "The example's answer");
    let headline = text(one(&doc, "#answer-headline"));
    assert!(
        headline.ends_with("of 100 simulated futures still have money at age 95"),
        "{headline}"
    );
    let detail = text(one(&doc, "#answer-detail"));
    assert!(
        detail.starts_with("95% confidence interval ") && detail.ends_with(" simulated futures"),
        "{detail}"
    );
    one(&doc, "#answer button.primary[type=submit]");
    // The answer is the one the result page gives, and it stored nothing.
    assert_eq!(simulations_stored(&app).await, 0);
    let form = submitted(&doc, "#plan-form");
    let id = run(&app, &form).await;
    let (_, result) = page(&app, &format!("/s/{id}")).await;
    assert_eq!(text(one(&result, "#headline")), headline);
}

#[tokio::test]
async fn money_is_read_as_people_type_it_and_kept_as_typed_when_refused() {
    let app = started_app().await;
    let form = with(
        &base_plan(),
        &[
            ("portfolio.balance", "$1.2M"),
            ("spending.annual", "$60k"),
            ("portfolio.annual_contribution", "12,500"),
        ],
    );
    let id = run(&app, &form).await;
    let api = stored(&app, &id).await;
    assert_eq!(api["plan"]["portfolio"]["balance"], 1_200_000.0);
    assert_eq!(api["plan"]["spending"]["annual"], 60_000.0);
    assert_eq!(api["plan"]["portfolio"]["annual_contribution"], 12_500.0);

    // Not an amount: refused beside the field, and shown back as typed.
    let response = post(&app, &with(&base_plan(), &[("spending.annual", "sixty k")])).await;
    assert_eq!(response.status(), 422);
    let doc = Html::parse_document(&response.text().await.unwrap());
    let spending = one(&doc, r#"[name="spending.annual"]"#);
    assert_eq!(spending.value().attr("value"), Some("sixty k"));
    assert_eq!(
        text(one(&doc, "#f-spending-annual-error")),
        "Error: must be an amount in dollars, such as 60000, 60k or 1.2M"
    );

    // Allowed but unlikely: "60" for a year's spending is questioned, not refused.
    let response = post(
        &app,
        &with(
            &base_plan(),
            &[("spending.annual", "60"), ("action", "add:events")],
        ),
    )
    .await;
    assert_eq!(response.status(), 200);
    let doc = Html::parse_document(&response.text().await.unwrap());
    assert_eq!(text(one(&doc, "#f-spending-annual-read")), "= $60");
    assert_eq!(
        text(one(&doc, "#f-spending-annual-warning")),
        "Is $60 what you meant? For $60,000, type 60k."
    );
    // A monthly benefit of $60 is not a year's amount: no question.
    assert!(
        doc.select(&sel("#f-social-security-monthly-benefit-warning"))
            .next()
            .is_none()
    );
}

#[tokio::test]
async fn a_row_or_preset_button_brings_the_form_back_focused_where_it_acted() {
    let app = started_app().await;
    let focused = |doc: &Html| -> Vec<String> {
        doc.select(&sel("[autofocus]"))
            .filter_map(|el| el.value().attr("name").map(str::to_string))
            .collect()
    };
    let response = post(&app, &with(&base_plan(), &[("action", "add:income")])).await;
    let doc = Html::parse_document(&response.text().await.unwrap());
    assert_eq!(focused(&doc), ["income[0].name"]);
    // The answer for the plan as it stands comes back with it.
    assert!(text(one(&doc, "#answer-headline")).contains("of 100 simulated futures"));

    let two_rows = with(
        &base_plan(),
        &[
            ("events[0].name", "Roof"),
            ("events[0].amount", "-20k"),
            ("events[0].age", "70"),
            ("events[1].name", "Car"),
            ("events[1].amount", "-30k"),
            ("events[1].age", "75"),
        ],
    );
    let response = post(&app, &with(&two_rows, &[("action", "add:events")])).await;
    let doc = Html::parse_document(&response.text().await.unwrap());
    assert_eq!(focused(&doc), ["events[2].name"]);
    let response = post(&app, &with(&two_rows, &[("action", "remove:events:1")])).await;
    let doc = Html::parse_document(&response.text().await.unwrap());
    assert_eq!(
        focused(&doc),
        ["events[0].name"],
        "the row before the removed one"
    );

    let response = post(
        &app,
        &with(&base_plan(), &[("action", "preset:us_history")]),
    )
    .await;
    let doc = Html::parse_document(&response.text().await.unwrap());
    assert_eq!(focused(&doc), ["market.stocks.mean"]);
    assert!(one(&doc, "details#market").value().attr("open").is_some());
    assert_eq!(simulations_stored(&app).await, 0);
}

#[tokio::test]
async fn the_result_page_shows_at_once_and_its_analysis_when_ready() {
    let app = started_app().await;
    let id = run(
        &app,
        &with(&base_plan(), &[("spending.strategy", "guardrails")]),
    )
    .await;
    // First view: the result, with the analysis being worked out (nothing cached yet).
    let (status, doc) = page(&app, &format!("/s/{id}")).await;
    assert_eq!(status, 200);
    one(&doc, "#headline");
    let pending = one(&doc, "#analysis.pending[aria-busy=true]");
    assert_eq!(
        pending.value().attr("data-fragment"),
        Some(format!("/s/{id}/analysis").as_str())
    );
    assert!(text(pending).contains("Reload the page"));
    assert!(doc.select(&sel("#safe-title")).next().is_none());
    // The fragment waits for it, and holds the analysis alone: no page around it.
    let response = app.get(&format!("/s/{id}/analysis")).await;
    assert_eq!(response.status(), 200);
    let part = response.text().await.unwrap();
    assert!(
        !part.contains("<html") && !part.contains("id=\"headline\""),
        "{part}"
    );
    let part = Html::parse_fragment(&part);
    assert!(text(one(&part, "#safe-title")).contains("Safe spending"));
    one(&part, "#chart-sensitivity svg");
    // Now cached: the page has it at once.
    let (_, doc) = page(&app, &format!("/s/{id}")).await;
    assert!(
        doc.select(&sel("#analysis[data-fragment]"))
            .next()
            .is_none()
    );
    one(&doc, "#analysis #safe-title");
    // An unknown id is a 404 there too.
    let response = app
        .get("/s/0123456789abcdef0123456789abcdef/analysis")
        .await;
    assert_eq!(response.status(), 404);
}

/// "Compare with a change…": the result page opens its plan as plan B; the form posts to
/// `/compare`, which runs both plans on plan A's futures and answers 303 to `/c/{id}`. A
/// plan B that cannot be compared gets the form again with the reason beside its field.
#[actix_web::test]
async fn compare_with_a_change_opens_plan_b_and_shows_both_on_the_same_futures() {
    let app = started_app().await;
    let mut plan = common::plans::household(40_000.0);
    plan["name"] = serde_json::json!("Our plan");
    let a = app.create(&plan, None).await;
    let id = a["id"].as_str().unwrap();
    let page = app.result_page(id).await;
    let link = format!("/?from={id}&compare=1");
    assert!(
        page.select(&sel("a.button"))
            .any(|a| a.value().attr("href") == Some(&link)),
        "the result page links to {link}"
    );
    let form = Html::parse_document(&app.get(&link).await.text().await.unwrap());
    assert_eq!(
        one(&form, "#plan-form").value().attr("action"),
        Some("/compare")
    );
    assert_eq!(value_of(&form, "compare_with"), id);
    assert!(common::text_of(&form, "#comparing-notice").contains("This is plan B"));

    let post = |fields: Vec<(String, String)>| {
        let app = &app;
        async move {
            reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap()
                .post(app.url("/compare"))
                .form(&fields)
                .send()
                .await
                .unwrap()
        }
    };
    let mut fields = submitted(&form, "#plan-form");
    let set = |fields: &mut Vec<(String, String)>, name: &str, value: &str| {
        fields.retain(|(n, _)| n != name);
        fields.push((name.into(), value.into()));
    };
    set(&mut fields, "spending.strategy", "guardrails");
    let response = post(fields.clone()).await;
    assert_eq!(response.status(), 303);
    let location = header(&response, "location");
    assert!(location.starts_with("/c/"), "{location}");
    let comparison = Html::parse_document(&app.get(&location).await.text().await.unwrap());
    let odds = common::text_of(&comparison, "#odds-caption + thead + tbody, table tbody");
    assert!(
        odds.contains("A: Our plan") && odds.contains("B: Plan B"),
        "{odds}"
    );
    let a_odds = glidepath::format::percent(a["success_probability"].as_f64().unwrap());
    assert!(
        odds.contains(&a_odds),
        "plan A keeps its odds, {a_odds}: {odds}"
    );
    assert!(common::text_of(&comparison, "p.summary").contains("Plan B lasts in"));

    // "Add a plan…": plan C, a copy of plan B, joins the comparison on the same futures.
    let comparison_id = location.trim_start_matches("/c/");
    let add = format!("/?add_to={comparison_id}");
    assert!(
        comparison
            .select(&sel("a.button"))
            .any(|a| a.value().attr("href") == Some(&add)),
        "the comparison links to {add}"
    );
    let form_c = Html::parse_document(&app.get(&add).await.text().await.unwrap());
    assert_eq!(value_of(&form_c, "add_to"), comparison_id);
    let notice = common::text_of(&form_c, "#comparing-notice");
    assert!(
        notice.contains("This is plan C, a copy of plan B"),
        "{notice}"
    );
    let strategy = one(
        &form_c,
        r#"select[name="spending.strategy"] option[selected]"#,
    );
    assert_eq!(strategy.value().attr("value"), Some("guardrails"));
    let mut fields_c = submitted(&form_c, "#plan-form");
    set(&mut fields_c, "spending.annual", "36000");
    let response = post(fields_c).await;
    assert_eq!(response.status(), 303);
    let three = header(&response, "location");
    assert_ne!(three, location, "a new comparison, the old one kept");
    let doc: Value = app
        .get(&format!(
            "/api/v1/comparisons/{}",
            three.trim_start_matches("/c/")
        ))
        .await
        .json()
        .await
        .unwrap();
    let plans = doc["plans"].as_array().unwrap();
    assert_eq!(plans.len(), 3);
    assert_eq!(plans[2]["name"], "Plan C");
    assert_eq!(plans[2]["plan"]["spending"]["annual"], 36_000.0);
    assert_eq!(
        plans[0]["result"]["success_probability"], a["success_probability"],
        "plan A keeps its odds"
    );
    assert_eq!(doc["differences"].as_array().unwrap().len(), 2);

    // Another end age cannot be compared: the form again, the reason by the field.
    set(&mut fields, "end_age", "100");
    let response = post(fields).await;
    assert_eq!(response.status(), 422);
    let again = Html::parse_document(&response.text().await.unwrap());
    assert_eq!(value_of(&again, "compare_with"), id);
    assert!(
        common::text_of(&again, "#error-summary").contains("runs to age 95 and this plan to 100"),
        "{}",
        common::text_of(&again, "#error-summary")
    );
}

#[tokio::test]
async fn a_comparison_that_runs_out_of_time_keeps_plan_b_on_the_form() {
    let scenarios = |vars: &mut std::collections::HashMap<String, String>| {
        vars.insert("APP__SIMULATION__MAX_SCENARIOS".into(), "10000".into());
    };
    let roomy = started_app_with(scenarios).await;
    let mut plan = common::plans::household(40_000.0);
    plan["current_age"] = serde_json::json!(20);
    plan["end_age"] = serde_json::json!(120);
    plan["simulation"] = serde_json::json!({ "scenarios": 10_000, "seed": 7 });
    let a = roomy.create(&plan, None).await;
    let id = a["id"].as_str().unwrap();
    // The same database behind a server whose engine deadline no run can meet.
    let url = roomy.state.settings.database.url.expose().to_owned();
    let strict = started_app_with(|vars| {
        scenarios(vars);
        vars.insert("APP__DATABASE__URL".into(), url);
        vars.insert("APP__SIMULATION__TIMEOUT_MS".into(), "1".into());
    })
    .await;
    let link = format!("/?from={id}&compare=1");
    let form = Html::parse_document(&strict.get(&link).await.text().await.unwrap());
    let mut fields = submitted(&form, "#plan-form");
    fields.retain(|(name, _)| name != "spending.strategy");
    fields.push(("spending.strategy".into(), "guardrails".into()));
    let response = strict
        .client
        .post(strict.url("/compare"))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 504);
    let again = Html::parse_document(&response.text().await.unwrap());
    assert!(text(one(&again, ".notice.warning")).contains("Your plan is still here"));
    assert_eq!(value_of(&again, "compare_with"), id);
    let strategy = one(
        &again,
        r#"select[name="spending.strategy"] option[selected]"#,
    );
    assert_eq!(strategy.value().attr("value"), Some("guardrails"));
}
