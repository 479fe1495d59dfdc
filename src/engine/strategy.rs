//! Withdrawal strategies, one lane (path) at a time.
//!
//! Each year, after the year's inflows, a strategy names the gross nominal withdrawal it wants
//! and the real spending that withdrawal buys. The caller funds what the balance allows; a
//! path fails in a year when the balance cannot fund the withdrawal, or when a variable
//! strategy's own spending falls below the plan's floor. `docs/methodology.md` has the
//! formulas.

use super::plan::{Plan, Strategy};

/// Per-lane memory that `guardrails` needs from one year to the next.
#[derive(Debug, Clone, Copy)]
pub struct GuardLane {
    /// Last year's gross nominal withdrawal (0 before the first retirement year).
    pub withdrawal: f64,
    /// Initial withdrawal rate, fixed in the first retirement year.
    pub initial_rate: f64,
    /// Last year's gross portfolio factor and inflation factor.
    pub growth: f64,
    pub inflation: f64,
}

impl GuardLane {
    pub const START: GuardLane = GuardLane {
        withdrawal: 0.0,
        initial_rate: 0.0,
        growth: 1.0,
        inflation: 1.0,
    };
}

/// What the plan says about one year, the same for every path.
#[derive(Debug, Clone, Copy, Default)]
pub struct YearPlan {
    pub retired: bool,
    /// First year of retirement: guardrails fixes its initial rate here.
    pub first_retired: bool,
    /// Contributions, inflation-adjusted income and events, in today's dollars.
    pub inflow_real: f64,
    /// Income and events fixed in nominal dollars.
    pub inflow_nominal: f64,
    /// Target weights of stocks, bonds and cash this year.
    pub weights: [f64; 3],
    /// `vpw`: share of the balance withdrawn this year (an annuity-due factor).
    pub vpw_share: f64,
}

/// A withdrawal: the gross nominal amount wanted, the real spending it buys, and whether the
/// strategy's spending is below the plan's floor.
#[derive(Debug, Clone, Copy)]
pub struct Want {
    pub gross: f64,
    pub real_spending: f64,
    pub below_floor: bool,
}

/// The strategy with its parameters resolved for the kernel.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub strategy: Strategy,
    pub annual: f64,
    /// `1 − tax rate`: the share of a withdrawal left to spend.
    pub net: f64,
}

impl Rule {
    pub fn new(plan: &Plan) -> Self {
        Self {
            strategy: plan.spending.strategy,
            annual: plan.spending.annual,
            net: 1.0 - plan.tax.effective_rate,
        }
    }

    /// The withdrawal for one lane. `available` is the nominal balance after this year's
    /// inflows, `price` the price index at the start of the year.
    #[inline(always)]
    pub fn want(&self, lane: &mut GuardLane, available: f64, price: f64, year: &YearPlan) -> Want {
        if !year.retired {
            return Want {
                gross: 0.0,
                real_spending: 0.0,
                below_floor: false,
            };
        }
        let net = self.net;
        let from_real = |real: f64| Want {
            gross: real * price / net,
            real_spending: real,
            below_floor: false,
        };
        match self.strategy {
            Strategy::ConstantDollar => from_real(self.annual),
            Strategy::ConstantPercent {
                percent,
                floor,
                ceiling,
            } => {
                let real = percent * (available / price) * net;
                from_real(real.max(floor).min(ceiling.unwrap_or(f64::INFINITY)))
            }
            Strategy::Vpw { floor, .. } => {
                let gross = year.vpw_share * available.max(0.0);
                let real_spending = gross * net / price;
                Want {
                    gross,
                    real_spending,
                    below_floor: real_spending < floor,
                }
            }
            Strategy::Guardrails {
                upper_guard,
                lower_guard,
                adjustment,
                floor,
            } => {
                let gross = guardrails(
                    lane,
                    available,
                    self.annual * price / net,
                    year,
                    upper_guard,
                    lower_guard,
                    adjustment,
                );
                let real_spending = gross * net / price;
                Want {
                    gross,
                    real_spending,
                    below_floor: real_spending < floor,
                }
            }
        }
    }
}

/// Guyton-Klinger's decision rules on the gross nominal withdrawal:
/// 1. first retirement year: withdraw the planned amount; its rate is the initial rate;
/// 2. later years: raise by last year's inflation, unless last year's portfolio lost money and
///    the raised rate would exceed the initial rate;
/// 3. capital preservation: above `initial·(1 + upper_guard)`, cut by `adjustment`;
/// 4. prosperity: below `initial·(1 − lower_guard)`, raise by `adjustment`.
#[inline(always)]
fn guardrails(
    lane: &mut GuardLane,
    available: f64,
    planned: f64,
    year: &YearPlan,
    upper_guard: f64,
    lower_guard: f64,
    adjustment: f64,
) -> f64 {
    // A depleted balance reads as an infinite rate, never as a negative one.
    let base = available.max(f64::MIN_POSITIVE);
    let gross = if year.first_retired {
        lane.initial_rate = planned / base;
        planned
    } else {
        let raised = lane.withdrawal * lane.inflation;
        let skip_raise = lane.growth < 1.0 && raised / base > lane.initial_rate;
        let w = if skip_raise { lane.withdrawal } else { raised };
        let rate = w / base;
        if rate > lane.initial_rate * (1.0 + upper_guard) {
            w * (1.0 - adjustment)
        } else if rate < lane.initial_rate * (1.0 - lower_guard) {
            w * (1.0 + adjustment)
        } else {
            w
        }
    };
    lane.withdrawal = gross;
    gross
}
