//! The analyzer: variants of the client's plan on the same seed, searched by bisection for
//! safe spending and goals, and changed one input at a time for the tornado. Searches stop
//! at the plan fields' own upper bounds (`engine::plan::fields`).

use rayon::prelude::*;

use super::insights::{Found, implausible, insights};
use super::{Analysis, GoalSeek, SafeSpending, Sensitivity};
use crate::engine::plan::fields::max;
use crate::engine::plan::{FieldError, Limits, Strategy};
use crate::engine::{self, EngineError, Plan, PlanDefaults, PlanInput, RunOptions};

/// Bisection stops when the bracket is this narrow, in dollars.
const PRECISION: f64 = 100.0;

/// Builds and runs plan variants with common random numbers.
pub struct Analyzer<'a> {
    input: PlanInput,
    defaults: &'a PlanDefaults,
    limits: Limits,
    pub(super) options: RunOptions,
    pub base: Plan,
}

impl<'a> Analyzer<'a> {
    /// Normalizes the plan (errors carry `plan.` paths) and pins its seed for every variant.
    pub fn new(
        mut input: PlanInput,
        defaults: &'a PlanDefaults,
        limits: Limits,
        options: RunOptions,
    ) -> Result<Self, Vec<FieldError>> {
        let base = input
            .clone()
            .normalize(defaults, limits)
            .map_err(|errors| {
                errors
                    .into_iter()
                    .map(|e| FieldError::new(format!("plan.{}", e.path), e.message))
                    .collect::<Vec<_>>()
            })?;
        input.simulation.seed = Some(base.simulation.seed);
        Ok(Self {
            input,
            defaults,
            limits,
            options,
            base,
        })
    }

    /// The plan with `change` applied, or `None` when the variant is not a valid plan.
    pub fn variant(&self, change: impl FnOnce(&mut PlanInput)) -> Option<Plan> {
        let mut input = self.input.clone();
        change(&mut input);
        input.normalize(self.defaults, self.limits).ok()
    }

    /// True when `spending.annual` is what the strategy spends (`constant_dollar`, and
    /// `guardrails` to start). For `constant_percent` and `vpw` spending follows the balance
    /// and `annual` only sets the default floor: a "safe spending" would be advice about a
    /// number the plan does not spend.
    pub(super) fn spends_annual(&self) -> bool {
        matches!(
            self.base.spending.strategy,
            Strategy::ConstantDollar | Strategy::Guardrails { .. }
        )
    }

    /// True while retirement is ahead: retirement-age and contribution levers apply.
    pub(super) fn saving(&self) -> bool {
        self.base.retirement_age > self.base.current_age
    }

    pub fn success(&self, plan: &Plan) -> Result<f64, EngineError> {
        Ok(engine::simulate(plan, &self.options)?.success_probability)
    }

    pub(super) fn success_with(
        &self,
        change: impl FnOnce(&mut PlanInput),
    ) -> Result<Option<f64>, EngineError> {
        self.variant(change).map(|p| self.success(&p)).transpose()
    }

    /// The largest `x` in `[0, max]` (to within `PRECISION`) with `reaches(x)`, for a
    /// predicate that holds up to some point and fails after it; `None` if it fails at 0.
    /// Gallops from `hint` to bracket the answer, then bisects.
    fn highest(
        &self,
        hint: f64,
        max: f64,
        reaches: impl Fn(f64) -> Result<bool, EngineError>,
    ) -> Result<Option<f64>, EngineError> {
        let (mut lo, mut hi);
        let mut x = hint.clamp(PRECISION, max);
        if reaches(x)? {
            lo = x;
            loop {
                if x >= max {
                    return Ok(Some(max));
                }
                x = (x * 2.0).min(max);
                if !reaches(x)? {
                    hi = x;
                    break;
                }
                lo = x;
            }
        } else {
            hi = x;
            loop {
                x = (x / 2.0).floor();
                if x < PRECISION {
                    if !reaches(0.0)? {
                        return Ok(None);
                    }
                    lo = 0.0;
                    break;
                }
                if reaches(x)? {
                    lo = x;
                    break;
                }
                hi = x;
            }
        }
        while hi - lo > PRECISION {
            let mid = ((lo + hi) / 2.0).round();
            if reaches(mid)? { lo = mid } else { hi = mid }
        }
        Ok(Some(lo))
    }

    /// The smallest `x` in `[0, max]` (to within `PRECISION`) with `reaches(x)`, for a
    /// predicate that fails up to some point and holds after it; `None` if it fails at
    /// `max`. Gallops from `hint`, then bisects.
    fn lowest(
        &self,
        hint: f64,
        max: f64,
        reaches: impl Fn(f64) -> Result<bool, EngineError>,
    ) -> Result<Option<f64>, EngineError> {
        if reaches(0.0)? {
            return Ok(Some(0.0));
        }
        let mut lo = 0.0;
        let mut x = hint.clamp(PRECISION, max);
        let mut hi = loop {
            if reaches(x)? {
                break x;
            }
            if x >= max {
                return Ok(None);
            }
            lo = x;
            x = (x * 2.0).min(max);
        };
        while hi - lo > PRECISION {
            let mid = ((lo + hi) / 2.0).round();
            if reaches(mid)? { hi = mid } else { lo = mid }
        }
        Ok(Some(hi))
    }

    fn safe_spending(&self, target: f64, savings: f64) -> Result<SafeSpending, EngineError> {
        let at = |spending: f64| {
            self.success_with(|i| i.spending.annual = Some(spending))
                .map(|s| s.unwrap_or(0.0))
        };
        let spending = self
            .highest(self.base.spending.annual, max("spending.annual"), |x| {
                Ok(at(x)? >= target)
            })?
            .unwrap_or(0.0)
            .floor();
        Ok(SafeSpending {
            target,
            spending,
            withdrawal_rate: spending / self.base.portfolio.balance,
            retirement_withdrawal_rate: if savings > 0.0 {
                spending / savings
            } else {
                0.0
            },
            success_probability: at(spending)?,
        })
    }

    fn goal_seek(&self, target: f64) -> Result<GoalSeek, EngineError> {
        let base = &self.base;
        let balance = base.portfolio.balance;
        let extra_savings = self.lowest(
            balance / 10.0,
            max("portfolio.balance") - balance,
            |extra| {
                Ok(self
                    .success_with(|i| i.add_savings(extra))?
                    .is_some_and(|s| s >= target))
            },
        )?;
        let saving = self.saving();
        let contribution = base.portfolio.annual_contribution;
        let extra_contribution = if saving {
            self.lowest(
                balance / 100.0,
                max("portfolio.annual_contribution") - contribution,
                |extra| {
                    Ok(self
                        .success_with(|i| i.add_contribution(extra))?
                        .is_some_and(|s| s >= target))
                },
            )?
        } else {
            None
        };
        let mut retirement_age = None;
        let later_ages = if saving {
            base.retirement_age + 1..base.end_age
        } else {
            0..0
        };
        for age in later_ages {
            let reaches = self
                .success_with(|i| i.retirement_age = Some(age))?
                .is_some_and(|s| s >= target);
            if reaches {
                retirement_age = Some(age);
                break;
            }
        }
        Ok(GoalSeek {
            target,
            extra_savings: extra_savings.map(f64::ceil),
            extra_contribution: extra_contribution.map(f64::ceil),
            retirement_age,
        })
    }

    pub fn run(&self, targets: &[f64]) -> Result<Analysis, EngineError> {
        let base_outcome = engine::simulate(&self.base, &self.options)?;
        let base_success = base_outcome.success_probability;
        let savings =
            base_outcome.median_balance_at(self.base.retirement_age, self.base.portfolio.balance);
        let ((safe, (goals, sensitivity)), (claiming, (tax_choices, strategies))) = rayon::join(
            || self.searches(targets, base_success, savings),
            || {
                rayon::join(
                    || self.claiming_grid(),
                    || rayon::join(|| self.tax_choices(), || self.strategy_table(savings)),
                )
            },
        );
        let (safe, goals, sensitivity) = (safe?, goals?, sensitivity?);
        let (claiming, tax_choices, strategies) = (claiming?, tax_choices?, strategies?);
        let warning = implausible(&self.base, savings);
        let insights = if warning.is_some() {
            Vec::new()
        } else {
            insights(
                &self.base,
                base_success,
                Found {
                    safe: &safe,
                    goals: &goals,
                    sensitivity: &sensitivity,
                    claiming: claiming.as_ref(),
                    tax_choices: tax_choices.as_ref(),
                },
                self,
            )?
        };
        Ok(Analysis {
            success_probability: base_success,
            savings_at_retirement: savings,
            warning,
            safe_spending: safe,
            goal_seek: goals,
            sensitivity,
            insights,
            claiming,
            tax_choices,
            strategies,
        })
    }

    /// Safe spending, goal seeking and the sensitivity rows, in parallel.
    #[allow(clippy::type_complexity)]
    fn searches(
        &self,
        targets: &[f64],
        base_success: f64,
        savings: f64,
    ) -> (
        Result<Vec<SafeSpending>, EngineError>,
        (
            Result<Vec<GoalSeek>, EngineError>,
            Result<Vec<Sensitivity>, EngineError>,
        ),
    ) {
        rayon::join(
            || {
                let targets = if self.spends_annual() { targets } else { &[] };
                targets
                    .par_iter()
                    .map(|&t| self.safe_spending(t, savings))
                    .collect::<Result<Vec<_>, _>>()
            },
            || {
                rayon::join(
                    || {
                        targets
                            .par_iter()
                            .filter(|&&t| base_success < t)
                            .map(|&t| self.goal_seek(t))
                            .collect::<Result<Vec<_>, _>>()
                    },
                    || self.sensitivity(base_success),
                )
            },
        )
    }
}

/// Shares without binary noise (0.4, not 0.39999999999999997).
pub(super) fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}
