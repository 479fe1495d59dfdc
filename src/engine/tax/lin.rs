//! Piecewise-linear arithmetic: a value with its slope along one direction.
//!
//! US federal income tax is piecewise linear in each income: sums, constant multiples,
//! minimums and maximums. Carrying the slope through those operations gives the marginal rate
//! of a withdrawal exactly, at no more than twice the cost of the tax itself, so the solver can
//! take Newton steps (`solve`). At a kink the slope is the one to the right (the rate on the
//! next dollar). Every operation is branch-free on the value, so a loop over lanes vectorizes.

use std::ops::{Add, Mul, Sub};

/// A value `v` and its derivative `d` along the direction being solved for.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Lin {
    pub v: f64,
    pub d: f64,
}

impl Lin {
    /// A constant: slope 0.
    #[inline(always)]
    pub const fn c(v: f64) -> Self {
        Self { v, d: 0.0 }
    }

    #[inline(always)]
    pub const fn new(v: f64, d: f64) -> Self {
        Self { v, d }
    }

    /// The smaller of two; at a tie, the smaller slope (the one that stays smaller).
    #[inline(always)]
    pub fn min(self, o: Self) -> Self {
        let d = if self.v < o.v {
            self.d
        } else if o.v < self.v {
            o.d
        } else {
            self.d.min(o.d)
        };
        Self {
            v: self.v.min(o.v),
            d,
        }
    }

    /// The larger of two; at a tie, the larger slope (the one that stays larger).
    #[inline(always)]
    pub fn max(self, o: Self) -> Self {
        let d = if self.v > o.v {
            self.d
        } else if o.v > self.v {
            o.d
        } else {
            self.d.max(o.d)
        };
        Self {
            v: self.v.max(o.v),
            d,
        }
    }

    #[inline(always)]
    pub fn max0(self) -> Self {
        self.max(Self::c(0.0))
    }

    /// `self` held within `0..=width`.
    #[inline(always)]
    pub fn clamp0(self, width: f64) -> Self {
        self.max0().min(Self::c(width))
    }
}

impl Add for Lin {
    type Output = Lin;
    #[inline(always)]
    fn add(self, o: Lin) -> Lin {
        Lin::new(self.v + o.v, self.d + o.d)
    }
}

impl Sub for Lin {
    type Output = Lin;
    #[inline(always)]
    fn sub(self, o: Lin) -> Lin {
        Lin::new(self.v - o.v, self.d - o.d)
    }
}

impl Add<f64> for Lin {
    type Output = Lin;
    #[inline(always)]
    fn add(self, o: f64) -> Lin {
        Lin::new(self.v + o, self.d)
    }
}

impl Sub<f64> for Lin {
    type Output = Lin;
    #[inline(always)]
    fn sub(self, o: f64) -> Lin {
        Lin::new(self.v - o, self.d)
    }
}

impl Mul<f64> for Lin {
    type Output = Lin;
    #[inline(always)]
    fn mul(self, k: f64) -> Lin {
        Lin::new(self.v * k, self.d * k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slopes_follow_the_piece_on_the_right_of_a_kink() {
        let x = Lin::new(10.0, 1.0);
        assert_eq!((x - 10.0).max0(), Lin::new(0.0, 1.0));
        assert_eq!((x - 11.0).max0(), Lin::new(0.0, 0.0));
        assert_eq!(x.min(Lin::c(10.0)), Lin::new(10.0, 0.0));
        assert_eq!((x * 0.5 + x).clamp0(20.0), Lin::new(15.0, 1.5));
    }
}
