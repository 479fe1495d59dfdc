//! What a plan with accounts reports of its taxes: each year's tax and required
//! distribution, the effective rate, each account's balance, and the lifetime tax. Money is
//! in today's dollars; the spending bands of the result are after tax.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Bands, Spread, year_percentiles};
use crate::engine::Matrix;
use crate::engine::tax::scratch::{ACCOUNTS, RATE, RMD, TAX, TAX_ROWS};

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
    /// From the year × path matrices of the kernel's tax rows and each path's lifetime tax
    /// (reordered). With drawn lifetimes (`has_gaps`) a row holds NaN where the household
    /// has died: its percentiles are those of the futures where one of you is alive (0 when
    /// none is), as the balance's are.
    pub fn new(
        matrices: &mut [Matrix; TAX_ROWS],
        lifetime_tax: &mut [f64],
        has_gaps: bool,
    ) -> Self {
        // The rate reports only its median.
        let tables = year_percentiles(matrices.iter_mut().collect(), has_gaps, |k| k == RATE);
        let bands = |k: usize| Bands::from_rows(tables[k].view());
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
