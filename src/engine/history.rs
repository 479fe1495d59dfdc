//! US market history and the two return models built on it.
//!
//! `data/us_annual.csv` (see `data/README.md`) holds one row per calendar year since 1871:
//! stock and 10-year Treasury total returns, a cash proxy and CPI inflation, derived from
//! Robert Shiller's monthly data, with Shiller's CAPE in January of each year from 1881. It
//! is compiled into the binary.
//!
//! - [`Historical`]: path `i` lives through the years starting at start year `i`, in order.
//!   Only start years with a full horizon count, unless wrap-around is on (then every year
//!   starts a path and the sequence continues from 1871 after the last year).
//! - [`Bootstrap`]: each path draws blocks of `block_years` consecutive years at random
//!   start years (circularly), so stocks, bonds, cash and inflation of a year always move
//!   together and, with blocks, so do neighbouring years. Seeded per batch, like the
//!   lognormal model, so a run is reproducible on any thread count.

use std::sync::OnceLock;

use super::plan::{AssetAssumption, Correlations};

mod replay;

pub use replay::{Bootstrap, BootstrapSource, Historical, HistoricalSource};

const CSV: &str = include_str!("../../data/us_annual.csv");

/// The yearly series as gross factors (`1 + return`), column by column.
#[derive(Debug)]
pub struct History {
    pub first_year: u32,
    pub stocks: Vec<f64>,
    pub bonds: Vec<f64>,
    pub cash: Vec<f64>,
    pub inflation: Vec<f64>,
    /// The cyclically adjusted earnings yield `1 / CAPE` in January of each year: NaN
    /// until ten years of earnings exist (before 1881).
    pub earnings_yield: Vec<f64>,
}

impl History {
    pub fn len(&self) -> usize {
        self.stocks.len()
    }

    pub fn is_empty(&self) -> bool {
        self.stocks.is_empty()
    }

    pub fn last_year(&self) -> u32 {
        self.first_year + self.len() as u32 - 1
    }

    /// The first year with a CAPE (1881).
    pub fn first_valued_year(&self) -> u32 {
        let known = self.earnings_yield.iter().position(|y| !y.is_nan());
        self.first_year + known.unwrap_or(self.len()) as u32
    }

    /// Arithmetic means, volatilities and correlations of the yearly returns (sample
    /// statistics, n − 1), as lognormal assumptions: "fit from history".
    pub fn fit(&self) -> Fit {
        let net = |v: &[f64]| v.iter().map(|g| g - 1.0).collect::<Vec<_>>();
        let (s, b, c, i) = (
            net(&self.stocks),
            net(&self.bonds),
            net(&self.cash),
            net(&self.inflation),
        );
        Fit {
            first_year: self.first_year,
            last_year: self.last_year(),
            stocks: moments(&s),
            bonds: moments(&b),
            cash: moments(&c),
            inflation: moments(&i),
            correlations: Correlations {
                stocks_bonds: correlation(&s, &b),
                stocks_inflation: correlation(&s, &i),
                bonds_inflation: correlation(&b, &i),
            },
        }
    }
}

/// Lognormal assumptions estimated from the data, in the plan's `market` terms.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fit {
    pub first_year: u32,
    pub last_year: u32,
    pub stocks: AssetAssumption,
    pub bonds: AssetAssumption,
    pub cash: AssetAssumption,
    pub inflation: AssetAssumption,
    pub correlations: Correlations,
}

/// Arithmetic mean and sample standard deviation (n − 1).
pub fn moments(v: &[f64]) -> AssetAssumption {
    let n = v.len() as f64;
    let mean = v.iter().sum::<f64>() / n;
    let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    AssetAssumption {
        mean,
        volatility: var.sqrt(),
    }
}

/// Pearson correlation.
pub fn correlation(a: &[f64], b: &[f64]) -> f64 {
    let (
        AssetAssumption {
            mean: ma,
            volatility: sa,
        },
        AssetAssumption {
            mean: mb,
            volatility: sb,
        },
    ) = (moments(a), moments(b));
    let n = a.len() as f64;
    let cov = a
        .iter()
        .zip(b)
        .map(|(x, y)| (x - ma) * (y - mb))
        .sum::<f64>()
        / (n - 1.0);
    cov / (sa * sb)
}

/// The compiled-in US series, parsed once.
pub fn us_annual() -> &'static History {
    static HISTORY: OnceLock<History> = OnceLock::new();
    HISTORY.get_or_init(|| parse(CSV).expect("data/us_annual.csv is valid"))
}

fn parse(csv: &str) -> Result<History, String> {
    let mut lines = csv.lines();
    if lines.next() != Some("year,stocks,bonds,cash,inflation,cape") {
        return Err("unexpected header".into());
    }
    let mut history = History {
        first_year: 0,
        stocks: Vec::new(),
        bonds: Vec::new(),
        cash: Vec::new(),
        inflation: Vec::new(),
        earnings_yield: Vec::new(),
    };
    for (row, line) in lines.enumerate() {
        let fields: Vec<&str> = line.split(',').collect();
        let [year, stocks, bonds, cash, inflation, cape] = fields[..] else {
            return Err(format!("line {}: expected 6 fields", row + 2));
        };
        let year: u32 = year.parse().map_err(|e| format!("line {}: {e}", row + 2))?;
        if row == 0 {
            history.first_year = year;
        } else if year != history.first_year + row as u32 {
            return Err(format!("line {}: years must be consecutive", row + 2));
        }
        let gross = |v: &str| {
            v.parse::<f64>()
                .map(|r| 1.0 + r)
                .map_err(|e| format!("line {}: {e}", row + 2))
        };
        history.stocks.push(gross(stocks)?);
        history.bonds.push(gross(bonds)?);
        history.cash.push(gross(cash)?);
        history.inflation.push(gross(inflation)?);
        history.earnings_yield.push(if cape.is_empty() {
            f64::NAN
        } else {
            1.0 / cape
                .parse::<f64>()
                .map_err(|e| format!("line {}: {e}", row + 2))?
        });
    }
    Ok(history)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_series_is_complete_and_consecutive() {
        let data = us_annual();
        assert_eq!(data.first_year, 1871);
        assert_eq!(data.last_year(), 2022);
        assert_eq!(data.len(), 152);
        assert!(data.stocks.iter().all(|g| (0.4..2.0).contains(g)));
    }
}
