//! The result of a simulation, as the contract names its fields, and the statistics that
//! turn the simulated paths into it. Money is in today's dollars.

use std::time::Instant;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::batch::NEVER;
use super::percentile::{PROBABILITIES, lerp, percentiles_into};
use super::{ENGINE_VERSION, recycle};

/// z for a two-sided 95 % interval.
const Z_95: f64 = 1.959_963_984_540_054;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Outcome {
    pub engine_version: String,
    pub seed: u64,
    pub scenarios: u32,
    pub years: u32,
    /// Wall time inside the engine. The only field that differs between identical runs.
    pub elapsed_ms: f64,
    /// Share of paths that never failed.
    pub success_probability: f64,
    /// `√(p(1 − p)/n)`.
    pub success_standard_error: f64,
    /// Wilson score interval, which stays inside [0, 1] even at 0 % or 100 %.
    pub success_interval_95: [f64; 2],
    /// The age during each simulated year; one entry per year.
    pub ages: Vec<u32>,
    /// Real balance at the end of each year.
    pub balance_percentiles: Bands,
    /// Real spending in each year.
    pub spending_percentiles: Bands,
    pub terminal_wealth: TerminalWealth,
    pub depletion: Depletion,
    /// Mean number of years per path whose spending fell short.
    pub shortfall_years_mean: f64,
    /// `historical` runs only: how each start year fared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub historical: Option<HistoricalPeriods>,
}

/// Every rolling period of a historical run, and the worst of them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct HistoricalPeriods {
    /// One per start year, in calendar order.
    pub periods: Vec<Period>,
    /// Up to ten periods, worst first: earliest depletion, then lowest final balance.
    pub worst: Vec<WorstPeriod>,
}

/// A bad start year and how it went.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct WorstPeriod {
    pub start_year: u32,
    /// The age in the year the money ran out; `null` if it lasted.
    pub depleted_at_age: Option<u32>,
    /// Real balance at the end of the last year.
    pub terminal_balance: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Period {
    pub start_year: u32,
    /// The age in the year the money ran out; `null` if it lasted.
    pub depleted_at_age: Option<u32>,
    /// Real balance at the end of the last year.
    pub terminal_balance: f64,
    /// Real balance at the end of each year.
    pub balance: Vec<f64>,
}

impl HistoricalPeriods {
    /// From the year-major balance matrix (`n` paths a row) and each path's failure year.
    pub fn new(
        start_years: &[u32],
        current_age: u32,
        balance: &[f64],
        n: usize,
        fail_year: &[u16],
    ) -> Self {
        let years = balance.len() / n;
        let periods: Vec<Period> = start_years
            .iter()
            .enumerate()
            .map(|(path, &start_year)| Period {
                start_year,
                depleted_at_age: (fail_year[path] != NEVER)
                    .then(|| current_age + u32::from(fail_year[path])),
                terminal_balance: balance[(years - 1) * n + path],
                balance: (0..years).map(|t| balance[t * n + path]).collect(),
            })
            .collect();
        let mut order: Vec<&Period> = periods.iter().collect();
        order.sort_by(|a, b| {
            let key = |p: &Period| p.depleted_at_age.unwrap_or(u32::MAX);
            key(a)
                .cmp(&key(b))
                .then(a.terminal_balance.total_cmp(&b.terminal_balance))
                .then(a.start_year.cmp(&b.start_year))
        });
        let worst = order
            .iter()
            .take(10)
            .map(|p| WorstPeriod {
                start_year: p.start_year,
                depleted_at_age: p.depleted_at_age,
                terminal_balance: p.terminal_balance,
            })
            .collect();
        Self { periods, worst }
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
    fn from_rows(rows: &[[f64; 7]]) -> Self {
        let column = |k: usize| rows.iter().map(|r| r[k]).collect();
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

/// When paths failed: the age in the year the balance could not fund the withdrawal (or a
/// variable strategy's spending fell below the floor).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Depletion {
    pub probability: f64,
    /// Median failure age among failed paths; `None` when none failed.
    pub median_age: Option<f64>,
    /// Failed paths per age, ascending, ages with no failure left out.
    pub histogram: Vec<AgeCount>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AgeCount {
    pub age: u32,
    pub count: u32,
}

/// The simulated paths, year-major: `balance[t·n + i]` is path `i`'s real balance in year `t`.
pub struct Paths {
    pub n: usize,
    pub current_age: u32,
    pub balance: Vec<f64>,
    pub spending: Vec<f64>,
    pub fail_year: Vec<u16>,
    pub shortfall_years: Vec<u16>,
}

impl Paths {
    /// Computes the outcome, selecting percentiles in place (the rows are reordered), one
    /// year per task in parallel.
    pub fn summarize(mut self, seed: u64, started: Instant) -> Outcome {
        let n = self.n;
        let years = self.balance.len() / n;
        let last_row = &self.balance[(years - 1) * n..];
        let terminal_mean = last_row.iter().sum::<f64>() / n as f64;
        // Both matrices in one parallel pass: one wake-up of the pool, not two.
        let rows: Vec<[f64; 7]> = self
            .balance
            .par_chunks_mut(n)
            .chain(self.spending.par_chunks_mut(n))
            .map(|row| {
                let mut out = [0.0; 7];
                percentiles_into(row, &PROBABILITIES, &mut out);
                out
            })
            .collect();
        let (balance_rows, spending_rows) = rows.split_at(years);
        recycle::give(std::mem::take(&mut self.balance));
        recycle::give(std::mem::take(&mut self.spending));
        let last = balance_rows[years - 1];

        let failed = self.fail_year.iter().filter(|&&y| y != NEVER).count();
        let p = (n - failed) as f64 / n as f64;
        let nf = n as f64;
        let z2 = Z_95 * Z_95;
        let center = (p + z2 / (2.0 * nf)) / (1.0 + z2 / nf);
        let half = Z_95 * (p * (1.0 - p) / nf + z2 / (4.0 * nf * nf)).sqrt() / (1.0 + z2 / nf);

        let mut counts = vec![0u32; years];
        for &y in self.fail_year.iter().filter(|&&y| y != NEVER) {
            counts[y as usize] += 1;
        }
        let age_at = |rank: usize| {
            let mut seen = 0;
            let t = counts.iter().position(|&c| {
                seen += c as usize;
                rank < seen
            });
            f64::from(self.current_age) + t.unwrap_or(0) as f64
        };
        let median_age = (failed > 0).then(|| {
            let h = (failed - 1) as f64 * 0.5;
            let lo = h.floor() as usize;
            lerp(age_at(lo), age_at((lo + 1).min(failed - 1)), h - lo as f64)
        });
        let histogram = counts
            .iter()
            .enumerate()
            .filter(|&(_, &c)| c > 0)
            .map(|(t, &count)| AgeCount {
                age: self.current_age + t as u32,
                count,
            })
            .collect();
        let shortfall_total: u64 = self.shortfall_years.iter().map(|&s| u64::from(s)).sum();

        Outcome {
            engine_version: ENGINE_VERSION.to_owned(),
            seed,
            scenarios: n as u32,
            years: years as u32,
            success_probability: p,
            success_standard_error: (p * (1.0 - p) / nf).sqrt(),
            // Wilson's interval always contains p; keep it so after rounding too.
            success_interval_95: [(center - half).clamp(0.0, p), (center + half).clamp(p, 1.0)],
            ages: (0..years as u32).map(|t| self.current_age + t).collect(),
            balance_percentiles: Bands::from_rows(balance_rows),
            spending_percentiles: Bands::from_rows(spending_rows),
            terminal_wealth: TerminalWealth {
                mean: terminal_mean,
                p5: last[0],
                p50: last[3],
                p95: last[6],
            },
            depletion: Depletion {
                probability: failed as f64 / nf,
                median_age,
                histogram,
            },
            historical: None,
            shortfall_years_mean: shortfall_total as f64 / nf,
            elapsed_ms: started.elapsed().as_secs_f64() * 1e3,
        }
    }
}
