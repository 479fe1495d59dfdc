//! One year of a one-pot batch (`year_step`), and what the year steps share: the lanes'
//! state, where a year records, the year's money per lane (`Flows`) and what a step reads.

use super::BATCH;
use super::lives::LaneFlows;
use super::market::MarketYear;
use super::per_lane::PerLane;
use super::schedule::Schedule;
use super::strategy::{History, LaneYear, Want, Withdraw, YearPlan};

/// Where a year's real balance and spending go, one value per lane.
pub(super) type Records<'a> = (&'a mut [f64; BATCH], &'a mut [f64; BATCH]);

/// One batch's moving parts, as arrays over the lanes.
pub(super) struct Lanes {
    pub(super) balance: PerLane,
    pub(super) price: PerLane,
    pub(super) shortfall_years: PerLane,
    /// First unfunded year and first year below the floor, `INFINITY` until then. A path
    /// fails in the earlier of the two (see `year_step`).
    pub(super) ran_out_year: PerLane,
    pub(super) floor_year: PerLane,
    pub(super) history: History,
}

/// A year's money on each lane: the same on every lane with fixed lifetimes ([`Shared`]),
/// blended per lane by who is alive with drawn ones ([`LaneFlows`]).
pub(super) trait Flows {
    /// The real and the nominal inflows of lane `i`.
    fn inflows(&self, i: usize) -> (f64, f64);
    fn lane(&self, i: usize) -> LaneYear;
    /// False once the household of lane `i` has died: its records are NaN.
    fn alive(&self, i: usize) -> bool;
}

pub(super) struct Shared<'a>(pub(super) &'a YearPlan);

impl Flows for Shared<'_> {
    #[inline(always)]
    fn inflows(&self, _: usize) -> (f64, f64) {
        (self.0.inflow_real, self.0.inflow_nominal)
    }

    #[inline(always)]
    fn lane(&self, _: usize) -> LaneYear {
        LaneYear::of(self.0)
    }

    #[inline(always)]
    fn alive(&self, _: usize) -> bool {
        true
    }
}

impl Flows for LaneFlows {
    #[inline(always)]
    fn inflows(&self, i: usize) -> (f64, f64) {
        (self.inflow_real[i], self.inflow_nominal[i])
    }

    #[inline(always)]
    fn lane(&self, i: usize) -> LaneYear {
        LaneYear {
            spend_scale: self.scale[i],
            income_real: self.income_real[i],
            income_nominal: self.income_nominal[i],
            earnings_yield: f64::NAN,
        }
    }

    #[inline(always)]
    fn alive(&self, i: usize) -> bool {
        self.alive[i] > 0.0
    }
}

/// What a year step reads besides the lanes and the flows.
#[derive(Clone, Copy)]
pub(super) struct Step<'a, S> {
    pub(super) strategy: &'a S,
    pub(super) market: &'a MarketYear,
    pub(super) year: &'a YearPlan,
    pub(super) t: f64,
    pub(super) schedule: &'a Schedule,
}

/// One year for every lane: inflows, the withdrawal, growth, inflation, and the records. No
/// branch depends on the lane, so the loop compiles to SIMD.
#[inline(always)]
pub(super) fn year_step<S: Withdraw, F: Flows, const RETIRED: bool>(
    lanes: &mut Lanes,
    (real_balance, real_spending): Records<'_>,
    step: Step<'_, S>,
    flows: &F,
) {
    let Step {
        strategy,
        market,
        year,
        t,
        schedule,
    } = step;
    let [ws, wb, wc] = year.weights;
    let fee_keep = schedule.fee_keep;
    let floor = strategy.floor();
    for i in 0..BATCH {
        let p = lanes.price[i];
        let (inflow_real, inflow_nominal) = flows.inflows(i);
        let lane = flows.lane(i).valued(market.earnings_yield[i]);
        let available = lanes.balance[i] + inflow_real * p + inflow_nominal;
        let want = if RETIRED {
            strategy.want(&mut lanes.history, i, available, p, year, lane)
        } else {
            Want {
                gross: 0.0,
                real_spending: 0.0,
                below_floor: false,
            }
        };
        let funded = want.gross <= available;
        let withdrawn = want.gross.min(available.max(0.0));
        let spent = if funded {
            want.real_spending
        } else {
            withdrawn * schedule.net / p
        };
        // A shortfall: unfunded, or (funded, so spending is the strategy's own) below the
        // floor. With `below_floor` below, a path's first shortfall is the earlier of its
        // first unfunded year and its first year below the floor.
        let short = !funded | want.below_floor;
        let growth = ws * market.stocks[i] + wb * market.bonds[i] + wc * market.cash[i];
        let inflation = market.inflation[i];
        let next = (available - withdrawn).max(0.0) * growth * fee_keep;
        let next_price = p * inflation;
        lanes.balance[i] = next;
        lanes.price[i] = next_price;
        if S::NEEDS_HISTORY {
            lanes.history.growth[i] = growth;
            lanes.history.inflation[i] = inflation;
            lanes.history.gain[i] = next / next_price - (available - withdrawn).max(0.0) / p;
        }
        lanes.shortfall_years[i] += if short { 1.0 } else { 0.0 };
        lanes.ran_out_year[i] = if funded {
            lanes.ran_out_year[i]
        } else {
            lanes.ran_out_year[i].min(t)
        };
        let below_floor = RETIRED & (spent < floor * lane.spend_scale);
        lanes.floor_year[i] = if below_floor {
            lanes.floor_year[i].min(t)
        } else {
            lanes.floor_year[i]
        };
        let alive = flows.alive(i);
        real_balance[i] = if alive { next / next_price } else { f64::NAN };
        real_spending[i] = if alive { spent } else { f64::NAN };
    }
}
