//! Plan analysis: what spending is safe, what it takes to reach a target, which assumptions
//! matter, and the same in plain words. Pure computation on the engine; the HTTP layer runs
//! it under admission control and caches it.
//!
//! Every variant is the client's plan with one input changed, normalized again with the same
//! defaults and limits and **the same seed**, so all runs share their random numbers (common
//! random numbers): differences between variants are the change's effect, not noise. The
//! engine is monotone under common random numbers (more spending never raises success), so
//! bisection is sound.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::engine::plan::{FieldError, Limits, Strategy};
use crate::engine::{self, EngineError, Plan, PlanDefaults, PlanInput, RunOptions};
use crate::format::{money, percent};

/// Targets when the client gives none.
pub const DEFAULT_TARGETS: [f64; 2] = [0.90, 0.95];
const MAX_TARGETS: usize = 5;
/// Bisection stops when the bracket is this narrow, in dollars.
const PRECISION: f64 = 100.0;
const MAX_SPENDING: f64 = 1_000_000.0;
const MAX_BALANCE: f64 = 100_000_000.0;
const MAX_CONTRIBUTION: f64 = 1_000_000.0;

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
    /// `spending`, `savings`, `contribution`, `retirement_age`, `allocation` or `fees`.
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

/// Builds and runs plan variants with common random numbers.
pub struct Analyzer<'a> {
    input: PlanInput,
    defaults: &'a PlanDefaults,
    limits: Limits,
    options: RunOptions,
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
    fn spends_annual(&self) -> bool {
        matches!(
            self.base.spending.strategy,
            Strategy::ConstantDollar | Strategy::Guardrails { .. }
        )
    }

    /// True while retirement is ahead: retirement-age and contribution levers apply.
    fn saving(&self) -> bool {
        self.base.retirement_age > self.base.current_age
    }

    pub fn success(&self, plan: &Plan) -> Result<f64, EngineError> {
        Ok(engine::simulate(plan, &self.options)?.success_probability)
    }

    fn success_with(
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
            .highest(self.base.spending.annual, MAX_SPENDING, |x| {
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
        let extra_savings = self.lowest(balance / 10.0, MAX_BALANCE - balance, |extra| {
            Ok(self
                .success_with(|i| i.portfolio.balance = Some(balance + extra))?
                .is_some_and(|s| s >= target))
        })?;
        let saving = self.saving();
        let contribution = base.portfolio.annual_contribution;
        let extra_contribution = if saving {
            self.lowest(balance / 100.0, MAX_CONTRIBUTION - contribution, |extra| {
                Ok(self
                    .success_with(|i| i.portfolio.annual_contribution = Some(contribution + extra))?
                    .is_some_and(|s| s >= target))
            })?
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

    /// The tornado table: one input changed at a time.
    fn sensitivity(&self, base_success: f64) -> Result<Vec<Sensitivity>, EngineError> {
        let b = &self.base;
        let annual = b.spending.annual;
        let stocks = b.allocation.stocks;
        let room = 1.0 - b.allocation.cash;
        let mut rows: Vec<(String, String, f64, Option<Plan>)> = Vec::new();
        let spending_levels: &[i32] = if self.spends_annual() {
            &[-20, -10, 10, 20]
        } else {
            &[]
        };
        for &pct in spending_levels {
            let value = (annual * (1.0 + f64::from(pct) / 100.0)).round();
            rows.push((
                "spending.annual".into(),
                format!("{pct:+}%"),
                value,
                self.variant(|i| i.spending.annual = Some(value)),
            ));
        }
        for points in [-20, 20] {
            let value = round6((stocks + f64::from(points) / 100.0).clamp(0.0, room));
            if (value - stocks).abs() > 1e-9 {
                rows.push((
                    "allocation.stocks".into(),
                    format!("{points:+} points"),
                    value,
                    self.variant(|i| {
                        i.allocation.stocks = Some(value);
                        i.allocation.bonds = Some(round6(room - value));
                        i.allocation.cash = Some(b.allocation.cash);
                    }),
                ));
            }
        }
        for years in [-2i32, 2] {
            let age = b.retirement_age as i32 + years;
            // Only while retirement is ahead: a retiree cannot retire earlier or later.
            if self.saving() && age > b.current_age as i32 && age < b.end_age as i32 {
                rows.push((
                    "retirement_age".into(),
                    format!("{years:+} years"),
                    f64::from(age),
                    self.variant(|i| i.retirement_age = Some(age as u32)),
                ));
            }
        }
        let fees = b.fees.expense_ratio + 0.005;
        rows.push((
            "fees.expense_ratio".into(),
            "+0.5 points".into(),
            fees,
            self.variant(|i| i.fees.expense_ratio = Some(fees)),
        ));
        rows.into_par_iter()
            .filter_map(|(parameter, change, value, plan)| {
                plan.map(|plan| (parameter, change, value, plan))
            })
            .map(|(parameter, change, value, plan)| {
                let success = self.success(&plan)?;
                Ok(Sensitivity {
                    parameter,
                    change,
                    value: round6(value),
                    success_probability: success,
                    delta: round6(success - base_success),
                })
            })
            .collect()
    }

    pub fn run(&self, targets: &[f64]) -> Result<Analysis, EngineError> {
        let base_outcome = engine::simulate(&self.base, &self.options)?;
        let base_success = base_outcome.success_probability;
        let savings =
            base_outcome.median_balance_at(self.base.retirement_age, self.base.portfolio.balance);
        let (safe, (goals, sensitivity)) = rayon::join(
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
        );
        let (safe, goals, sensitivity) = (safe?, goals?, sensitivity?);
        let warning = implausible(&self.base, savings);
        let insights = if warning.is_some() {
            Vec::new()
        } else {
            insights(&self.base, base_success, &safe, &goals, &sensitivity, self)?
        };
        Ok(Analysis {
            success_probability: base_success,
            savings_at_retirement: savings,
            warning,
            safe_spending: safe,
            goal_seek: goals,
            sensitivity,
            insights,
        })
    }
}

/// Spending under 1% of the savings it draws on.
const IMPLAUSIBLY_LOW: f64 = 0.01;
/// Spending, net of the first retirement year's income, over 50% of those savings.
const IMPLAUSIBLY_HIGH: f64 = 0.5;

/// A warning for a plan whose numbers look mistyped, in place of advice; `None` otherwise.
/// `savings` is the median balance on reaching retirement (today's when retired).
fn implausible(plan: &Plan, savings: f64) -> Option<String> {
    let annual = plan.spending.annual;
    let age = plan.retirement_age;
    let income: f64 = plan
        .income
        .iter()
        .filter(|i| age >= i.start_age && i.end_age.is_none_or(|end| age < end))
        .map(|i| i.annual)
        .sum();
    let draw = (annual - income).max(0.0);
    let at = if plan.retirement_age > plan.current_age {
        format!("your median savings at {age} ({})", money(savings))
    } else {
        format!("your savings ({})", money(savings))
    };
    if draw >= savings {
        Some(format!(
            "Spending {} a year would use up {at} in the first year of retirement. Check the \
             yearly spending and the savings before reading the odds.",
            money(annual)
        ))
    } else if draw > IMPLAUSIBLY_HIGH * savings {
        Some(format!(
            "Spending {} a year, after income, is more than half of {at}. Check the yearly \
             spending and the savings before reading the odds.",
            money(annual)
        ))
    } else if annual < IMPLAUSIBLY_LOW * savings {
        Some(format!(
            "Spending {} a year is less than 1% of {at}. Check the yearly spending: it is \
             in dollars a year, such as 60,000.",
            money(annual)
        ))
    } else {
        None
    }
}

/// A change's share of `base` in words, " (27%)", when it reads sensibly; empty when the
/// base is tiny (a $60 plan would read "51067%"), so the change is said in dollars alone.
fn share_of(change: f64, base: f64) -> String {
    let share = change / base;
    if base >= 1_000.0 && share <= 1.0 {
        format!(" ({:.0}%)", share * 100.0)
    } else {
        String::new()
    }
}

/// Shares without binary noise (0.4, not 0.39999999999999997).
fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// Findings in words, each with the success numbers it quotes, largest effect first. The
/// `to` of each is a separate simulation of the changed plan.
fn insights(
    base: &Plan,
    base_success: f64,
    safe: &[SafeSpending],
    goals: &[GoalSeek],
    sensitivity: &[Sensitivity],
    analyzer: &Analyzer<'_>,
) -> Result<Vec<Insight>, EngineError> {
    let mut out = Vec::new();
    let annual = base.spending.annual;
    // Say what the odds are of: with a floor, success is spending held at or above it.
    let odds = if base.spending.strategy.has_floor() {
        "the odds your spending stays at or above its floor"
    } else {
        "your odds"
    };
    // The lowest target the plan misses, or the highest it meets.
    let missed = safe.iter().find(|s| base_success < s.target);
    if let Some(s) = missed {
        let cut = annual - s.spending;
        // Only when the cut actually moves the odds as they are shown.
        let moves = percent(s.success_probability) != percent(base_success);
        if cut > 0.0 && annual > 0.0 && moves {
            out.push(Insight {
                kind: "spending".into(),
                text: format!(
                    "Spending {} a year less{} raises {odds} from {} to {}.",
                    money(cut),
                    share_of(cut, annual),
                    percent(base_success),
                    percent(s.success_probability)
                ),
                from: base_success,
                to: s.success_probability,
            });
        }
    } else if let Some(s) = safe.last() {
        let room = s.spending - annual;
        if room >= 100.0 {
            out.push(Insight {
                kind: "spending".into(),
                text: format!(
                    "You could spend {} a year more{} and keep {odds} at {}.",
                    money(room),
                    share_of(room, annual),
                    percent(s.success_probability)
                ),
                from: base_success,
                to: s.success_probability,
            });
        }
    }
    if let Some(goal) = goals.first() {
        if let Some(extra) = goal.extra_savings.filter(|&e| e > 0.0) {
            let balance = base.portfolio.balance + extra;
            if let Some(to) = analyzer.success_with(|i| i.portfolio.balance = Some(balance))? {
                out.push(Insight {
                    kind: "savings".into(),
                    text: format!(
                        "Having {} more saved today raises {odds} from {} to {}.",
                        money(extra),
                        percent(base_success),
                        percent(to)
                    ),
                    from: base_success,
                    to,
                });
            }
        }
        if let Some(extra) = goal.extra_contribution.filter(|&e| e > 0.0) {
            let yearly = base.portfolio.annual_contribution + extra;
            let changed =
                analyzer.success_with(|i| i.portfolio.annual_contribution = Some(yearly))?;
            if let Some(to) = changed {
                out.push(Insight {
                    kind: "contribution".into(),
                    text: format!(
                        "Saving {} a year more until you retire raises {odds} from {} to {}.",
                        money(extra),
                        percent(base_success),
                        percent(to)
                    ),
                    from: base_success,
                    to,
                });
            }
        }
        let later = goal.retirement_age.map(|age| {
            analyzer
                .success_with(|i| i.retirement_age = Some(age))
                .map(|to| (age, to))
        });
        if let Some((age, Some(to))) = later.transpose()? {
            out.push(Insight {
                kind: "retirement_age".into(),
                text: format!(
                    "Retiring at {age} instead of {} raises {odds} from {} to {}.",
                    base.retirement_age,
                    percent(base_success),
                    percent(to)
                ),
                from: base_success,
                to,
            });
        }
    }
    for row in sensitivity {
        let (kind, text) = match row.parameter.as_str() {
            "allocation.stocks" => (
                "allocation",
                format!(
                    "{} stocks ({} instead of {}) would {} {odds} from {} to {}.",
                    if row.value > base.allocation.stocks {
                        "More"
                    } else {
                        "Fewer"
                    },
                    percent(row.value),
                    percent(base.allocation.stocks),
                    if row.delta >= 0.0 { "raise" } else { "lower" },
                    percent(base_success),
                    percent(row.success_probability)
                ),
            ),
            "fees.expense_ratio" => (
                "fees",
                format!(
                    "Paying 0.5% a year more in fees would lower {odds} from {} to {}.",
                    percent(base_success),
                    percent(row.success_probability)
                ),
            ),
            _ => continue,
        };
        if row.delta.abs() >= 0.005 {
            out.push(Insight {
                kind: kind.into(),
                text,
                from: base_success,
                to: row.success_probability,
            });
        }
    }
    // A change that leaves the odds as they read is no advice ("from 0% to 0%").
    out.retain(|i| i.kind == "spending" || percent(i.to) != percent(i.from));
    out.sort_by(|a, b| (b.to - b.from).abs().total_cmp(&(a.to - a.from).abs()));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_plan_drops_what_normalization_derived_and_keeps_what_the_user_chose() {
        let defaults = PlanDefaults::default();
        let limits = Limits {
            max_scenarios: 1000,
        };
        let stored = |json: &str| {
            let plan = crate::engine::plan::parse_plan_json(json)
                .unwrap()
                .normalize(&defaults, limits)
                .unwrap();
            serde_json::to_string(&plan).unwrap()
        };
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
