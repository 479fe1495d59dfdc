//! The strategies that adjust each year from the last: guardrails, the endowment rule, the
//! 95 % rule, Vanguard's dynamic spending, sensible withdrawals, Autopilot II and the CAPE
//! rule.

use super::{History, LaneYear, NINETY_FIVE_PERCENT, Want, Withdraw, YearPlan, real_want};

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
    pub(super) planned_gross: f64,
    pub(super) upper: f64,
    pub(super) lower: f64,
    pub(super) cut: f64,
    pub(super) raise: f64,
    pub(super) max_inflation: f64,
    pub(super) floor: f64,
    pub(super) net: f64,
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
    pub(super) percent: f64,
    pub(super) smoothing: f64,
    pub(super) floor: f64,
    pub(super) net: f64,
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
    pub(super) percent: f64,
    pub(super) floor: f64,
    pub(super) net: f64,
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
    pub(super) percent: f64,
    pub(super) up: f64,
    pub(super) down: f64,
    pub(super) floor: f64,
    pub(super) net: f64,
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
    pub(super) percent: f64,
    pub(super) extras_rate: f64,
    pub(super) floor: f64,
    pub(super) net: f64,
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
    pub(super) smoothing: f64,
    pub(super) floor: f64,
    pub(super) net: f64,
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
    pub(super) base_rate: f64,
    pub(super) cape_weight: f64,
    pub(super) floor: f64,
    pub(super) net: f64,
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
