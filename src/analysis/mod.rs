//! Plan analysis: what spending is safe, what it takes to reach a target, which assumptions
//! matter, and the same in plain words. Pure computation on the engine; the HTTP layer runs
//! it under admission control and caches it.
//!
//! Every variant is the client's plan with one input changed, normalized again with the same
//! defaults and limits and **the same seed**, so all runs share their random numbers (common
//! random numbers): differences between variants are the change's effect, not noise. The
//! engine is monotone under common random numbers (more spending never raises success), so
//! bisection is sound.

mod analyzer;
mod claiming;
mod insights;
mod sensitivity;
mod strategies;
mod tax_choices;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::engine::plan::FieldError;
use crate::engine::{PlanDefaults, PlanInput};

pub use analyzer::Analyzer;
pub use claiming::{ClaimingCell, ClaimingGrid, GRID_SCENARIOS};
pub use strategies::{STRATEGY_SCENARIOS, StrategyRow, StrategyTable};
pub use tax_choices::{CHOICE_SCENARIOS, CONVERSION_BRACKETS, TaxChoice, TaxChoices};

/// Targets when the client gives none.
pub const DEFAULT_TARGETS: [f64; 2] = [0.90, 0.95];
const MAX_TARGETS: usize = 5;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Analysis {
    /// Success of the plan as given.
    pub success_probability: f64,
    /// The median savings on reaching the retirement age (today's balance when retired):
    /// what the withdrawal rates are quoted against.
    #[serde(default)]
    pub savings_at_retirement: f64,
    /// A plain warning in place of advice when the plan looks mistyped: spending under 1%
    /// or over 50% of the savings it draws on, or more than those savings in one year.
    /// `insights` is then empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warning: Option<String>,
    /// Empty for `constant_percent` and `vpw`, whose spending follows the balance: their
    /// `spending.annual` only sets the default floor.
    pub safe_spending: Vec<SafeSpending>,
    /// For each target the plan misses: what would reach it.
    pub goal_seek: Vec<GoalSeek>,
    pub sensitivity: Vec<Sensitivity>,
    /// Plain-language findings, largest effect first.
    pub insights: Vec<Insight>,
    /// "When should we claim?": with a Social Security claim, the plan under each pair of
    /// claiming ages from 62 to 70 (`null` without one, and in analyses cached before it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claiming: Option<ClaimingGrid>,
    /// With accounts: the plan under each withdrawal order and under conversions to the top
    /// of the 12%, 22% and 24% brackets, on common random numbers (`null` without accounts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_choices: Option<TaxChoices>,
    /// "How would other strategies do?": the plan under every withdrawal strategy at
    /// comparable initial spending, on the same random numbers (`null` in analyses cached
    /// before it, or when the plan cannot run at the table's number of paths).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strategies: Option<StrategyTable>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SafeSpending {
    pub target: f64,
    /// The highest `spending.annual` (whole dollars, within $100) whose success reaches the
    /// target; 0 if none does.
    pub spending: f64,
    /// `spending` as a share of today's balance.
    pub withdrawal_rate: f64,
    /// `spending` as a share of `savings_at_retirement`: the rate to quote for someone still
    /// saving (equal to `withdrawal_rate` once retired).
    #[serde(default)]
    pub retirement_withdrawal_rate: f64,
    /// Success at `spending`.
    pub success_probability: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct GoalSeek {
    pub target: f64,
    /// Extra savings today (whole dollars, within $100) that reach the target; `null` when
    /// even the largest balance accepted does not.
    pub extra_savings: Option<f64>,
    /// Extra yearly contribution until retirement that reaches the target; `null` when the
    /// plan is already retired or no contribution accepted does.
    pub extra_contribution: Option<f64>,
    /// The earliest later retirement age that reaches the target; `null` when none does or
    /// when the plan is already retired.
    pub retirement_age: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Sensitivity {
    /// The changed input, as a contract path.
    pub parameter: String,
    /// The change, in words ("-10%", "+20 points", "+2 years").
    pub change: String,
    /// The input's new value.
    pub value: f64,
    pub success_probability: f64,
    /// Change in success against the plan as given.
    pub delta: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Insight {
    /// `spending`, `savings`, `contribution`, `retirement_age`, `allocation`, `fees` or
    /// `claiming`.
    pub kind: String,
    pub text: String,
    /// Success before and after the change.
    pub from: f64,
    pub to: f64,
}

/// Checks the targets: 0.5 to 0.99 each, at most five; defaults when none are given.
pub fn targets(given: Option<&[f64]>) -> Result<Vec<f64>, Vec<FieldError>> {
    let Some(given) = given else {
        return Ok(DEFAULT_TARGETS.to_vec());
    };
    let mut errors = Vec::new();
    if given.is_empty() || given.len() > MAX_TARGETS {
        errors.push(FieldError::new(
            "targets",
            format!("give 1 to {MAX_TARGETS} targets"),
        ));
    }
    for (i, t) in given.iter().enumerate() {
        if !(t.is_finite() && (0.5..=0.99).contains(t)) {
            errors.push(FieldError::new(
                format!("targets[{i}]"),
                "must be between 0.5 and 0.99",
            ));
        }
    }
    if errors.is_empty() {
        let mut targets = given.to_vec();
        targets.sort_by(f64::total_cmp);
        targets.dedup();
        Ok(targets)
    } else {
        Err(errors)
    }
}

/// A plan's field errors as paths of the analysis request (`plan.spending.annual`).
pub fn under_plan(errors: Vec<FieldError>) -> Vec<FieldError> {
    errors
        .into_iter()
        .map(|e| FieldError::new(format!("plan.{}", e.path), e.message))
        .collect()
}

/// A stored (normalized) plan as the input to analyse, with the values that normalization
/// derived from other fields dropped again, so they follow the variants as they do in the
/// plan the user sent: the default floor (a share of spending; left in, it would stay put
/// while spending varies, and a cut below it would read as failure) and VPW's default
/// expected return (from the allocation, which the sensitivity rows vary). `None` when the
/// stored plan does not parse.
pub fn stored_plan_input(plan_json: &str, defaults: &PlanDefaults) -> Option<PlanInput> {
    let mut input = crate::engine::plan::parse_plan_json(plan_json).ok()?;
    let near = |a: f64, b: f64| (a - b).abs() < 0.005;
    let spending = &mut input.spending;
    if let (Some(annual), Some(floor)) = (spending.annual, spending.floor)
        && near(floor, annual * defaults.strategy.floor_fraction)
    {
        spending.floor = None;
    }
    let a = &input.allocation;
    if let (Some(stocks), Some(bonds), Some(cash), Some(r)) =
        (a.stocks, a.bonds, a.cash, spending.expected_real_return)
    {
        let s = &defaults.strategy;
        let derived = stocks * s.vpw_stock_return + (bonds + cash) * s.vpw_bond_return;
        if (r - derived).abs() < 0.000_05 {
            spending.expected_real_return = None;
        }
    }
    Some(input)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Plan;

    #[test]
    fn a_stored_plan_drops_what_normalization_derived_and_keeps_what_the_user_chose() {
        let defaults = PlanDefaults::default();
        let stored = |json: &str| serde_json::to_string(&Plan::from_stored(json).unwrap()).unwrap();
        // Defaults: half of spending as the floor, 3.76 % from 60/40.
        let derived = stored(
            r#"{"current_age": 65, "end_age": 95, "portfolio": {"balance": 1000000},
                "spending": {"strategy": "vpw", "annual": 40000}}"#,
        );
        let input = stored_plan_input(&derived, &defaults).unwrap();
        assert_eq!(input.spending.floor, None);
        assert_eq!(input.spending.expected_real_return, None);
        // Chosen by the user: kept.
        let chosen = stored(
            r#"{"current_age": 65, "end_age": 95, "portfolio": {"balance": 1000000},
                "spending": {"strategy": "vpw", "annual": 40000, "floor": 25000,
                             "expected_real_return": 0.02}}"#,
        );
        let input = stored_plan_input(&chosen, &defaults).unwrap();
        assert_eq!(input.spending.floor, Some(25000.0));
        assert_eq!(input.spending.expected_real_return, Some(0.02));
    }

    #[test]
    fn targets_default_sort_and_refuse_out_of_range() {
        assert_eq!(targets(None).unwrap(), [0.9, 0.95]);
        assert_eq!(targets(Some(&[0.95, 0.9, 0.95])).unwrap(), [0.9, 0.95]);
        let errors = targets(Some(&[0.4, 0.9, 1.0])).unwrap_err();
        let paths: Vec<&str> = errors.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(paths, ["targets[0]", "targets[2]"]);
        assert_eq!(targets(Some(&[])).unwrap_err()[0].path, "targets");
    }
}
