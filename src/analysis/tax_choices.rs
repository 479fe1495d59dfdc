//! "Which withdrawal order, and should we convert?": a plan with accounts under each of the
//! three withdrawal orders (its conversions as planned), and under conversions to the top of
//! the 12%, 22% and 24% brackets (its order as planned), each on the same random numbers, so
//! the choices differ only by the choice. The best has the highest odds, then the highest
//! median legacy.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::Analyzer;
use crate::engine::plan::{ConversionKind, WithdrawalOrder};
use crate::engine::{self, EngineError, PlanInput};
use crate::format::money;

/// Paths each choice runs.
pub const CHOICE_SCENARIOS: u32 = 1_000;

/// The brackets conversions fill in the comparison.
pub const CONVERSION_BRACKETS: [f64; 3] = [0.12, 0.22, 0.24];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TaxChoices {
    /// The simulated futures each choice runs (the plan's, at most 1,000), on its seed.
    pub scenarios: u32,
    /// The three orders, then conversions to the top of the 12%, 22% and 24% brackets.
    pub choices: Vec<TaxChoice>,
    /// The plan as it is, on the same futures.
    pub as_planned: TaxChoice,
    /// The highest odds, then the highest median legacy.
    pub best: TaxChoice,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TaxChoice {
    /// `taxable_first`, `proportional`, `fill_bracket`, `convert_12`, `convert_22`,
    /// `convert_24` or `as_planned`.
    pub choice: String,
    /// The choice in words.
    pub label: String,
    pub success_probability: f64,
    /// Median federal and state tax over the plan, in today's dollars.
    pub median_lifetime_tax: f64,
    /// Median balance left at the end, in today's dollars.
    pub median_legacy: f64,
}

/// One choice: its name, its words and the change it makes to the plan.
type Choice = (String, String, Box<dyn Fn(&mut PlanInput) + Send + Sync>);

impl Analyzer<'_> {
    /// The comparison, or `None` for a plan without accounts.
    pub fn tax_choices(&self) -> Result<Option<TaxChoices>, EngineError> {
        if self.base.accounts.is_none() {
            return Ok(None);
        }
        let scenarios = self.base.simulation.scenarios.min(CHOICE_SCENARIOS);
        let order = |o: WithdrawalOrder, words: &str| -> Choice {
            (
                o.as_str().to_string(),
                words.to_string(),
                Box::new(move |i: &mut PlanInput| {
                    i.tax.withdrawal_order = Some(o);
                    if o != WithdrawalOrder::FillBracket {
                        i.tax.fill_bracket_rate = None;
                    }
                }),
            )
        };
        let mut choices: Vec<Choice> = vec![
            order(
                WithdrawalOrder::TaxableFirst,
                "Taxable first, then traditional, then Roth",
            ),
            order(
                WithdrawalOrder::Proportional,
                "From each account in proportion",
            ),
            order(
                WithdrawalOrder::FillBracket,
                "Traditional to the top of the 12% bracket, then taxable, then Roth",
            ),
        ];
        let has_traditional = self
            .base
            .accounts
            .is_some_and(|a| a.traditional.balance > 0.0);
        for rate in CONVERSION_BRACKETS.into_iter().filter(|_| has_traditional) {
            choices.push((
                format!("convert_{:.0}", rate * 100.0),
                format!(
                    "Roth conversions to the top of the {:.0}% bracket each year",
                    rate * 100.0
                ),
                Box::new(move |i: &mut PlanInput| {
                    let t = &mut i.tax;
                    t.conversion = Some(ConversionKind::FillBracket);
                    t.conversion_bracket_rate = Some(rate);
                    t.conversion_amount = None;
                }),
            ));
        }
        choices.push(("as_planned".into(), "As planned".into(), Box::new(|_| {})));
        let mut results = choices
            .into_par_iter()
            .map(|(choice, label, change)| self.choice(choice, label, change, scenarios))
            .collect::<Result<Vec<_>, _>>()?
            .into_iter()
            .collect::<Option<Vec<_>>>();
        let Some(as_planned) = results.as_mut().and_then(Vec::pop) else {
            return Ok(None);
        };
        let choices = results.unwrap_or_default();
        let Some(best) = choices
            .iter()
            .max_by(|a, b| {
                a.success_probability
                    .total_cmp(&b.success_probability)
                    .then(a.median_legacy.total_cmp(&b.median_legacy))
            })
            .cloned()
        else {
            return Ok(None);
        };
        Ok(Some(TaxChoices {
            scenarios,
            choices,
            as_planned,
            best,
        }))
    }

    fn choice(
        &self,
        choice: String,
        label: String,
        change: Box<dyn Fn(&mut PlanInput) + Send + Sync>,
        scenarios: u32,
    ) -> Result<Option<TaxChoice>, EngineError> {
        let Some(plan) = self.variant(|i| {
            change(i);
            i.simulation.scenarios = Some(scenarios);
        }) else {
            return Ok(None);
        };
        let outcome = engine::simulate(&plan, &self.options)?;
        let Some(taxes) = &outcome.taxes else {
            return Ok(None);
        };
        Ok(Some(TaxChoice {
            choice,
            label,
            success_probability: outcome.success_probability,
            median_lifetime_tax: taxes.lifetime_tax.p50,
            median_legacy: outcome.terminal_wealth.p50,
        }))
    }
}

impl TaxChoices {
    /// Which choice wins and by how much, in words.
    pub fn summary(&self) -> String {
        let (best, now) = (&self.best, &self.as_planned);
        let points = (best.success_probability - now.success_probability) * 100.0;
        let tax = best.median_lifetime_tax - now.median_lifetime_tax;
        let legacy = best.median_legacy - now.median_legacy;
        let signed = |v: f64, more: &str, less: &str| {
            if v >= 0.0 {
                format!("{} {more}", money(v))
            } else {
                format!("{} {less}", money(-v))
            }
        };
        if points.abs() < 0.05 && legacy.abs() < 1.0 {
            return format!(
                "Your plan does as well as any of these choices: {} odds on {} futures.",
                crate::format::percent(now.success_probability),
                crate::format::count(self.scenarios)
            );
        }
        format!(
            "{} does best: {} odds against {} as planned ({:+.1} points), with {} in lifetime \
             tax and {} left at the end (medians, on {} futures).",
            best.label,
            crate::format::percent(best.success_probability),
            crate::format::percent(now.success_probability),
            points,
            signed(tax, "more", "less"),
            signed(legacy, "more", "less"),
            crate::format::count(self.scenarios)
        )
    }
}
