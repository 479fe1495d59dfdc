//! One year of a plan with accounts for every lane of a batch (see `kernel` for the
//! protocol). Each phase is a loop over the lanes with no branch on a lane's amounts; the
//! solves loop until every lane of the batch has converged.

use super::federal::StateTax;
use super::federal::{Incomes, owed};
use super::kernel::{
    FILL_BRACKET, LaneTax, LaneTaxes, Objective, PROPORTIONAL, TAXABLE_FIRST, TaxLanes, solve,
    split, tax_at,
};
use super::lin::{Lane, Lin, W, Wide};
use super::schedule::{Facts, TaxSchedule, TaxYear};
use crate::engine::BATCH;
use crate::engine::lives::LaneFlows;
use crate::engine::per_lane::PerLane;
use crate::engine::simd::{SimdLevel, dispatch};
use crate::engine::strategy::Withdraw;
use crate::engine::year::{Flows, Lanes, Records, Step};

/// The rows a taxed year records per lane, in today's dollars (the rate as a share).
pub const TAX_ROWS: usize = 6;
pub const TAX: usize = 0;
pub const RMD: usize = 1;
pub const RATE: usize = 2;
/// Then each account's balance at the end of the year: taxable, traditional, Roth.
pub const ACCOUNTS: usize = 3;
/// Where a year writes its [`TAX_ROWS`] rows: a full batch's columns of the matrices, or
/// a staging buffer.
pub type TaxRows<'a> = [&'a mut [f64; BATCH]; TAX_ROWS];

/// A batch's working arrays for its taxed years, made once per batch: every lane of every
/// array is written each year before it is read.
#[derive(Default)]
pub struct TaxScratch {
    lanes_tax: LaneTaxes,
    spend: PerLane,
    cash: PerLane,
    rmd: PerLane,
    converted: PerLane,
    below_floor: PerLane<bool>,
    /// Each lane's bracket tops, base-year dollars (NaN: none this year).
    conversion_top: PerLane,
    fill_top: PerLane,
    /// What the accounts can give, the withdrawal and `f` there (see below).
    hi: PerLane,
    w: PerLane,
    short: PerLane,
}

/// A year of a taxed plan. See [`super::kernel`].
#[inline(always)]
#[allow(clippy::too_many_arguments)]
pub(in crate::engine) fn taxed_year_step<S: Withdraw, const RETIRED: bool, const ORDER: u8>(
    lanes: &mut Lanes,
    accounts: &mut TaxLanes,
    (real_balance, real_spending): Records<'_>,
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
    let TaxScratch {
        lanes_tax,
        spend,
        cash,
        rmd,
        converted,
        below_floor,
        conversion_top,
        fill_top,
        hi,
        w,
        short,
    } = scratch;
    // The year's accounts, spending and tax inputs, lane by lane. With fixed lifetimes (or
    // drawn ones with every lane in one state) the lanes share the year's facts: looked up
    // once, the loop reads no lane's state.
    macro_rules! first_pass {
        ($facts_of:expr) => {{
            let facts_of = $facts_of;
            for i in 0..BATCH {
                let p = lanes.price[i];
                let (inflow_real, inflow_nominal) = flows.inflows(i);
                let shares = flows.lane(i).valued(market.earnings_yield[i]);
                let survivor = flows.survivor[i];
                let facts: &Facts = facts_of(i);
                let [ct, cd, cr] = facts.contributions.map(|c| c * p);
                let distribution = facts.rmd_share * accounts.traditional[i];
                accounts.taxable[i] += ct;
                accounts.basis[i] += ct;
                accounts.traditional[i] += cd;
                accounts.roth[i] += cr;
                let other_cash = inflow_real * p + inflow_nominal - (ct + cd + cr);
                let available = accounts.total(i) + other_cash;
                let (spending, floor_broken) = if RETIRED {
                    let want = strategy.want(&mut lanes.history, i, available, p, year, shares);
                    (want.real_spending * p, want.below_floor)
                } else {
                    (0.0, false)
                };
                let free = (accounts.traditional[i] - distribution).max(0.0);
                let conversion = (facts.conversion_real * p).min(free);
                let taxable = accounts.taxable[i];
                lanes_tax.set(
                    i,
                    LaneTax {
                        price: p,
                        joint: f64::from(u8::from(facts.joint)),
                        seniors: facts.seniors,
                        social_security: (facts.social_security + survivor) * p,
                        ordinary: facts.taxable_real * p
                            + facts.taxable_nominal
                            + distribution
                            + conversion,
                        need: spending - (other_cash + distribution),
                        room: [taxable, free - conversion, accounts.roth[i]],
                        gain_share: if taxable > 0.0 {
                            (1.0 - accounts.basis[i] / taxable).max(0.0)
                        } else {
                            0.0
                        },
                        first_traditional: 0.0,
                        sold: 0.0,
                    },
                );
                spend[i] = spending;
                cash[i] = other_cash + distribution;
                rmd[i] = distribution;
                converted[i] = conversion;
                below_floor[i] = floor_broken;
                conversion_top[i] = facts.conversion_top.unwrap_or(f64::NAN);
                fill_top[i] = facts.fill_top.unwrap_or(f64::NAN);
            }
        }};
    }
    let one_state = flows.state[0];
    if flows.state.iter().all(|&s| s == one_state) {
        let facts = &ty.states[flows.state(0).0];
        first_pass!(|_| facts)
    } else {
        first_pass!(|i| &ty.states[flows.state(i).0])
    }
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

    let [ws, wb, wc] = year.weights;
    let keep = schedule.fee_keep;
    let floor = strategy.floor();
    for i in 0..BATCH {
        let l = &lanes_tax.get(i);
        let p = l.price;
        let (from_taxable, from_traditional, from_roth) = split::<f64, ORDER>(Lin::c(w[i]), l);
        // With what was sold for a conversion's tax (none under taxable first).
        let (withdrawn, sold) = if ORDER == TAXABLE_FIRST {
            (w[i], from_taxable.v)
        } else {
            (w[i] + l.sold, from_taxable.v + l.sold)
        };
        let tax = w[i] - l.need - short[i];
        let left = withdrawn + cash[i] - tax - spend[i];
        let funded = left >= -0.005;
        let spent = if funded {
            spend[i]
        } else {
            (withdrawn + cash[i] - tax).max(0.0)
        } / p;
        let surplus = if funded { left.max(0.0) } else { 0.0 };
        let taxable = accounts.taxable[i];
        let basis_kept = if taxable > 0.0 {
            1.0 - sold / taxable
        } else {
            0.0
        };
        let growth = ws * market.stocks[i] + wb * market.bonds[i] + wc * market.cash[i];
        let factor = growth * keep;
        let inflation = market.inflation[i];
        accounts.taxable[i] = ((taxable - sold).max(0.0) + surplus) * factor;
        accounts.basis[i] = accounts.basis[i] * basis_kept + surplus;
        accounts.traditional[i] =
            (accounts.traditional[i] - rmd[i] - converted[i] - from_traditional.v).max(0.0)
                * factor;
        accounts.roth[i] = (accounts.roth[i] + converted[i] - from_roth.v).max(0.0) * factor;
        accounts.lifetime_tax[i] += tax / p;
        let next = accounts.total(i);
        let next_price = p * inflation;
        lanes.balance[i] = next;
        lanes.price[i] = next_price;
        if S::NEEDS_HISTORY {
            lanes.history.growth[i] = growth;
            lanes.history.inflation[i] = inflation;
            // Every account grows by the same factor: before it, they held `next / factor`.
            lanes.history.gain[i] = next / next_price - next / (factor * p);
        }
        let short = !funded | below_floor[i];
        lanes.shortfall_years[i] += if short { 1.0 } else { 0.0 };
        lanes.ran_out_year[i] = if funded {
            lanes.ran_out_year[i]
        } else {
            lanes.ran_out_year[i].min(t)
        };
        let broke_floor = RETIRED & (spent < floor * flows.lane(i).spend_scale);
        lanes.floor_year[i] = if broke_floor {
            lanes.floor_year[i].min(t)
        } else {
            lanes.floor_year[i]
        };
        // AGI plus the untaxed Social Security: every income the year had.
        let income = l.ordinary + from_traditional.v + sold * l.gain_share + l.social_security;
        // Once both have died (drawn lifetimes), a path records NaN, as the one-pot year does.
        let alive = flows.alive(i);
        let record = |v: f64| if alive { v } else { f64::NAN };
        rows[TAX][i] = record(tax / p);
        rows[RMD][i] = record(rmd[i] / p);
        rows[RATE][i] = record(if income > 0.0 { tax / income } else { 0.0 });
        rows[ACCOUNTS][i] = record(accounts.taxable[i] / next_price);
        rows[ACCOUNTS + 1][i] = record(accounts.traditional[i] / next_price);
        rows[ACCOUNTS + 2][i] = record(accounts.roth[i] / next_price);
        real_balance[i] = record(next / next_price);
        real_spending[i] = record(spent);
    }
}

/// `w − tax(w) − need`: zero at the withdrawal `w` that pays the spending and its tax.
struct Spending<'a, const ORDER: u8> {
    year: &'a TaxYear,
    state: StateTax,
    lanes: &'a LaneTaxes,
}

impl<const ORDER: u8> Objective for Spending<'_, ORDER> {
    #[inline(always)]
    fn at(&self, at: usize, w: Wide) -> Lin<Wide> {
        let l = self.lanes.chunk(at);
        let w = Lin::new(w, Wide::splat(1.0));
        w - tax_at::<Wide, ORDER>(self.year, self.state, &l, w).total() - l.need
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
    fn at(&self, at: usize, x: Wide) -> Lin<Wide> {
        let l = self.lanes.chunk(at);
        let incomes = Incomes {
            ordinary: Lin::new(l.ordinary + x, Wide::splat(1.0)),
            social_security: Lin::c(l.social_security),
            gains: Lin::c(Wide::splat(0.0)),
        };
        owed(&l.law(self.year), l.seniors, self.state, incomes).taxable_income
            - Wide::load(self.top, at) * l.price
    }
}

/// Traditional dollars that bring each lane's taxable ordinary income to its `top`
/// (base-year dollars), at most what the traditional account has left; none on a lane
/// without a top (NaN).
#[inline(always)]
fn fill_to(year: &TaxYear, state: StateTax, top: &[f64; BATCH], lanes: &LaneTaxes) -> PerLane {
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
    solve(&mut x, &mut at, &lo, &hi, &objective);
    x
}

/// The tax of lanes `l` with `ordinary` income, their benefits and nothing else.
#[inline(always)]
fn tax_on(year: &TaxYear, state: StateTax, l: &LaneTax<Wide>, ordinary: Wide) -> Wide {
    let incomes = Incomes {
        ordinary: Lin::c(ordinary),
        social_security: Lin::c(l.social_security),
        gains: Lin::c(Wide::splat(0.0)),
    };
    owed(&l.law(year), l.seniors, state, incomes).total().v
}

// The tax itself is compiled once per order and SIMD level, apart from the year step (which
// is compiled for every strategy and return model too): each solve below is its own
// dispatched function, called once a batch-year.
dispatch!(fn withdrawals_taxable_first(w: &mut [f64; BATCH], short: &mut [f64; BATCH], hi: &[f64; BATCH], year: &TaxYear, state: StateTax, lanes: &LaneTaxes) -> () => withdrawals::<TAXABLE_FIRST>);
dispatch!(fn withdrawals_proportional(w: &mut [f64; BATCH], short: &mut [f64; BATCH], hi: &[f64; BATCH], year: &TaxYear, state: StateTax, lanes: &LaneTaxes) -> () => withdrawals::<PROPORTIONAL>);
dispatch!(fn withdrawals_fill_bracket(w: &mut [f64; BATCH], short: &mut [f64; BATCH], hi: &[f64; BATCH], year: &TaxYear, state: StateTax, lanes: &LaneTaxes) -> () => withdrawals::<FILL_BRACKET>);
dispatch!(fn fill_to_at(year: &TaxYear, state: StateTax, top: &[f64; BATCH], lanes: &LaneTaxes) -> PerLane => fill_to);
dispatch!(fn conversion_taxes_at(year: &TaxYear, state: StateTax, converted: &[f64; BATCH], lanes: &LaneTaxes) -> PerLane => conversion_taxes);

/// The withdrawal of each lane that pays its spending and every tax (`w`, from a first
/// guess), and `f(w)` there (`short`).
#[inline(always)]
fn withdrawals<const ORDER: u8>(
    w: &mut [f64; BATCH],
    short: &mut [f64; BATCH],
    hi: &[f64; BATCH],
    year: &TaxYear,
    state: StateTax,
    lanes: &LaneTaxes,
) {
    let spending = Spending::<ORDER> { year, state, lanes };
    solve(w, short, &PerLane::splat(0.0), hi, &spending);
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
    for at in (0..BATCH).step_by(W) {
        let l = lanes.chunk(at);
        let without = l.ordinary - Wide::load(converted, at);
        let tax = tax_on(year, state, &l, l.ordinary) - tax_on(year, state, &l, without);
        added[at..at + W].copy_from_slice(&tax.0);
    }
    added
}
