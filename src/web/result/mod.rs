//! The result page: the headline odds in words, the charts with a table each, the percentile
//! table, the plan and its assumptions, and the analysis (insights, safe spending and a
//! tornado chart) when it could be computed.

use askama::Template;

use super::Layout;
use super::svg;
use crate::analysis::Analysis;
use crate::engine::{Outcome, Plan};
use crate::format::{percent, points};
use crate::report::chart::{self, Chart};
use crate::report::summary::{self, Every, PERCENTILE_COLUMNS, PercentileRow, Row};
use crate::simulations::{Simulation, StoredAnalysis};

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
    /// `Age`, or `Age (partner)` for a couple.
    pub age_head: String,
    pub percentiles: Vec<PercentileRow>,
    pub social_security: Vec<Row>,
    /// Drawn lifetimes: how long the plan runs and what is left.
    pub lifetimes: Vec<Row>,
    /// A plan with accounts: what the taxes came to.
    pub taxes: Vec<Row>,
    pub plan_rows: Vec<Row>,
    pub assumption_rows: Vec<Row>,
    /// Every historical start year (a historical run).
    pub periods: Option<TableView>,
    /// The worst of them, worst first, in words.
    pub worst_years: Option<String>,
    pub analysis: Option<AnalysisView>,
    pub analysis_unavailable: bool,
    /// The analysis is being worked out: the page shows at once, and the script fetches
    /// the analysis from `/s/{id}/analysis` when it is ready ([`AnalysisPart`]).
    pub analysis_pending: bool,
}

/// The analysis alone, as `/s/{id}/analysis` serves it for the page to swap in.
#[derive(Template)]
#[template(path = "analysis.html")]
pub struct AnalysisPart {
    pub analysis: Option<AnalysisView>,
    pub analysis_unavailable: bool,
}

impl AnalysisPart {
    /// The part for a stored simulation: its plan and the analysis, with no chart of the
    /// result drawn.
    pub fn new(simulation: &Simulation, analysis: Option<&StoredAnalysis>) -> anyhow::Result<Self> {
        let plan = Plan::from_stored(&simulation.result.plan_json)?;
        Ok(Self {
            analysis: match analysis {
                Some(StoredAnalysis::Ready(a)) => Some(analysis_view(&plan, a)),
                _ => None,
            },
            analysis_unavailable: matches!(analysis, Some(StoredAnalysis::Unavailable)),
        })
    }
}

pub struct ChartView {
    pub id: &'static str,
    pub title: String,
    pub svg: String,
    pub legend: Vec<(&'static str, String)>,
    /// The chart's data as a table, one row a year, for those who cannot see it.
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
    pub claiming: Option<ClaimingView>,
    /// With accounts: which order and which conversions do best, in words and as a table.
    pub tax_choices: Option<(String, TableView)>,
    /// "How would other strategies do?": its words and table.
    pub strategies: Option<(String, TableView)>,
    /// "What moves the odds": the tornado chart of one input changed at a time.
    pub tornado: Option<ChartView>,
}

/// "When to claim": the best choice in words and the grid as a heat-map table.
pub struct ClaimingView {
    pub summary: String,
    pub caption: String,
    pub table: summary::ClaimingTable,
}

impl ResultPage {
    pub fn new(
        simulation: &Simulation,
        analysis: Option<&StoredAnalysis>,
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
        analysis: Option<&StoredAnalysis>,
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
        let shown = crate::report::shown(outcome);
        let mut charts = vec![chart_view(
            chart::balance_fan(plan, &shown),
            Some(percentile_table_view(
                "Savings at each age, in today's dollars",
                summary::percentile_table(plan, &shown, Every::Year),
            )),
        )];
        if let Some(spending) = chart::spending_fan(plan, &shown) {
            charts.push(chart_view(
                spending,
                Some(percentile_table_view(
                    "Yearly spending at each age, in today's dollars",
                    summary::spending_table(plan, &shown, Every::Year),
                )),
            ));
        }
        if let Some(accounts) = chart::accounts_stack(plan, &shown) {
            let (head, rows) = summary::account_table(&shown, Every::Year);
            charts.push(chart_view(
                accounts,
                Some(TableView {
                    caption: "Median balance of each account, tax and required distribution, in today's dollars".into(),
                    head,
                    rows,
                }),
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
            Some(StoredAnalysis::Ready(a)) => (Some(analysis_view(plan, a)), false),
            Some(StoredAnalysis::Unavailable) => (None, true),
            Some(StoredAnalysis::Pending) | None => (None, false),
        };
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
            age_head: if plan.partner.is_some() {
                "Age (partner)".into()
            } else {
                "Age".into()
            },
            percentiles: summary::percentile_table(plan, &shown, Every::FiveYears),
            social_security: summary::social_security_rows(outcome),
            lifetimes: summary::lifetime_rows(plan, outcome),
            taxes: summary::tax_rows(plan, outcome),
            plan_rows: summary::plan_rows(plan),
            assumption_rows: summary::assumption_rows(plan, outcome),
            periods: summary::period_table(plan, outcome).map(|(head, rows)| TableView {
                caption: "Each historical start year, in calendar order, in today's dollars".into(),
                head,
                rows,
            }),
            worst_years: summary::worst_years(outcome),
            analysis: analysis_view,
            analysis_unavailable: unavailable,
            analysis_pending: matches!(analysis, Some(StoredAnalysis::Pending)),
        }
    }
}

pub(super) fn chart_view(chart: Chart, table: Option<TableView>) -> ChartView {
    ChartView {
        id: chart.id,
        title: chart.title.clone(),
        // Both drawings: the page's CSS shows the narrow one on a phone.
        svg: svg::render(&chart, svg::Layout::Wide) + &svg::render(&chart, svg::Layout::Narrow),
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
        head: summary::percentile_head(&rows),
        rows: rows.into_iter().map(PercentileRow::cells).collect(),
    }
}

fn analysis_view(plan: &Plan, a: &Analysis) -> AnalysisView {
    let (rate_of, safe_spending) = summary::safe_spending(plan, a);
    let tornado = chart::sensitivity_tornado(&a.sensitivity).map(|tornado| {
        chart_view(
            tornado,
            Some(TableView {
                caption: "Chance of success when one input changes".into(),
                head: vec!["Change".into(), "Success".into(), "Effect".into()],
                rows: a
                    .sensitivity
                    .iter()
                    .map(|s| {
                        vec![
                            format!("{} {}", chart::parameter_label(&s.parameter), s.change),
                            percent(s.success_probability),
                            points(s.delta),
                        ]
                    })
                    .collect(),
            }),
        )
    });

    AnalysisView {
        insights: a.insights.iter().map(|i| i.text.clone()).collect(),
        warning: a.warning.clone(),
        rate_of,
        safe_spending,
        claiming: a.claiming.as_ref().map(|grid| ClaimingView {
            summary: summary::claiming_summary(grid),
            caption: if grid.partner_ages.is_empty() {
                "Chance of success and the median left at the end, by your claiming age".into()
            } else {
                "Chance of success by claiming age: yours down the side, your partner's across"
                    .into()
            },
            table: summary::claiming_table(grid),
        }),
        tornado,
        tax_choices: a.tax_choices.as_ref().map(|t| {
            let (head, rows) = summary::choices_table(t);
            let caption = format!(
                "Each choice on the same {} futures: the chance of success and the medians of \
                 the lifetime tax and of what is left, in today's dollars",
                crate::format::count(t.scenarios)
            );
            (
                t.summary(),
                TableView {
                    caption,
                    head,
                    rows,
                },
            )
        }),
        strategies: a.strategies.as_ref().map(|t| {
            let (head, rows) = summary::strategy_table(t);
            (
                summary::strategy_summary(t),
                TableView {
                    caption: summary::strategy_caption(t),
                    head,
                    rows,
                },
            )
        }),
    }
}

#[cfg(test)]
mod tests;
