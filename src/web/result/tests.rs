//! The result page rendered from real simulations: the words for each strategy and model.
use super::*;
use crate::engine::RunOptions;

fn page(json: &str, analysis: Option<&StoredAnalysis>) -> (ResultPage, String) {
    let plan = Plan::from_stored(json).unwrap();
    let outcome = crate::engine::simulate(&plan, &RunOptions::default()).unwrap();
    let page = ResultPage::build(
        &plan,
        &outcome,
        analysis,
        "0123456789abcdef0123456789abcdef".into(),
        "2026-11-27T12:00:00Z".into(),
        "https://glidepath.example/s/0123456789abcdef0123456789abcdef".into(),
    );
    let html = page.render().unwrap();
    (page, html)
}

#[test]
fn a_plan_that_always_fails_says_so_in_words_and_colour_and_badge() {
    let (page, html) = page(
        r#"{"name": "<script>x</script>Broke", "current_age": 60, "end_age": 95,
            "portfolio": {"balance": 1000}, "spending": {"annual": 50000},
            "simulation": {"scenarios": 100, "seed": 1}}"#,
        None,
    );
    assert_eq!(
        page.headline,
        "0 of 100 simulated futures still have money at age 95"
    );
    assert_eq!(page.verdict, ("poor", "At serious risk"));
    assert!(html.contains(r#"<section class="headline poor""#));
    assert!(
        html.contains("At serious risk"),
        "the badge says it in words"
    );
    // Names are text: stripped of tags when normalized, escaped when rendered.
    assert!(!html.contains("<script>x"), "{html}");
    // Without an analysis the page neither shows one nor claims it is unavailable.
    assert!(!html.contains("What would change the odds"));
    assert!(!html.contains("not available right now"));
}

#[test]
fn an_unavailable_analysis_is_said_and_a_safe_plan_reads_more_than_99() {
    let (page, html) = page(
        r#"{"current_age": 60, "end_age": 70, "portfolio": {"balance": 5000000},
            "spending": {"annual": 10000}, "simulation": {"scenarios": 1000, "seed": 2}}"#,
        Some(&StoredAnalysis::Unavailable),
    );
    assert!(
        page.headline.starts_with("100 of 100") || page.headline.starts_with("More than 99"),
        "{}",
        page.headline
    );
    assert_eq!(page.verdict.0, "good");
    assert!(html.contains("not available right now; reload the page"));
    // No spending chart for constant dollars; the depletion table says there is none.
    assert!(!html.contains(r#"id="chart-spending""#));
    assert!(html.contains(r#"id="chart-depletion""#));
}

#[test]
fn a_guardrails_plan_reports_the_money_lasting_and_the_floor_holding_apart() {
    // The audit's case: 65, $1.2M, $60k, guardrails. Failure means spending fell below
    // the $30,000 floor while even bad futures keep money at 95.
    let (page, html) = page(
        r#"{"current_age": 65, "end_age": 95, "portfolio": {"balance": 1200000},
            "spending": {"strategy": "guardrails", "annual": 60000},
            "simulation": {"scenarios": 1000, "seed": 11}}"#,
        None,
    );
    assert!(
        page.headline
            .ends_with("keep your spending at or above its $30,000 floor to age 95"),
        "{}",
        page.headline
    );
    let labels: Vec<&str> = page.odds.iter().map(|r| r.label).collect();
    assert_eq!(labels, ["Money lasts", "Floor holds"]);
    assert!(page.odds[0].value.starts_with("to age 95: "));
    assert!(
        page.paragraph
            .contains("; spending stays at or above its $30,000 floor in "),
        "{}",
        page.paragraph
    );
    assert!(!page.paragraph.contains("Futures that run out"));
    // The spending chart draws the floor, labelled.
    let spending = page.charts.iter().find(|c| c.id == "spending").unwrap();
    assert!(spending.svg.contains(">floor<"), "{}", spending.svg);
    assert!(html.contains(r#"<dl class="facts odds">"#));
}

#[test]
fn a_historical_run_speaks_of_periods_without_a_confidence_interval() {
    let (page, html) = page(
        r#"{"current_age": 65, "end_age": 95, "portfolio": {"balance": 1000000},
            "spending": {"annual": 40000}, "market": {"model": "historical"}}"#,
        None,
    );
    assert_eq!(page.interval, None);
    assert!(
        page.headline.contains("historical periods"),
        "{}",
        page.headline
    );
    assert!(
        page.paragraph.contains("of historical periods"),
        "{}",
        page.paragraph
    );
    assert!(!html.contains("confidence interval"));
    assert!(!html.contains("simulated futures"), "{html}");
}

#[test]
fn someone_saving_sees_the_rate_against_the_median_savings_at_retirement() {
    let (page, _) = page(
        r#"{"current_age": 45, "retirement_age": 60, "end_age": 95,
            "portfolio": {"balance": 400000, "annual_contribution": 30000},
            "spending": {"annual": 60000}, "simulation": {"scenarios": 500, "seed": 3}}"#,
        None,
    );
    assert!(
        page.paragraph.contains("median savings at 60) from age 60"),
        "{}",
        page.paragraph
    );
    assert!(!page.paragraph.contains("15% of savings"));
}

#[test]
fn a_shortfall_before_retirement_is_labelled_so() {
    let (page, _) = page(
        r#"{"current_age": 55, "retirement_age": 65, "end_age": 90,
            "portfolio": {"balance": 100000},
            "events": [{"age": 61, "amount": -500000}],
            "spending": {"annual": 30000}, "simulation": {"scenarios": 100, "seed": 4}}"#,
        None,
    );
    assert!(
        page.paragraph.contains("run out before retirement"),
        "{}",
        page.paragraph
    );
    let depletion = page.charts.iter().find(|c| c.id == "depletion").unwrap();
    let table = depletion.table.as_ref().unwrap();
    assert_eq!(table.rows[0][0], "61 (before retirement)");
    assert!(depletion.svg.contains("before retirement"));
}

#[test]
fn the_assumptions_show_the_left_tail_that_fat_tails_change() {
    let crash = |df: &str| {
        let (page, _) = page(
            &format!(
                r#"{{"current_age": 65, "end_age": 95, "portfolio": {{"balance": 1000000}},
                    "spending": {{"annual": 40000}}, "market": {{"fat_tails_df": {df}}},
                    "simulation": {{"scenarios": 100}}}}"#
            ),
            None,
        );
        page.assumption_rows
            .into_iter()
            .find(|r| r.label == "Bad stock years")
            .expect("a left-tail row")
            .value
    };
    let normal = crash("null");
    assert!(
        normal.starts_with("1 year in 20 returns -17% or worse"),
        "{normal}"
    );
    assert!(
        normal.ends_with("a year of -30% or worse has a 0.3% chance"),
        "{normal}"
    );
    let fat = crash("3");
    assert!(
        fat.ends_with("a year of -30% or worse has a 0.9% chance"),
        "{fat}"
    );
}
