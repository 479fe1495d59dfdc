//! The result of a simulation, as the contract names its fields, and the statistics that
//! turn the simulated paths into it. Money is in today's dollars.

use std::time::Instant;

use ndarray::{Array2, ArrayView2, Axis};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

mod chance;
mod household;
mod lifetimes;
mod periods;
mod taxes;

use super::ENGINE_VERSION;
use super::percentile::{PROBABILITIES, lerp, percentiles_into};
use super::recycle::{self, Matrix};
pub use chance::Chance;
pub use household::{Benefit, HouseholdOutcome};
pub use lifetimes::{LifetimesOutcome, Spread};
pub use periods::{HistoricalPeriods, Period, WorstPeriod};
pub use taxes::{AccountBands, TaxOutcome};

/// Failure year of a path that never failed.
pub const NEVER: u16 = u16::MAX;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Outcome {
    pub engine_version: String,
    pub seed: u64,
    pub scenarios: u32,
    pub years: u32,
    /// Wall time inside the engine. The only field that differs between identical runs.
    pub elapsed_ms: f64,
    /// Share of paths that never failed: every withdrawal was funded and, for the variable
    /// strategies, the strategy's spending never fell below the floor.
    pub success_probability: f64,
    /// `√(p(1 − p)/n)`.
    pub success_standard_error: f64,
    /// Wilson score interval, which stays inside [0, 1] even at 0 % or 100 %. For the
    /// `historical` model the periods are every start year there is, overlapping, not a
    /// random sample: the interval is not meaningful there and the pages do not show it.
    pub success_interval_95: [f64; 2],
    /// The chance the money lasts: the share of paths whose balance funded every
    /// withdrawal the strategy asked for, to the end age. `null` only in results computed
    /// before engine 1.1.0.
    #[serde(default)]
    pub money_lasts: Option<Chance>,
    /// The chance spending stays at or above the floor: the share of paths whose real
    /// spending never fell below the strategy's floor in a retirement year. `null` for
    /// `constant_dollar`, which has no floor (and in results before engine 1.1.0).
    #[serde(default)]
    pub floor_held: Option<Chance>,
    /// The age during each simulated year; one entry per year.
    pub ages: Vec<u32>,
    /// Real balance at the end of each year.
    pub balance_percentiles: Bands,
    /// Real spending in each year.
    pub spending_percentiles: Bands,
    pub terminal_wealth: TerminalWealth,
    /// When paths failed, for either reason (see `success_probability`).
    pub depletion: Depletion,
    /// When paths ran out of money: the first year the balance could not fund the
    /// withdrawal. `null` only in results computed before engine 1.1.0.
    #[serde(default)]
    pub ran_out: Option<Depletion>,
    /// When spending first fell below the floor in a retirement year. `null` for
    /// `constant_dollar` (and in results before engine 1.1.0).
    #[serde(default)]
    pub below_floor: Option<Depletion>,
    /// Mean number of years per path whose spending fell short.
    pub shortfall_years_mean: f64,
    /// `historical` runs only: how each start year fared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub historical: Option<HistoricalPeriods>,
    /// Plans with a partner, Social Security or spending steps: the partner's ages, the
    /// planned spending path and each claim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub household: Option<HouseholdOutcome>,
    /// Plans with accounts: the taxes paid, the required distributions and each account.
    /// The spending bands are then after tax.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taxes: Option<TaxOutcome>,
}

impl Outcome {
    /// Your age at the end of the simulated years (exclusive): the plan's end, or with drawn
    /// lifetimes the year after the last death on any path.
    pub fn end_age(&self) -> u32 {
        self.ages.last().map_or(0, |a| a + 1)
    }

    /// The median real balance on entering `age`: `today` at or before the first simulated
    /// age, else the balance at the end of the year before.
    pub fn median_balance_at(&self, age: u32, today: f64) -> f64 {
        let first = self.ages.first().copied().unwrap_or(age);
        if age <= first {
            return today;
        }
        let p50 = &self.balance_percentiles.p50;
        p50.get((age - first - 1) as usize)
            .or(p50.last())
            .copied()
            .unwrap_or(today)
    }
}

/// One value per year for each reported percentile.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Bands {
    pub p5: Vec<f64>,
    pub p10: Vec<f64>,
    pub p25: Vec<f64>,
    pub p50: Vec<f64>,
    pub p75: Vec<f64>,
    pub p90: Vec<f64>,
    pub p95: Vec<f64>,
}

impl Bands {
    /// Keeps the first `years` years.
    pub fn truncate(&mut self, years: usize) {
        for band in [
            &mut self.p5,
            &mut self.p10,
            &mut self.p25,
            &mut self.p50,
            &mut self.p75,
            &mut self.p90,
            &mut self.p95,
        ] {
            band.truncate(years);
        }
    }

    /// From a `years × 7` table of [`PROBABILITIES`]' percentiles.
    pub(super) fn from_rows(rows: ArrayView2<'_, f64>) -> Self {
        let column = |k: usize| rows.column(k).to_vec();
        Self {
            p5: column(0),
            p10: column(1),
            p25: column(2),
            p50: column(3),
            p75: column(4),
            p90: column(5),
            p95: column(6),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TerminalWealth {
    pub mean: f64,
    pub p5: f64,
    pub p50: f64,
    pub p95: f64,
}

/// When paths failed: the age in the year it happened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Depletion {
    pub probability: f64,
    /// Median failure age among failed paths; `None` when none failed.
    pub median_age: Option<f64>,
    /// Failed paths per age, ascending, ages with no failure left out.
    pub histogram: Vec<AgeCount>,
    /// Of the failed paths, those that failed before the retirement age: a negative event
    /// larger than the savings. The shortfall is not carried forward; the path counts as
    /// failed from that year.
    #[serde(default)]
    pub before_retirement: u32,
}

impl Depletion {
    /// The number of failed paths.
    pub fn failed(&self) -> usize {
        self.histogram.iter().map(|bin| bin.count as usize).sum()
    }

    /// The share of all `n` paths that had failed by the end of each year, one per year from
    /// `first_age`.
    pub fn cumulative(&self, first_age: u32, years: usize, n: u32) -> Vec<f64> {
        let mut bins = self.histogram.iter().peekable();
        let mut failed = 0u32;
        (0..years as u32)
            .map(|t| {
                while let Some(bin) = bins.next_if(|b| b.age <= first_age + t) {
                    failed += bin.count;
                }
                f64::from(failed) / f64::from(n.max(1))
            })
            .collect()
    }

    /// From each path's first year of failure (`NEVER` when it held).
    fn new(
        first_year: impl Iterator<Item = u16>,
        years: usize,
        current_age: u32,
        retirement_age: u32,
    ) -> Self {
        let mut n = 0;
        let mut counts = vec![0u32; years];
        for y in first_year {
            n += 1;
            if y != NEVER {
                counts[y as usize] += 1;
            }
        }
        let failed: usize = counts.iter().map(|&c| c as usize).sum();
        let age_at = |rank: usize| {
            let mut seen = 0;
            let t = counts.iter().position(|&c| {
                seen += c as usize;
                rank < seen
            });
            f64::from(current_age) + t.unwrap_or(0) as f64
        };
        let median_age = (failed > 0).then(|| {
            let h = (failed - 1) as f64 * 0.5;
            let lo = h.floor() as usize;
            lerp(age_at(lo), age_at((lo + 1).min(failed - 1)), h - lo as f64)
        });
        let working_years = retirement_age.saturating_sub(current_age) as usize;
        Self {
            probability: failed as f64 / n as f64,
            median_age,
            histogram: counts
                .iter()
                .enumerate()
                .filter(|&(_, &c)| c > 0)
                .map(|(t, &count)| AgeCount {
                    age: current_age + t as u32,
                    count,
                })
                .collect(),
            before_retirement: counts.iter().take(working_years).sum(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AgeCount {
    pub age: u32,
    pub count: u32,
}

/// The percentiles of every year of each matrix: for matrix `k` a `years × 7` table, one
/// column per probability of [`PROBABILITIES`], the rows reordered in place. Every row of
/// every matrix is one task of one parallel pass (one wake-up of the pool). With gaps (drawn
/// lifetimes) a row's NaN are left out and a row without numbers reads 0. `median_only(k)`:
/// matrix `k` needs only the median (one order statistic, not seven; the rest read 0).
pub(super) fn year_percentiles(
    matrices: Vec<&mut Matrix>,
    has_gaps: bool,
    median_only: impl Fn(usize) -> bool + Sync + Send,
) -> Vec<Array2<f64>> {
    let median = PROBABILITIES
        .iter()
        .position(|&p| p == 0.5)
        .expect("the median");
    let years: Vec<usize> = matrices.iter().map(|m| m.nrows()).collect();
    let rows: Vec<[f64; 7]> = matrices
        .into_par_iter()
        .enumerate()
        .flat_map(|(k, m)| {
            m.axis_iter_mut(Axis(0))
                .into_par_iter()
                .map(move |row| (k, row))
        })
        .map(|(k, mut row)| {
            let row = row.as_slice_mut().expect("a matrix row is contiguous");
            let mut out = [0.0; 7];
            let live = if has_gaps {
                keep_numbers(row)
            } else {
                row.len()
            };
            let row = &mut row[..live];
            match live {
                0 => {}
                _ if median_only(k) => {
                    percentiles_into(row, &[0.5], &mut out[median..=median]);
                }
                _ => percentiles_into(row, &PROBABILITIES, &mut out),
            }
            out
        })
        .collect();
    let mut rows = rows.into_iter();
    years
        .into_iter()
        .map(|years| {
            let table = rows.by_ref().take(years).flatten().collect();
            Array2::from_shape_vec((years, 7), table).expect("seven columns a year")
        })
        .collect()
}

/// Moves the numbers of `row` to its front (NaN to the back) and returns how many there are.
pub(super) fn keep_numbers(row: &mut [f64]) -> usize {
    let mut live = 0;
    for i in 0..row.len() {
        if !row[i].is_nan() {
            row.swap(live, i);
            live += 1;
        }
    }
    live
}

/// The simulated paths: `balance[[t, i]]` is path `i`'s real balance in year `t`.
pub struct Paths {
    pub current_age: u32,
    pub retirement_age: u32,
    /// The strategy has a spending floor, so `floor_held` is reported.
    pub has_floor: bool,
    /// Drawn lifetimes: rows hold NaN where the household has died, left out of the
    /// percentiles (a row with no one alive reads 0).
    pub has_gaps: bool,
    pub balance: Matrix,
    pub spending: Matrix,
    pub shortfall_years: Vec<u16>,
    /// Each path's first year of running out and of spending below the floor; `NEVER` when
    /// it did not happen. A path fails in the earlier of the two.
    pub ran_out_year: Vec<u16>,
    pub floor_year: Vec<u16>,
}

impl Paths {
    /// Computes the outcome, selecting percentiles in place (the rows are reordered), one
    /// year per task in parallel.
    pub fn summarize(mut self, seed: u64, started: Instant) -> Outcome {
        let (years, n) = self.balance.dim();
        let terminal_mean = self.balance.row(years - 1).iter().sum::<f64>() / n as f64;
        let [balance_rows, spending_rows]: [Array2<f64>; 2] = year_percentiles(
            vec![&mut self.balance, &mut self.spending],
            self.has_gaps,
            |_| false,
        )
        .try_into()
        .expect("two matrices, two tables");
        recycle::give_matrix(std::mem::take(&mut self.balance));
        recycle::give_matrix(std::mem::take(&mut self.spending));
        let last = balance_rows.row(years - 1);

        let (ca, ra) = (self.current_age, self.retirement_age);
        // A path fails in the earlier of its first unfunded year and its first year below
        // the floor; each chance is the share of paths that never did.
        let first_failure = self.ran_out_year.iter().zip(&self.floor_year);
        let depletion = Depletion::new(first_failure.map(|(&a, &b)| a.min(b)), years, ca, ra);
        let ran_out = Depletion::new(self.ran_out_year.iter().copied(), years, ca, ra);
        let below_floor = self
            .has_floor
            .then(|| Depletion::new(self.floor_year.iter().copied(), years, ca, ra));
        let held = |d: &Depletion| Chance::of(n - d.failed(), n);
        let success = held(&depletion);
        let shortfall_total: u64 = self.shortfall_years.iter().map(|&s| u64::from(s)).sum();

        Outcome {
            engine_version: ENGINE_VERSION.to_owned(),
            seed,
            scenarios: n as u32,
            years: years as u32,
            success_probability: success.probability,
            success_standard_error: success.standard_error,
            success_interval_95: success.interval_95,
            money_lasts: Some(held(&ran_out)),
            floor_held: below_floor.as_ref().map(held),
            ages: (0..years as u32).map(|t| self.current_age + t).collect(),
            balance_percentiles: Bands::from_rows(balance_rows.view()),
            spending_percentiles: Bands::from_rows(spending_rows.view()),
            terminal_wealth: TerminalWealth {
                mean: terminal_mean,
                p5: last[0],
                p50: last[3],
                p95: last[6],
            },
            depletion,
            ran_out: Some(ran_out),
            below_floor,
            historical: None,
            household: None,
            taxes: None,
            shortfall_years_mean: shortfall_total as f64 / n as f64,
            elapsed_ms: started.elapsed().as_secs_f64() * 1e3,
        }
    }
}
