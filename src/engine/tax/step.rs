//! One year of a plan with accounts for every lane of a batch (see `kernel` for the
//! protocol). Each phase is a loop over the lanes with no branch on a lane's amounts; the
//! solves loop until every lane of the batch has converged.

use super::amount::{Amount, Val};
use super::federal::StateTax;
use super::federal::{Incomes, owed};
use super::kernel::{
    FILL_BRACKET, LaneTax, LaneTaxes, PROPORTIONAL, TAXABLE_FIRST, TaxLanes, tax_at,
};
use super::lin::{Lane, W, Wide, chunk_starts};
use super::passes::{YearMoney, accounts_in_at, settle_at, tax_inputs_at};
use super::schedule::{TaxSchedule, TaxYear};
use super::scratch::{TaxRows, TaxScratch};
use super::solve::{Objective, solve};
use crate::engine::BATCH;
use crate::engine::lives::LaneFlows;
use crate::engine::per_lane::PerLane;
use crate::engine::simd::{SimdLevel, dispatch};
use crate::engine::strategy::Withdraw;
use crate::engine::year::{Flows, Lanes, Records, Step};

/// A year of a taxed plan. See [`super::kernel`]. Only the strategy's loop is compiled per
/// strategy and return model; the passes over the lanes before and after it are dispatched
/// functions of their own, compiled once per SIMD level (and order).
#[inline(always)]
#[allow(clippy::too_many_arguments)]
pub(in crate::engine) fn taxed_year_step<S: Withdraw, const RETIRED: bool, const ORDER: u8>(
    lanes: &mut Lanes,
    accounts: &mut TaxLanes,
    records: Records<'_>,
    step: Step<'_, S>,
    flows: &LaneFlows,
    taxes: &TaxSchedule,
    scratch: &mut TaxScratch,
    rows: TaxRows<'_>,
    simd: SimdLevel,
) {
    let Step {
        strategy,
        market,
        year,
        t,
        schedule,
    } = step;
    let ty = &taxes.years[t as usize];
    let state = taxes.state;
    // With fixed lifetimes (or drawn ones with every lane in one state) the lanes share the
    // year's facts: looked up once, the passes read no lane's state.
    let one_state = flows.state.iter().all(|&s| s == flows.state[0]);
    accounts_in_at(simd, &lanes.price, accounts, flows, ty, one_state, scratch);
    // The strategy names each lane's real spending from what it sees (in `spend`).
    for i in 0..BATCH {
        let (spending, floor_broken) = if RETIRED {
            let p = lanes.price[i];
            let shares = flows.lane(i).valued(market.earnings_yield[i]);
            let want = strategy.want(&mut lanes.history, i, scratch.spend[i], p, year, shares);
            (want.real_spending * p, want.below_floor)
        } else {
            (0.0, false)
        };
        scratch.spend[i] = spending;
        scratch.below_floor[i] = floor_broken;
    }
    tax_inputs_at(simd, &lanes.price, accounts, flows, ty, one_state, scratch);
    let TaxScratch {
        lanes_tax,
        converted,
        conversion_top,
        fill_top,
        hi,
        w,
        short,
        ..
    } = &mut *scratch;
    if conversion_top.iter().any(|t| !t.is_nan()) {
        let x = fill_to_at(simd, ty, state, conversion_top, lanes_tax);
        for (i, &x) in x.iter().enumerate() {
            let mut l = lanes_tax.get(i);
            l.ordinary += x;
            l.room[1] -= x;
            lanes_tax.set(i, l);
            converted[i] += x;
        }
    }
    if fill_top.iter().any(|t| !t.is_nan()) {
        let x = fill_to_at(simd, ty, state, fill_top, lanes_tax);
        for (i, &x) in x.iter().enumerate() {
            let mut l = lanes_tax.get(i);
            l.first_traditional = x;
            lanes_tax.set(i, l);
        }
    }
    // Under the other orders a conversion's tax would come out of every account: it is paid
    // from the taxable account first, as far as it holds. The conversion's tax is what it
    // adds to the tax of the year's other income before any withdrawal for spending; the
    // gains that sale realizes, and any of that tax the taxable account cannot pay, are
    // paid with the spending, by the order.
    if ORDER != TAXABLE_FIRST && converted.iter().any(|&c| c > 0.0) {
        let added = conversion_taxes_at(simd, ty, state, converted, lanes_tax);
        for (i, &added) in added.iter().enumerate() {
            let mut lane = lanes_tax.get(i);
            let sold = added.clamp(0.0, lane.room[0]);
            lane.sold = sold;
            lane.room[0] -= sold;
            lane.need -= sold;
            lanes_tax.set(i, lane);
        }
    }
    // The withdrawal that pays the spending and every tax.
    for i in 0..BATCH {
        let l = lanes_tax.get(i);
        hi[i] = l.room.iter().sum();
        w[i] = l.need.clamp(0.0, hi[i]);
    }
    // `f(w) = w − tax(w) − need` at the answer: the tax is `w − need − f(w)`.
    let solve_at = match ORDER {
        TAXABLE_FIRST => withdrawals_taxable_first,
        PROPORTIONAL => withdrawals_proportional,
        _ => withdrawals_fill_bracket,
    };
    solve_at(simd, w, short, hi, ty, state, lanes_tax);
    let money = YearMoney {
        weights: year.weights,
        fee_keep: schedule.fee_keep,
        floor: strategy.floor(),
        t,
        retired: RETIRED,
        history: S::NEEDS_HISTORY,
    };
    settle_at(
        simd, lanes, accounts, records, rows, scratch, flows, market, money, ORDER,
    );
}

/// `w − tax(w) − need`: zero at the withdrawal `w` that pays the spending and its tax.
struct Spending<'a, const ORDER: u8> {
    year: &'a TaxYear,
    state: StateTax,
    lanes: &'a LaneTaxes,
}

impl<const ORDER: u8> Objective for Spending<'_, ORDER> {
    #[inline(always)]
    fn at<const N: usize, X: Amount<Lane = Wide<N>>>(&self, at: usize, w: Wide<N>) -> X {
        let l = self.lanes.chunk::<N>(at);
        let w = X::unknown(w);
        w - tax_at::<Wide<N>, X, ORDER>(self.year, self.state, &l, w).total() - l.need
    }
}

/// Taxable income with `x` more ordinary income, less the lane's `top` (in its dollars):
/// zero at the traditional dollars that fill the bracket.
struct FillTo<'a> {
    year: &'a TaxYear,
    state: StateTax,
    lanes: &'a LaneTaxes,
    top: &'a [f64; BATCH],
}

impl Objective for FillTo<'_> {
    #[inline(always)]
    fn at<const N: usize, X: Amount<Lane = Wide<N>>>(&self, at: usize, x: Wide<N>) -> X {
        let l = self.lanes.chunk::<N>(at);
        let incomes = Incomes {
            ordinary: X::unknown(l.ordinary + x),
            social_security: X::c(l.social_security),
            gains: X::c(Wide::splat(0.0)),
        };
        owed(&l.law(self.year), l.seniors, self.state, incomes).taxable_income
            - Wide::<N>::load(self.top, at) * l.price
    }
}

/// Traditional dollars that bring each lane's taxable ordinary income to its `top`
/// (base-year dollars), at most what the traditional account has left; none on a lane
/// without a top (NaN).
#[inline(always)]
fn fill_to<const N: usize>(
    year: &TaxYear,
    state: StateTax,
    top: &[f64; BATCH],
    lanes: &LaneTaxes,
) -> PerLane {
    let (mut x, mut at) = (PerLane::splat(0.0), PerLane::splat(0.0));
    let lo = PerLane::splat(0.0);
    let hi = PerLane::from_fn(|i| {
        if top[i].is_nan() {
            0.0
        } else {
            lanes.get(i).room[1]
        }
    });
    let top = PerLane::from_fn(|i| if top[i].is_nan() { 0.0 } else { top[i] });
    let objective = FillTo {
        year,
        state,
        lanes,
        top: &top,
    };
    solve::<N>(&mut x, &mut at, &lo, &hi, &objective);
    x
}

/// The tax of lanes `l` with `ordinary` income, their benefits and nothing else.
#[inline(always)]
fn tax_on(year: &TaxYear, state: StateTax, l: &LaneTax<Wide>, ordinary: Wide) -> Wide {
    let incomes = Incomes {
        ordinary: Val(ordinary),
        social_security: Val(l.social_security),
        gains: Val(Wide::<W>::splat(0.0)),
    };
    owed(&l.law(year), l.seniors, state, incomes).total().0
}

// The tax itself is compiled once per order and SIMD level, apart from the year step (which
// is compiled for every strategy and return model too): each solve below is its own
// dispatched function, called once a batch-year. A solve works on one vector of lanes at a
// time (4 with AVX2 and below, 8 with AVX-512): see `solve`.
dispatch!(fn withdrawals_taxable_first(w: &mut [f64; BATCH], short: &mut [f64; BATCH], hi: &[f64; BATCH], year: &TaxYear, state: StateTax, lanes: &LaneTaxes) -> () => withdrawals::<TAXABLE_FIRST, 4>, avx512: withdrawals::<TAXABLE_FIRST, 8>);
dispatch!(fn withdrawals_proportional(w: &mut [f64; BATCH], short: &mut [f64; BATCH], hi: &[f64; BATCH], year: &TaxYear, state: StateTax, lanes: &LaneTaxes) -> () => withdrawals::<PROPORTIONAL, 4>, avx512: withdrawals::<PROPORTIONAL, 8>);
dispatch!(fn withdrawals_fill_bracket(w: &mut [f64; BATCH], short: &mut [f64; BATCH], hi: &[f64; BATCH], year: &TaxYear, state: StateTax, lanes: &LaneTaxes) -> () => withdrawals::<FILL_BRACKET, 4>, avx512: withdrawals::<FILL_BRACKET, 8>);
dispatch!(fn fill_to_at(year: &TaxYear, state: StateTax, top: &[f64; BATCH], lanes: &LaneTaxes) -> PerLane => fill_to::<4>, avx512: fill_to::<8>);
dispatch!(fn conversion_taxes_at(year: &TaxYear, state: StateTax, converted: &[f64; BATCH], lanes: &LaneTaxes) -> PerLane => conversion_taxes);

/// The withdrawal of each lane that pays its spending and every tax (`w`, from a first
/// guess), and `f(w)` there (`short`).
#[inline(always)]
fn withdrawals<const ORDER: u8, const N: usize>(
    w: &mut [f64; BATCH],
    short: &mut [f64; BATCH],
    hi: &[f64; BATCH],
    year: &TaxYear,
    state: StateTax,
    lanes: &LaneTaxes,
) {
    let spending = Spending::<ORDER> { year, state, lanes };
    solve::<N>(w, short, &PerLane::splat(0.0), hi, &spending);
}

/// What each lane's conversion adds to the tax of its other income, before any withdrawal.
#[inline(always)]
fn conversion_taxes(
    year: &TaxYear,
    state: StateTax,
    converted: &[f64; BATCH],
    lanes: &LaneTaxes,
) -> PerLane {
    let mut added = PerLane::splat(0.0);
    for at in chunk_starts() {
        let l = lanes.chunk::<W>(at);
        let without = l.ordinary - Wide::<W>::load(converted, at);
        let tax = tax_on(year, state, &l, l.ordinary) - tax_on(year, state, &l, without);
        added[at..at + W].copy_from_slice(&tax.0);
    }
    added
}
