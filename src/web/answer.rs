//! The answer beside the form: the odds of the plan as it stands, with their interval and,
//! for a strategy with a floor, the chance the money itself lasts. The form opens with an
//! example plan and its answer, so that an answer is in view before any typing; the script
//! keeps it current while editing (`static/app.js`, through the API's preview).

use crate::engine::Plan;
use crate::engine::outcome::Outcome;
use crate::format::trim_decimals;
use crate::report::summary::{headline, interval};
use crate::state::AppState;

use super::form::Values;

pub struct Answer {
    /// "87 of 100 simulated futures still have money at age 95".
    pub headline: String,
    /// "95% confidence interval 84–90 of 100, from 1,000 simulated futures"; empty for a
    /// historical run.
    pub interval: String,
    /// For a strategy with a floor: "The money itself lasts in 93 of 100 (91–95)".
    pub money_lasts: String,
}

impl Answer {
    pub fn of(plan: &Plan, outcome: &Outcome) -> Self {
        let money_lasts = match (plan.spending.strategy.floor(), outcome.money_lasts) {
            (Some(_), Some(lasts)) if outcome.historical.is_none() => {
                let [lo, hi] = lasts.interval_95;
                let of100 = |p: f64| trim_decimals(p * 100.0, 0);
                format!(
                    "The money itself lasts in {} of 100 ({}–{}).",
                    of100(lasts.probability),
                    of100(lo),
                    of100(hi)
                )
            }
            _ => String::new(),
        };
        Self {
            headline: headline(plan, outcome),
            interval: interval(outcome).unwrap_or_default(),
            money_lasts,
        }
    }
}

/// The answer for `values`, run through the cache like the API's preview (storing nothing),
/// or `None` when they are not a plan yet or the run cannot be had now (busy, starting):
/// the form then says to run it.
pub async fn answer(state: &AppState, values: &Values) -> Option<Answer> {
    if !state.lifecycle.is_started() {
        return None;
    }
    let limits = crate::engine::plan::Limits::now(state.settings.simulation.max_scenarios);
    let plan = values.to_plan(&state.settings.plan_defaults, limits).ok()?;
    let (doc, _) = state.simulations.run(plan.clone()).await.ok()?;
    let outcome = doc.outcome().ok()?;
    Some(Answer::of(&plan, &outcome))
}
