//! Plans compared on common random numbers. Every plan runs on the same seed, so path `i`
//! of each meets the same markets (and, with drawn lifetimes, the same deaths): the
//! difference between two plans on a path is the effect of what differs between them. Its
//! mean over the paths has a paired standard error, much smaller than two independent
//! runs would give when the plans are alike (`docs/methodology.md`, "Comparisons").
//!
//! The plans must be comparable: [`check`] refuses plans that differ in seed, paths, market
//! model, horizon or lifetimes. The caller (the comparisons service) sets the common seed
//! and paths before validation, and reports [`check`]'s reasons as field errors.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub use super::paths::PathResults;
use super::plan::{MarketModel, Strategy};
use super::{EngineError, Outcome, Plan, RunOptions};

/// At most this many plans side by side.
pub const MAX_PLANS: usize = 4;

/// z for a two-sided 95 % interval.
const Z_95: f64 = 1.959_963_984_540_054;

/// The plans' outcomes and, for each plan after the first, its difference from the first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Comparison {
    pub outcomes: Vec<Outcome>,
    /// `differences[k]` is plan `k + 1` less plan A (the first).
    pub differences: Vec<Difference>,
}

/// One plan less plan A, path by path.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Difference {
    /// The plan compared with plan A: 1 for plan B.
    pub plan: u32,
    /// In the chance that the plan never fails (`success_probability`).
    pub success: ShareDifference,
    /// In the chance the money lasts (`money_lasts`).
    pub money_lasts: ShareDifference,
    /// In the mean real legacy (the balance at the end, today's dollars).
    pub legacy: MeanDifference,
    /// In the mean real lifetime tax, when both plans have accounts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifetime_tax: Option<MeanDifference>,
}

/// A difference of two shares of the same paths.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ShareDifference {
    #[serde(flatten)]
    pub mean: MeanDifference,
    /// Paths on which this plan held and plan A failed.
    pub only_this_held: u32,
    /// Paths on which plan A held and this plan failed.
    pub only_a_held: u32,
}

/// A difference of means over the same paths, with its paired error.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MeanDifference {
    /// This plan's mean less plan A's.
    pub estimate: f64,
    /// The paired standard error: `sd(dᵢ)/√n` of the per-path differences `dᵢ`.
    pub standard_error: f64,
    /// `estimate ± 1.96 · standard_error` (not meaningful for the `historical` model,
    /// whose periods are every start year, not a sample).
    pub interval_95: [f64; 2],
    /// The standard error two independent runs of `n` paths would have had:
    /// `√(var(a)/n + var(b)/n)`. Common random numbers make `standard_error` smaller.
    pub unpaired_standard_error: f64,
}

impl MeanDifference {
    /// `b − a` over paired samples (equal length, at least one).
    pub fn of(a: &[f64], b: &[f64]) -> Self {
        debug_assert_eq!(a.len(), b.len());
        let n = a.len().max(1) as f64;
        let mean = |x: &mut dyn Iterator<Item = f64>| x.sum::<f64>() / n;
        let (mean_a, mean_b) = (mean(&mut a.iter().copied()), mean(&mut b.iter().copied()));
        let estimate = mean_b - mean_a;
        // Sample variances (n − 1), 0 for a single path.
        let var = |x: &mut dyn Iterator<Item = f64>, m: f64| {
            if n < 2.0 {
                0.0
            } else {
                x.map(|v| (v - m) * (v - m)).sum::<f64>() / (n - 1.0)
            }
        };
        let var_d = var(&mut a.iter().zip(b).map(|(a, b)| b - a), estimate);
        let var_a = var(&mut a.iter().copied(), mean_a);
        let var_b = var(&mut b.iter().copied(), mean_b);
        let standard_error = (var_d / n).sqrt();
        let half = Z_95 * standard_error;
        Self {
            estimate,
            standard_error,
            interval_95: [estimate - half, estimate + half],
            unpaired_standard_error: ((var_a + var_b) / n).sqrt(),
        }
    }
}

impl ShareDifference {
    pub fn of(a: &[bool], b: &[bool]) -> Self {
        let as_f64 = |x: &[bool]| {
            x.iter()
                .map(|&h| f64::from(u8::from(h)))
                .collect::<Vec<_>>()
        };
        let pairs = || a.iter().zip(b);
        Self {
            mean: MeanDifference::of(&as_f64(a), &as_f64(b)),
            only_this_held: pairs().filter(|&(&a, &b)| b && !a).count() as u32,
            only_a_held: pairs().filter(|&(&a, &b)| a && !b).count() as u32,
        }
    }
}

/// Why two plans cannot be compared path by path: the field and the reason in words; empty
/// when they can.
/// `a` is plan A and `b` another plan, both normalized.
pub fn check(a: &Plan, b: &Plan) -> Vec<(&'static str, String)> {
    let mut reasons = Vec::new();
    if a.simulation.seed != b.simulation.seed {
        reasons.push((
            "simulation.seed",
            "compared plans run on the same random numbers: leave the seed out, or give plan A's"
                .into(),
        ));
    }
    if a.simulation.scenarios != b.simulation.scenarios {
        reasons.push((
            "simulation.scenarios",
            format!(
                "compared plans run the same paths: leave the number of scenarios out, or give plan A's ({})",
                a.simulation.scenarios
            ),
        ));
    }
    if a.market.model != b.market.model {
        reasons.push((
            "market.model",
            format!(
                "plan A uses the {} market model and this plan the {}: odds from different market models cannot be compared path by path. Use the same model",
                model_words(a.market.model),
                model_words(b.market.model)
            ),
        ));
    } else if a.market.model == MarketModel::Historical
        && a.market.wrap_around.unwrap_or(false) != b.market.wrap_around.unwrap_or(false)
    {
        reasons.push((
            "market.wrap_around",
            "plan A and this plan run different start years (one wraps around after 2022): use the same setting".into(),
        ));
    }
    if a.current_age != b.current_age {
        reasons.push((
            "current_age",
            format!(
                "plan A starts at age {} and this plan at {}: compared plans are the same person today",
                a.current_age, b.current_age
            ),
        ));
    }
    if a.end_age != b.end_age {
        reasons.push((
            "end_age",
            format!(
                "plan A runs to age {} and this plan to {}: the odds would cover different years. Compare plans with the same end age",
                a.end_age, b.end_age
            ),
        ));
    }
    let partner = |p: &Plan| p.partner.as_ref().map(|p| (p.current_age, p.end_age));
    if partner(a) != partner(b) {
        reasons.push((
            "partner.current_age",
            "plan A and this plan have different partners (or one has none): compare plans of the same household, with the same ages".into(),
        ));
    }
    let person = |p: &Plan| {
        let partner = p.partner.as_ref().map(|p| (p.sex, p.birth_year));
        (p.longevity, p.sex, p.birth_year, partner)
    };
    if person(a) != person(b) {
        let drawn = |p: &Plan| p.longevity.is_some();
        if drawn(a) || drawn(b) {
            reasons.push((
                "longevity.model",
                "compared plans with drawn lifetimes need the same lifetimes: the same longevity settings, sex and birth year in every plan".into(),
            ));
        }
    }
    reasons
}

fn model_words(model: MarketModel) -> &'static str {
    match model {
        MarketModel::Lognormal => "lognormal",
        MarketModel::Historical => "historical",
        MarketModel::Bootstrap => "bootstrap",
    }
}

/// True when a historical comparison must run only the start years with a CAPE (1881 on),
/// because one of its plans spends by the CAPE rule.
pub fn valued_periods(plans: &[Plan]) -> bool {
    plans
        .iter()
        .any(|p| matches!(p.spending.strategy, Strategy::Cape { .. }))
}

/// Runs every plan on the same random numbers. The plans must pass [`check`] against the
/// first; with fewer than two it still runs what it is given. The plans run side by side on
/// the engine's threads (each one's numbers do not depend on which thread runs it), so the
/// statistics of one overlap the paths of another.
pub fn compare(plans: &[Plan], options: &RunOptions) -> Result<Comparison, EngineError> {
    let valued = valued_periods(plans);
    let runs = plans
        .par_iter()
        .map(|plan| super::simulate_paths(plan, options, valued))
        .collect::<Result<Vec<_>, _>>()?;
    let (outcomes, paths): (Vec<Outcome>, Vec<PathResults>) = runs.into_iter().unzip();
    let differences = paths
        .iter()
        .enumerate()
        .skip(1)
        .map(|(k, b)| difference(k as u32, &paths[0], b))
        .collect();
    Ok(Comparison {
        outcomes,
        differences,
    })
}

fn difference(plan: u32, a: &PathResults, b: &PathResults) -> Difference {
    Difference {
        plan,
        success: ShareDifference::of(&a.held, &b.held),
        money_lasts: ShareDifference::of(&a.money_lasted, &b.money_lasted),
        legacy: MeanDifference::of(&a.legacy, &b.legacy),
        lifetime_tax: match (&a.lifetime_tax, &b.lifetime_tax) {
            (Some(a), Some(b)) => Some(MeanDifference::of(a, b)),
            _ => None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_paired_difference_has_the_error_of_its_differences() {
        // d = (1, 0, 1, 0): mean 0.5, sample sd √(1/3), se = √(1/3)/2.
        let a = [0.0, 1.0, 0.0, 1.0];
        let b = [1.0, 1.0, 1.0, 1.0];
        let d = MeanDifference::of(&a, &b);
        assert!((d.estimate - 0.5).abs() < 1e-15);
        let se = (1.0f64 / 3.0).sqrt() / 2.0;
        assert!((d.standard_error - se).abs() < 1e-15);
        assert!((d.interval_95[0] - (0.5 - Z_95 * se)).abs() < 1e-15);
        // var(a) = 1/3, var(b) = 0: unpaired se = √(1/3 / 4), the same here.
        assert!((d.unpaired_standard_error - se).abs() < 1e-15);
    }

    #[test]
    fn plans_that_move_together_have_a_smaller_paired_error() {
        let a: Vec<f64> = (0..100).map(|i| f64::from(i) * 1000.0).collect();
        let b: Vec<f64> = a.iter().map(|x| x + 50.0).collect();
        let d = MeanDifference::of(&a, &b);
        assert!((d.estimate - 50.0).abs() < 1e-9);
        assert!(d.standard_error < 1e-9, "{}", d.standard_error);
        assert!(d.unpaired_standard_error > 1000.0);
    }

    #[test]
    fn a_share_difference_counts_the_paths_that_disagree() {
        let a = [true, true, false, false, true];
        let b = [true, false, true, true, true];
        let d = ShareDifference::of(&a, &b);
        assert_eq!((d.only_this_held, d.only_a_held), (2, 1));
        assert!((d.mean.estimate - 0.2).abs() < 1e-15);
    }
}
