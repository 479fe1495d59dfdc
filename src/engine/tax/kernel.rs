//! The year step of a plan with accounts: the same year as the one-pot kernel's (`batch`),
//! with three accounts per lane and the year's taxes solved for.
//!
//! For each lane, in order:
//! 1. Contributions go into their accounts; the required distribution is the prior
//!    year-end traditional balance times the year's share.
//! 2. The strategy sees the accounts' total plus the year's inflows, as in the one-pot
//!    kernel, and names the real spending, which is after tax.
//! 3. A conversion this year: a fixed real amount, or the amount that brings taxable
//!    ordinary income to the top of its bracket (solved), at most what is left in the
//!    traditional account after the distribution.
//! 4. The withdrawal `w` that pays the spending and every tax: `w − tax(w) = need`, where
//!    `need` is the spending less the year's cash (incomes, events, the distribution).
//!    `w` is split over the accounts by the order, so the tax is piecewise linear in `w`,
//!    and the solver (`tax::solve`) finds it to the cent. A year whose accounts cannot pay it
//!    withdraws everything and is unfunded: the path fails, as in the one-pot kernel.
//! 5. Cash left over (a distribution or income larger than the spending and its tax) is
//!    reinvested in the taxable account, adding to its basis.
//! 6. Each account grows by the portfolio's return (the allocation applies within each
//!    account) less fees; the basis does not grow.

use super::amount::Amount;
use super::federal::{Incomes, Owed, owed};
use super::law::Law;
use super::lin::{Lane, W};
use super::schedule::{TaxSchedule, TaxYear};
use crate::engine::BATCH;
use crate::engine::per_lane::PerLane;
use crate::engine::plan::WithdrawalOrder;

/// A batch's accounts and what the year's taxes leave in them.
pub struct TaxLanes {
    pub taxable: PerLane,
    pub basis: PerLane,
    pub traditional: PerLane,
    pub roth: PerLane,
    /// Federal and state tax paid so far, in today's dollars.
    pub lifetime_tax: PerLane,
}

impl TaxLanes {
    pub fn new(schedule: &TaxSchedule) -> Self {
        let [taxable, basis, traditional, roth] = schedule.start;
        Self {
            taxable: PerLane::splat(taxable),
            basis: PerLane::splat(basis),
            traditional: PerLane::splat(traditional),
            roth: PerLane::splat(roth),
            lifetime_tax: PerLane::splat(0.0),
        }
    }

    pub fn total(&self, i: usize) -> f64 {
        self.taxable[i] + self.traditional[i] + self.roth[i]
    }
}

/// One lane's year as the solver needs it (nominal dollars), or a chunk's
/// ([`Wide`](super::lin::Wide)).
#[derive(Debug, Clone, Copy, Default)]
pub struct LaneTax<T = f64> {
    /// The price index: indexed amounts are the base year's times it.
    pub price: T,
    /// 1 for married filing jointly, 0 for single.
    pub joint: T,
    /// People 65 or older.
    pub seniors: T,
    pub social_security: T,
    /// Ordinary income before any withdrawal for spending: taxable incomes, the required
    /// distribution and the conversion.
    pub ordinary: T,
    /// The spending less the year's cash: what withdrawals must pay, with their tax.
    pub need: T,
    /// What each account can give: taxable, traditional (after the distribution and the
    /// conversion), Roth.
    pub room: [T; 3],
    /// Gain realized per dollar from the taxable account.
    pub gain_share: T,
    /// The fill-the-bracket order: traditional withdrawals taken before the taxable account.
    pub first_traditional: T,
    /// Taxable-account dollars already sold this year to pay a conversion's tax (orders
    /// other than taxable first): they realize gains and are out of `room`.
    pub sold: T,
}

impl<T: Lane> LaneTax<T> {
    /// The year's law for the lane's filing status, in its dollars.
    #[inline(always)]
    pub fn law(&self, year: &TaxYear) -> Law<T> {
        Law::by_filing(&year.laws, self.joint, self.price)
    }
}

const _: () = assert!(BATCH.is_multiple_of(W), "a batch is whole chunks");

/// The orders as numbers, so a year step is compiled once per order and its loops have no
/// branch on it.
pub const TAXABLE_FIRST: u8 = 0;
pub const PROPORTIONAL: u8 = 1;
pub const FILL_BRACKET: u8 = 2;

pub fn order_code(order: WithdrawalOrder) -> u8 {
    match order {
        WithdrawalOrder::TaxableFirst => TAXABLE_FIRST,
        WithdrawalOrder::Proportional => PROPORTIONAL,
        WithdrawalOrder::FillBracket => FILL_BRACKET,
    }
}

/// The withdrawal `w` split by the order (`ORDER`, one of the codes above): (taxable,
/// traditional, Roth).
#[inline(always)]
pub fn split<T: Lane, X: Amount<Lane = T>, const ORDER: u8>(w: X, lane: &LaneTax<T>) -> (X, X, X) {
    let [bt, bd, br] = lane.room;
    match ORDER {
        TAXABLE_FIRST => (
            w.clamp0(bt),
            (w - bt).clamp0(bd),
            (w - (bt + bd)).clamp0(br),
        ),
        PROPORTIONAL => {
            let total = bt + bd + br;
            let zero = T::splat(0.0);
            let share = |b: T| T::lt_select(zero, total, b / total, zero);
            let w = w.clamp0(total);
            (w.scale(share(bt)), w.scale(share(bd)), w.scale(share(br)))
        }
        _ => {
            let d1 = lane.first_traditional;
            let early = w.clamp0(d1);
            let taxable = (w - d1).clamp0(bt);
            let roth = (w - (d1 + bt)).clamp0(br);
            let late = (w - (d1 + bt + br)).clamp0(bd - d1);
            (taxable, early + late, roth)
        }
    }
}

/// The year's tax with a withdrawal of `w` (carrying its slope along `w` when it has one).
#[inline(always)]
pub fn tax_at<T: Lane, X: Amount<Lane = T>, const ORDER: u8>(
    year: &TaxYear,
    state: super::StateTax,
    lane: &LaneTax<T>,
    w: X,
) -> Owed<X> {
    let (from_taxable, from_traditional, _) = split::<T, X, ORDER>(w, lane);
    // Taxable first sells nothing apart from its order (and compiles without the sum).
    let sold = if ORDER == TAXABLE_FIRST {
        from_taxable
    } else {
        from_taxable + lane.sold
    };
    let incomes = Incomes {
        ordinary: from_traditional + lane.ordinary,
        social_security: X::c(lane.social_security),
        gains: sold.scale(lane.gain_share),
    };
    owed(&lane.law(year), lane.seniors, state, incomes)
}
