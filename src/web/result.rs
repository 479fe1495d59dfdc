//! The result page: the headline odds in words, the charts with a table each, the percentile
//! table, the plan and its assumptions, and the analysis (insights, safe spending and a
//! tornado chart) when it could be computed.

use askama::Template;

use super::Layout;
use super::svg;
use crate::analysis::Analysis;
use crate::engine::outcome::WorstPeriod;
use crate::engine::{Outcome, Plan};
use crate::format::{money, percent, points};
use crate::report::chart::{self, Chart};
use crate::report::summary::{self, PERCENTILE_COLUMNS, PercentileRow, Row};
use crate::simulations::Simulation;

/// The analysis as the page shows it.
pub enum PageAnalysis {
    Ready(Analysis),
    /// The engine was busy or slow; the page says so instead of failing.
    Unavailable,
}

#[derive(Template)]
#[template(path = "result.html")]
pub struct ResultPage {
    pub layout: Layout,
    pub id: String,
    pub permalink: String,
    pub created_at: String,
    pub name: String,
    pub headline: String,
    /// `None` for historical runs: their periods are not a random sample.
    pub interval: Option<String>,
    /// The chance the money lasts and the chance spending holds its floor, apart.
    pub odds: Vec<Row>,
    pub paragraph: String,
    /// `good` (≥ 90 %), `fair` (≥ 75 %) or `poor`, with the word beside it.
    pub verdict: (&'static str, &'static str),
    pub charts: Vec<ChartView>,
    pub columns: [&'static str; 5],
    pub percentiles: Vec<PercentileRow>,
    pub plan_rows: Vec<Row>,
    pub assumption_rows: Vec<Row>,
    pub worst_periods: Vec<[String; 3]>,
    pub analysis: Option<AnalysisView>,
    pub analysis_unavailable: bool,
}

pub struct ChartView {
    pub id: &'static str,
    pub title: String,
    pub svg: String,
    pub legend: Vec<(&'static str, String)>,
    /// The chart's data as a table, for those who cannot see it; `None` for the balance
    /// chart, whose table is the page's percentile table.
    pub table: Option<TableView>,
}

pub struct TableView {
    pub caption: String,
    pub head: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

pub struct AnalysisView {
    pub insights: Vec<String>,
    /// In place of the insights when the plan looks mistyped.
    pub warning: Option<String>,
    /// What the withdrawal-rate column is a share of.
    pub rate_of: String,
    /// (target, safe spending, withdrawal rate)
    pub safe_spending: Vec<[String; 3]>,
}

impl ResultPage {
    pub fn new(
        simulation: &Simulation,
        analysis: Option<&PageAnalysis>,
        permalink: String,
    ) -> anyhow::Result<Self> {
        let plan = Plan::from_stored(&simulation.result.plan_json)?;
        let outcome = simulation.result.outcome()?;
        Ok(Self::build(
            &plan,
            &outcome,
            analysis,
            simulation.id.clone(),
            simulation.created_at.clone(),
            permalink,
        ))
    }

    pub fn build(
        plan: &Plan,
        outcome: &Outcome,
        analysis: Option<&PageAnalysis>,
        id: String,
        created_at: String,
        permalink: String,
    ) -> Self {
        let p = outcome.success_probability;
        let verdict = if p >= 0.9 {
            ("good", "Likely to last")
        } else if p >= 0.75 {
            ("fair", "At some risk")
        } else {
            ("poor", "At serious risk")
        };
        let mut charts = vec![chart_view(chart::balance_fan(plan, outcome), None)];
        if let Some(spending) = chart::spending_fan(plan, outcome) {
            charts.push(chart_view(
                spending,
                Some(percentile_table_view(
                    "Yearly spending at each age, in today's dollars",
                    summary::spending_table(plan, outcome),
                )),
            ));
        }
        let n = f64::from(outcome.scenarios.max(1));
        let ran_out = outcome.ran_out.as_ref().unwrap_or(&outcome.depletion);
        let noun = if outcome.historical.is_some() {
            "Periods"
        } else {
            "Futures"
        };
        charts.push(chart_view(
            chart::depletion_histogram(plan, outcome),
            Some(TableView {
                caption: format!("{noun} that run out of money, by age"),
                head: vec!["Age".into(), noun.into(), "Share".into()],
                rows: ran_out
                    .histogram
                    .iter()
                    .map(|bin| {
                        let age = if bin.age < plan.retirement_age {
                            format!("{} (before retirement)", bin.age)
                        } else {
                            bin.age.to_string()
                        };
                        vec![
                            age,
                            bin.count.to_string(),
                            percent(f64::from(bin.count) / n),
                        ]
                    })
                    .collect(),
            }),
        ));
        let (analysis_view, unavailable) = match analysis {
            Some(PageAnalysis::Ready(a)) => {
                if let Some(tornado) = chart::sensitivity_tornado(&a.sensitivity) {
                    charts.push(chart_view(
                        tornado,
                        Some(TableView {
                            caption: "Chance of success when one input changes".into(),
                            head: vec!["Change".into(), "Success".into(), "Effect".into()],
                            rows: a
                                .sensitivity
                                .iter()
                                .map(|s| {
                                    vec![
                                        format!(
                                            "{} {}",
                                            chart::parameter_label(&s.parameter),
                                            s.change
                                        ),
                                        percent(s.success_probability),
                                        points(s.delta),
                                    ]
                                })
                                .collect(),
                        }),
                    ));
                }
                (Some(analysis_view(plan, a)), false)
            }
            Some(PageAnalysis::Unavailable) => (None, true),
            None => (None, false),
        };
        let worst_periods = outcome
            .historical
            .iter()
            .flat_map(|h| &h.worst)
            .map(|w| {
                [
                    w.start_year.to_string(),
                    period_outcome(plan, outcome, w),
                    money(w.terminal_balance),
                ]
            })
            .collect();
        Self {
            layout: Layout::new(),
            id,
            permalink,
            created_at,
            name: plan.name.clone(),
            headline: summary::headline(plan, outcome),
            interval: summary::interval(outcome),
            odds: summary::odds_rows(plan, outcome),
            paragraph: summary::paragraph(plan, outcome),
            verdict,
            charts,
            columns: PERCENTILE_COLUMNS,
            percentiles: summary::percentile_table(plan, outcome),
            plan_rows: summary::plan_rows(plan),
            assumption_rows: summary::assumption_rows(plan, outcome),
            worst_periods,
            analysis: analysis_view,
            analysis_unavailable: unavailable,
        }
    }
}

fn chart_view(chart: Chart, table: Option<TableView>) -> ChartView {
    ChartView {
        id: chart.id,
        title: chart.title.clone(),
        svg: svg::render(&chart),
        legend: chart
            .legend
            .iter()
            .map(|(style, label)| (svg::class(*style), label.clone()))
            .collect(),
        table,
    }
}

fn percentile_table_view(caption: &str, rows: Vec<PercentileRow>) -> TableView {
    TableView {
        caption: caption.into(),
        head: summary::percentile_head(),
        rows: rows.into_iter().map(PercentileRow::cells).collect(),
    }
}

/// How a historical period ended: ran out, fell below the floor, or lasted.
fn period_outcome(plan: &Plan, outcome: &Outcome, w: &WorstPeriod) -> String {
    // Results before engine 1.1.0 have no `ran_out` and name only the failure.
    let tells_apart = outcome.ran_out.is_some() && plan.spending.strategy.has_floor();
    match (w.depleted_at_age, w.ran_out_at_age) {
        (None, _) => "lasted".to_string(),
        (Some(age), None) if tells_apart => format!("below the floor at {age}"),
        (Some(failed), Some(ran_out)) if tells_apart && failed < ran_out => {
            format!("below the floor at {failed}, ran out at {ran_out}")
        }
        (Some(age), _) => format!("ran out at {age}"),
    }
}

fn analysis_view(plan: &Plan, a: &Analysis) -> AnalysisView {
    let (rate_of, safe_spending) = summary::safe_spending(plan, a);
    AnalysisView {
        insights: a.insights.iter().map(|i| i.text.clone()).collect(),
        warning: a.warning.clone(),
        rate_of,
        safe_spending,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::plan::{Limits, parse_plan_json};
    use crate::engine::{PlanDefaults, RunOptions};

    fn page(json: &str, analysis: Option<&PageAnalysis>) -> (ResultPage, String) {
        let plan = parse_plan_json(json)
            .unwrap()
            .normalize(
                &PlanDefaults::default(),
                Limits {
                    max_scenarios: 1000,
                },
            )
            .unwrap();
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
            Some(&PageAnalysis::Unavailable),
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
}
