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
//!    and the solver (`solve`) finds it to the cent. A year whose accounts cannot pay it
//!    withdraws everything and is unfunded: the path fails, as in the one-pot kernel.
//! 5. Cash left over (a distribution or income larger than the spending and its tax) is
//!    reinvested in the taxable account, adding to its basis.
//! 6. Each account grows by the portfolio's return (the allocation applies within each
//!    account) less fees; the basis does not grow.

use super::amount::{Amount, Val};
use super::federal::{Incomes, Owed, owed};
use super::law::Law;
use super::lin::{Lane, Lin, W, Wide};
use super::schedule::{TaxSchedule, TaxYear};
use crate::engine::BATCH;
use crate::engine::per_lane::PerLane;
use crate::engine::plan::WithdrawalOrder;

/// Dollars: a solve stops within half a cent of its target.
const TOLERANCE: f64 = 0.005;
/// Newton steps before the solver only bisects: a piecewise-linear function can make
/// Newton cycle between two pieces, never bisection.
const NEWTON_STEPS: usize = 8;
const MAX_STEPS: usize = 64;

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

/// One lane's year as the solver needs it (nominal dollars), or a chunk's ([`Wide`]).
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

/// A batch's [`LaneTax`]es as arrays, so that a loop over the lanes reads each field
/// contiguously (and vectorizes).
#[derive(Default)]
pub struct LaneTaxes {
    price: PerLane,
    joint: PerLane,
    seniors: PerLane,
    social_security: PerLane,
    ordinary: PerLane,
    need: PerLane,
    room: [PerLane; 3],
    gain_share: PerLane,
    first_traditional: PerLane,
    sold: PerLane,
}

impl LaneTaxes {
    #[inline(always)]
    pub fn get(&self, i: usize) -> LaneTax {
        LaneTax {
            price: self.price[i],
            joint: self.joint[i],
            seniors: self.seniors[i],
            social_security: self.social_security[i],
            ordinary: self.ordinary[i],
            need: self.need[i],
            room: [self.room[0][i], self.room[1][i], self.room[2][i]],
            gain_share: self.gain_share[i],
            first_traditional: self.first_traditional[i],
            sold: self.sold[i],
        }
    }

    /// Lanes `at..at + N`.
    #[inline(always)]
    pub fn chunk<const N: usize>(&self, at: usize) -> LaneTax<Wide<N>> {
        LaneTax {
            price: Wide::load(&self.price, at),
            joint: Wide::load(&self.joint, at),
            seniors: Wide::load(&self.seniors, at),
            social_security: Wide::load(&self.social_security, at),
            ordinary: Wide::load(&self.ordinary, at),
            need: Wide::load(&self.need, at),
            room: [
                Wide::load(&self.room[0], at),
                Wide::load(&self.room[1], at),
                Wide::load(&self.room[2], at),
            ],
            gain_share: Wide::load(&self.gain_share, at),
            first_traditional: Wide::load(&self.first_traditional, at),
            sold: Wide::load(&self.sold, at),
        }
    }

    /// Lanes `at..at + W`.
    #[inline(always)]
    pub fn set_chunk(&mut self, at: usize, l: LaneTax<Wide>) {
        l.price.store(&mut self.price, at);
        l.joint.store(&mut self.joint, at);
        l.seniors.store(&mut self.seniors, at);
        l.social_security.store(&mut self.social_security, at);
        l.ordinary.store(&mut self.ordinary, at);
        l.need.store(&mut self.need, at);
        for (room, r) in self.room.iter_mut().zip(l.room) {
            r.store(room, at);
        }
        l.gain_share.store(&mut self.gain_share, at);
        l.first_traditional.store(&mut self.first_traditional, at);
        l.sold.store(&mut self.sold, at);
    }

    #[inline(always)]
    pub fn set(&mut self, i: usize, l: LaneTax) {
        self.price[i] = l.price;
        self.joint[i] = l.joint;
        self.seniors[i] = l.seniors;
        self.social_security[i] = l.social_security;
        self.ordinary[i] = l.ordinary;
        self.need[i] = l.need;
        for k in 0..3 {
            self.room[k][i] = l.room[k];
        }
        self.gain_share[i] = l.gain_share;
        self.first_traditional[i] = l.first_traditional;
        self.sold[i] = l.sold;
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

/// A function of one unknown per lane, evaluated a chunk of lanes at a time. A trait and not
/// a closure so that it is always inlined into the kernel, which is compiled per SIMD level
/// (a closure the compiler leaves out of line runs at the baseline level).
pub trait Objective {
    /// The value at `x` of lanes `at..at + N`, with its slope when `X` carries one.
    fn at<const N: usize, X: Amount<Lane = Wide<N>>>(&self, at: usize, x: Wide<N>) -> X;
}

/// Solves `f(x) = 0` for each lane, `f` nondecreasing on `lo..=hi`: the root, or the end
/// where `f` is closest to it when there is none inside. `x` holds a first guess and
/// receives the answer; `at` receives `f` there (so the caller need not evaluate it again).
///
/// Each step evaluates `f` (with its slope) and shrinks the bracket `[a, b]` around the root.
/// The first step evaluates the value alone (no slopes to carry) and keeps it when every
/// lane of the chunk has converged there, as most do (the first guess is often the answer);
/// else it evaluates again with the slope. The answer is the same either way.
/// The next point is Newton's when it falls strictly inside the bracket; otherwise the
/// secant through the bracket's ends once both are known (exact within one linear piece);
/// otherwise the midpoint. After `NEWTON_STEPS` only midpoints are taken, which cannot cycle.
/// A chunk of `N` lanes whose lanes have all converged is not evaluated again; a lane's steps
/// depend on that lane alone, so `N` changes the time and not the answer. A narrower chunk
/// waits on fewer lanes that need more steps than the others.
#[inline(always)]
pub fn solve<const N: usize>(
    x: &mut [f64; BATCH],
    at: &mut [f64; BATCH],
    lo: &[f64; BATCH],
    hi: &[f64; BATCH],
    f: &impl Objective,
) {
    let mut a = PerLane::copy_of(lo);
    let mut b = PerLane::copy_of(hi);
    let mut fa = PerLane::splat(f64::NAN);
    let mut fb = PerLane::splat(f64::NAN);
    let mut done = PerLane::splat(false);
    // One flag per chunk (a batch holds at most `BATCH` of them).
    let mut chunk_done = [false; BATCH];
    for step in 0..MAX_STEPS {
        let mut all = true;
        for (c, chunk_done) in chunk_done[..BATCH / N].iter_mut().enumerate() {
            if *chunk_done {
                continue;
            }
            let start = c * N;
            if step == 0 {
                let y = f
                    .at::<N, Val<Wide<N>>>(start, Wide::<N>::load(x, start))
                    .value();
                let lanes = start..start + N;
                let xs: &[f64; N] = x[lanes.clone()].try_into().expect("a chunk");
                let (a, b): (&[f64; N], &[f64; N]) = (
                    a[lanes.clone()].try_into().expect("a chunk"),
                    b[lanes.clone()].try_into().expect("a chunk"),
                );
                // Whether the step below would find every lane `ok`, from the value alone.
                let mut converged = true;
                for k in 0..N {
                    let below = y.0[k] < 0.0;
                    let a = if below { xs[k] } else { a[k] };
                    let b = if below { b[k] } else { xs[k] };
                    converged &= (y.0[k].abs() <= TOLERANCE) | (b - a <= 1e-9 * b.max(1.0));
                }
                if converged {
                    at[lanes.clone()].copy_from_slice(&y.0);
                    done[lanes].fill(true);
                    *chunk_done = true;
                    continue;
                }
            }
            let y: Lin<Wide<N>> = f.at(start, Wide::<N>::load(x, start));
            // The chunk's lanes as fixed-size arrays: no bounds checks, so the update below
            // compiles to vector selects.
            let lanes = start..start + N;
            let x: &mut [f64; N] = (&mut x[lanes.clone()]).try_into().expect("a chunk");
            let at: &mut [f64; N] = (&mut at[lanes.clone()]).try_into().expect("a chunk");
            let a: &mut [f64; N] = (&mut a[lanes.clone()]).try_into().expect("a chunk");
            let b: &mut [f64; N] = (&mut b[lanes.clone()]).try_into().expect("a chunk");
            let fa: &mut [f64; N] = (&mut fa[lanes.clone()]).try_into().expect("a chunk");
            let fb: &mut [f64; N] = (&mut fb[lanes.clone()]).try_into().expect("a chunk");
            let done: &mut [bool; N] = (&mut done[lanes]).try_into().expect("a chunk");
            let mut chunk = true;
            for k in 0..N {
                let y = Lin::new(y.v.0[k], y.d.0[k]);
                let below = y.v < 0.0;
                a[k] = if below { x[k] } else { a[k] };
                fa[k] = if below { y.v } else { fa[k] };
                b[k] = if below { b[k] } else { x[k] };
                fb[k] = if below { fb[k] } else { y.v };
                let ok = done[k] | (y.v.abs() <= TOLERANCE) | (b[k] - a[k] <= 1e-9 * b[k].max(1.0));
                let newton = x[k] - y.v / y.d;
                let inside = (y.d > 0.0) & (newton > a[k]) & (newton < b[k]);
                let secant = a[k] - fa[k] * (b[k] - a[k]) / (fb[k] - fa[k]);
                let secant_inside = (secant > a[k]) & (secant < b[k]);
                let mid = 0.5 * (a[k] + b[k]);
                // The first of these that holds names the next point: after the Newton steps,
                // the midpoint; Newton's point inside the bracket; the secant's (NaN, an end not
                // yet evaluated, fails the comparison); when Newton points past an end not yet
                // evaluated, or is flat, that end; else the midpoint. Written as selects from
                // the last to the first, so that the loop is vector code (a `match` of guards
                // compiled to branches, lane by lane).
                let mut next = mid;
                next = if !below & fa[k].is_nan() { a[k] } else { next };
                next = if below & fb[k].is_nan() { b[k] } else { next };
                next = if secant_inside { secant } else { next };
                next = if inside { newton } else { next };
                next = if step >= NEWTON_STEPS { mid } else { next };
                at[k] = if done[k] { at[k] } else { y.v };
                x[k] = if ok { x[k] } else { next };
                done[k] = ok;
                chunk &= ok;
            }
            *chunk_done = chunk;
            all &= chunk;
        }
        if all {
            return;
        }
    }
}
