//! Handlers of the form and the result page (post/redirect/get: `POST /simulate` answers 303
//! to `/s/{id}`, or the form again with 422 and every message beside its field).

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::Layout;
use super::answer::{Answer, answer};
use super::form::{Action, FormView, Values, form_view};
use super::result::{AnalysisPart, ResultPage};
use crate::api::assumptions::assumption_sets;
use crate::engine::plan::{FieldError, Limits};
use crate::format::trim_decimals;
use crate::http::errors::{AppError, ErrorCode, retry_after_secs};
use crate::http::extract::{Found, ensure_started, find, find_comparison, permalink};
use crate::http::guard::Identity;
use crate::http::telemetry::record_simulation;
use crate::simulations::comparisons::ComparisonDoc;
use crate::simulations::{Caller, StoredAnalysis};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "form.html")]
pub struct FormPage {
    pub layout: Layout,
    pub form: FormView,
    /// The plan being edited, when there is one.
    pub editing: Option<String>,
    /// Why the plan could not be run just now (busy, database down); the values are kept.
    pub notice: Option<String>,
    /// The environment's most scenarios, as people read them: `1,000`.
    pub max_scenarios_text: String,
    /// The odds of the plan as shown, when it is one; the script keeps them current.
    pub answer: Option<Answer>,
    /// The form holds the example plan it opens with.
    pub example: bool,
    /// A plan to compare: what it is compared with, which the form copies.
    pub comparing: Option<Comparing>,
}

impl FormPage {
    fn run_label(&self) -> &'static str {
        match &self.comparing {
            Some(Comparing::Simulation(_)) => "Compare with plan A",
            Some(Comparing::Comparison { .. }) => "Add to the comparison",
            None => "Run the simulation",
        }
    }
}

#[derive(serde::Deserialize)]
pub struct FormQuery {
    /// Prefill from this simulation ("Edit this plan").
    from: Option<String>,
    /// With `from`: the form is plan B of a comparison with it ("Compare with a change…").
    compare: Option<String>,
    /// The form is one more plan for this comparison, a copy of its last plan ("Add a
    /// plan…").
    add_to: Option<String>,
}

/// `GET /`: the form with the configured defaults, or prefilled from `?from={id}`.
pub async fn form_page(
    state: web::Data<AppState>,
    viewer: Identity,
    query: web::Query<FormQuery>,
) -> Result<HttpResponse, AppError> {
    if let Some(id) = &query.add_to {
        let doc = find_comparison(&state, &viewer, id).await?;
        let last = doc.plans.last().expect("a comparison has plans");
        let values = Values::from_json(&last.plan).or(&default_values(&state));
        let page = FormPage {
            comparing: Some(Comparing::Comparison {
                letter: ComparisonDoc::letter(doc.plans.len()),
                id: doc.id,
            }),
            answer: answer(&state, &values).await,
            ..plan_form(&state, &values, &[], false)
        };
        return html(StatusCode::OK, &page);
    }
    let (values, editing) = match &query.from {
        Some(id) => {
            let simulation = find(&state, &viewer, id).await?;
            let plan: serde_json::Value =
                serde_json::from_str(&simulation.result.plan_json).map_err(AppError::internal)?;
            (
                Values::from_json(&plan).or(&default_values(&state)),
                Some(simulation.id),
            )
        }
        None => (
            Values::example(
                &state.settings.plan_defaults,
                state.settings.simulation.max_scenarios,
            ),
            None,
        ),
    };
    let comparing = query
        .compare
        .is_some()
        .then(|| editing.clone().map(Comparing::Simulation))
        .flatten();
    let page = FormPage {
        example: editing.is_none(),
        editing,
        comparing,
        answer: answer(&state, &values).await,
        ..plan_form(&state, &values, &[], false)
    };
    html(StatusCode::OK, &page)
}

/// `POST /simulate`: run the plan and redirect to its page; re-render the form for a row or
/// preset button, or with every error when the plan is invalid.
pub async fn simulate(
    state: web::Data<AppState>,
    caller: Caller,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let (mut values, action) = Values::from_form(form.into_inner());
    match &action {
        Action::Run => {}
        button => {
            // A row just added is empty: the answer stays that of the plan without it.
            let before = matches!(button, Action::AddRow(_)).then(|| values.clone());
            let changed = match button {
                Action::Preset(name) => apply_preset(&state, &mut values, name),
                row => {
                    values.apply(row);
                    false
                }
            };
            let mut page = FormPage {
                answer: answer(&state, before.as_ref().unwrap_or(&values)).await,
                ..plan_form(&state, &values, &[], changed)
            };
            if let Some(name) = button.focus(&values) {
                page.form.autofocus(&name);
            }
            return html(StatusCode::OK, &page);
        }
    }
    let limits = Limits::now(state.settings.simulation.max_scenarios);
    let plan = match values.to_plan(&state.settings.plan_defaults, limits) {
        Ok(plan) => plan,
        Err(errors) => {
            let page = plan_form(&state, &values, &errors, false);
            return html(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    let created = async {
        ensure_started(&state)?;
        Ok::<_, AppError>(state.simulations.create(plan, &caller).await?)
    };
    let simulation = match created.await {
        Ok(simulation) => simulation,
        Err(err) if is_transient(err.code()) => {
            return kept_form(plan_form(&state, &values, &[], false), &err);
        }
        Err(err) => return Err(err),
    };
    record_simulation(&simulation);
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, format!("/s/{}", simulation.id)))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .finish())
}

/// `GET /s/{id}`: the result page, with the plan's analysis when it can be had in time.
pub async fn result_page(
    state: web::Data<AppState>,
    req: HttpRequest,
    Found(simulation): Found,
) -> Result<HttpResponse, AppError> {
    // The page shows at once; an analysis not yet cached is started now and fetched by
    // the script from `/s/{id}/analysis` (or seen on a reload without it).
    let plan_json = &simulation.result.plan_json;
    let analysis = match state.simulations.cached_analysis(plan_json).await {
        Some(ready) => ready,
        None => {
            let (simulations, plan_json) = (state.simulations.clone(), plan_json.clone());
            actix_web::rt::spawn(async move { simulations.stored_analysis(&plan_json).await });
            StoredAnalysis::Pending
        }
    };
    let permalink = permalink(&req, &simulation.id);
    let page =
        ResultPage::new(&simulation, Some(&analysis), permalink).map_err(AppError::internal)?;
    html(StatusCode::OK, &page)
}

/// `GET /s/{id}/analysis`: the result's analysis alone, once it is ready, for the result
/// page to swap in.
pub async fn analysis_part(
    state: web::Data<AppState>,
    Found(simulation): Found,
) -> Result<HttpResponse, AppError> {
    let analysis = state
        .simulations
        .stored_analysis(&simulation.result.plan_json)
        .await;
    let part = AnalysisPart::new(&simulation, analysis.as_ref()).map_err(AppError::internal)?;
    html(StatusCode::OK, &part)
}

fn default_values(state: &AppState) -> Values {
    Values::defaults(
        &state.settings.plan_defaults,
        state.settings.simulation.max_scenarios,
    )
}

/// Fills the lognormal market assumptions from a named set (`defaults`, `us_history`), or
/// the spending steps with the retirement spending smile (`smile`); `true` when the name
/// is known.
pub(super) fn apply_preset(state: &AppState, values: &mut Values, name: &str) -> bool {
    if name == "smile" {
        values.fill_smile();
        return false;
    }
    let sets = assumption_sets(&state.settings.plan_defaults.market);
    let Some(set) = sets.sets.iter().find(|set| set.name == name) else {
        return false;
    };
    let percent = |v: f64| trim_decimals(v * 100.0, 2);
    values.set("market.model", "lognormal".into());
    for (asset, a) in [
        ("stocks", set.stocks),
        ("bonds", set.bonds),
        ("cash", set.cash),
        ("inflation", set.inflation),
    ] {
        values.set(&format!("market.{asset}.mean"), percent(a.mean));
        values.set(&format!("market.{asset}.volatility"), percent(a.volatility));
    }
    let c = set.correlations;
    for (pair, value) in [
        ("stocks_bonds", c.stocks_bonds),
        ("stocks_inflation", c.stocks_inflation),
        ("bonds_inflation", c.bonds_inflation),
    ] {
        values.set(
            &format!("market.correlations.{pair}"),
            trim_decimals(value, 2),
        );
    }
    true
}

pub(super) fn plan_form(
    state: &AppState,
    values: &Values,
    errors: &[FieldError],
    market_open: bool,
) -> FormPage {
    let max_scenarios = state.settings.simulation.max_scenarios;
    FormPage {
        layout: Layout::new(),
        form: form_view(values, errors, max_scenarios, market_open),
        editing: None,
        notice: None,
        max_scenarios_text: crate::format::count(max_scenarios),
        answer: None,
        example: false,
        comparing: None,
    }
}

/// Busy or the database is down: the form again with the plan as typed, so nothing is lost,
/// and the error's coded status and Retry-After.
pub(super) fn kept_form(page: FormPage, err: &AppError) -> Result<HttpResponse, AppError> {
    let page = FormPage {
        notice: Some(format!(
            "{}. Your plan is still here: please run it again in a moment.",
            super::sentence(err.message())
        )),
        ..page
    };
    let mut response = html(err.code().status(), &page)?;
    if let Some(after) = err.retry_after() {
        response.headers_mut().insert(
            header::RETRY_AFTER,
            header::HeaderValue::from(retry_after_secs(after)),
        );
    }
    Ok(response)
}

/// What the plan on the form is compared with.
#[derive(Clone)]
pub enum Comparing {
    /// Plan B, against the stored simulation with this id (plan A).
    Simulation(String),
    /// One more plan for the stored comparison `id`, which has plans up to `letter`'s.
    Comparison { id: String, letter: char },
}

impl Comparing {
    /// The new plan's letter.
    pub fn letter(&self) -> char {
        match self {
            Self::Simulation(_) => 'B',
            Self::Comparison { letter, .. } => *letter,
        }
    }

    /// The form's hidden field naming what is compared with, and its value.
    pub fn field(&self) -> (&'static str, &str) {
        match self {
            Self::Simulation(id) => ("compare_with", id),
            Self::Comparison { id, .. } => ("add_to", id),
        }
    }

    /// Where the copied plan is, and what the link says.
    pub fn source(&self) -> (String, String) {
        match self {
            Self::Simulation(id) => (format!("/s/{id}"), "plan A".into()),
            Self::Comparison { id, letter } => (
                format!("/c/{id}"),
                format!("plan {}", char::from(*letter as u8 - 1)),
            ),
        }
    }
}

/// Errors that pass: a full queue, a deadline, the database down or still starting.
pub(super) fn is_transient(code: ErrorCode) -> bool {
    matches!(
        code,
        ErrorCode::Overloaded
            | ErrorCode::Timeout
            | ErrorCode::StorageUnavailable
            | ErrorCode::Unavailable
    )
}

/// A rendered page; pages are never cached (results are cached by id in the API instead).
pub fn html(status: StatusCode, page: &impl Template) -> Result<HttpResponse, AppError> {
    let body = tracing::info_span!("render", format = "html")
        .in_scope(|| page.render())
        .map_err(AppError::internal)?;
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body))
}
