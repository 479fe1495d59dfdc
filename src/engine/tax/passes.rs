//! The taxed year's work on a batch's lanes around the strategy's loop (see `step`):
//! contributions and the distribution before it (a pass over the batch), then, chunk by chunk,
//! the tax inputs and the year's end around the solves. Each is written on chunks of lanes
//! ([`Wide`]), each lane doing the scalar arithmetic in the same order (see `lin`).

use super::amount::Val;
use super::divisor::Divisor;
use super::kernel::{LaneTax, TAXABLE_FIRST, TaxLanes, split};
use super::lin::{Lane, W, Wide, chunk_starts};
use super::schedule::{Facts, TaxYear};
use super::scratch::{ACCOUNTS, RATE, RMD, TAX, TaxRows, TaxScratch};
use crate::engine::BATCH;
use crate::engine::lives::LaneFlows;
use crate::engine::market::MarketYear;
use crate::engine::simd::dispatch;
use crate::engine::year::{Lanes, Records};

/// Lanes `at..at + W` computed lane by lane (a macro, so that it is always inlined).
/// The chunk's width is the `N` in scope.
macro_rules! each {
    (|$k:ident| $value:expr) => {{
        let mut out = [0.0; N];
        #[allow(clippy::needless_range_loop)]
        for $k in 0..N {
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

dispatch!(pub(super) fn accounts_in_at(price: &[f64; BATCH], accounts: &mut TaxLanes, flows: &LaneFlows, ty: &TaxYear, one_state: bool, scratch: &mut TaxScratch) -> () => accounts_in);

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
    const N: usize = W;
    for at in chunk_starts::<N>() {
        let p = Wide::<N>::load(price, at);
        let ct = each!(|k| facts_of(at + k).contributions[0]) * p;
        let cd = each!(|k| facts_of(at + k).contributions[1]) * p;
        let cr = each!(|k| facts_of(at + k).contributions[2]) * p;
        let traditional = Wide::<N>::load(&accounts.traditional, at);
        let distribution = each!(|k| facts_of(at + k).rmd_share) * traditional;
        let taxable = Wide::<N>::load(&accounts.taxable, at) + ct;
        let traditional = traditional + cd;
        let roth = Wide::<N>::load(&accounts.roth, at) + cr;
        taxable.store(&mut accounts.taxable, at);
        (Wide::<N>::load(&accounts.basis, at) + ct).store(&mut accounts.basis, at);
        traditional.store(&mut accounts.traditional, at);
        roth.store(&mut accounts.roth, at);
        let other_cash = Wide::<N>::load(&flows.inflow_real, at) * p
            + Wide::<N>::load(&flows.inflow_nominal, at)
            - (ct + cd + cr);
        (taxable + traditional + roth + other_cash).store(&mut scratch.spend, at);
        other_cash.store(&mut scratch.cash, at);
        distribution.store(&mut scratch.rmd, at);
    }
}

/// A chunk of lanes' year after the strategy: what its tax needs, and what its end needs.
pub(super) struct ChunkYear<const N: usize> {
    /// The chunk's first lane.
    pub(super) at: usize,
    pub(super) lane: LaneTax<Wide<N>>,
    /// The year's cash: the other cash and the distribution.
    pub(super) cash: Wide<N>,
    pub(super) converted: Wide<N>,
    /// The bracket tops of a conversion and of the fill-the-bracket order, base-year dollars
    /// (NaN: none this year).
    pub(super) conversion_top: Wide<N>,
    pub(super) fill_top: Wide<N>,
    /// The taxable account's balance, to divide by.
    pub(super) per_taxable: Divisor<N>,
}

/// After the strategy, for lanes `at..at + N`: what each account can give, the year's
/// incomes and a fixed conversion.
#[inline(always)]
pub(super) fn inputs<'f, const N: usize>(
    at: usize,
    facts_of: &impl Fn(usize) -> &'f Facts,
    price: &[f64; BATCH],
    accounts: &TaxLanes,
    flows: &LaneFlows,
    scratch: &TaxScratch,
) -> ChunkYear<N> {
    let zero = Wide::<N>::splat(0.0);
    let p = Wide::<N>::load(price, at);
    let distribution = Wide::<N>::load(&scratch.rmd, at);
    let free = (Wide::<N>::load(&accounts.traditional, at) - distribution).max(zero);
    let conversion = (each!(|k| facts_of(at + k).conversion_real) * p).min(free);
    let taxable = Wide::<N>::load(&accounts.taxable, at);
    let other_cash = Wide::<N>::load(&scratch.cash, at);
    let per_taxable = Divisor::new(taxable);
    let gain_share = (Wide::<N>::splat(1.0)
        - per_taxable.divide(Wide::<N>::load(&accounts.basis, at)))
    .max(zero);
    ChunkYear {
        at,
        lane: LaneTax {
            price: p,
            joint: each!(|k| f64::from(u8::from(facts_of(at + k).joint))),
            seniors: each!(|k| facts_of(at + k).seniors),
            social_security: (each!(|k| facts_of(at + k).social_security)
                + Wide::<N>::load(&flows.survivor, at))
                * p,
            ordinary: each!(|k| facts_of(at + k).taxable_real) * p
                + each!(|k| facts_of(at + k).taxable_nominal)
                + distribution
                + conversion,
            need: Wide::<N>::load(&scratch.spend, at) - (other_cash + distribution),
            room: [
                taxable,
                free - conversion,
                Wide::<N>::load(&accounts.roth, at),
            ],
            gain_share: Wide::where_positive(taxable, gain_share, 0.0),
            first_traditional: zero,
            sold: zero,
        },
        cash: other_cash + distribution,
        converted: conversion,
        conversion_top: each!(|k| facts_of(at + k).conversion_top.unwrap_or(f64::NAN)),
        fill_top: each!(|k| facts_of(at + k).fill_top.unwrap_or(f64::NAN)),
        per_taxable,
    }
}

/// What the rest of the year needs of the plan and the strategy.
#[derive(Clone, Copy)]
pub(super) struct YearMoney {
    pub(super) weights: [f64; 3],
    pub(super) fee_keep: f64,
    pub(super) floor: f64,
    pub(super) t: f64,
    pub(super) retired: bool,
    /// The strategy keeps a history (`Withdraw::NEEDS_HISTORY`).
    pub(super) history: bool,
}

/// The year's end for a chunk of lanes, with its withdrawal `w` and `short`, `f(w)` (see
/// `step`): the withdrawal leaves the accounts, the tax is paid, cash left over is
/// reinvested, the accounts grow, and the year is recorded.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
pub(super) fn settle<const ORDER: u8, const N: usize>(
    chunk: &ChunkYear<N>,
    (w, short): (Wide<N>, Wide<N>),
    lanes: &mut Lanes,
    accounts: &mut TaxLanes,
    (real_balance, real_spending): &mut Records<'_>,
    rows: &mut TaxRows<'_>,
    scratch: &TaxScratch,
    flows: &LaneFlows,
    market: &MarketYear,
    money: YearMoney,
) {
    let TaxScratch {
        spend,
        rmd,
        below_floor,
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
    let ChunkYear {
        at,
        lane: ref l,
        cash,
        converted,
        per_taxable,
        ..
    } = *chunk;
    let (ws, wb, wc) = (
        Wide::<N>::splat(ws),
        Wide::<N>::splat(wb),
        Wide::<N>::splat(wc),
    );
    let keep = Wide::<N>::splat(fee_keep);
    let floor = Wide::<N>::splat(floor);
    let zero = Wide::<N>::splat(0.0);
    macro_rules! load {
        ($lanes:expr) => {
            Wide::<N>::load($lanes, at)
        };
    }
    let p = l.price;
    let (from_taxable, from_traditional, from_roth) =
        split::<Wide<N>, Val<Wide<N>>, ORDER>(Val(w), l);
    // With what was sold for a conversion's tax (none under taxable first).
    let (withdrawn, sold) = if ORDER == TAXABLE_FIRST {
        (w, from_taxable.0)
    } else {
        (w + l.sold, from_taxable.0 + l.sold)
    };
    let tax = w - l.need - short;
    let spend = load!(spend);
    let left = withdrawn + cash - tax - spend;
    let mut funded = [false; N];
    for (funded, &left) in funded.iter_mut().zip(&left.0) {
        *funded = left >= -0.005;
    }
    let paid = (withdrawn + cash - tax).max(zero);
    let per_price = Divisor::new(p);
    let spent = per_price.divide(each!(|k| if funded[k] { spend.0[k] } else { paid.0[k] }));
    let left = left.max(zero);
    let surplus = each!(|k| if funded[k] { left.0[k] } else { 0.0 });
    let taxable = load!(&accounts.taxable);
    let sold_share = Wide::<N>::splat(1.0) - per_taxable.divide(sold);
    let basis_kept = Wide::where_positive(taxable, sold_share, 0.0);
    let growth = ws * load!(&market.stocks) + wb * load!(&market.bonds) + wc * load!(&market.cash);
    let factor = growth * keep;
    let inflation = load!(&market.inflation);
    let rmd = load!(rmd);
    let taxable = ((taxable - sold).max(zero) + surplus) * factor;
    let basis = load!(&accounts.basis) * basis_kept + surplus;
    let traditional =
        (load!(&accounts.traditional) - rmd - converted - from_traditional.0).max(zero) * factor;
    let roth = (load!(&accounts.roth) + converted - from_roth.0).max(zero) * factor;
    let next = taxable + traditional + roth;
    let next_price = p * inflation;
    let per_next_price = Divisor::new(next_price);
    let real_tax = per_price.divide(tax);
    let real_next = per_next_price.divide(next);
    taxable.store(&mut accounts.taxable, at);
    basis.store(&mut accounts.basis, at);
    traditional.store(&mut accounts.traditional, at);
    roth.store(&mut accounts.roth, at);
    (load!(&accounts.lifetime_tax) + real_tax).store(&mut accounts.lifetime_tax, at);
    next.store(&mut lanes.balance, at);
    next_price.store(&mut lanes.price, at);
    if history {
        growth.store(&mut lanes.history.growth, at);
        inflation.store(&mut lanes.history.inflation, at);
        // Every account grows by the same factor: before it, they held `next / factor`.
        (real_next - next / (factor * p)).store(&mut lanes.history.gain, at);
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
    let income = l.ordinary + from_traditional.0 + sold * l.gain_share + l.social_security;
    let rate = tax / income;
    let rate = Wide::where_positive(income, rate, 0.0);
    // Once both have died (drawn lifetimes), a path records NaN, as the one-pot year does.
    let alive = load!(&flows.alive);
    macro_rules! record {
        ($value:expr, $to:expr) => {
            Wide::where_positive(alive, $value, f64::NAN).store($to, at)
        };
    }
    record!(real_tax, rows[TAX]);
    record!(per_price.divide(rmd), rows[RMD]);
    record!(rate, rows[RATE]);
    record!(per_next_price.divide(taxable), rows[ACCOUNTS]);
    record!(per_next_price.divide(traditional), rows[ACCOUNTS + 1]);
    record!(per_next_price.divide(roth), rows[ACCOUNTS + 2]);
    record!(real_next, real_balance);
    record!(spent, real_spending);
}
