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
use crate::engine::market::MarketYear;
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

/// Lanes `at..at + W` computed lane by lane (a macro, so that it is always inlined).
macro_rules! each {
    (|$k:ident| $value:expr) => {{
        let mut out = [0.0; W];
        #[allow(clippy::needless_range_loop)]
        for $k in 0..W {
            out[$k] = $value;
        }
        Wide(out)
    }};
}

/// The facts of the year for lane `i`: one lookup for all when they share a state.
macro_rules! by_state {
    ($ty:expr, $flows:expr, $one_state:expr, $pass:ident($($arg:expr),*)) => {
        if $one_state {
            let facts = &$ty.states[$flows.state[0] as usize];
            $pass(|_| facts, $($arg),*)
        } else {
            $pass(|i| &$ty.states[$flows.state[i] as usize], $($arg),*)
        }
    };
}

dispatch!(fn accounts_in_at(price: &[f64; BATCH], accounts: &mut TaxLanes, flows: &LaneFlows, ty: &TaxYear, one_state: bool, scratch: &mut TaxScratch) -> () => accounts_in);
dispatch!(fn tax_inputs_at(price: &[f64; BATCH], accounts: &mut TaxLanes, flows: &LaneFlows, ty: &TaxYear, one_state: bool, scratch: &mut TaxScratch) -> () => tax_inputs);
dispatch!(fn settle_at(lanes: &mut Lanes, accounts: &mut TaxLanes, records: Records<'_>, rows: TaxRows<'_>, scratch: &TaxScratch, flows: &LaneFlows, market: &MarketYear, money: YearMoney, order: u8) -> () => settle);

/// Contributions go into their accounts; the required distribution (`rmd`), the year's other
/// cash (`cash`) and what the strategy sees (`spend`). Each lane's arithmetic is the scalar
/// one's, in the same order (see `lin`).
#[inline(always)]
fn accounts_in(
    price: &[f64; BATCH],
    accounts: &mut TaxLanes,
    flows: &LaneFlows,
    ty: &TaxYear,
    one_state: bool,
    scratch: &mut TaxScratch,
) {
    by_state!(
        ty,
        flows,
        one_state,
        accounts_in_by(price, accounts, flows, scratch)
    )
}

#[inline(always)]
fn accounts_in_by<'f>(
    facts_of: impl Fn(usize) -> &'f Facts,
    price: &[f64; BATCH],
    accounts: &mut TaxLanes,
    flows: &LaneFlows,
    scratch: &mut TaxScratch,
) {
    for at in (0..BATCH).step_by(W) {
        let p = Wide::<W>::load(price, at);
        let ct = each!(|k| facts_of(at + k).contributions[0]) * p;
        let cd = each!(|k| facts_of(at + k).contributions[1]) * p;
        let cr = each!(|k| facts_of(at + k).contributions[2]) * p;
        let traditional = Wide::<W>::load(&accounts.traditional, at);
        let distribution = each!(|k| facts_of(at + k).rmd_share) * traditional;
        let taxable = Wide::<W>::load(&accounts.taxable, at) + ct;
        let traditional = traditional + cd;
        let roth = Wide::<W>::load(&accounts.roth, at) + cr;
        taxable.store(&mut accounts.taxable, at);
        (Wide::<W>::load(&accounts.basis, at) + ct).store(&mut accounts.basis, at);
        traditional.store(&mut accounts.traditional, at);
        roth.store(&mut accounts.roth, at);
        let other_cash = Wide::<W>::load(&flows.inflow_real, at) * p
            + Wide::<W>::load(&flows.inflow_nominal, at)
            - (ct + cd + cr);
        (taxable + traditional + roth + other_cash).store(&mut scratch.spend, at);
        other_cash.store(&mut scratch.cash, at);
        distribution.store(&mut scratch.rmd, at);
    }
}

/// After the strategy: what each account can give, the year's incomes and the conversion.
#[inline(always)]
fn tax_inputs(
    price: &[f64; BATCH],
    accounts: &mut TaxLanes,
    flows: &LaneFlows,
    ty: &TaxYear,
    one_state: bool,
    scratch: &mut TaxScratch,
) {
    by_state!(
        ty,
        flows,
        one_state,
        tax_inputs_by(price, accounts, flows, scratch)
    )
}

#[inline(always)]
fn tax_inputs_by<'f>(
    facts_of: impl Fn(usize) -> &'f Facts,
    price: &[f64; BATCH],
    accounts: &TaxLanes,
    flows: &LaneFlows,
    scratch: &mut TaxScratch,
) {
    let zero = Wide::<W>::splat(0.0);
    for at in (0..BATCH).step_by(W) {
        let p = Wide::<W>::load(price, at);
        let distribution = Wide::<W>::load(&scratch.rmd, at);
        let free = (Wide::<W>::load(&accounts.traditional, at) - distribution).max(zero);
        let conversion = (each!(|k| facts_of(at + k).conversion_real) * p).min(free);
        let taxable = Wide::<W>::load(&accounts.taxable, at);
        let other_cash = Wide::<W>::load(&scratch.cash, at);
        let gain_share =
            (Wide::<W>::splat(1.0) - Wide::<W>::load(&accounts.basis, at) / taxable).max(zero);
        scratch.lanes_tax.set_chunk(
            at,
            LaneTax {
                price: p,
                joint: each!(|k| f64::from(u8::from(facts_of(at + k).joint))),
                seniors: each!(|k| facts_of(at + k).seniors),
                social_security: (each!(|k| facts_of(at + k).social_security)
                    + Wide::<W>::load(&flows.survivor, at))
                    * p,
                ordinary: each!(|k| facts_of(at + k).taxable_real) * p
                    + each!(|k| facts_of(at + k).taxable_nominal)
                    + distribution
                    + conversion,
                need: Wide::<W>::load(&scratch.spend, at) - (other_cash + distribution),
                room: [
                    taxable,
                    free - conversion,
                    Wide::<W>::load(&accounts.roth, at),
                ],
                gain_share: each!(|k| if taxable.0[k] > 0.0 {
                    gain_share.0[k]
                } else {
                    0.0
                }),
                first_traditional: zero,
                sold: zero,
            },
        );
        (other_cash + distribution).store(&mut scratch.cash, at);
        conversion.store(&mut scratch.converted, at);
        each!(|k| facts_of(at + k).conversion_top.unwrap_or(f64::NAN))
            .store(&mut scratch.conversion_top, at);
        each!(|k| facts_of(at + k).fill_top.unwrap_or(f64::NAN)).store(&mut scratch.fill_top, at);
    }
}

/// What the rest of the year needs of the plan and the strategy.
#[derive(Clone, Copy)]
struct YearMoney {
    weights: [f64; 3],
    fee_keep: f64,
    floor: f64,
    t: f64,
    retired: bool,
    /// The strategy keeps a history (`Withdraw::NEEDS_HISTORY`).
    history: bool,
}

/// The year's end for every lane: the withdrawal leaves the accounts, the tax is paid, cash
/// left over is reinvested, the accounts grow, and the year is recorded.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn settle(
    lanes: &mut Lanes,
    accounts: &mut TaxLanes,
    records: Records<'_>,
    rows: TaxRows<'_>,
    scratch: &TaxScratch,
    flows: &LaneFlows,
    market: &MarketYear,
    money: YearMoney,
    order: u8,
) {
    match order {
        TAXABLE_FIRST => settle_by::<TAXABLE_FIRST>(
            lanes, accounts, records, rows, scratch, flows, market, money,
        ),
        PROPORTIONAL => settle_by::<PROPORTIONAL>(
            lanes, accounts, records, rows, scratch, flows, market, money,
        ),
        _ => settle_by::<FILL_BRACKET>(
            lanes, accounts, records, rows, scratch, flows, market, money,
        ),
    }
}

#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn settle_by<const ORDER: u8>(
    lanes: &mut Lanes,
    accounts: &mut TaxLanes,
    (real_balance, real_spending): Records<'_>,
    rows: TaxRows<'_>,
    scratch: &TaxScratch,
    flows: &LaneFlows,
    market: &MarketYear,
    money: YearMoney,
) {
    let TaxScratch {
        lanes_tax,
        spend,
        cash,
        rmd,
        converted,
        below_floor,
        w,
        short,
        ..
    } = scratch;
    let YearMoney {
        weights: [ws, wb, wc],
        fee_keep,
        floor,
        t,
        retired,
        history,
    } = money;
    let (ws, wb, wc) = (
        Wide::<W>::splat(ws),
        Wide::<W>::splat(wb),
        Wide::<W>::splat(wc),
    );
    let keep = Wide::<W>::splat(fee_keep);
    let floor = Wide::<W>::splat(floor);
    let zero = Wide::<W>::splat(0.0);
    for at in (0..BATCH).step_by(W) {
        macro_rules! load {
            ($lanes:expr) => {
                Wide::<W>::load($lanes, at)
            };
        }
        let l = lanes_tax.chunk::<W>(at);
        let p = l.price;
        let w = load!(w);
        let (from_taxable, from_traditional, from_roth) = split::<Wide, ORDER>(Lin::c(w), &l);
        // With what was sold for a conversion's tax (none under taxable first).
        let (withdrawn, sold) = if ORDER == TAXABLE_FIRST {
            (w, from_taxable.v)
        } else {
            (w + l.sold, from_taxable.v + l.sold)
        };
        let tax = w - l.need - load!(short);
        let (cash, spend) = (load!(cash), load!(spend));
        let left = withdrawn + cash - tax - spend;
        let mut funded = [false; W];
        for (funded, &left) in funded.iter_mut().zip(&left.0) {
            *funded = left >= -0.005;
        }
        let paid = (withdrawn + cash - tax).max(zero);
        let spent = each!(|k| if funded[k] { spend.0[k] } else { paid.0[k] }) / p;
        let left = left.max(zero);
        let surplus = each!(|k| if funded[k] { left.0[k] } else { 0.0 });
        let taxable = load!(&accounts.taxable);
        let sold_share = Wide::<W>::splat(1.0) - sold / taxable;
        let basis_kept = each!(|k| if taxable.0[k] > 0.0 {
            sold_share.0[k]
        } else {
            0.0
        });
        let growth =
            ws * load!(&market.stocks) + wb * load!(&market.bonds) + wc * load!(&market.cash);
        let factor = growth * keep;
        let inflation = load!(&market.inflation);
        let (rmd, converted) = (load!(rmd), load!(converted));
        let taxable = ((taxable - sold).max(zero) + surplus) * factor;
        let basis = load!(&accounts.basis) * basis_kept + surplus;
        let traditional = (load!(&accounts.traditional) - rmd - converted - from_traditional.v)
            .max(zero)
            * factor;
        let roth = (load!(&accounts.roth) + converted - from_roth.v).max(zero) * factor;
        let next = taxable + traditional + roth;
        let next_price = p * inflation;
        taxable.store(&mut accounts.taxable, at);
        basis.store(&mut accounts.basis, at);
        traditional.store(&mut accounts.traditional, at);
        roth.store(&mut accounts.roth, at);
        (load!(&accounts.lifetime_tax) + tax / p).store(&mut accounts.lifetime_tax, at);
        next.store(&mut lanes.balance, at);
        next_price.store(&mut lanes.price, at);
        if history {
            growth.store(&mut lanes.history.growth, at);
            inflation.store(&mut lanes.history.inflation, at);
            // Every account grows by the same factor: before it, they held `next / factor`.
            (next / next_price - next / (factor * p)).store(&mut lanes.history.gain, at);
        }
        let shortfall_years = load!(&lanes.shortfall_years);
        let shortfall_years = each!(|k| shortfall_years.0[k]
            + if !funded[k] | below_floor[at + k] {
                1.0
            } else {
                0.0
            });
        shortfall_years.store(&mut lanes.shortfall_years, at);
        let ran_out_year = load!(&lanes.ran_out_year);
        let ran_out_year = each!(|k| if funded[k] {
            ran_out_year.0[k]
        } else {
            ran_out_year.0[k].min(t)
        });
        ran_out_year.store(&mut lanes.ran_out_year, at);
        let scaled_floor = floor * load!(&flows.scale);
        let floor_year = load!(&lanes.floor_year);
        let floor_year = each!(|k| if retired & (spent.0[k] < scaled_floor.0[k]) {
            floor_year.0[k].min(t)
        } else {
            floor_year.0[k]
        });
        floor_year.store(&mut lanes.floor_year, at);
        // AGI plus the untaxed Social Security: every income the year had.
        let income = l.ordinary + from_traditional.v + sold * l.gain_share + l.social_security;
        let rate = tax / income;
        let rate = each!(|k| if income.0[k] > 0.0 { rate.0[k] } else { 0.0 });
        // Once both have died (drawn lifetimes), a path records NaN, as the one-pot year does.
        let alive = load!(&flows.alive);
        macro_rules! record {
            ($value:expr, $to:expr) => {{
                let value = $value;
                each!(|k| if alive.0[k] > 0.0 {
                    value.0[k]
                } else {
                    f64::NAN
                })
                .store($to, at)
            }};
        }
        record!(tax / p, rows[TAX]);
        record!(rmd / p, rows[RMD]);
        record!(rate, rows[RATE]);
        record!(taxable / next_price, rows[ACCOUNTS]);
        record!(traditional / next_price, rows[ACCOUNTS + 1]);
        record!(roth / next_price, rows[ACCOUNTS + 2]);
        record!(next / next_price, real_balance);
        record!(spent, real_spending);
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
    fn at<const N: usize>(&self, at: usize, w: Wide<N>) -> Lin<Wide<N>> {
        let l = self.lanes.chunk::<N>(at);
        let w = Lin::new(w, Wide::splat(1.0));
        w - tax_at::<Wide<N>, ORDER>(self.year, self.state, &l, w).total() - l.need
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
    fn at<const N: usize>(&self, at: usize, x: Wide<N>) -> Lin<Wide<N>> {
        let l = self.lanes.chunk::<N>(at);
        let incomes = Incomes {
            ordinary: Lin::new(l.ordinary + x, Wide::splat(1.0)),
            social_security: Lin::c(l.social_security),
            gains: Lin::c(Wide::splat(0.0)),
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
        ordinary: Lin::c(ordinary),
        social_security: Lin::c(l.social_security),
        gains: Lin::c(Wide::<W>::splat(0.0)),
    };
    owed(&l.law(year), l.seniors, state, incomes).total().v
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
    for at in (0..BATCH).step_by(W) {
        let l = lanes.chunk::<W>(at);
        let without = l.ordinary - Wide::<W>::load(converted, at);
        let tax = tax_on(year, state, &l, l.ordinary) - tax_on(year, state, &l, without);
        added[at..at + W].copy_from_slice(&tax.0);
    }
    added
}
