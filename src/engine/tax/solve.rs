//! The solver of a taxed year's unknowns (the withdrawal that pays the spending and its tax,
//! the amounts that fill a bracket): a safeguarded Newton's method on piecewise-linear
//! functions, one chunk of lanes at a time, every lane to within half a cent.

use super::amount::{Amount, Val};
use super::lin::{Lin, Wide};

/// Dollars: a solve stops within half a cent of its target.
const TOLERANCE: f64 = 0.005;
/// Newton steps before the solver only bisects: a piecewise-linear function can make
/// Newton cycle between two pieces, never bisection.
const NEWTON_STEPS: usize = 8;
const MAX_STEPS: usize = 64;

/// A lane has converged: `f` is within the tolerance of 0, or the bracket `[a, b]` is down to
/// rounding. Non-short-circuit, so that a loop over lanes stays vector code.
#[inline(always)]
fn settled(fx: f64, a: f64, b: f64) -> bool {
    (fx.abs() <= TOLERANCE) | (b - a <= 1e-9 * b.max(1.0))
}

/// A function of one unknown per lane of a chunk of `N` lanes, whose other inputs it holds.
/// A trait and not a closure so that it is always inlined into the kernel, which is compiled
/// per SIMD level (a closure the compiler leaves out of line runs at the baseline level).
pub trait Objective<const N: usize> {
    /// The value at `x`, with its slope when `X` carries one.
    fn at<X: Amount<Lane = Wide<N>>>(&self, x: Wide<N>) -> X;
}

/// What [`solve`] found for a chunk.
pub struct Solution<const N: usize> {
    pub x: Wide<N>,
    /// `f(x)`, so that the caller need not evaluate it again.
    pub fx: Wide<N>,
    /// Every lane had converged at the first guess.
    pub at_first_guess: bool,
}

/// Solves `f(x) = 0` for each lane of a chunk, `f` nondecreasing on `lo..=hi`: the root, or
/// the end where `f` is closest to it when there is none inside. `x` is a first guess.
///
/// Each step evaluates `f` (with its slope) and shrinks the bracket `[a, b]` around the root.
/// With `value_first`, the first guess is evaluated for the value alone (no slopes to carry)
/// and kept when every lane of the chunk has converged there; else it is evaluated again
/// with the slope. The answer is the same either way, so a caller asks for it when the first
/// guess is likely the answer (the last chunk's was) and saves that evaluation when not.
/// The next point is Newton's when it falls strictly inside the bracket; otherwise the
/// secant through the bracket's ends once both are known (exact within one linear piece);
/// otherwise the midpoint. After `NEWTON_STEPS` only midpoints are taken, which cannot cycle.
/// The chunk is evaluated until all its lanes have converged; a lane's steps depend on that
/// lane alone, so `N` changes the time and not the answer. A narrower chunk waits on fewer
/// lanes that need more steps than the others.
#[inline(always)]
pub fn solve<const N: usize>(
    x: Wide<N>,
    lo: Wide<N>,
    hi: Wide<N>,
    f: &impl Objective<N>,
    value_first: bool,
) -> Solution<N> {
    let (mut x, mut a, mut b) = (x.0, lo.0, hi.0);
    let mut at = [f64::NAN; N];
    let mut fa = [f64::NAN; N];
    let mut fb = [f64::NAN; N];
    let mut done = [false; N];
    // Whether the step below would find every lane `ok` at `x`, from the value alone.
    if value_first {
        let y = f.at::<Val<Wide<N>>>(Wide(x)).value();
        let mut converged = true;
        for k in 0..N {
            let below = y.0[k] < 0.0;
            let a = if below { x[k] } else { a[k] };
            let b = if below { b[k] } else { x[k] };
            converged &= settled(y.0[k], a, b);
        }
        if converged {
            return Solution {
                x: Wide(x),
                fx: y,
                at_first_guess: true,
            };
        }
    }
    let mut at_first_guess = false;
    for step in 0..MAX_STEPS {
        let y: Lin<Wide<N>> = f.at(Wide(x));
        let mut chunk = true;
        for k in 0..N {
            let y = Lin::new(y.v.0[k], y.d.0[k]);
            let below = y.v < 0.0;
            a[k] = if below { x[k] } else { a[k] };
            fa[k] = if below { y.v } else { fa[k] };
            b[k] = if below { b[k] } else { x[k] };
            fb[k] = if below { fb[k] } else { y.v };
            let ok = done[k] | settled(y.v, a[k], b[k]);
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
        if chunk {
            at_first_guess = step == 0;
            break;
        }
    }
    Solution {
        x: Wide(x),
        fx: Wide(at),
        at_first_guess,
    }
}
