//! The taxed year's passes over a batch's lanes around the strategy's loop (see `step`):
//! contributions and the distribution before it, the tax inputs after it, and the year's end
//! after the solves. Each is written on chunks of lanes ([`Wide`]), each lane doing the scalar
//! arithmetic in the same order (see `lin`), and dispatched once per SIMD level.

use super::amount::Val;
use super::kernel::{FILL_BRACKET, LaneTax, PROPORTIONAL, TAXABLE_FIRST, TaxLanes, split};
use super::lin::{Lane, W, Wide, chunk_starts};
use super::schedule::{Facts, TaxYear};
use super::scratch::{ACCOUNTS, RATE, RMD, TAX, TaxRows, TaxScratch};
use crate::engine::BATCH;
use crate::engine::lives::LaneFlows;
use crate::engine::market::MarketYear;
use crate::engine::simd::dispatch;
use crate::engine::year::{Lanes, Records};

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

dispatch!(pub(super) fn accounts_in_at(price: &[f64; BATCH], accounts: &mut TaxLanes, flows: &LaneFlows, ty: &TaxYear, one_state: bool, scratch: &mut TaxScratch) -> () => accounts_in);
dispatch!(pub(super) fn tax_inputs_at(price: &[f64; BATCH], accounts: &mut TaxLanes, flows: &LaneFlows, ty: &TaxYear, one_state: bool, scratch: &mut TaxScratch) -> () => tax_inputs);
dispatch!(pub(super) fn settle_at(lanes: &mut Lanes, accounts: &mut TaxLanes, records: Records<'_>, rows: TaxRows<'_>, scratch: &TaxScratch, flows: &LaneFlows, market: &MarketYear, money: YearMoney, order: u8) -> () => settle);

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
    for at in chunk_starts() {
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
    for at in chunk_starts() {
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
                gain_share: Wide::where_positive(taxable, gain_share, 0.0),
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
pub(super) struct YearMoney {
    pub(super) weights: [f64; 3],
    pub(super) fee_keep: f64,
    pub(super) floor: f64,
    pub(super) t: f64,
    pub(super) retired: bool,
    /// The strategy keeps a history (`Withdraw::NEEDS_HISTORY`).
    pub(super) history: bool,
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
    for at in chunk_starts() {
        macro_rules! load {
            ($lanes:expr) => {
                Wide::<W>::load($lanes, at)
            };
        }
        let l = lanes_tax.chunk::<W>(at);
        let p = l.price;
        let w = load!(w);
        let (from_taxable, from_traditional, from_roth) =
            split::<Wide, Val<Wide>, ORDER>(Val(w), &l);
        // With what was sold for a conversion's tax (none under taxable first).
        let (withdrawn, sold) = if ORDER == TAXABLE_FIRST {
            (w, from_taxable.0)
        } else {
            (w + l.sold, from_taxable.0 + l.sold)
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
        let basis_kept = Wide::where_positive(taxable, sold_share, 0.0);
        let growth =
            ws * load!(&market.stocks) + wb * load!(&market.bonds) + wc * load!(&market.cash);
        let factor = growth * keep;
        let inflation = load!(&market.inflation);
        let (rmd, converted) = (load!(rmd), load!(converted));
        let taxable = ((taxable - sold).max(zero) + surplus) * factor;
        let basis = load!(&accounts.basis) * basis_kept + surplus;
        let traditional = (load!(&accounts.traditional) - rmd - converted - from_traditional.0)
            .max(zero)
            * factor;
        let roth = (load!(&accounts.roth) + converted - from_roth.0).max(zero) * factor;
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
