//! Piecewise-linear arithmetic: a value with its slope along one direction, for one lane
//! (`f64`) or for a chunk of lanes at once ([`Wide`]).
//!
//! US federal income tax is piecewise linear in each income: sums, constant multiples,
//! minimums and maximums. Carrying the slope through those operations gives the marginal rate
//! of a withdrawal exactly, at no more than twice the cost of the tax itself, so the solver can
//! take Newton steps (`solve`). At a kink the slope is the one to the right (the rate on the
//! next dollar). Every operation is branch-free on the value, and a [`Wide`] operation is one
//! loop over its lanes, so the tax of a chunk compiles to vector instructions. Both kinds do
//! the same IEEE operations in the same order: a lane of a chunk gets the bits one lane alone
//! would (up to the sign of a zero result, which `f64::min` and `max` leave open).

use std::ops::{Add, Div, Mul, Sub};

use crate::engine::BATCH;

/// How many lanes a [`Wide`] holds by default: one AVX-512 vector, two AVX2 ones.
pub const W: usize = 8;

/// A number per lane: `f64` for one, [`Wide`] for a chunk of [`W`].
pub trait Lane:
    Copy + Add<Output = Self> + Sub<Output = Self> + Mul<Output = Self> + Div<Output = Self>
{
    /// The same value in every lane.
    fn splat(x: f64) -> Self;
    fn min(self, o: Self) -> Self;
    fn max(self, o: Self) -> Self;
    /// Per lane: `x` where `a < b`, `y` elsewhere.
    fn lt_select(a: Self, b: Self, x: Self, y: Self) -> Self;
}

impl Lane for f64 {
    #[inline(always)]
    fn splat(x: f64) -> Self {
        x
    }
    #[inline(always)]
    fn min(self, o: Self) -> Self {
        f64::min(self, o)
    }
    #[inline(always)]
    fn max(self, o: Self) -> Self {
        f64::max(self, o)
    }
    #[inline(always)]
    fn lt_select(a: Self, b: Self, x: Self, y: Self) -> Self {
        if a < b { x } else { y }
    }
}

/// `N` lanes side by side ([`W`] unless said).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Wide<const N: usize = W>(pub [f64; N]);

impl<const N: usize> Default for Wide<N> {
    fn default() -> Self {
        Wide([0.0; N])
    }
}

impl<const N: usize> Wide<N> {
    /// Lanes `at..at + N` of a batch's array.
    #[inline(always)]
    pub fn load(lanes: &[f64; BATCH], at: usize) -> Self {
        let mut out = [0.0; N];
        out.copy_from_slice(&lanes[at..at + N]);
        Wide(out)
    }

    /// Per lane: `x` where `test` is above 0, `otherwise` elsewhere (NaN fails the test).
    ///
    /// A select written as bit masks, with the same bits. LLVM turns a plain select of a
    /// quotient into a branch on the first lane and vectors of 4, 2 and 1 for the others
    /// (a select of an expensive operand becomes a branch), so the chunk took four
    /// divisions and a branch instead of one division.
    #[inline(always)]
    pub fn where_positive(test: Self, x: Self, otherwise: f64) -> Self {
        let mut out = [0.0; N];
        #[allow(clippy::needless_range_loop)]
        for k in 0..N {
            let keep = u64::from(test.0[k] > 0.0).wrapping_neg();
            out[k] = f64::from_bits((x.0[k].to_bits() & keep) | (otherwise.to_bits() & !keep));
        }
        Wide(out)
    }

    /// Per lane, `f64::clamp`'s bits (its two selects) without its check that `lo <= hi`
    /// (a branch per lane, which kept the loop from being vector code).
    #[inline(always)]
    pub fn clamp(self, lo: Self, hi: Self) -> Self {
        let above_lo = Self::lt_select(self, lo, lo, self);
        Self::lt_select(hi, above_lo, hi, above_lo)
    }

    /// Into lanes `at..at + N` of a batch's array.
    #[inline(always)]
    pub fn store(self, lanes: &mut [f64; BATCH], at: usize) {
        lanes[at..at + N].copy_from_slice(&self.0);
    }
}

/// The first lane of each chunk of `N` lanes of a batch: the loop of a pass written on
/// [`Wide`]s.
///
/// The starts are opaque to the optimizer (`black_box`), so that it vectorizes each chunk's
/// lanes and not the loop across the chunks. With AVX-512's gathers and scatters at hand,
/// LLVM's loop vectorizer took `accounts_in`'s loop for eight interleaved streams and
/// transposed it (lane `k` of eight chunks to a vector, every access a gather or a scatter),
/// which took several times as long. The bound check keeps the chunk's loads and stores free
/// of their own.
#[inline(always)]
pub fn chunk_starts<const N: usize>() -> impl Iterator<Item = usize> {
    (0..BATCH).step_by(N).map(|at| {
        let at = std::hint::black_box(at);
        assert!(at <= BATCH - N, "a chunk inside the batch");
        at
    })
}

// Each operation is a plain indexed loop over the lanes (no closure): the compiler
// vectorizes it.
macro_rules! each_lane {
    ($a:expr, $b:expr, |$x:ident, $y:ident| $body:expr) => {{
        let (a, b) = ($a, $b);
        let mut out = [0.0; N];
        #[allow(clippy::needless_range_loop)]
        for k in 0..N {
            let ($x, $y) = (a.0[k], b.0[k]);
            out[k] = $body;
        }
        Wide(out)
    }};
}

impl<const N: usize> Lane for Wide<N> {
    #[inline(always)]
    fn splat(x: f64) -> Self {
        Wide([x; N])
    }
    #[inline(always)]
    fn min(self, o: Self) -> Self {
        each_lane!(self, o, |a, b| a.min(b))
    }
    #[inline(always)]
    fn max(self, o: Self) -> Self {
        each_lane!(self, o, |a, b| a.max(b))
    }
    #[inline(always)]
    fn lt_select(a: Self, b: Self, x: Self, y: Self) -> Self {
        let mut out = [0.0; N];
        #[allow(clippy::needless_range_loop)]
        for k in 0..N {
            out[k] = if a.0[k] < b.0[k] { x.0[k] } else { y.0[k] };
        }
        Wide(out)
    }
}

macro_rules! wide_op {
    ($trait:ident, $method:ident, $op:tt) => {
        impl<const N: usize> $trait for Wide<N> {
            type Output = Wide<N>;
            #[inline(always)]
            fn $method(self, o: Wide<N>) -> Wide<N> {
                each_lane!(self, o, |a, b| a $op b)
            }
        }
    };
}
wide_op!(Add, add, +);
wide_op!(Sub, sub, -);
wide_op!(Mul, mul, *);
wide_op!(Div, div, /);

/// A value `v` and its derivative `d` along the direction being solved for.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Lin<T = f64> {
    pub v: T,
    pub d: T,
}

impl<T: Lane> Lin<T> {
    /// A constant: slope 0.
    #[inline(always)]
    pub fn c(v: T) -> Self {
        Self {
            v,
            d: T::splat(0.0),
        }
    }

    #[inline(always)]
    pub fn new(v: T, d: T) -> Self {
        Self { v, d }
    }

    /// The smaller of two; at a tie, the smaller slope (the one that stays smaller).
    #[inline(always)]
    pub fn min(self, o: Self) -> Self {
        let tie = self.d.min(o.d);
        Self {
            v: self.v.min(o.v),
            d: T::lt_select(self.v, o.v, self.d, T::lt_select(o.v, self.v, o.d, tie)),
        }
    }

    /// The larger of two; at a tie, the larger slope (the one that stays larger).
    #[inline(always)]
    pub fn max(self, o: Self) -> Self {
        let tie = self.d.max(o.d);
        Self {
            v: self.v.max(o.v),
            d: T::lt_select(o.v, self.v, self.d, T::lt_select(self.v, o.v, o.d, tie)),
        }
    }

    /// Times a per-lane factor.
    #[inline(always)]
    pub fn scale(self, k: T) -> Self {
        Self::new(self.v * k, self.d * k)
    }
}

impl<T: Lane> Add for Lin<T> {
    type Output = Self;
    #[inline(always)]
    fn add(self, o: Self) -> Self {
        Lin::new(self.v + o.v, self.d + o.d)
    }
}

impl<T: Lane> Sub for Lin<T> {
    type Output = Self;
    #[inline(always)]
    fn sub(self, o: Self) -> Self {
        Lin::new(self.v - o.v, self.d - o.d)
    }
}

impl<T: Lane> Add<T> for Lin<T> {
    type Output = Self;
    #[inline(always)]
    fn add(self, o: T) -> Self {
        Lin::new(self.v + o, self.d)
    }
}

impl<T: Lane> Sub<T> for Lin<T> {
    type Output = Self;
    #[inline(always)]
    fn sub(self, o: T) -> Self {
        Lin::new(self.v - o, self.d)
    }
}

/// Times a constant (a rate, a share).
impl<T: Lane> Mul<f64> for Lin<T> {
    type Output = Self;
    #[inline(always)]
    fn mul(self, k: f64) -> Self {
        self.scale(T::splat(k))
    }
}

#[cfg(test)]
mod tests {
    use super::super::amount::Amount;
    use super::*;

    #[test]
    fn slopes_follow_the_piece_on_the_right_of_a_kink() {
        let x = Lin::new(10.0, 1.0);
        assert_eq!((x - 10.0).max0(), Lin::new(0.0, 1.0));
        assert_eq!((x - 11.0).max0(), Lin::new(0.0, 0.0));
        assert_eq!(x.min(Lin::c(10.0)), Lin::new(10.0, 0.0));
        assert_eq!((x * 0.5 + x).clamp0(20.0), Lin::new(15.0, 1.5));
    }

    #[test]
    fn where_positive_gives_the_bits_of_the_select_it_replaces() {
        let tests = [
            1.0,
            0.0,
            -0.0,
            -1.0,
            f64::NAN,
            f64::INFINITY,
            f64::MIN_POSITIVE,
            -f64::INFINITY,
        ];
        let values = [-0.0, 2.5, f64::NAN, 0.0, 7.0, -3.0, 1e-310, f64::INFINITY];
        for otherwise in [0.0, -0.0, f64::NAN] {
            let got = Wide::where_positive(Wide(tests), Wide(values), otherwise);
            for k in 0..W {
                let want = if tests[k] > 0.0 { values[k] } else { otherwise };
                assert_eq!(got.0[k].to_bits(), want.to_bits(), "lane {k}, {otherwise}");
            }
        }
    }

    #[test]
    fn clamp_gives_the_bits_of_f64_clamp() {
        let values = [-5.0, 0.0, -0.0, 3.0, 12.0, f64::NAN, 10.0, 1e-300];
        let lo = Wide([0.0; W]);
        let hi = Wide([10.0, 10.0, 10.0, 10.0, 10.0, 10.0, 0.0, 0.0]);
        let got = Wide(values).clamp(lo, hi);
        for (k, value) in values.into_iter().enumerate() {
            let want = value.clamp(lo.0[k], hi.0[k]);
            assert_eq!(got.0[k].to_bits(), want.to_bits(), "lane {k}");
        }
    }

    #[test]
    fn a_chunk_gives_each_lane_the_bits_of_one_lane() {
        let values = [-3.0, 0.0, 0.0, 2.5, 4.0, 7.0, 1e9, 0.5];
        let slopes = [1.0, 0.5, 2.0, 0.0, 1.0, -1.0, 0.25, 3.0];
        let wide = Lin::new(Wide(values), Wide(slopes));
        let other = Lin::new(Wide([0.0; W]), Wide([1.0; W]));
        let chunk = (wide.min(other) + wide.max0() - other.max(wide)).clamp0(Wide([4.0; W]));
        for k in 0..W {
            let one = Lin::new(values[k], slopes[k]);
            let other = Lin::new(0.0, 1.0);
            let lane = (one.min(other) + one.max0() - other.max(one)).clamp0(4.0);
            assert_eq!(chunk.v.0[k].to_bits(), lane.v.to_bits(), "lane {k}");
            assert_eq!(chunk.d.0[k].to_bits(), lane.d.to_bits(), "lane {k}");
        }
    }
}
