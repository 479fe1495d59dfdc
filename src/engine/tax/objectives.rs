//! The functions a taxed year solves for, one chunk of lanes at a time (see `solve`): the
//! withdrawal that pays the spending and its tax, and the traditional dollars that fill a
//! bracket; and what a conversion adds to the year's tax.

use super::amount::{Amount, Val};
use super::federal::{Incomes, StateTax, owed};
use super::kernel::{LaneTax, tax_at};
use super::lin::{Lane, Wide};
use super::schedule::TaxYear;
use super::solve::{Objective, solve};

/// `w − tax(w) − need`: zero at the withdrawal `w` that pays the spending and its tax.
pub(super) struct Spending<'a, const ORDER: u8, const N: usize> {
    pub(super) year: &'a TaxYear,
    pub(super) state: StateTax,
    pub(super) lane: &'a LaneTax<Wide<N>>,
}

impl<const ORDER: u8, const N: usize> Objective<N> for Spending<'_, ORDER, N> {
    #[inline(always)]
    fn at<X: Amount<Lane = Wide<N>>>(&self, w: Wide<N>) -> X {
        let l = self.lane;
        let w = X::unknown(w);
        w - tax_at::<Wide<N>, X, ORDER>(self.year, self.state, l, w).total() - l.need
    }
}

/// Taxable income with `x` more ordinary income, less the lanes' `top` (in their dollars):
/// zero at the traditional dollars that fill the bracket.
struct FillTo<'a, const N: usize> {
    year: &'a TaxYear,
    state: StateTax,
    lane: &'a LaneTax<Wide<N>>,
    top: Wide<N>,
}

impl<const N: usize> Objective<N> for FillTo<'_, N> {
    #[inline(always)]
    fn at<X: Amount<Lane = Wide<N>>>(&self, x: Wide<N>) -> X {
        let l = self.lane;
        let incomes = Incomes {
            ordinary: X::unknown(l.ordinary + x),
            social_security: X::c(l.social_security),
            gains: X::c(Wide::splat(0.0)),
        };
        owed(&l.law(self.year), l.seniors, self.state, incomes).taxable_income - self.top * l.price
    }
}

/// Traditional dollars that bring each lane's taxable ordinary income to its `top`
/// (base-year dollars), at most what the traditional account has left; none on a lane
/// without a top (NaN).
#[inline(always)]
pub(super) fn fill_to<const N: usize>(
    year: &TaxYear,
    state: StateTax,
    lane: &LaneTax<Wide<N>>,
    top: Wide<N>,
) -> Wide<N> {
    let mut hi = [0.0; N];
    let mut tops = [0.0; N];
    for k in 0..N {
        let none = top.0[k].is_nan();
        hi[k] = if none { 0.0 } else { lane.room[1].0[k] };
        tops[k] = if none { 0.0 } else { top.0[k] };
    }
    let objective = FillTo {
        year,
        state,
        lane,
        top: Wide(tops),
    };
    let zero = Wide::splat(0.0);
    solve(zero, zero, Wide(hi), &objective, true).x
}

/// The tax of lanes `l` with `ordinary` income, their benefits and nothing else.
#[inline(always)]
fn tax_on<const N: usize>(
    year: &TaxYear,
    state: StateTax,
    l: &LaneTax<Wide<N>>,
    ordinary: Wide<N>,
) -> Wide<N> {
    let incomes = Incomes {
        ordinary: Val(ordinary),
        social_security: Val(l.social_security),
        gains: Val(Wide::splat(0.0)),
    };
    owed(&l.law(year), l.seniors, state, incomes).total().0
}

/// What each lane's conversion adds to the tax of its other income, before any withdrawal.
#[inline(always)]
pub(super) fn conversion_tax<const N: usize>(
    year: &TaxYear,
    state: StateTax,
    l: &LaneTax<Wide<N>>,
    converted: Wide<N>,
) -> Wide<N> {
    let without = l.ordinary - converted;
    tax_on(year, state, l, l.ordinary) - tax_on(year, state, l, without)
}
