//! The left tail of one year's stock return under the lognormal model, so a reader sees what
//! an assumption such as `fat_tails_df` does to the bad years.
//!
//! The engine draws a stock year as `e^μ · e^{σz}` (see [`lognormal_params`]), where `z` is a
//! standard normal or, with fat tails, a Student-t with ν degrees of freedom scaled to unit
//! variance, `t·√((ν − 2)/ν)`. The scaling keeps the variance, so fatter tails come with a
//! narrower middle: the 1-in-20 year can be milder while a −30 % year grows likelier. The CDF
//! of `z` is integrated numerically over `x = tan θ`, which maps the whole line onto
//! `(−π/2, π/2)` with an integrand that vanishes at both ends for ν ≥ 3; no gamma function is
//! needed because the table is normalized by its own total.

use super::market::lognormal_params;
use super::plan::Market;

/// Points of the integration grid in θ: quantiles to about 10⁻⁴ in `z`.
const GRID: usize = 4_000;

/// A stock-year threshold users quote: a loss of 30 % or worse.
pub const CRASH: f64 = -0.30;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StockTail {
    /// The 5th-percentile yearly stock return (1 year in 20 is worse).
    pub worst_in_20: f64,
    /// The chance that a year's stock return is [`CRASH`] or worse.
    pub crash_chance: f64,
}

/// The left tail of the yearly stock return for a lognormal market.
pub fn stock_tail(market: &Market) -> StockTail {
    let (scale, sigma) = lognormal_params(market.stocks);
    let table = CdfTable::new(market.fat_tails_df);
    let ret = |z: f64| scale * (sigma * z).exp() - 1.0;
    if sigma == 0.0 {
        let r = ret(0.0);
        return StockTail {
            worst_in_20: r,
            crash_chance: if r <= CRASH { 1.0 } else { 0.0 },
        };
    }
    StockTail {
        worst_in_20: ret(table.quantile(0.05)),
        crash_chance: table.cdf(((1.0 + CRASH) / scale).ln() / sigma),
    }
}

/// The CDF of the unit-variance shock on a grid of `x = tan θ`.
struct CdfTable {
    x: Vec<f64>,
    cdf: Vec<f64>,
}

impl CdfTable {
    fn new(df: Option<f64>) -> Self {
        // Unnormalized densities of z: the normal, or the scaled Student-t.
        let density = |z: f64| match df {
            None => (-0.5 * z * z).exp(),
            Some(nu) => {
                let t2 = z * z * nu / (nu - 2.0);
                (1.0 + t2 / nu).powf(-(nu + 1.0) / 2.0)
            }
        };
        let half_pi = std::f64::consts::FRAC_PI_2;
        let step = 2.0 * half_pi / GRID as f64;
        let mut x = Vec::with_capacity(GRID + 1);
        let mut cdf = Vec::with_capacity(GRID + 1);
        let mut total = 0.0;
        let mut last = 0.0;
        for k in 0..=GRID {
            let theta = -half_pi + step * k as f64;
            let (value, weight) = if k == 0 || k == GRID {
                (f64::NEG_INFINITY, 0.0)
            } else {
                let t = theta.tan();
                let sec2 = 1.0 + t * t;
                (t, density(t) * sec2)
            };
            if k > 0 {
                total += 0.5 * (last + weight) * step;
            }
            last = weight;
            x.push(if k == GRID { f64::INFINITY } else { value });
            cdf.push(total);
        }
        for c in &mut cdf {
            *c /= total;
        }
        Self { x, cdf }
    }

    fn cdf(&self, z: f64) -> f64 {
        let i = self.x.partition_point(|&x| x <= z).clamp(1, GRID);
        let (x0, x1) = (self.x[i - 1], self.x[i]);
        if !x0.is_finite() || !x1.is_finite() {
            return self.cdf[i.min(GRID) - 1];
        }
        let w = (z - x0) / (x1 - x0);
        self.cdf[i - 1] + w * (self.cdf[i] - self.cdf[i - 1])
    }

    fn quantile(&self, p: f64) -> f64 {
        let i = self.cdf.partition_point(|&c| c < p).clamp(2, GRID - 1);
        let (c0, c1) = (self.cdf[i - 1], self.cdf[i]);
        let w = if c1 > c0 { (p - c0) / (c1 - c0) } else { 0.0 };
        self.x[i - 1] + w * (self.x[i] - self.x[i - 1])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::PlanDefaults;

    /// The table's error against closed forms.
    const TOLERANCE: f64 = 1e-4;

    #[test]
    fn the_normal_table_matches_the_standard_normal() {
        let table = CdfTable::new(None);
        assert!((table.quantile(0.05) + 1.644_853_6).abs() < TOLERANCE);
        assert!((table.cdf(-1.959_964) - 0.025).abs() < TOLERANCE);
        assert!((table.cdf(0.0) - 0.5).abs() < TOLERANCE);
    }

    #[test]
    fn the_student_t_table_matches_published_quantiles() {
        // t(5) has its 5th percentile at −2.015 (standard tables); scaled to unit variance
        // by √(3/5) that is −1.5608. t(3): −2.353, scaled by √(1/3): −1.3587.
        let five = CdfTable::new(Some(5.0));
        assert!((five.quantile(0.05) + 2.015_048 * (3.0_f64 / 5.0).sqrt()).abs() < 1e-3);
        let three = CdfTable::new(Some(3.0));
        assert!((three.quantile(0.05) + 2.353_363 * (1.0_f64 / 3.0).sqrt()).abs() < 1e-3);
    }

    #[test]
    fn fat_tails_keep_the_variance_so_the_middle_narrows_and_crashes_grow_likelier() {
        let mut market = PlanDefaults::default().market;
        market.stocks.mean = 0.09;
        market.stocks.volatility = 0.17;
        let normal = stock_tail(&market);
        market.fat_tails_df = Some(3.0);
        let fat = stock_tail(&market);
        assert!(
            fat.worst_in_20 > normal.worst_in_20,
            "{fat:?} vs {normal:?}"
        );
        assert!(
            fat.crash_chance > normal.crash_chance,
            "{fat:?} vs {normal:?}"
        );
        // Normal: e^μ = 1.07698 and σ = 0.15503 from 9 % and 17 %; ln(0.7/e^μ)/σ = −2.779,
        // Φ(−2.779) = 0.27 %, and the 1-in-20 year is 1.07698·e^(−1.6449σ) − 1 = −16.5 %.
        assert!((normal.crash_chance - 0.002_73).abs() < 1e-4, "{normal:?}");
        assert!((normal.worst_in_20 + 0.1655).abs() < 5e-4, "{normal:?}");
    }
}
