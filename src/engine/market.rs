//! Return models: where each year's stock, bond and cash returns and inflation come from.
//!
//! This is the seam for other models (historical sequences, bootstrap): a [`ReturnModel`] says
//! how many paths it simulates and hands each batch a [`YearSource`] that fills one year of
//! gross returns for every path of the batch. Strategies and statistics only ever see
//! [`MarketYear`], so a new model touches neither.

use rand::distr::Distribution;
use rand_distr::ChiSquared;

use super::BATCH;
use super::math::{exp_fast, in_tail, normal_quantile_central, normal_quantile_tail};
use super::per_lane::PerLane;
use super::plan::{AssetAssumption, Correlations, Market};
use super::rng::{LaneRng, SplitMix64, Stream};

/// One year of market outcomes for a batch, as gross factors: `1 + return`, `1 + inflation`.
#[derive(Clone)]
pub struct MarketYear {
    pub stocks: PerLane,
    pub bonds: PerLane,
    pub cash: PerLane,
    pub inflation: PerLane,
    /// `1 / CAPE` at the start of the year: only the history models fill it (NaN where the
    /// data has no CAPE), and only the `cape` strategy reads it.
    pub earnings_yield: PerLane,
}

impl Default for MarketYear {
    fn default() -> Self {
        Self {
            stocks: PerLane::splat(1.0),
            bonds: PerLane::splat(1.0),
            cash: PerLane::splat(1.0),
            inflation: PerLane::splat(1.0),
            earnings_yield: PerLane::splat(f64::NAN),
        }
    }
}

pub trait ReturnModel: Sync {
    type Source: YearSource;

    /// Paths simulated when `requested` scenarios are asked for. A historical model answers
    /// with its number of start years.
    fn paths(&self, requested: usize) -> usize {
        requested
    }

    /// The source for batch `batch` (paths `batch·BATCH ..`), seeded from (seed, batch).
    fn source(&self, seed: u64, batch: u64) -> Self::Source;

    /// For a model whose paths are historical periods: each path's first calendar year.
    fn start_years(&self) -> Option<Vec<u32>> {
        None
    }
}

pub trait YearSource {
    /// Fills `out` with year `year`'s gross returns and inflation for every lane.
    fn fill_year(&mut self, year: usize, out: &mut MarketYear);
}

/// Lower-triangular Cholesky factor of the stocks–bonds–inflation correlation matrix, or
/// `None` when the matrix is not positive semi-definite (impossible correlations).
pub fn cholesky(c: &Correlations) -> Option<[[f64; 3]; 3]> {
    const TOLERANCE: f64 = 1e-12;
    let l10 = c.stocks_bonds;
    let l11_sq = 1.0 - l10 * l10;
    let l11 = l11_sq.max(0.0).sqrt();
    let l20 = c.stocks_inflation;
    let cross = c.bonds_inflation - l20 * l10;
    let l21 = if l11 > TOLERANCE {
        cross / l11
    } else if cross.abs() <= TOLERANCE {
        0.0
    } else {
        return None;
    };
    let l22_sq = 1.0 - l20 * l20 - l21 * l21;
    if l22_sq < -TOLERANCE {
        return None;
    }
    Some([
        [1.0, 0.0, 0.0],
        [l10, l11, 0.0],
        [l20, l21, l22_sq.max(0.0).sqrt()],
    ])
}

/// Lognormal parameters from an arithmetic mean `m` and volatility `s`:
/// `σ² = ln(1 + s²/(1+m)²)`, `μ = ln(1+m) − σ²/2`. Returns (`e^μ`, `σ`), with
/// `e^μ = (1+m)/√(1 + s²/(1+m)²)` computed directly so that `s = 0` gives exactly `1 + m`.
pub fn lognormal_params(a: AssetAssumption) -> (f64, f64) {
    let gross = 1.0 + a.mean;
    let ratio = a.volatility / gross;
    let v = ratio * ratio;
    (gross / (1.0 + v).sqrt(), v.ln_1p().sqrt())
}

/// Correlated lognormal asset returns and normal inflation (floored at −50 %), with optional
/// multivariate Student-t shocks scaled to unit variance.
#[derive(Debug, Clone)]
pub struct Lognormal {
    stocks: (f64, f64),
    bonds: (f64, f64),
    cash: (f64, f64),
    inflation: AssetAssumption,
    chol: [[f64; 3]; 3],
    /// With fat tails: ν and the χ²(ν) each path-year's scale is drawn from.
    fat_tails: Option<(f64, ChiSquared<f64>)>,
    uses_cash: bool,
}

impl Lognormal {
    /// `uses_cash` false skips the cash draws (a portfolio with no cash, ever).
    pub fn new(market: &Market, uses_cash: bool) -> Self {
        Self {
            stocks: lognormal_params(market.stocks),
            bonds: lognormal_params(market.bonds),
            cash: lognormal_params(market.cash),
            inflation: market.inflation,
            chol: cholesky(&market.correlations).expect("validated plans have valid correlations"),
            fat_tails: market.fat_tails_df.map(|df| {
                let chi_squared =
                    ChiSquared::new(df).expect("validated plans have fat_tails_df above 2");
                (df, chi_squared)
            }),
            uses_cash,
        }
    }
}

impl ReturnModel for Lognormal {
    type Source = LognormalSource;

    fn source(&self, seed: u64, batch: u64) -> LognormalSource {
        LognormalSource {
            model: self.clone(),
            stocks: LaneRng::new(seed, batch, Stream::Stocks),
            bonds: LaneRng::new(seed, batch, Stream::Bonds),
            cash: self
                .uses_cash
                .then(|| LaneRng::new(seed, batch, Stream::Cash)),
            inflation: LaneRng::new(seed, batch, Stream::Inflation),
            tails: SplitMix64::for_stream(seed, batch, Stream::FatTails),
            z: [PerLane::splat(0.0); 4],
        }
    }
}

pub struct LognormalSource {
    model: Lognormal,
    stocks: LaneRng,
    bonds: LaneRng,
    /// `None` when the portfolio never holds cash: no draws, no seeding.
    cash: Option<LaneRng>,
    inflation: LaneRng,
    tails: SplitMix64,
    /// Standard normal shocks: stocks, bonds, inflation, cash.
    z: [PerLane; 4],
}

impl YearSource for LognormalSource {
    #[inline(always)]
    fn fill_year(&mut self, _year: usize, out: &mut MarketYear) {
        let [zs, zb, zi, zc] = &mut self.z;
        fill_normals(&mut self.stocks, zs, &mut out.stocks);
        fill_normals(&mut self.bonds, zb, &mut out.bonds);
        fill_normals(&mut self.inflation, zi, &mut out.inflation);
        if let Some(cash) = &mut self.cash {
            fill_normals(cash, zc, &mut out.cash);
        }
        let m = &self.model;
        // Multivariate Student-t shocks of unit variance: each path-year's normal vector
        // times `√((ν − 2)/χ²_ν)`, one χ² draw (`rand_distr`'s) shared by all assets, so the
        // correlations are kept and crashes come together, as they do.
        if let Some((df, chi_squared)) = &m.fat_tails {
            let shocks = zs
                .iter_mut()
                .zip(zb.iter_mut())
                .zip(zi.iter_mut())
                .zip(zc.iter_mut());
            for (((s, b), i), c) in shocks {
                let scale = ((df - 2.0) / chi_squared.sample(&mut self.tails)).sqrt();
                *s *= scale;
                *b *= scale;
                *i *= scale;
                *c *= scale;
            }
        }
        let l = &m.chol;
        let (gs, ss) = m.stocks;
        let (gb, sb) = m.bonds;
        let (gc, sc) = m.cash;
        let (im, iv) = (m.inflation.mean, m.inflation.volatility);
        for i in 0..BATCH {
            let (s, b, inf) = (zs[i], zb[i], zi[i]);
            let eb = l[1][0] * s + l[1][1] * b;
            let ei = l[2][0] * s + l[2][1] * b + l[2][2] * inf;
            out.stocks[i] = gs * exp_fast(ss * s);
            out.bonds[i] = gb * exp_fast(sb * eb);
            out.inflation[i] = 1.0 + (im + iv * ei).max(-0.5);
        }
        if self.cash.is_some() {
            for (cash, &z) in out.cash.iter_mut().zip(zc.iter()) {
                *cash = gc * exp_fast(sc * z);
            }
        }
    }
}

/// Lanes whose tail formula is computed together: a vector's worth at any dispatch level.
const TAIL_CHUNK: usize = 8;

/// Fills `z` with standard normals from `rng`, using `scratch` for the uniforms. The central
/// formula runs on every lane without branches. The tail draws (5 % of them) are then found
/// from a bit mask, gathered into a short array, computed `TAIL_CHUNK` at a time with the tail
/// formula and put back in their lanes: the tail is computed for about as many lanes as need
/// it, not for every lane of a chunk that holds one. Both formulas are vectorized, and each
/// lane's result is the same whatever the vector width or the lanes it was computed beside.
#[inline(always)]
pub fn fill_normals(rng: &mut LaneRng, z: &mut [f64; BATCH], scratch: &mut [f64; BATCH]) {
    rng.fill_open01(scratch);
    for (zi, &p) in z.iter_mut().zip(scratch.iter()) {
        *zi = normal_quantile_central(p);
    }
    // The tail lanes and their uniforms, in lane order; the last chunk padded with 0.5. A
    // word of 64 lanes is one bit mask (the comparisons vectorize), then its set bits.
    let mut lane = [0u16; BATCH];
    let mut p = [0.5; BATCH + TAIL_CHUNK];
    let mut count = 0;
    for (w, ps) in scratch.chunks_exact(64).enumerate() {
        let mut bits = ps
            .iter()
            .enumerate()
            .fold(0u64, |bits, (k, &p)| bits | (u64::from(in_tail(p)) << k));
        while bits != 0 {
            let i = w * 64 + bits.trailing_zeros() as usize;
            lane[count] = i as u16;
            p[count] = scratch[i];
            count += 1;
            bits &= bits - 1;
        }
    }
    for (lanes, ps) in lane[..count]
        .chunks(TAIL_CHUNK)
        .zip(p.chunks_exact(TAIL_CHUNK))
    {
        let ps: &[f64; TAIL_CHUNK] = ps.try_into().expect("chunks are TAIL_CHUNK long");
        let mut q = [0.0; TAIL_CHUNK];
        for (qk, &pk) in q.iter_mut().zip(ps) {
            *qk = normal_quantile_tail(pk);
        }
        for (&i, &qi) in lanes.iter().zip(&q) {
            z[i as usize] = qi;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_lane_s_normal_is_the_scalar_quantile_of_its_uniform() {
        use crate::engine::math::normal_quantile;
        let mut tails = 0;
        for batch in 0..40 {
            let mut rng = LaneRng::new(42, batch, Stream::Stocks);
            let mut uniforms = rng.clone();
            let (mut z, mut scratch) = ([0.0; BATCH], [0.0; BATCH]);
            let mut p = [0.0; BATCH];
            for _ in 0..3 {
                fill_normals(&mut rng, &mut z, &mut scratch);
                uniforms.fill_open01(&mut p);
                for (i, (&zi, &pi)) in z.iter().zip(&p).enumerate() {
                    let want = normal_quantile(pi);
                    assert_eq!(zi.to_bits(), want.to_bits(), "lane {i}: p = {pi}");
                    tails += usize::from(in_tail(pi));
                }
            }
        }
        // 30,720 draws, 4.85 % of them in a tail: every gathered chunk, full and partial.
        assert!((1300..1700).contains(&tails), "{tails} tail draws");
    }

    #[test]
    fn lognormal_conversion_keeps_the_arithmetic_mean() {
        // E[e^{μ+σZ}] = e^{μ+σ²/2} must equal 1 + m.
        let (g, sigma) = lognormal_params(AssetAssumption {
            mean: 0.09,
            volatility: 0.17,
        });
        let mean = g * (sigma * sigma / 2.0).exp();
        assert!((mean - 1.09).abs() < 1e-14, "{mean}");
        // Var = (e^{σ²} − 1)·(1+m)² must equal s².
        let var = (sigma * sigma).exp_m1() * 1.09f64.powi(2);
        assert!((var - 0.17f64.powi(2)).abs() < 1e-14, "{var}");
    }

    #[test]
    fn zero_volatility_gives_exactly_one_plus_mean() {
        let (g, sigma) = lognormal_params(AssetAssumption {
            mean: 0.05,
            volatility: 0.0,
        });
        assert_eq!((g, sigma), (1.05, 0.0));
    }

    #[test]
    fn cholesky_rebuilds_the_correlations_and_refuses_impossible_ones() {
        let c = Correlations {
            stocks_bonds: 0.1,
            stocks_inflation: -0.1,
            bonds_inflation: -0.2,
        };
        let l = cholesky(&c).expect("valid");
        let dot = |a: usize, b: usize| (0..3).map(|k| l[a][k] * l[b][k]).sum::<f64>();
        assert!((dot(1, 0) - 0.1).abs() < 1e-15);
        assert!((dot(2, 0) + 0.1).abs() < 1e-15);
        assert!((dot(2, 1) + 0.2).abs() < 1e-15);
        assert!((dot(2, 2) - 1.0).abs() < 1e-15);
        let impossible = Correlations {
            stocks_bonds: 0.9,
            stocks_inflation: 0.9,
            bonds_inflation: -0.9,
        };
        assert!(cholesky(&impossible).is_none());
    }
}
