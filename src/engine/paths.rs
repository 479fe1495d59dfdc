//! What each path of a run came to, kept for pairing it with another plan's path
//! ([`compare`](super::compare)) and for the strategy table's spending statistics.

use super::MatrixView;
use super::batch::NEVER;

/// What each path of a run came to, in path order, for pairing with another plan's.
#[derive(Debug, Clone, Default)]
pub struct PathResults {
    /// The path never failed (money and floor, as `success_probability`).
    pub held: Vec<bool>,
    /// The money funded every withdrawal (as `money_lasts`).
    pub money_lasted: Vec<bool>,
    /// The real balance at the end (with drawn lifetimes, at the last death).
    pub legacy: Vec<f64>,
    /// Plans with accounts: the real taxes paid over the path.
    pub lifetime_tax: Option<Vec<f64>>,
    /// The mean and the lowest real spending of the path's retirement years (while
    /// someone lives), and the standard deviation of its yearly real change (a share).
    pub mean_spending: Vec<f64>,
    pub lowest_spending: Vec<f64>,
    pub spending_volatility: Vec<f64>,
}

/// Each path's verdicts, legacy, lifetime tax and spending, read before the percentiles
/// reorder the rows. With drawn lifetimes a path's legacy is its last balance before its
/// rows turn NaN, and its spending counts only the years someone lives.
pub(super) fn path_results(
    (balance, spending): (MatrixView<'_>, MatrixView<'_>),
    retired_from: usize,
    (ran_out_year, floor_year): (&[u16], &[u16]),
    lifetime_tax: Option<&[f64]>,
) -> PathResults {
    let (years, n) = balance.dim();
    // Row by row (a year of every path at a time), as the matrices are laid out.
    let mut legacy = vec![0.0; n];
    for row in balance.rows() {
        for (legacy, &b) in legacy.iter_mut().zip(row) {
            if !b.is_nan() {
                *legacy = b;
            }
        }
    }
    let mut lived = vec![Lived::default(); n];
    for row in spending.rows().into_iter().skip(retired_from.min(years)) {
        for (path, &s) in lived.iter_mut().zip(row) {
            if !s.is_nan() {
                path.add(s);
            }
        }
    }
    let mean_spending = lived.iter().map(Lived::mean).collect();
    let lowest_spending = lived.iter().map(Lived::lowest).collect();
    let spending_volatility = lived.iter().map(Lived::volatility).collect();
    PathResults {
        held: ran_out_year
            .iter()
            .zip(floor_year)
            .map(|(&r, &f)| r == NEVER && f == NEVER)
            .collect(),
        money_lasted: ran_out_year.iter().map(|&r| r == NEVER).collect(),
        legacy,
        mean_spending,
        lowest_spending,
        spending_volatility,
        lifetime_tax: lifetime_tax.map(<[f64]>::to_vec),
    }
}

/// One path's real spending in the years someone lives, summed as the years come.
#[derive(Debug, Clone, Copy)]
struct Lived {
    count: f64,
    sum: f64,
    low: f64,
    /// Yearly changes `s/previous − 1` (after a year with spending), their sum and squares.
    changes: f64,
    change_sum: f64,
    change_squares: f64,
    /// The previous year's spending; NaN before the first.
    last: f64,
}

impl Default for Lived {
    fn default() -> Self {
        Self {
            count: 0.0,
            sum: 0.0,
            low: f64::INFINITY,
            changes: 0.0,
            change_sum: 0.0,
            change_squares: 0.0,
            last: f64::NAN,
        }
    }
}

impl Lived {
    fn add(&mut self, s: f64) {
        self.count += 1.0;
        self.sum += s;
        self.low = self.low.min(s);
        if self.last > 0.0 {
            let change = s / self.last - 1.0;
            self.changes += 1.0;
            self.change_sum += change;
            self.change_squares += change * change;
        }
        self.last = s;
    }

    fn mean(&self) -> f64 {
        if self.count > 0.0 {
            self.sum / self.count
        } else {
            0.0
        }
    }

    fn lowest(&self) -> f64 {
        if self.low.is_finite() { self.low } else { 0.0 }
    }

    /// The sample standard deviation of the yearly changes; 0 with fewer than two.
    fn volatility(&self) -> f64 {
        if self.changes > 1.0 {
            let mean = self.change_sum / self.changes;
            ((self.change_squares - self.changes * mean * mean) / (self.changes - 1.0))
                .max(0.0)
                .sqrt()
        } else {
            0.0
        }
    }
}
