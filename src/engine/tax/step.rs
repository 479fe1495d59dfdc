//! One year of a plan with accounts for every lane of a batch (see `kernel` for the
//! protocol). Each phase is a loop over the lanes with no branch on a lane's amounts; after
//! the strategy's loop, each chunk of lanes goes from its tax's inputs to its year's end
//! (a solve loops until every lane of the chunk has converged) before the next chunk starts.

use super::federal::StateTax;
use super::kernel::{FILL_BRACKET, PROPORTIONAL, TAXABLE_FIRST, TaxLanes};
use super::lin::{Lane, Wide, chunk_starts};
use super::objectives::{Spending, conversion_tax, fill_to};
use super::passes::{YearMoney, accounts_in_at, inputs, settle};
use super::schedule::{Facts, TaxSchedule, TaxYear};
use super::scratch::{TaxRows, TaxScratch};
use super::solve::solve;
use crate::engine::BATCH;
use crate::engine::lives::LaneFlows;
use crate::engine::market::MarketYear;
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
    let money = YearMoney {
        weights: year.weights,
        fee_keep: schedule.fee_keep,
        floor: strategy.floor(),
        t,
        retired: RETIRED,
        history: S::NEEDS_HISTORY,
    };
    let rest_of_year = match ORDER {
        TAXABLE_FIRST => year_end_taxable_first,
        PROPORTIONAL => year_end_proportional,
        _ => year_end_fill_bracket,
    };
    let facts = YearFacts {
        year: ty,
        state,
        one_state,
    };
    rest_of_year(
        simd, lanes, accounts, records, rows, scratch, flows, market, money, facts,
    );
}

/// The year's tax facts, and whether every lane is in one state (whose facts are then looked
/// up once).
#[derive(Clone, Copy)]
struct YearFacts<'a> {
    year: &'a TaxYear,
    state: StateTax,
    one_state: bool,
}

// The rest of the year is compiled once per order and SIMD level, apart from the year step
// (which is compiled for every strategy and return model too), and called once a batch-year.
// It works on one vector of lanes at a time (4 with AVX2 and below, 8 with AVX-512), from
// the tax's inputs to the year's end, so that a chunk's numbers stay in registers.
dispatch!(fn year_end_taxable_first(lanes: &mut Lanes, accounts: &mut TaxLanes, records: Records<'_>, rows: TaxRows<'_>, scratch: &TaxScratch, flows: &LaneFlows, market: &MarketYear, money: YearMoney, facts: YearFacts<'_>) -> () => year_end::<TAXABLE_FIRST, 4>, avx512: year_end::<TAXABLE_FIRST, 8>);
dispatch!(fn year_end_proportional(lanes: &mut Lanes, accounts: &mut TaxLanes, records: Records<'_>, rows: TaxRows<'_>, scratch: &TaxScratch, flows: &LaneFlows, market: &MarketYear, money: YearMoney, facts: YearFacts<'_>) -> () => year_end::<PROPORTIONAL, 4>, avx512: year_end::<PROPORTIONAL, 8>);
dispatch!(fn year_end_fill_bracket(lanes: &mut Lanes, accounts: &mut TaxLanes, records: Records<'_>, rows: TaxRows<'_>, scratch: &TaxScratch, flows: &LaneFlows, market: &MarketYear, money: YearMoney, facts: YearFacts<'_>) -> () => year_end::<FILL_BRACKET, 4>, avx512: year_end::<FILL_BRACKET, 8>);

/// After the strategy, for every chunk of `N` lanes: the tax's inputs, the conversion, the
/// withdrawal that pays the spending and every tax, and the year's end.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn year_end<const ORDER: u8, const N: usize>(
    lanes: &mut Lanes,
    accounts: &mut TaxLanes,
    records: Records<'_>,
    rows: TaxRows<'_>,
    scratch: &TaxScratch,
    flows: &LaneFlows,
    market: &MarketYear,
    money: YearMoney,
    facts: YearFacts<'_>,
) {
    // Whether any lane of the batch has a bracket to fill this year: the lanes without one
    // solve for none (see `fill_to`).
    let tops = |f: &Facts| [f.conversion_top.is_some(), f.fill_top.is_some()];
    let states = &facts.year.states;
    if facts.one_state {
        let one = &states[flows.state[0] as usize];
        year_end_by::<ORDER, N>(
            |_| one,
            tops(one),
            lanes,
            accounts,
            records,
            rows,
            scratch,
            flows,
            market,
            money,
            facts,
        )
    } else {
        let of = |i: usize| &states[flows.state[i] as usize];
        let any = (0..BATCH).fold([false; 2], |[c, f], i| {
            let [ci, fi] = tops(of(i));
            [c | ci, f | fi]
        });
        year_end_by::<ORDER, N>(
            of, any, lanes, accounts, records, rows, scratch, flows, market, money, facts,
        )
    }
}

#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn year_end_by<'f, const ORDER: u8, const N: usize>(
    facts_of: impl Fn(usize) -> &'f Facts,
    [conversion_to_top, fill_top]: [bool; 2],
    lanes: &mut Lanes,
    accounts: &mut TaxLanes,
    mut records: Records<'_>,
    mut rows: TaxRows<'_>,
    scratch: &TaxScratch,
    flows: &LaneFlows,
    market: &MarketYear,
    money: YearMoney,
    YearFacts { year, state, .. }: YearFacts<'_>,
) {
    // Whether the withdrawal solve first tries its first guess for the value alone: while
    // the chunks' first guesses keep being their answers (see `solve`).
    let mut value_first = true;
    for at in chunk_starts::<N>() {
        let mut chunk = inputs::<N>(at, &facts_of, &lanes.price, accounts, flows, scratch);
        let l = &mut chunk.lane;
        if conversion_to_top {
            let x = fill_to(year, state, l, chunk.conversion_top);
            l.ordinary = l.ordinary + x;
            l.room[1] = l.room[1] - x;
            chunk.converted = chunk.converted + x;
        }
        if fill_top {
            l.first_traditional = fill_to(year, state, l, chunk.fill_top);
        }
        // Under the other orders a conversion's tax would come out of every account: it is
        // paid from the taxable account first, as far as it holds. The conversion's tax is
        // what it adds to the tax of the year's other income before any withdrawal for
        // spending; the gains that sale realizes, and any of that tax the taxable account
        // cannot pay, are paid with the spending, by the order. (Lanes without a
        // conversion add no tax, sell nothing and change nothing.)
        if ORDER != TAXABLE_FIRST && chunk.converted.0.iter().any(|&c| c > 0.0) {
            let added = conversion_tax(year, state, l, chunk.converted);
            let sold = added.clamp(Wide::splat(0.0), l.room[0]);
            l.sold = sold;
            l.room[0] = l.room[0] - sold;
            l.need = l.need - sold;
        }
        // The withdrawal that pays the spending and every tax.
        let hi = l.room[0] + l.room[1] + l.room[2];
        let w = l.need.clamp(Wide::splat(0.0), hi);
        let spending = Spending::<ORDER, N> {
            year,
            state,
            lane: l,
        };
        // The withdrawal and `f(w) = w − tax(w) − need` there: the tax is `w − need − f(w)`.
        let solved = solve(w, Wide::splat(0.0), hi, &spending, value_first);
        value_first = solved.at_first_guess;
        settle::<ORDER, N>(
            &chunk,
            (solved.x, solved.fx),
            lanes,
            accounts,
            &mut records,
            &mut rows,
            scratch,
            flows,
            market,
            money,
        );
    }
}
