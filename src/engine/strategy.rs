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

use super::BATCH;
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
    /// `vpw`: share of the balance withdrawn this year (an annuity-due factor), exactly 1 in
    /// the horizon's last year and never more.
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
}

impl LaneYear {
    /// The year's values, the same on every lane.
    #[inline(always)]
    pub fn of(year: &YearPlan) -> Self {
        Self {
            spend_scale: year.spend_scale,
            income_real: year.income_real,
            income_nominal: year.income_nominal,
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

/// Per-lane memory that `guardrails` keeps from one year to the next, as arrays.
pub struct History {
    /// Last year's gross nominal withdrawal.
    pub withdrawal: [f64; BATCH],
    /// The initial withdrawal rate, fixed in the first retirement year.
    pub initial_rate: [f64; BATCH],
    /// Last year's gross portfolio factor and inflation factor.
    pub growth: [f64; BATCH],
    pub inflation: [f64; BATCH],
}

impl Default for History {
    fn default() -> Self {
        Self {
            withdrawal: [0.0; BATCH],
            initial_rate: [0.0; BATCH],
            growth: [1.0; BATCH],
            inflation: [1.0; BATCH],
        }
    }
}

pub trait Withdraw: Copy + Send + Sync {
    /// True when `want` reads last year's growth and inflation from [`History`].
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
        Strategy::Vpw { floor, .. } => f.call(Vpw { floor, net }),
    }
}

/// A generic callback over the strategy types (closures cannot be generic).
pub trait StrategyFn<R> {
    fn call<S: Withdraw>(self, strategy: S) -> R;
}

/// The 4 % rule: the planned real amount every year.
#[derive(Debug, Clone, Copy)]
pub struct ConstantDollar {
    annual: f64,
    /// `annual / (1 − tax)`.
    gross: f64,
}

impl Withdraw for ConstantDollar {
    #[inline(always)]
    fn want(
        &self,
        _: &mut History,
        _: usize,
        _: f64,
        price: f64,
        _: &YearPlan,
        lane: LaneYear,
    ) -> Want {
        Want {
            gross: self.gross * lane.spend_scale * price,
            real_spending: self.annual * lane.spend_scale,
            below_floor: false,
        }
    }
}

/// A share of the balance, spending kept between a real floor and ceiling.
#[derive(Debug, Clone, Copy)]
pub struct ConstantPercent {
    percent: f64,
    floor: f64,
    ceiling: f64,
    net: f64,
}

impl Withdraw for ConstantPercent {
    fn floor(&self) -> f64 {
        self.floor
    }

    #[inline(always)]
    fn want(
        &self,
        _: &mut History,
        _: usize,
        available: f64,
        price: f64,
        _: &YearPlan,
        lane: LaneYear,
    ) -> Want {
        let scale = lane.spend_scale;
        let real = (self.percent * (available / price) * self.net * scale)
            .max(self.floor * scale)
            .min(self.ceiling * scale);
        Want {
            gross: real * price / self.net,
            real_spending: real,
            below_floor: false,
        }
    }
}

/// Variable percentage withdrawal: the year's annuity-due share of the balance.
#[derive(Debug, Clone, Copy)]
pub struct Vpw {
    floor: f64,
    net: f64,
}

impl Withdraw for Vpw {
    fn floor(&self) -> f64 {
        self.floor
    }

    #[inline(always)]
    fn want(
        &self,
        _: &mut History,
        _: usize,
        available: f64,
        price: f64,
        year: &YearPlan,
        lane: LaneYear,
    ) -> Want {
        // `vpw_share ≤ 1`, so the product never exceeds the balance: rounding cannot make the
        // withdrawal unfundable.
        let gross = year.vpw_share * available.max(0.0) * lane.spend_scale;
        let real_spending = gross * self.net / price;
        Want {
            gross,
            real_spending,
            below_floor: real_spending < self.floor * lane.spend_scale,
        }
    }
}

/// Guyton and Klinger (2006) cap each inflation raise at 6 %.
pub const GUARDRAILS_MAX_INFLATION_RAISE: f64 = 0.06;

/// Guyton and Klinger (2006) stop the capital-preservation cut this many years before the
/// end of the planned period.
pub const GUARDRAILS_PRESERVATION_STOPS: u32 = 15;

/// Guyton and Klinger's (2006) decision rules on the gross nominal withdrawal `W`, measured
/// as the portfolio's own withdrawal rate `(W − income) / (balance before income)`:
/// 1. first retirement year: withdraw the planned amount; its rate is the initial rate;
/// 2. withdrawal rule: later years raise `W` by last year's inflation, capped at 6 %, unless
///    last year's portfolio return was negative and the raised rate would exceed the
///    initial rate;
/// 3. capital preservation: above `initial·(1 + upper_guard)`, cut by `adjustment`, except in
///    the last 15 years of the plan;
/// 4. prosperity: below `initial·(1 − lower_guard)`, raise by `adjustment`.
#[derive(Debug, Clone, Copy)]
pub struct Guardrails {
    planned_gross: f64,
    upper: f64,
    lower: f64,
    cut: f64,
    raise: f64,
    max_inflation: f64,
    floor: f64,
    net: f64,
}

impl Withdraw for Guardrails {
    const NEEDS_HISTORY: bool = true;

    fn floor(&self) -> f64 {
        self.floor
    }

    #[inline(always)]
    fn want(
        &self,
        h: &mut History,
        i: usize,
        available: f64,
        price: f64,
        year: &YearPlan,
        lane: LaneYear,
    ) -> Want {
        let income = lane.income_real * price + lane.income_nominal;
        // A depleted portfolio reads as an infinite rate, never as a negative one.
        let portfolio = (available - income).max(f64::MIN_POSITIVE);
        let rate = |w: f64| (w - income).max(0.0) / portfolio;
        let gross = if year.first_retired {
            let planned = self.planned_gross * price;
            h.initial_rate[i] = rate(planned);
            planned
        } else {
            let initial = h.initial_rate[i];
            let raised = h.withdrawal[i] * h.inflation[i].min(self.max_inflation);
            let skip_raise = h.growth[i] < 1.0 && rate(raised) > initial;
            let w = if skip_raise { h.withdrawal[i] } else { raised };
            let now = rate(w);
            // With income covering the planned spending the initial rate is 0: no guard.
            let factor = if year.preserve_capital && initial > 0.0 && now > initial * self.upper {
                self.cut
            } else if now < initial * self.lower {
                self.raise
            } else {
                1.0
            };
            w * factor
        };
        // The rules run on the planned withdrawal; the year's scale applies to what is
        // taken, so a survivor's lower spending is not read as a falling withdrawal rate.
        h.withdrawal[i] = gross;
        let gross = gross * lane.spend_scale;
        let real_spending = gross * self.net / price;
        Want {
            gross,
            real_spending,
            below_floor: real_spending < self.floor * lane.spend_scale,
        }
    }
}
