//! The comparison page, `GET /c/{id}`: each plan's odds, each difference from plan A with
//! its paired range, and the plans' medians and middle halves drawn over each other.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use askama::Template;

use super::Layout;
use super::pages::html;
use super::result::{ChartView, TableView, chart_view};
use crate::format::money;
use crate::http::errors::AppError;
use crate::http::extract::FoundComparison;
use crate::report::chart::Chart;
use crate::report::comparison::{ComparisonSummary, DifferenceRow, PlanRow};
use crate::simulations::comparisons::ComparisonDoc;

#[derive(Template)]
#[template(path = "comparison.html")]
pub struct ComparisonPage {
    pub layout: Layout,
    pub id: String,
    pub title: String,
    pub plans: Vec<PlanRow>,
    pub differences: Vec<DifferenceRow>,
    pub method: String,
    pub has_taxes: bool,
    pub historical: bool,
    pub charts: Vec<ChartView>,
    /// Fewer than the most plans a comparison holds: "Add a plan…" is offered.
    pub can_add: bool,
}

impl ComparisonPage {
    pub fn new(doc: &ComparisonDoc) -> anyhow::Result<Self> {
        let summary = ComparisonSummary::new(doc)?;
        let charts = summary
            .charts
            .into_iter()
            .map(|chart| {
                let table = medians_table(&chart, doc);
                chart_view(chart, Some(table))
            })
            .collect();
        Ok(Self {
            layout: Layout::new(),
            id: doc.id.clone(),
            title: summary.title,
            plans: summary.plans,
            differences: summary.differences,
            method: summary.method,
            has_taxes: summary.has_taxes,
            historical: doc.plans[0].result.historical.is_some(),
            charts,
            can_add: doc.plans.len() < crate::engine::compare::MAX_PLANS,
        })
    }
}

/// Each plan's median, a row an age, as the chart draws them.
fn medians_table(chart: &Chart, doc: &ComparisonDoc) -> TableView {
    use crate::report::chart::{Layer, Style};
    let lines: Vec<(&[f64], &[f64])> = chart
        .layers
        .iter()
        .filter_map(|layer| match layer {
            Layer::Line {
                x,
                y,
                style: Style::Plan(_),
                ..
            } => Some((x.as_slice(), y.as_slice())),
            _ => None,
        })
        .collect();
    let ages = lines.first().map_or(&[][..], |(x, _)| x);
    let mut head = vec!["Age".to_string()];
    head.extend(
        doc.plans
            .iter()
            .enumerate()
            .map(|(k, p)| format!("{}: {}, median", ComparisonDoc::letter(k), p.name)),
    );
    TableView {
        caption: format!("{}: each plan's median", chart.title),
        head,
        rows: ages
            .iter()
            .enumerate()
            .map(|(t, age)| {
                let mut row = vec![format!("{age:.0}")];
                row.extend(
                    lines
                        .iter()
                        .map(|(_, y)| y.get(t).map_or_else(String::new, |v| money(*v))),
                );
                row
            })
            .collect(),
    }
}

/// `GET /c/{id}`.
pub async fn comparison_page(
    FoundComparison(doc): FoundComparison,
) -> Result<HttpResponse, AppError> {
    let page = ComparisonPage::new(&doc).map_err(AppError::internal)?;
    html(StatusCode::OK, &page)
}
