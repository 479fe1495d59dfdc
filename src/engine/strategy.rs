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
    pub withdrawal: [f64; BATCH],
    /// The initial withdrawal rate, fixed in the first retirement year.
    pub initial_rate: [f64; BATCH],
    /// Last year's gross portfolio factor and inflation factor.
    pub growth: [f64; BATCH],
    pub inflation: [f64; BATCH],
    /// Last year's real gain on what stayed invested after its withdrawal, fees taken:
    /// the real balance at the end of the year less the real balance left invested.
    pub gain: [f64; BATCH],
}

impl Default for History {
    fn default() -> Self {
        Self {
            withdrawal: [0.0; BATCH],
            initial_rate: [0.0; BATCH],
            growth: [1.0; BATCH],
            inflation: [1.0; BATCH],
            gain: [0.0; BATCH],
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

/// Yale's endowment rule, in real terms: `w = λ·w_prev + (1 − λ)·p·B`, and `p·B` in the first
/// retirement year (`B` the real balance, `p` the target rate, `λ` the smoothing weight).
#[derive(Debug, Clone, Copy)]
pub struct Endowment {
    percent: f64,
    smoothing: f64,
    floor: f64,
    net: f64,
}

impl Withdraw for Endowment {
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
        let target = self.percent * available.max(0.0) / price;
        let w = if year.first_retired {
            target
        } else {
            self.smoothing * h.withdrawal[i] + (1.0 - self.smoothing) * target
        };
        h.withdrawal[i] = w;
        real_want(w, price, self.net, self.floor, lane)
    }
}

/// Clyatt's 95 % rule, in nominal dollars as published: `W = max(p·balance, 0.95·W_prev)`.
#[derive(Debug, Clone, Copy)]
pub struct NinetyFivePercent {
    percent: f64,
    floor: f64,
    net: f64,
}

impl Withdraw for NinetyFivePercent {
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
        let target = self.percent * available.max(0.0);
        let w = if year.first_retired {
            target
        } else {
            target.max(NINETY_FIVE_PERCENT * h.withdrawal[i])
        };
        h.withdrawal[i] = w;
        real_want(w / price, price, self.net, self.floor, lane)
    }
}

/// Vanguard's dynamic spending, in real terms: `p·B`, kept within
/// `[w_prev·(1 − max_decrease), w_prev·(1 + max_increase)]` after the first retirement year.
#[derive(Debug, Clone, Copy)]
pub struct VanguardDynamic {
    percent: f64,
    up: f64,
    down: f64,
    floor: f64,
    net: f64,
}

impl Withdraw for VanguardDynamic {
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
        let target = self.percent * available.max(0.0) / price;
        let w = if year.first_retired {
            target
        } else {
            let last = h.withdrawal[i];
            target.min(last * self.up).max(last * self.down)
        };
        h.withdrawal[i] = w;
        real_want(w, price, self.net, self.floor, lane)
    }
}

/// Sensible withdrawals, in real terms: `p·B + e·max(G_prev, 0)`, where `G_prev` is last
/// year's real gain ([`History::gain`]); `p·B` alone in the first retirement year.
#[derive(Debug, Clone, Copy)]
pub struct SensibleWithdrawals {
    percent: f64,
    extras_rate: f64,
    floor: f64,
    net: f64,
}

impl Withdraw for SensibleWithdrawals {
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
        let base = self.percent * available.max(0.0) / price;
        let extras = if year.first_retired {
            0.0
        } else {
            self.extras_rate * h.gain[i].max(0.0)
        };
        real_want(base + extras, price, self.net, self.floor, lane)
    }
}

/// Hebeler's Autopilot II, in real terms: `w = λ·w_prev + (1 − λ)·a·B`, where `a` is the
/// year's annuity-due share (VPW's), and `a·B` in the first retirement year.
#[derive(Debug, Clone, Copy)]
pub struct AutopilotIi {
    smoothing: f64,
    floor: f64,
    net: f64,
}

impl Withdraw for AutopilotIi {
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
        let payment = year.vpw_share * available.max(0.0) / price;
        let w = if year.first_retired {
            payment
        } else {
            self.smoothing * h.withdrawal[i] + (1.0 - self.smoothing) * payment
        };
        h.withdrawal[i] = w;
        real_want(w, price, self.net, self.floor, lane)
    }
}

/// CAPE-based: the rate `a + b/CAPE` of the balance, with the CAPE of the year the lane
/// lives through (the historical model's valued periods only).
#[derive(Debug, Clone, Copy)]
pub struct Cape {
    base_rate: f64,
    cape_weight: f64,
    floor: f64,
    net: f64,
}

impl Withdraw for Cape {
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
        let rate = self.base_rate + self.cape_weight * lane.earnings_yield;
        real_want(
            rate * available.max(0.0) / price,
            price,
            self.net,
            self.floor,
            lane,
        )
    }
}
