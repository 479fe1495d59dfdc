//! Withdrawal strategies, one lane (path) at a time.
//!
//! Each retirement year, after the year's inflows, a strategy names the gross nominal
//! withdrawal it wants and the real spending that withdrawal buys. The kernel funds what the
//! balance allows; a path fails in a year when the balance cannot fund the withdrawal, or when
//! a variable strategy's own spending falls below the plan's floor. `docs/methodology.md` has
//! the formulas.
//!
//! Each strategy is its own type, so the kernel is compiled once per strategy and its loop over
//! the lanes has no branch on the strategy: it vectorizes.

mod adaptive;
mod fixed;

pub use adaptive::*;
pub use fixed::*;

use super::per_lane::PerLane;
use super::plan::{Plan, Strategy};

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
    /// `vpw`, `one_over_n` and `autopilot_ii`: share of the balance withdrawn this year (an
    /// annuity-due factor; `1/n` for `one_over_n`), exactly 1 in the horizon's last year and
    /// never more.
    pub vpw_share: f64,
    /// Income streams alone (no contributions, no events), real and nominal: `guardrails`
    /// measures the portfolio's own withdrawal rate, net of them.
    pub income_real: f64,
    pub income_nominal: f64,
    /// `guardrails`: the capital-preservation cut applies (more than 15 years remain).
    pub preserve_capital: bool,
    /// The plan's real spending this year relative to `spending.annual`: spending steps and,
    /// once one of a couple has died, the survivor share. 1 in a plan without them. Every
    /// strategy spends this share of what it would, and its floor scales with it.
    pub spend_scale: f64,
}

/// What differs between the lanes of a year when lifetimes are drawn (who is alive changes
/// the spending and the income); with fixed lifetimes it is the year's own values.
#[derive(Debug, Clone, Copy)]
pub struct LaneYear {
    /// See [`YearPlan::spend_scale`].
    pub spend_scale: f64,
    /// See [`YearPlan::income_real`].
    pub income_real: f64,
    pub income_nominal: f64,
    /// `1 / CAPE` of the year this lane lives through (the history models; NaN otherwise).
    pub earnings_yield: f64,
}

impl LaneYear {
    /// The year's values, the same on every lane.
    #[inline(always)]
    pub fn of(year: &YearPlan) -> Self {
        Self {
            spend_scale: year.spend_scale,
            income_real: year.income_real,
            income_nominal: year.income_nominal,
            earnings_yield: f64::NAN,
        }
    }

    /// With the year's market valuation on this lane.
    #[inline(always)]
    pub fn valued(self, earnings_yield: f64) -> Self {
        Self {
            earnings_yield,
            ..self
        }
    }
}

/// A withdrawal: the gross nominal amount wanted, the real spending it buys, and whether the
/// strategy's spending is below the plan's floor.
#[derive(Debug, Clone, Copy)]
pub struct Want {
    pub gross: f64,
    pub real_spending: f64,
    pub below_floor: bool,
}

/// Per-lane memory the strategies keep from one year to the next, as arrays.
pub struct History {
    /// Last year's withdrawal as the strategy planned it, before the year's spending scale:
    /// gross nominal for `guardrails` and `ninety_five_percent`, gross real for `endowment`,
    /// `vanguard_dynamic` and `autopilot_ii`.
    pub withdrawal: PerLane,
    /// The initial withdrawal rate, fixed in the first retirement year.
    pub initial_rate: PerLane,
    /// Last year's gross portfolio factor and inflation factor.
    pub growth: PerLane,
    pub inflation: PerLane,
    /// Last year's real gain on what stayed invested after its withdrawal, fees taken:
    /// the real balance at the end of the year less the real balance left invested.
    pub gain: PerLane,
}

impl Default for History {
    fn default() -> Self {
        Self {
            withdrawal: PerLane::splat(0.0),
            initial_rate: PerLane::splat(0.0),
            growth: PerLane::splat(1.0),
            inflation: PerLane::splat(1.0),
            gain: PerLane::splat(0.0),
        }
    }
}

pub trait Withdraw: Copy + Send + Sync {
    /// True when `want` reads last year's growth, inflation and gain from [`History`].
    const NEEDS_HISTORY: bool = false;

    /// Real spending below this in a retirement year breaks the floor; 0 for strategies
    /// without one.
    fn floor(&self) -> f64 {
        0.0
    }

    /// The withdrawal for lane `i` in a retirement year. `available` is the nominal balance
    /// after this year's inflows, `price` the price index at the start of the year.
    fn want(
        &self,
        history: &mut History,
        i: usize,
        available: f64,
        price: f64,
        year: &YearPlan,
        lane: LaneYear,
    ) -> Want;
}

/// Calls `f` with the plan's strategy as its own type.
pub fn with_strategy<R>(plan: &Plan, f: impl StrategyFn<R>) -> R {
    let net = 1.0 - plan.tax.effective_rate;
    let annual = plan.spending.annual;
    match plan.spending.strategy {
        Strategy::ConstantDollar => f.call(ConstantDollar {
            gross: annual / net,
            annual,
        }),
        Strategy::ConstantPercent {
            percent,
            floor,
            ceiling,
        } => f.call(ConstantPercent {
            percent,
            floor,
            ceiling: ceiling.unwrap_or(f64::INFINITY),
            net,
        }),
        Strategy::Guardrails {
            upper_guard,
            lower_guard,
            adjustment,
            floor,
        } => f.call(Guardrails {
            planned_gross: annual / net,
            upper: 1.0 + upper_guard,
            lower: 1.0 - lower_guard,
            cut: 1.0 - adjustment,
            raise: 1.0 + adjustment,
            max_inflation: 1.0 + GUARDRAILS_MAX_INFLATION_RAISE,
            floor,
            net,
        }),
        // 1/N is VPW at a zero rate: the schedule's share is `1/n`.
        Strategy::Vpw { floor, .. } | Strategy::OneOverN { floor, .. } => {
            f.call(Vpw { floor, net })
        }
        Strategy::Endowment {
            percent,
            smoothing,
            floor,
        } => f.call(Endowment {
            percent,
            smoothing,
            floor,
            net,
        }),
        Strategy::NinetyFivePercent { percent, floor } => f.call(NinetyFivePercent {
            percent,
            floor,
            net,
        }),
        Strategy::VanguardDynamic {
            percent,
            max_increase,
            max_decrease,
            floor,
        } => f.call(VanguardDynamic {
            percent,
            up: 1.0 + max_increase,
            down: 1.0 - max_decrease,
            floor,
            net,
        }),
        Strategy::SensibleWithdrawals {
            percent,
            extras_rate,
            floor,
        } => f.call(SensibleWithdrawals {
            percent,
            extras_rate,
            floor,
            net,
        }),
        Strategy::AutopilotIi {
            smoothing, floor, ..
        } => f.call(AutopilotIi {
            smoothing,
            floor,
            net,
        }),
        Strategy::Cape {
            base_rate,
            cape_weight,
            floor,
        } => f.call(Cape {
            base_rate,
            cape_weight,
            floor,
            net,
        }),
    }
}

/// Yale's endowment rule weighs last year's spending this much by default (Yale
/// Investments Office, *The Yale Endowment*: 70 % of the prior year's spending adjusted for
/// inflation, 30 % of the target rate times the endowment's value).
pub const ENDOWMENT_SMOOTHING: f64 = 0.7;

/// Hebeler's Autopilot II weighs last year's withdrawal 75 %, the amortized payment 25 %.
pub const AUTOPILOT_SMOOTHING: f64 = 0.75;

/// Clyatt's 95 % rule: a withdrawal never falls below this share of last year's.
pub const NINETY_FIVE_PERCENT: f64 = 0.95;

/// A real withdrawal `w` (gross, today's dollars, before the year's scale) as a [`Want`].
#[inline(always)]
fn real_want(w: f64, price: f64, net: f64, floor: f64, lane: LaneYear) -> Want {
    let w = w * lane.spend_scale;
    let real_spending = w * net;
    Want {
        gross: w * price,
        real_spending,
        below_floor: real_spending < floor * lane.spend_scale,
    }
}

/// A generic callback over the strategy types (closures cannot be generic).
pub trait StrategyFn<R> {
    fn call<S: Withdraw>(self, strategy: S) -> R;
}
