//! Branch-free elementary functions for the per-path loops.
//!
//! The loops must compile to SIMD at every dispatch level and give the same bits at each.
//! A libm call blocks vectorization, so the per-path `exp` and the central part of the normal
//! quantile are written here with plain IEEE operations (no fused multiply-add: Rust never
//! contracts `a * b + c`, so every level rounds exactly the same way).

// Constants are quoted with the digits their sources publish (fdlibm, Acklam), so that they
// can be checked against those sources; they round to the same doubles.
#![allow(clippy::excessive_precision)]

/// `e^x` to within 2 ulp for |x| ≤ 700 (tested against `f64::exp`); `exp_fast(0.0) == 1.0`.
///
/// Cody-Waite reduction `x = n·ln2 + r` with |r| ≤ ln2/2, a degree-12 Taylor polynomial for
/// `e^r` (truncation error below 1e-17), then `2^n` built from the exponent bits. The
/// rounding of `x·log2(e)` to an integer uses the 1.5·2⁵² shifter, so no float-to-int
/// conversion (absent from AVX2) is needed.
#[inline(always)]
pub fn exp_fast(x: f64) -> f64 {
    const SHIFTER: f64 = 6_755_399_441_055_744.0; // 1.5 · 2^52
    const LN2_HI: f64 = 0.693_147_180_369_123_816_49; // ln 2 with its low 32 bits zero
    const LN2_LO: f64 = 1.908_214_929_270_587_7e-10;
    let x = x.clamp(-700.0, 700.0);
    let shifted = x * std::f64::consts::LOG2_E + SHIFTER;
    let n = shifted - SHIFTER;
    let r = (x - n * LN2_HI) - n * LN2_LO;
    // Horner on the Taylor coefficients 1/k!.
    let mut p = 1.0 / 479_001_600.0;
    p = p * r + 1.0 / 39_916_800.0;
    p = p * r + 1.0 / 3_628_800.0;
    p = p * r + 1.0 / 362_880.0;
    p = p * r + 1.0 / 40_320.0;
    p = p * r + 1.0 / 5_040.0;
    p = p * r + 1.0 / 720.0;
    p = p * r + 1.0 / 120.0;
    p = p * r + 1.0 / 24.0;
    p = p * r + 1.0 / 6.0;
    p = p * r + 0.5;
    p = p * r + 1.0;
    p = p * r + 1.0;
    // `shifted`'s low mantissa bits hold n as a two's-complement integer.
    let n_int = shifted.to_bits().wrapping_sub(SHIFTER.to_bits());
    let scale = f64::from_bits(n_int.wrapping_add(1023) << 52);
    p * scale
}

/// Natural logarithm for positive normal `x`, to within 1 ulp (tested against `f64::ln`).
///
/// fdlibm's method: `x = 2^k·m` with `m` in [√½, √2), `f = m − 1`, `s = f/(2 + f)`, and
/// `ln(1 + f) = f − f²/2 + s·(f²/2 + R(s²))` with fdlibm's degree-7 minimax `R`. The exponent
/// is read from the bits and turned into a float without a conversion instruction.
#[inline(always)]
pub fn ln_fast(x: f64) -> f64 {
    const LN2_HI: f64 = 6.931_471_803_691_238_164_90e-1;
    const LN2_LO: f64 = 1.908_214_929_270_587_700_02e-10;
    const LG: [f64; 7] = [
        6.666_666_666_666_735_130e-1,
        3.999_999_999_940_941_908e-1,
        2.857_142_874_366_239_149e-1,
        2.222_219_843_214_978_396e-1,
        1.818_357_216_161_805_012e-1,
        1.531_383_769_920_937_332e-1,
        1.479_819_860_511_658_591e-1,
    ];
    const SQRT_HALF_BITS: u64 = 0x3FE6_A09E_667F_3BCD;
    const MAGIC: f64 = 4_503_599_627_370_496.0; // 2^52
    let ix = x
        .to_bits()
        .wrapping_add(0x3FF0_0000_0000_0000 - SQRT_HALF_BITS);
    let biased_exponent = ix >> 52;
    let k = f64::from_bits(MAGIC.to_bits() | biased_exponent) - (MAGIC + 1023.0);
    let m = f64::from_bits((ix & 0x000F_FFFF_FFFF_FFFF) + SQRT_HALF_BITS);
    let f = m - 1.0;
    let hfsq = 0.5 * f * f;
    let s = f / (2.0 + f);
    let z = s * s;
    let w = z * z;
    let t1 = w * (LG[1] + w * (LG[3] + w * LG[5]));
    let t2 = z * (LG[0] + w * (LG[2] + w * (LG[4] + w * LG[6])));
    let r = t2 + t1;
    s * (hfsq + r) + k * LN2_LO - hfsq + f + k * LN2_HI
}

/// Lower bound of the central region of Acklam's normal quantile; below it (and above
/// `1 − P_LOW`) the tail formula applies.
pub const P_LOW: f64 = 0.02425;

const A: [f64; 6] = [
    -3.969_683_028_665_376e1,
    2.209_460_984_245_205e2,
    -2.759_285_104_469_687e2,
    1.383_577_518_672_690e2,
    -3.066_479_806_614_716e1,
    2.506_628_277_459_239,
];
const B: [f64; 5] = [
    -5.447_609_879_822_406e1,
    1.615_858_368_580_409e2,
    -1.556_989_798_598_866e2,
    6.680_131_188_771_972e1,
    -1.328_068_155_288_572e1,
];
const C: [f64; 6] = [
    -7.784_894_002_430_293e-3,
    -3.223_964_580_411_365e-1,
    -2.400_758_277_161_838,
    -2.549_732_539_343_734,
    4.374_664_141_464_968,
    2.938_163_982_698_783,
];
const D: [f64; 4] = [
    7.784_695_709_041_462e-3,
    3.224_671_290_700_398e-1,
    2.445_134_137_142_996,
    3.754_408_661_907_416,
];

/// The central part of the standard normal quantile (Acklam's rational approximation,
/// relative error below 1.2e-9), valid for `P_LOW ≤ p ≤ 1 − P_LOW`. Branch-free.
#[inline(always)]
pub fn normal_quantile_central(p: f64) -> f64 {
    let q = p - 0.5;
    let r = q * q;
    let num = (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q;
    let den = ((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0;
    num / den
}

/// True when `p` lies outside the central region and needs [`normal_quantile_tail`].
#[inline(always)]
pub fn in_tail(p: f64) -> bool {
    !(P_LOW..=1.0 - P_LOW).contains(&p)
}

/// The tails of the normal quantile (Acklam), for `p < P_LOW` or `p > 1 − P_LOW`.
/// Branch-free, so a chunk of lanes computes it together.
#[inline(always)]
pub fn normal_quantile_tail(p: f64) -> f64 {
    let lower = p < 0.5;
    let tail_p = if lower { p } else { 1.0 - p };
    let sign = if lower { 1.0 } else { -1.0 };
    let q = (-2.0 * ln_fast(tail_p)).sqrt();
    let num = ((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5];
    let den = (((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0;
    sign * num / den
}

/// The standard normal quantile Φ⁻¹(p) for `0 < p < 1`.
pub fn normal_quantile(p: f64) -> f64 {
    if in_tail(p) {
        normal_quantile_tail(p)
    } else {
        normal_quantile_central(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Acklam's published bound on the relative error.
    const QUANTILE_TOLERANCE: f64 = 1.2e-9;

    #[test]
    fn exp_fast_matches_std_within_two_ulp() {
        let mut worst: f64 = 0.0;
        for i in -200_000..=200_000 {
            let x = f64::from(i) * 1e-4 * 3.5; // −70 … 70
            let (got, want) = (exp_fast(x), x.exp());
            worst = worst.max(((got - want) / want).abs());
        }
        assert!(
            worst <= 2.0 * f64::EPSILON,
            "worst relative error {worst:e}"
        );
        assert_eq!(exp_fast(0.0), 1.0);
    }

    #[test]
    fn ln_fast_matches_std_within_one_ulp() {
        let mut x = f64::MIN_POSITIVE;
        while x < 1e300 {
            for scale in [1.0, 1.1, 1.3, 1.41, 1.42, 1.7, 1.99] {
                let v = x * scale;
                let (got, want) = (ln_fast(v), v.ln());
                let ulp = f64::EPSILON * want.abs().max(f64::MIN_POSITIVE);
                assert!((got - want).abs() <= ulp, "ln({v:e}) = {got} vs {want}");
            }
            x *= 1.93;
        }
        assert_eq!(ln_fast(1.0), 0.0);
    }

    #[test]
    fn normal_quantile_matches_known_values() {
        for (p, z) in [
            (0.5, 0.0),
            (0.975, 1.959_963_984_540_054),
            (0.025, -1.959_963_984_540_054),
            (0.841_344_746_068_542_9, 1.0),
            (0.001, -3.090_232_306_167_813_6),
            (1e-10, -6.361_340_902_404_056),
            (0.9, 1.281_551_565_544_600_4),
        ] {
            let got = normal_quantile(p);
            let err = if z == 0.0 {
                got.abs()
            } else {
                ((got - z) / z).abs()
            };
            assert!(err < QUANTILE_TOLERANCE, "p={p}: {got} vs {z}");
        }
    }

    #[test]
    fn normal_quantile_is_continuous_at_the_region_edges() {
        for edge in [P_LOW, 1.0 - P_LOW] {
            let below = normal_quantile(edge - 1e-12);
            let above = normal_quantile(edge + 1e-12);
            assert!((below - above).abs() < 1e-8, "{below} vs {above}");
        }
    }
}
