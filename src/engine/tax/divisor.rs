//! Several numbers divided by the same lanes with one division (the year's records in
//! today's dollars, the shares of the taxable account).

use super::lin::{Lane, Wide};

/// Lanes to divide by. On a chunk of 8 lanes (AVX-512, whose level has fused multiply-adds)
/// it keeps the reciprocal `r = 1/d`, and each quotient comes from it by Markstein's
/// corrections, which give the bits of `x / d`, the correctly rounded quotient:
///
/// - `q0 = x·r` is within about an ulp and a half of `x/d`;
/// - one correction, `q1 = q0 + (x − q0·d)·r` (each a fused multiply-add, one rounding),
///   brings it within one ulp;
/// - a second, from `q1`, is then the rounded quotient itself (Markstein's theorem:
///   P. Markstein, "Computation of elementary functions on the IBM RISC System/6000
///   processor", IBM J. Res. Develop. 34(1), 1990; J.-M. Muller et al., Handbook of
///   Floating-Point Arithmetic, 2nd ed., 2018, on division with an FMA).
///
/// The remainders `x − q·d` are exact: there is no underflow for dollars and prices. Where
/// the first remainder is zero, `q0` is the exact quotient and is kept, so a zero keeps its
/// sign. `d` must be finite and nonzero, and `x` finite, for the quotient to be `x / d`'s;
/// callers discard the others (see `Wide::where_positive`).
///
/// An 8-lane division issues once in about 16 cycles, against two fused multiply-adds a
/// cycle, so five of them a quotient cost less. Narrower chunks (AVX2 and the baseline,
/// where `mul_add` can be a library call) divide.
#[derive(Clone, Copy)]
pub struct Divisor<const N: usize> {
    d: Wide<N>,
    r: Wide<N>,
}

impl<const N: usize> Divisor<N> {
    const FUSED: bool = N == 8;

    #[inline(always)]
    pub fn new(d: Wide<N>) -> Self {
        // Narrower chunks divide by `d` and never read `r`: no division for it.
        let r = if Self::FUSED { Wide::splat(1.0) / d } else { d };
        Self { d, r }
    }

    /// `x / d`, with its bits.
    #[inline(always)]
    pub fn divide(&self, x: Wide<N>) -> Wide<N> {
        if !Self::FUSED {
            return x / self.d;
        }
        let mut out = [0.0; N];
        #[allow(clippy::needless_range_loop)]
        for k in 0..N {
            let (x, d, r) = (x.0[k], self.d.0[k], self.r.0[k]);
            let q0 = x * r;
            let e0 = (-q0).mul_add(d, x);
            let q1 = e0.mul_add(r, q0);
            let e1 = (-q1).mul_add(d, x);
            let q2 = e1.mul_add(r, q1);
            let exact = u64::from(e0 == 0.0).wrapping_neg();
            out[k] = f64::from_bits((q0.to_bits() & exact) | (q2.to_bits() & !exact));
        }
        Wide(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_divisor_gives_the_bits_of_the_division() {
        // Dollars from a cent to a trillion, of either sign and zero, over prices and
        // balances from a thousandth to a million; the divisors with every bit of their
        // mantissa set, and the numerators just below a power of two, are the hard cases.
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        // Log-uniform on `lo..hi` from 64 random bits.
        let between = |bits: u64, lo: f64, hi: f64| {
            let u = (bits >> 11) as f64 / (1u64 << 53) as f64;
            lo * (hi / lo).powf(u)
        };
        let mantissa = 0x000f_ffff_ffff_ffff_u64;
        let mut pairs = vec![
            (0.0, 3.0),
            (-0.0, 3.0),
            (1.0, 1.0),
            (7.0, 7.0),
            (1.0, 3.0),
            (2.0, f64::from_bits(0x3fff_ffff_ffff_ffff)),
            (f64::from_bits(0x3ff0_0000_0000_0001), 1.0 + f64::EPSILON),
            (2.0_f64.next_down(), 3.0),
        ];
        for _ in 0..200_000 {
            let sign = if next() % 2 == 0 { 1.0 } else { -1.0 };
            let x = sign * between(next(), 0.01, 1e12);
            let d = between(next(), 1e-3, 1e6);
            pairs.push((x, d));
            pairs.push((x, f64::from_bits(d.to_bits() | mantissa)));
            pairs.push((f64::from_bits(x.to_bits() & !mantissa).next_down(), d));
        }
        for chunk in pairs.chunks_exact(8) {
            let x = Wide(std::array::from_fn(|k| chunk[k].0));
            let d = Wide(std::array::from_fn(|k| chunk[k].1));
            let got = Divisor::<8>::new(d).divide(x);
            for k in 0..8 {
                let want = x.0[k] / d.0[k];
                assert_eq!(
                    got.0[k].to_bits(),
                    want.to_bits(),
                    "{} / {}",
                    x.0[k],
                    d.0[k]
                );
            }
        }
    }
}
