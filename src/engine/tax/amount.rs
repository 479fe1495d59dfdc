//! The amounts the tax is computed on: a value with its slope ([`Lin`]), or the value alone
//! ([`Val`]), for one lane or a chunk ([`Lane`]).

use std::ops::{Add, Mul, Sub};

use super::lin::{Lane, Lin};

/// An amount the tax is computed on: a value with its slope ([`Lin`]), or the value alone
/// ([`Val`]) where nothing needs the slope. A value never depends on a slope, and both do the
/// same operations on it in the same order, so a value computed alone has the bits of the
/// one computed with its slope, without the work of the slopes.
pub trait Amount:
    Copy
    + Add<Output = Self>
    + Sub<Output = Self>
    + Add<Self::Lane, Output = Self>
    + Sub<Self::Lane, Output = Self>
    + Mul<f64, Output = Self>
{
    type Lane: Lane;
    /// A constant.
    fn c(v: Self::Lane) -> Self;
    /// The unknown being solved for, at `v` (slope 1).
    fn unknown(v: Self::Lane) -> Self;
    fn value(self) -> Self::Lane;
    fn min(self, o: Self) -> Self;
    fn max(self, o: Self) -> Self;
    /// Times a per-lane factor.
    fn scale(self, k: Self::Lane) -> Self;
    /// An amount derived from this one: value `v`, and slope `slope` of this one's.
    fn derive(self, v: Self::Lane, slope: impl FnOnce(Self::Lane) -> Self::Lane) -> Self;
    #[inline(always)]
    fn max0(self) -> Self {
        self.max(Self::c(Self::Lane::splat(0.0)))
    }
    /// `self` held within `0..=width`.
    #[inline(always)]
    fn clamp0(self, width: Self::Lane) -> Self {
        self.max0().min(Self::c(width))
    }
}

impl<T: Lane> Amount for Lin<T> {
    type Lane = T;
    #[inline(always)]
    fn c(v: T) -> Self {
        Lin::c(v)
    }
    #[inline(always)]
    fn unknown(v: T) -> Self {
        Lin::new(v, T::splat(1.0))
    }
    #[inline(always)]
    fn value(self) -> T {
        self.v
    }
    #[inline(always)]
    fn min(self, o: Self) -> Self {
        Lin::min(self, o)
    }
    #[inline(always)]
    fn max(self, o: Self) -> Self {
        Lin::max(self, o)
    }
    #[inline(always)]
    fn scale(self, k: T) -> Self {
        Lin::scale(self, k)
    }
    #[inline(always)]
    fn derive(self, v: T, slope: impl FnOnce(T) -> T) -> Self {
        Lin::new(v, slope(self.d))
    }
}

/// A value alone: [`Lin`]'s value arithmetic without the slope.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Val<T = f64>(pub T);

impl<T: Lane> Amount for Val<T> {
    type Lane = T;
    #[inline(always)]
    fn c(v: T) -> Self {
        Val(v)
    }
    #[inline(always)]
    fn unknown(v: T) -> Self {
        Val(v)
    }
    #[inline(always)]
    fn value(self) -> T {
        self.0
    }
    #[inline(always)]
    fn min(self, o: Self) -> Self {
        Val(self.0.min(o.0))
    }
    #[inline(always)]
    fn max(self, o: Self) -> Self {
        Val(self.0.max(o.0))
    }
    #[inline(always)]
    fn scale(self, k: T) -> Self {
        Val(self.0 * k)
    }
    #[inline(always)]
    fn derive(self, v: T, _: impl FnOnce(T) -> T) -> Self {
        Val(v)
    }
}

macro_rules! val_op {
    ($trait:ident, $method:ident, $op:tt) => {
        impl<T: Lane> $trait for Val<T> {
            type Output = Self;
            #[inline(always)]
            fn $method(self, o: Self) -> Self {
                Val(self.0 $op o.0)
            }
        }
        impl<T: Lane> $trait<T> for Val<T> {
            type Output = Self;
            #[inline(always)]
            fn $method(self, o: T) -> Self {
                Val(self.0 $op o)
            }
        }
    };
}
val_op!(Add, add, +);
val_op!(Sub, sub, -);

impl<T: Lane> Mul<f64> for Val<T> {
    type Output = Self;
    #[inline(always)]
    fn mul(self, k: f64) -> Self {
        Val(self.0 * T::splat(k))
    }
}
