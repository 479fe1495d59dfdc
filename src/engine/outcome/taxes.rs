//! What a plan with accounts reports of its taxes: each year's tax and required
//! distribution, the effective rate, each account's balance, and the lifetime tax. Money is
//! in today's dollars; the spending bands of the result are after tax.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Bands, Spread, keep_numbers};
use crate::engine::percentile::{PROBABILITIES, percentiles_into};
use crate::engine::tax::step::{ACCOUNTS, RATE, RMD, TAX, TAX_ROWS};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TaxOutcome {
    /// Federal and state income tax over the whole plan, in today's dollars, across paths.
    pub lifetime_tax: Spread,
    /// The tax paid in each year.
    pub tax_yearly: Bands,
    /// The median effective rate each year: the tax over the year's income (adjusted gross
    /// income plus the untaxed part of Social Security), 0 in a year without income.
    pub effective_rate: Vec<f64>,
    /// Required minimum distributions each year.
    pub rmd_yearly: Bands,
    /// Each account's balance at the end of each year.
    pub accounts: AccountBands,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AccountBands {
    pub taxable: Bands,
    pub traditional: Bands,
    pub roth: Bands,
}

impl TaxOutcome {
    /// From the year-major matrices of the kernel's tax rows (`n` paths each) and each path's
    /// lifetime tax (reordered). With drawn lifetimes (`has_gaps`) a row holds NaN where the
    /// household has died: its percentiles are those of the futures where one of you is
    /// alive (0 when none is), as the balance's are.
    pub fn new(
        matrices: &mut [Vec<f64>; TAX_ROWS],
        n: usize,
        lifetime_tax: &mut [f64],
        has_gaps: bool,
    ) -> Self {
        let years = matrices[TAX].len() / n;
        // The rate reports only its median: one order statistic, not seven.
        let median = PROBABILITIES
            .iter()
            .position(|&p| p == 0.5)
            .expect("the median");
        let rows: Vec<[f64; 7]> = matrices
            .par_iter_mut()
            .enumerate()
            .flat_map(|(k, m)| m.par_chunks_mut(n).map(move |row| (k, row)))
            .map(|(k, row)| {
                let mut out = [0.0; 7];
                let live = if has_gaps {
                    keep_numbers(row)
                } else {
                    row.len()
                };
                let row = &mut row[..live];
                match (live, k) {
                    (0, _) => {}
                    (_, RATE) => percentiles_into(row, &[0.5], &mut out[median..=median]),
                    _ => percentiles_into(row, &PROBABILITIES, &mut out),
                }
                out
            })
            .collect();
        let bands = |k: usize| Bands::from_rows(&rows[k * years..(k + 1) * years]);
        Self {
            lifetime_tax: Spread::of(lifetime_tax),
            tax_yearly: bands(TAX),
            effective_rate: bands(RATE).p50,
            rmd_yearly: bands(RMD),
            accounts: AccountBands {
                taxable: bands(ACCOUNTS),
                traditional: bands(ACCOUNTS + 1),
                roth: bands(ACCOUNTS + 2),
            },
        }
    }

    /// Only the first `years` years (drawn lifetimes end with the last death on any path).
    pub fn truncate(&mut self, years: usize) {
        for bands in [
            &mut self.tax_yearly,
            &mut self.rmd_yearly,
            &mut self.accounts.taxable,
            &mut self.accounts.traditional,
            &mut self.accounts.roth,
        ] {
            bands.truncate(years);
        }
        self.effective_rate.truncate(years);
    }
}
