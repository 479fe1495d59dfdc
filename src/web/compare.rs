//! Comparisons in the browser: the page `GET /c/{id}` (each plan's odds, each difference
//! from plan A with its paired range, and the plans' medians and middle halves drawn over
//! each other), and `POST /compare`, which adds the plan on the form to a comparison.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, web};
use askama::Template;

use super::Layout;
use super::form::{Action, Values};
use super::pages::{Comparing, FormPage, apply_preset, html, is_transient, kept_form, plan_form};
use super::result::{ChartView, TableView, chart_view};
use crate::engine::Plan;
use crate::engine::compare::MAX_PLANS;
use crate::engine::plan::{FieldError, Limits};
use crate::format::money;
use crate::http::errors::{AppError, ErrorCode};
use crate::http::extract::{FoundComparison, ensure_started, find, find_comparison};
use crate::http::guard::Identity;
use crate::report::chart::Chart;
use crate::report::comparison::{ComparisonSummary, DifferenceRow, PlanRow};
use crate::simulations::Caller;
use crate::simulations::comparisons::ComparisonDoc;
use crate::state::AppState;

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

/// `POST /compare`: plan B from the form against plan A (the stored simulation named by
/// `compare_with`), or one more plan for the stored comparison named by `add_to`, on plan
/// A's simulated futures; 303 to the new comparison's page. Row and preset buttons
/// re-render the form, and a plan that is invalid or cannot be compared with plan A gets
/// the form again with every reason beside its field.
pub async fn compare(
    state: web::Data<AppState>,
    viewer: Identity,
    caller: Caller,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let mut pairs = form.into_inner();
    let mut take = |name: &str| {
        pairs
            .iter()
            .position(|(n, _)| n == name)
            .map(|i| pairs.remove(i).1)
    };
    let (with, add_to) = (take("compare_with"), take("add_to"));
    let (plans, comparing) = match add_to {
        Some(id) => {
            let doc = find_comparison(&state, &viewer, &id).await?;
            if doc.plans.len() >= MAX_PLANS {
                return Err(AppError::new(
                    ErrorCode::ValidationFailed,
                    format!("a comparison holds at most {MAX_PLANS} plans, and this one has them"),
                ));
            }
            let plans = doc
                .plans
                .iter()
                .map(|p| Plan::from_stored(&p.plan.to_string()))
                .collect::<Result<Vec<_>, _>>()
                .map_err(AppError::internal)?;
            let letter = ComparisonDoc::letter(plans.len());
            (plans, Comparing::Comparison { id: doc.id, letter })
        }
        None => {
            let simulation = find(&state, &viewer, &with.unwrap_or_default()).await?;
            let a = Plan::from_stored(&simulation.result.plan_json).map_err(AppError::internal)?;
            (vec![a], Comparing::Simulation(simulation.id))
        }
    };
    let a = &plans[0];
    let letter = comparing.letter();
    let (mut values, action) = Values::from_form(pairs);
    let form_page = |values: &Values, errors: &[FieldError], changed: bool| FormPage {
        comparing: Some(comparing.clone()),
        ..plan_form(&state, values, errors, changed)
    };
    if !matches!(action, Action::Run) {
        let changed = match &action {
            Action::Preset(name) => apply_preset(&state, &mut values, name),
            row => {
                values.apply(row);
                false
            }
        };
        let mut page = form_page(&values, &[], changed);
        if let Some(name) = action.focus(&values) {
            page.form.autofocus(&name);
        }
        return html(StatusCode::OK, &page);
    }
    // Plan B runs on plan A's futures unless it names others (which `check` refuses).
    for (field, value) in [
        ("simulation.seed", a.simulation.seed.to_string()),
        ("simulation.scenarios", a.simulation.scenarios.to_string()),
    ] {
        if values.get(field).is_empty() {
            values.set(field, value);
        }
    }
    let limits = Limits::now(state.settings.simulation.max_scenarios);
    let checked = values
        .to_plan(&state.settings.plan_defaults, limits)
        .and_then(|mut b| {
            if plans.iter().any(|p| p.name == b.name) {
                b.name = format!("Plan {letter}");
            }
            let reasons = crate::engine::compare::check(a, &b);
            if reasons.is_empty() {
                Ok(b)
            } else {
                Err(reasons
                    .into_iter()
                    .map(|(path, message)| FieldError::new(path, message))
                    .collect())
            }
        });
    let b = match checked {
        Ok(b) => b,
        Err(errors) => {
            return html(
                StatusCode::UNPROCESSABLE_ENTITY,
                &form_page(&values, &errors, false),
            );
        }
    };
    let mut plans = plans;
    plans.push(b);
    let compared = async {
        ensure_started(&state)?;
        Ok::<_, AppError>(state.simulations.compare(plans, &caller).await?)
    };
    let doc = match compared.await {
        Ok(doc) => doc,
        Err(err) if is_transient(err.code()) => {
            return kept_form(form_page(&values, &[], false), &err);
        }
        Err(err) => return Err(err),
    };
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, doc.url))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .finish())
}
