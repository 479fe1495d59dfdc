//! The strategies that need no memory of earlier years: the 4 % rule, a constant
//! percentage and variable percentage withdrawal.

use super::{History, LaneYear, Want, Withdraw, YearPlan};

/// The 4 % rule: the planned real amount every year.
#[derive(Debug, Clone, Copy)]
pub struct ConstantDollar {
    pub(super) annual: f64,
    /// `annual / (1 − tax)`.
    pub(super) gross: f64,
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
    pub(super) percent: f64,
    pub(super) floor: f64,
    pub(super) ceiling: f64,
    pub(super) net: f64,
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
    pub(super) floor: f64,
    pub(super) net: f64,
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
