//! The two return models that replay history: rolling periods ([`Historical`]) and random
//! blocks of years ([`Bootstrap`]), each a [`ReturnModel`] over [`us_annual`].

use rand::distr::{Distribution, Uniform};

use super::{History, us_annual};
use crate::engine::BATCH;
use crate::engine::market::{MarketYear, ReturnModel, YearSource};
use crate::engine::rng::{SplitMix64, Stream};

/// Rolling periods through history.
#[derive(Debug, Clone, Copy)]
pub struct Historical {
    data: &'static History,
    /// The data index of the first start year.
    first: usize,
    starts: usize,
}

impl Historical {
    /// Every start year whose `years` fit in the data, or every year with wrap-around.
    pub fn new(years: usize, wrap_around: bool) -> Self {
        let data = us_annual();
        let starts = if wrap_around {
            data.len()
        } else {
            (data.len() + 1).saturating_sub(years)
        };
        Self {
            data,
            first: 0,
            starts,
        }
    }

    /// Every start year from the first with a CAPE (1881) whose `years` fit in the data,
    /// without wrap-around: each year a path lives through has a valuation.
    pub fn valued(years: usize) -> Self {
        let data = us_annual();
        let first = (data.first_valued_year() - data.first_year) as usize;
        Self {
            data,
            first,
            starts: (data.len() - first + 1).saturating_sub(years),
        }
    }

    pub fn start_years(&self) -> impl Iterator<Item = u32> + '_ {
        let first = self.data.first_year + self.first as u32;
        (0..self.starts as u32).map(move |i| first + i)
    }
}

impl ReturnModel for Historical {
    type Source = HistoricalSource;

    fn paths(&self, _requested: usize) -> usize {
        self.starts
    }

    fn source(&self, _seed: u64, batch: u64) -> HistoricalSource {
        HistoricalSource {
            data: self.data,
            first_start: self.first + batch as usize * BATCH,
        }
    }

    fn start_years(&self) -> Option<Vec<u32>> {
        Some(Historical::start_years(self).collect())
    }
}

pub struct HistoricalSource {
    data: &'static History,
    first_start: usize,
}

impl YearSource for HistoricalSource {
    fn fill_year(&mut self, year: usize, out: &mut MarketYear) {
        let n = self.data.len();
        for lane in 0..BATCH {
            // Lanes past the last start year are simulated but never reported.
            let index = (self.first_start + lane + year) % n;
            gather(self.data, index, lane, out);
        }
    }
}

#[inline(always)]
fn gather(data: &History, index: usize, lane: usize, out: &mut MarketYear) {
    out.stocks[lane] = data.stocks[index];
    out.bonds[lane] = data.bonds[index];
    out.cash[lane] = data.cash[index];
    out.inflation[lane] = data.inflation[index];
    out.earnings_yield[lane] = data.earnings_yield[index];
}

/// Random years (or blocks of consecutive years) from history.
#[derive(Debug, Clone, Copy)]
pub struct Bootstrap {
    data: &'static History,
    block_years: usize,
}

impl Bootstrap {
    pub fn new(block_years: u32) -> Self {
        Self {
            data: us_annual(),
            block_years: block_years.max(1) as usize,
        }
    }
}

impl ReturnModel for Bootstrap {
    type Source = BootstrapSource;

    fn source(&self, seed: u64, batch: u64) -> BootstrapSource {
        BootstrapSource {
            data: self.data,
            block_years: self.block_years,
            rng: SplitMix64::for_stream(seed, batch, Stream::Bootstrap),
            starts: Uniform::new(0, self.data.len() as u32).expect("the series has years"),
            index: [0; BATCH],
        }
    }
}

pub struct BootstrapSource {
    data: &'static History,
    block_years: usize,
    rng: SplitMix64,
    /// A block's first data year, uniform over the series (`rand`'s unbiased `Uniform`,
    /// sampled as 32-bit so the numbers are the same on every platform).
    starts: Uniform<u32>,
    /// The data year each lane lives through now.
    index: [usize; BATCH],
}

impl YearSource for BootstrapSource {
    fn fill_year(&mut self, year: usize, out: &mut MarketYear) {
        let n = self.data.len();
        if year.is_multiple_of(self.block_years) {
            for slot in &mut self.index {
                *slot = self.starts.sample(&mut self.rng) as usize;
            }
        } else {
            for slot in &mut self.index {
                *slot = if *slot + 1 == n { 0 } else { *slot + 1 };
            }
        }
        for (lane, &index) in self.index.iter().enumerate() {
            gather(self.data, index, lane, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rolling_periods_are_the_start_years_with_a_full_horizon() {
        let model = Historical::new(30, false);
        assert_eq!(model.paths(1000), 152 - 30 + 1);
        let years: Vec<u32> = model.start_years().collect();
        assert_eq!(years.first(), Some(&1871));
        assert_eq!(years.last(), Some(&1993));
        assert_eq!(Historical::new(30, true).paths(1000), 152);
        let valued = Historical::valued(30);
        assert_eq!(valued.paths(1000), 152 - 10 - 30 + 1);
        let years: Vec<u32> = valued.start_years().collect();
        assert_eq!((years[0], *years.last().unwrap()), (1881, 1993));
    }

    #[test]
    fn valued_periods_see_shillers_cape_every_year() {
        let data = us_annual();
        assert_eq!(data.first_valued_year(), 1881);
        let model = Historical::valued(30);
        let mut year = MarketYear::default();
        let mut source = model.source(0, 0);
        let periods = model.paths(0);
        assert!(periods > 0 && periods <= year.earnings_yield.len());
        for t in 0..30 {
            source.fill_year(t, &mut year);
            // Lanes past the last start year are padding the engine drops.
            let valued = &year.earnings_yield[..periods];
            assert!(valued.iter().all(|y| y.is_finite() && *y > 0.0));
        }
        // Lane 0 starts in 1881, lane 1 in 1882 (CAPE 18.47 and 15.68 in January).
        source.fill_year(0, &mut year);
        assert!((1.0 / year.earnings_yield[0] - 18.473_952_3).abs() < 1e-6);
        assert!((1.0 / year.earnings_yield[1] - 15.678_764_16).abs() < 1e-6);
    }

    #[test]
    fn a_historical_lane_lives_through_its_own_years() {
        let model = Historical::new(30, false);
        let data = us_annual();
        let mut source = model.source(0, 0);
        let mut year = MarketYear::default();
        source.fill_year(2, &mut year);
        // Lane 58 starts in 1929; its third year is 1931.
        assert_eq!(year.stocks[58], data.stocks[(1931 - 1871) as usize]);
        assert_eq!(year.inflation[58], data.inflation[(1931 - 1871) as usize]);
    }

    #[test]
    fn bootstrap_blocks_are_consecutive_years_and_reproducible() {
        let model = Bootstrap::new(5);
        let data = us_annual();
        let run = |seed| {
            let mut source = model.source(seed, 3);
            let mut year = MarketYear::default();
            (0..10)
                .map(|t| {
                    source.fill_year(t, &mut year);
                    year.stocks[17]
                })
                .collect::<Vec<f64>>()
        };
        let a = run(9);
        assert_eq!(a, run(9));
        assert_ne!(a, run(10));
        let position = |g: f64| data.stocks.iter().position(|&x| x == g).unwrap();
        for t in 1..5 {
            assert_eq!(position(a[t]), (position(a[t - 1]) + 1) % data.len());
        }
    }
}
