//! Random numbers: seeded streams, generated many lanes at a time.
//!
//! Every batch of paths draws from its own streams, keyed by (request seed, batch index,
//! purpose). So results do not depend on which thread runs a batch or in what order, and the
//! same plan and seed give bit-identical answers on 1 or N threads.
//!
//! [`LaneRng`] is xoshiro256+ run as `LANES` independent generators in structure-of-arrays
//! form: one step advances all lanes with plain 64-bit shifts, xors and adds, which the
//! compiler turns into SIMD at every dispatch level. Output `k` of a fill comes from lane
//! `k % LANES`, step `k / LANES`, whatever the vector width, so the numbers never depend on the
//! CPU. [`SplitMix64`] seeds the lanes and serves the rare scalar draws (fat-tail scales,
//! bootstrap block starts).
//!
//! Both are `rand_core` generators ([`TryRng`] with an infallible error, hence
//! [`Rng`](rand::Rng) and the deprecated `RngCore`, and [`SeedableRng`]), so `rand_distr`'s
//! distributions sample from them directly. A [`LaneRng`] used one number at a time gives the numbers of a fill in
//! the same order: lane 0, 1, …, `LANES − 1`, then each lane's next step.

use rand::rand_core::{Infallible, SeedableRng, TryRng};

/// Independent xoshiro256+ generators advanced together. Wide enough that the loop over the
/// lanes is a plain counted loop the compiler vectorizes at any vector width.
pub const LANES: usize = 64;

/// Streams a batch draws from. Each shock has its own, so a plan that skips one shock (no
/// cash in the portfolio) still sees the very same stock, bond and inflation draws.
#[derive(Debug, Clone, Copy)]
#[repr(u64)]
pub enum Stream {
    Stocks = 1,
    Bonds = 2,
    Cash = 3,
    Inflation = 4,
    FatTails = 5,
    Bootstrap = 6,
    /// Drawn lifetimes: one uniform per lane for you, then one for your partner.
    Lifetimes = 7,
}

/// SplitMix64 (Steele, Lea and Flood 2014): a tiny, statistically sound generator and mixer.
#[derive(Debug, Clone)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// A generator for (seed, batch, stream): the three are mixed, never just added, so
    /// neighbouring batches and seeds give unrelated sequences.
    pub fn for_stream(seed: u64, batch: u64, stream: Stream) -> Self {
        let key = mix(mix(seed ^ 0x6A09_E667_F3BC_C908) ^ batch);
        Self {
            state: mix(key ^ (stream as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)),
        }
    }

    #[inline]
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.state)
    }
}

impl TryRng for SplitMix64 {
    type Error = Infallible;

    #[inline]
    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        Ok((self.next_u64() >> 32) as u32)
    }

    #[inline]
    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        Ok(self.next_u64())
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        fill_bytes_from(dst, || self.next_u64());
        Ok(())
    }
}

impl SeedableRng for SplitMix64 {
    /// The state itself, little-endian.
    type Seed = [u8; 8];

    fn from_seed(seed: [u8; 8]) -> Self {
        Self {
            state: u64::from_le_bytes(seed),
        }
    }
}

/// Fills `dst` with little-endian words from `next`, the last one cut short.
fn fill_bytes_from(dst: &mut [u8], mut next: impl FnMut() -> u64) {
    for chunk in dst.chunks_mut(8) {
        let word = next().to_le_bytes();
        chunk.copy_from_slice(&word[..chunk.len()]);
    }
}

#[inline]
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Maps the top 52 bits of `x` to (0, 1) without an integer-to-float conversion (which has no
/// SIMD form before AVX-512): build a double in [1, 2) from the bits, then subtract exactly.
/// The result is `k·2⁻⁵² + 2⁻⁵³` for `k` in [0, 2⁵²), never 0 or 1.
#[inline(always)]
pub fn open01(x: u64) -> f64 {
    const ONE_BITS: u64 = 0x3FF0_0000_0000_0000;
    const ALMOST_ONE: f64 = 1.0 - 1.0 / (1u64 << 53) as f64;
    f64::from_bits(ONE_BITS | (x >> 12)) - ALMOST_ONE
}

/// `LANES` xoshiro256+ generators (Blackman and Vigna 2018). The `+` variant's weak low bits
/// are dropped by [`open01`] (and by `rand`'s `Open01`, the same map), which keep the top 52.
#[derive(Debug, Clone)]
pub struct LaneRng {
    s0: [u64; LANES],
    s1: [u64; LANES],
    s2: [u64; LANES],
    s3: [u64; LANES],
    /// The lane the next single number comes from ([`TryRng`]).
    next_lane: usize,
}

impl LaneRng {
    pub fn new(seed: u64, batch: u64, stream: Stream) -> Self {
        Self::seeded_by(SplitMix64::for_stream(seed, batch, stream))
    }

    /// Every lane's state from consecutive outputs of `seeder`.
    fn seeded_by(mut seeder: SplitMix64) -> Self {
        let mut words = || std::array::from_fn(|_| seeder.next_u64());
        Self {
            s0: words(),
            s1: words(),
            s2: words(),
            s3: words(),
            next_lane: 0,
        }
    }

    /// Fills `out` (a multiple of `LANES` long) with uniforms in (0, 1): the numbers
    /// `Open01` would draw one at a time, all lanes a step at once. Starts at lane 0.
    #[inline(always)]
    pub fn fill_open01(&mut self, out: &mut [f64]) {
        debug_assert_eq!(out.len() % LANES, 0);
        debug_assert_eq!(self.next_lane, 0, "a fill starts at lane 0");
        for chunk in out.chunks_exact_mut(LANES) {
            let chunk: &mut [f64; LANES] = chunk.try_into().expect("chunks are LANES long");
            for (lane, slot) in chunk.iter_mut().enumerate() {
                *slot = open01(self.next_raw(lane));
            }
        }
    }

    /// One xoshiro256+ step of `lane`, returning its raw output.
    #[inline(always)]
    fn next_raw(&mut self, lane: usize) -> u64 {
        let (s0, s1, s2, s3) = (self.s0[lane], self.s1[lane], self.s2[lane], self.s3[lane]);
        let result = s0.wrapping_add(s3);
        let t = s1 << 17;
        let s2 = s2 ^ s0;
        let s3 = s3 ^ s1;
        self.s0[lane] = s0 ^ s3;
        self.s1[lane] = s1 ^ s2;
        self.s2[lane] = s2 ^ t;
        self.s3[lane] = s3.rotate_left(45);
        result
    }
}

impl TryRng for LaneRng {
    type Error = Infallible;

    #[inline]
    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        Ok((self.try_next_u64()? >> 32) as u32)
    }

    /// The next lane's next output, lanes in turn.
    #[inline]
    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        let lane = self.next_lane;
        self.next_lane = (lane + 1) % LANES;
        Ok(self.next_raw(lane))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        fill_bytes_from(dst, || {
            let lane = self.next_lane;
            self.next_lane = (lane + 1) % LANES;
            self.next_raw(lane)
        });
        Ok(())
    }
}

impl SeedableRng for LaneRng {
    /// A [`SplitMix64`] state, which seeds the lanes.
    type Seed = [u8; 8];

    fn from_seed(seed: [u8; 8]) -> Self {
        Self::seeded_by(SplitMix64::from_seed(seed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_lane_is_the_reference_xoshiro256_plus() {
        // Vigna's reference implementation from state [1, 2, 3, 4].
        let expected: [u64; 10] = [
            5,
            211_106_232_532_999,
            211_106_635_186_183,
            9_223_759_065_350_669_058,
            9_250_833_439_874_351_877,
            13_862_484_359_527_728_515,
            2_346_507_365_006_083_650,
            1_168_864_526_675_804_870,
            34_095_955_243_042_024,
            3_466_914_240_207_415_127,
        ];
        let mut rng = LaneRng::new(0, 0, Stream::Stocks);
        let lane = LANES - 1;
        (rng.s0[lane], rng.s1[lane], rng.s2[lane], rng.s3[lane]) = (1, 2, 3, 4);
        for want in expected {
            assert_eq!(rng.next_raw(lane), want);
        }
    }

    #[test]
    fn one_at_a_time_the_lanes_give_the_fill_and_rand_s_open01_is_open01() {
        use rand::distr::{Distribution, Open01};
        let mut filled = LaneRng::new(5, 2, Stream::Lifetimes);
        let mut single = filled.clone();
        let mut buf = vec![0.0; 2 * LANES];
        filled.fill_open01(&mut buf);
        for (k, &want) in buf.iter().enumerate() {
            let got: f64 = Open01.sample(&mut single);
            assert_eq!(got.to_bits(), want.to_bits(), "number {k}");
        }
    }

    #[test]
    fn seeding_from_bytes_is_seeding_the_state() {
        use rand::Rng;
        let seed = 0x0123_4567_89AB_CDEFu64;
        let mut a = SplitMix64::from_seed(seed.to_le_bytes());
        let mut b = SplitMix64 { state: seed };
        assert_eq!(Rng::next_u64(&mut a), b.next_u64());
        let mut bytes = [0u8; 11];
        a.fill_bytes(&mut bytes);
        assert_eq!(bytes[..8], b.next_u64().to_le_bytes());
        assert_eq!(bytes[8..], b.next_u64().to_le_bytes()[..3]);
        let lanes = LaneRng::from_seed(seed.to_le_bytes());
        assert_eq!(lanes.s0[0], SplitMix64 { state: seed }.next_u64());
    }

    #[test]
    fn open01_never_reaches_the_ends() {
        assert!(open01(0) > 0.0);
        assert!(open01(u64::MAX) < 1.0);
        assert_eq!(open01(0), 1.0 / (1u64 << 53) as f64);
    }

    #[test]
    fn streams_differ_by_seed_batch_and_purpose() {
        let draw = |seed, batch, stream| SplitMix64::for_stream(seed, batch, stream).next_u64();
        let base = draw(42, 0, Stream::Stocks);
        assert_ne!(base, draw(43, 0, Stream::Stocks));
        assert_ne!(base, draw(42, 1, Stream::Stocks));
        assert_ne!(base, draw(42, 0, Stream::Bonds));
        assert_eq!(base, draw(42, 0, Stream::Stocks));
    }

    #[test]
    fn lane_uniforms_have_mean_one_half_and_variance_one_twelfth() {
        let mut rng = LaneRng::new(7, 3, Stream::Stocks);
        let mut buf = vec![0.0; 1 << 16];
        rng.fill_open01(&mut buf);
        let n = buf.len() as f64;
        let mean = buf.iter().sum::<f64>() / n;
        let var = buf.iter().map(|u| (u - mean).powi(2)).sum::<f64>() / n;
        // Standard errors: sqrt(1/12/n) for the mean, sqrt(1/180/n) for the variance.
        assert!((mean - 0.5).abs() < 4.0 * (1.0 / 12.0 / n).sqrt(), "{mean}");
        assert!(
            (var - 1.0 / 12.0).abs() < 4.0 * (1.0 / 180.0 / n).sqrt(),
            "{var}"
        );
    }
}
