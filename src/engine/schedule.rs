//! The schedule: a plan resolved into per-year numbers shared by every path (inflows,
//! weights, the spending scale, VPW's shares), and with drawn lifetimes, what each of the
//! household's states brings each year (`lives`).

use super::household::Timeline;
use super::lives::Lives;
use super::plan::{Plan, Strategy};
use super::strategy::{GUARDRAILS_PRESERVATION_STOPS, YearPlan};
use super::tax::schedule::TaxSchedule;

/// The plan, resolved into per-year numbers shared by every path.
#[derive(Debug, Clone)]
pub struct Schedule {
    pub years: Vec<YearPlan>,
    /// `1 − expense ratio`, applied to each year's growth.
    pub fee_keep: f64,
    /// `1 − tax rate`: the share of a withdrawal left to spend.
    pub net: f64,
    pub initial_balance: f64,
    /// Drawn lifetimes: each lane's money follows who is alive on it (see `lives`).
    pub lives: Option<Lives>,
    /// The household the years were resolved from; the result describes it too.
    pub household: Timeline,
    /// A plan with accounts: the per-year tax facts (see `tax::schedule`).
    pub taxes: Option<TaxSchedule>,
}

impl Schedule {
    pub fn new(plan: &Plan) -> Self {
        let years = plan.years();
        let household = Timeline::new(plan);
        let last_age = plan.current_age + years as u32;
        let start_stocks = plan.allocation.stocks;
        let end_stocks = plan
            .allocation
            .glide_path
            .map_or(start_stocks, |g| g.end_stocks);
        let cash = plan.allocation.cash;
        let years = (0..years)
            .map(|t| {
                let age = plan.current_age + t as u32;
                let retired = age >= plan.retirement_age;
                let alive = household.alive(t as u32);
                let mut inflow_real = household.contributions(plan, t as u32, alive);
                let (mut income_real, mut income_nominal) = (0.0, 0.0);
                for income in &plan.income {
                    let share = household.income_share(income, t as u32, alive);
                    if share > 0.0 {
                        if income.inflation_adjusted {
                            income_real += income.annual * share;
                        } else {
                            income_nominal += income.annual * share;
                        }
                    }
                }
                if plan.social_security.is_some() || plan.partner.is_some() {
                    income_real += household.social_security(t as u32);
                }
                inflow_real += income_real;
                let mut inflow_nominal = income_nominal;
                for event in plan.events.iter().filter(|e| e.age == age) {
                    if event.inflation_adjusted {
                        inflow_real += event.amount;
                    } else {
                        inflow_nominal += event.amount;
                    }
                }
                let progress = if years > 1 {
                    t as f64 / (years - 1) as f64
                } else {
                    0.0
                };
                let stocks = start_stocks + (end_stocks - start_stocks) * progress;
                let weights = if plan.allocation.glide_path.is_some() {
                    [stocks, 1.0 - stocks - cash, cash]
                } else {
                    [plan.allocation.stocks, plan.allocation.bonds, cash]
                };
                YearPlan {
                    retired,
                    first_retired: age == plan.retirement_age,
                    inflow_real,
                    inflow_nominal,
                    weights,
                    vpw_share: vpw_share(plan, age),
                    income_real,
                    income_nominal,
                    preserve_capital: last_age - age > GUARDRAILS_PRESERVATION_STOPS,
                    spend_scale: household.spending_scale(plan, t as u32, alive),
                }
            })
            .collect();
        Self {
            years,
            fee_keep: 1.0 - plan.fees.expense_ratio,
            net: 1.0 - plan.tax.effective_rate,
            initial_balance: plan.portfolio.balance,
            lives: Lives::new(plan, &household),
            taxes: TaxSchedule::new(plan, &household),
            household,
        }
    }

    /// True when some year holds cash, so the model must draw cash returns.
    pub fn uses_cash(&self) -> bool {
        self.years.iter().any(|y| y.weights[2] > 0.0)
    }
}

/// The amortizing strategies' share of the balance at `age`: the annuity-due payment per
/// dollar over the `n` years left before the horizon age (for `vpw` in plans stored before
/// engine 1.1.0, the end age); `1/n` for `one_over_n`.
fn vpw_share(plan: &Plan, age: u32) -> f64 {
    let (rate, horizon_age) = match plan.spending.strategy {
        Strategy::Vpw {
            expected_real_return,
            horizon_age,
            ..
        } => (expected_real_return, horizon_age.unwrap_or(plan.end_age)),
        Strategy::OneOverN { horizon_age, .. } => (0.0, horizon_age),
        Strategy::AutopilotIi {
            expected_real_return,
            horizon_age,
            ..
        } => (expected_real_return, horizon_age),
        _ => return 0.0,
    };
    annuity_due_share(rate, horizon_age.saturating_sub(age))
}

/// The annuity-due payment per dollar over `n` years at real rate `r`:
/// `r / ((1 + r)(1 − (1 + r)^−n))`, or `1/n` when `r = 0`. With one year left it is exactly
/// 1 (the formula rounds to just above 1 for some `r`, which would withdraw more than the
/// balance), and it is never more than 1.
fn annuity_due_share(r: f64, n: u32) -> f64 {
    if n <= 1 {
        return 1.0;
    }
    let n = f64::from(n);
    let share = if r.abs() < 1e-12 {
        1.0 / n
    } else {
        r / ((1.0 + r) * (1.0 - (1.0 + r).powf(-n)))
    };
    share.min(1.0)
}
