//! "How would other strategies do?": the plan under every withdrawal strategy, on the same
//! random numbers and at comparable initial spending, with the numbers people weigh when
//! choosing one: the odds, the median spending, the worst 1-in-20 spending and how much
//! spending moves from year to year.
//!
//! Comparable initial spending: the strategies that spend a share of the balance
//! (`constant_percent`, `endowment`, `ninety_five_percent`, `vanguard_dynamic`,
//! `sensible_withdrawals`) start at the plan's own withdrawal rate, `spending.annual` over
//! the median savings at retirement; `constant_dollar` and `guardrails` start at
//! `spending.annual`; `vpw`, `one_over_n` and `autopilot_ii` amortize the balance by their
//! own rule. Every strategy keeps the plan's floor (half its spending by default). The CAPE
//! rule appears only for a historical plan, on the start years with a CAPE.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::Analyzer;
use crate::engine::compare::PathResults;
use crate::engine::percentile::percentiles;
use crate::engine::plan::fields::{FIELDS, STRATEGIES, find};
use crate::engine::plan::{MarketModel, SpendingInput, StrategyName};
use crate::engine::{self, EngineError, Outcome};

/// Paths each strategy runs.
pub const STRATEGY_SCENARIOS: u32 = 1_000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct StrategyTable {
    /// The simulated futures (or historical periods) each strategy runs, on the plan's seed.
    pub scenarios: u32,
    /// The withdrawal rate the share-of-balance strategies start at.
    pub initial_rate: f64,
    /// One row per strategy, the plan's own first.
    pub rows: Vec<StrategyRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct StrategyRow {
    /// `spending.strategy`'s value.
    pub strategy: String,
    pub label: String,
    /// The plan's own strategy.
    pub as_planned: bool,
    pub success_probability: f64,
    /// Median over the futures of each future's mean real spending in retirement.
    pub median_spending: f64,
    /// The worst 1 in 20: the 5th percentile over the futures of each future's lowest real
    /// spending in a retirement year.
    pub low_spending: f64,
    /// Median over the futures of the standard deviation of the yearly real change in
    /// spending (0.05 is ±5% a year; 0 for spending that never moves).
    pub spending_volatility: f64,
    /// Median savings left at the end, today's dollars.
    pub median_legacy: f64,
}

impl Analyzer<'_> {
    /// The table, with `savings` the plan's median savings at retirement; `None` when the
    /// plan itself cannot run at the table's number of paths.
    pub fn strategy_table(&self, savings: f64) -> Result<Option<StrategyTable>, EngineError> {
        let scenarios = self.base.simulation.scenarios.min(STRATEGY_SCENARIOS);
        let Some(base) = self.variant(|i| i.simulation.scenarios = Some(scenarios)) else {
            return Ok(None);
        };
        let own = base.spending.strategy.name();
        let (lo, hi) = find(FIELDS, "spending.percent")
            .and_then(|f| f.bounds())
            .unwrap_or((0.001, 0.5));
        let rate = (base.spending.annual / savings.max(1.0)).clamp(lo, hi);
        let historical = base.market.model == MarketModel::Historical;
        // The plan's own strategy first, as the plan has it; the others comparable.
        let others = StrategyName::ALL
            .into_iter()
            .filter(|&s| s != own && (s != StrategyName::Cape || historical))
            .filter_map(|name| {
                self.variant(|i| {
                    i.simulation.scenarios = Some(scenarios);
                    i.spending = comparable(&i.spending, name, rate);
                })
                .map(|plan| (name, plan))
            });
        let plans: Vec<(StrategyName, engine::Plan)> =
            std::iter::once((own, base)).chain(others).collect();
        let rows = plans
            .par_iter()
            .map(|(name, plan)| {
                let (outcome, paths) = engine::simulate_paths(plan, &self.options, false)?;
                Ok((
                    row(*name, *name == own, &outcome, &paths),
                    outcome.scenarios,
                ))
            })
            .collect::<Result<Vec<_>, EngineError>>()?;
        let scenarios = rows.first().map_or(scenarios, |(_, n)| *n);
        Ok(Some(StrategyTable {
            scenarios,
            initial_rate: rate,
            rows: rows.into_iter().map(|(row, _)| row).collect(),
        }))
    }
}

/// The plan's spending under `name`, at comparable initial spending: its amount, steps,
/// survivor's share and floor kept, every other strategy's parameters dropped.
fn comparable(spending: &SpendingInput, name: StrategyName, rate: f64) -> SpendingInput {
    let share_of_balance = matches!(
        name,
        StrategyName::ConstantPercent
            | StrategyName::Endowment
            | StrategyName::NinetyFivePercent
            | StrategyName::VanguardDynamic
            | StrategyName::SensibleWithdrawals
    );
    SpendingInput {
        strategy: Some(name),
        annual: spending.annual,
        percent: share_of_balance.then_some(rate),
        floor: (name != StrategyName::ConstantDollar)
            .then_some(spending.floor)
            .flatten(),
        survivor_share: spending.survivor_share,
        steps: spending.steps.clone(),
        ..SpendingInput::default()
    }
}

fn row(
    name: StrategyName,
    as_planned: bool,
    outcome: &Outcome,
    paths: &PathResults,
) -> StrategyRow {
    let label = STRATEGIES
        .iter()
        .find(|(value, _)| *value == name.as_str())
        .map_or(name.as_str(), |(_, label)| label);
    let mut mean = paths.mean_spending.clone();
    let mut lowest = paths.lowest_spending.clone();
    let mut moves = paths.spending_volatility.clone();
    StrategyRow {
        strategy: name.as_str().to_string(),
        label: label.to_string(),
        as_planned,
        success_probability: outcome.success_probability,
        median_spending: percentiles(&mut mean, &[0.5])[0],
        low_spending: percentiles(&mut lowest, &[0.05])[0],
        spending_volatility: percentiles(&mut moves, &[0.5])[0],
        median_legacy: outcome.terminal_wealth.p50,
    }
}
