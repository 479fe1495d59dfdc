//! The federal tax law by year, from `data/us_federal_tax.csv` (see `data/README.md`):
//! Tax-Calculator 6.8.0's current-law parameters, compiled into the binary.
//!
//! Amounts that the law indexes to inflation (brackets, the standard deduction and its
//! additional amount at 65, the capital-gains breakpoints) are stated for [`BASE_YEAR`]; a
//! simulated year multiplies them by that path's price index (`Law::indexed`). Amounts the
//! law leaves unindexed (the Social Security thresholds, the net investment income tax
//! threshold, the senior deduction and its phase-out start) are nominal and follow the
//! law's own schedule by calendar year: the senior deduction ends after 2028.

use std::sync::OnceLock;

const CSV: &str = include_str!("../../../data/us_federal_tax.csv");

/// The year whose indexed amounts the data states. A plan's first tax year is this year or
/// later; a later first year uses these amounts as its own (the data is rebuilt each year).
pub const BASE_YEAR: u32 = 2026;

/// Filing status: married filing jointly while both partners live (and in the year of the
/// first death), single otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filing {
    /// The data's first column.
    Single = 0,
    Joint = 1,
}

/// One filing status's law for one calendar year. Dollar amounts are nominal for unindexed
/// ones and [`BASE_YEAR`] dollars for indexed ones (marked).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Law {
    /// Ordinary rates, lowest first.
    pub rates: [f64; 7],
    /// Indexed: the top of each of the first six ordinary brackets (the seventh is open).
    pub brackets: [f64; 6],
    /// Indexed.
    pub standard_deduction: f64,
    /// Indexed: the additional standard deduction for each person 65 or older.
    pub aged_deduction: f64,
    /// Long-term gains rates (0%, 15%, 20%).
    pub gains_rates: [f64; 3],
    /// Indexed: the taxable income at which each higher gains rate starts.
    pub gains_brackets: [f64; 2],
    pub niit_rate: f64,
    pub niit_threshold: f64,
    /// The base amount and the adjusted base amount of Publication 915's worksheet.
    pub ss_thresholds: [f64; 2],
    /// 50% and 85%.
    pub ss_shares: [f64; 2],
    /// For each person 65 or older, 2025–2028; 0 in other years.
    pub senior_deduction: f64,
    pub senior_phaseout_start: f64,
    pub senior_phaseout_rate: f64,
}

impl Law {
    /// The law of `year` for `filing`, with indexed amounts still in [`BASE_YEAR`] dollars.
    /// Years before the data's first take its first; years after its last take its last.
    pub fn of(year: u32, filing: Filing) -> Law {
        let laws = &Table::current().laws;
        let k = (year.saturating_sub(BASE_YEAR) as usize).min(laws.len() - 1);
        laws[k][filing as usize]
    }

    /// The law of `year` for the data's `column` (0 single, 1 joint), read from its rows.
    fn read(table: &Table, year: u32, column: usize) -> Law {
        let v = |name: &str| table.value(name, year, column);
        let each = |prefix: &str, n: usize| -> Vec<f64> {
            (1..=n).map(|k| v(&format!("{prefix}_{k}"))).collect()
        };
        Law {
            rates: each("rate", 7).try_into().expect("seven rates"),
            brackets: each("bracket", 6).try_into().expect("six brackets"),
            standard_deduction: v("standard_deduction"),
            aged_deduction: v("aged_deduction"),
            gains_rates: each("gains_rate", 3).try_into().expect("three rates"),
            gains_brackets: each("gains_bracket", 2).try_into().expect("two brackets"),
            niit_rate: v("niit_rate"),
            niit_threshold: v("niit_threshold"),
            ss_thresholds: [v("ss_threshold_1"), v("ss_threshold_2")],
            ss_shares: [v("ss_share_1"), v("ss_share_2")],
            senior_deduction: v("senior_deduction"),
            senior_phaseout_start: v("senior_phaseout_start"),
            senior_phaseout_rate: v("senior_phaseout_rate"),
        }
    }

    /// The indexed amounts in the dollars of a year whose prices are `index` times
    /// [`BASE_YEAR`]'s.
    #[inline(always)]
    pub fn indexed(&self, index: f64) -> Law {
        Law {
            brackets: self.brackets.map(|b| b * index),
            standard_deduction: self.standard_deduction * index,
            aged_deduction: self.aged_deduction * index,
            gains_brackets: self.gains_brackets.map(|b| b * index),
            ..*self
        }
    }

    /// The top of ordinary bracket `rate` (a rate of the table, as 0.22), or `None` when the
    /// rate is not one of the table's bracketed rates (the top rate has no top).
    pub fn bracket_top(&self, rate: f64) -> Option<f64> {
        let k = self.rates.iter().position(|&r| (r - rate).abs() < 1e-9)?;
        self.brackets.get(k).copied()
    }
}

/// The rows of the data file (each parameter's values by the year they take effect), and
/// the law they give for each year from [`BASE_YEAR`] to the last row's, read once.
struct Table {
    rows: Vec<(String, u32, [f64; 2])>,
    laws: Vec<[Law; 2]>,
}

impl Table {
    fn current() -> &'static Table {
        static TABLE: OnceLock<Table> = OnceLock::new();
        TABLE.get_or_init(|| {
            let mut table = Table::parse(CSV);
            let last = table.rows.iter().map(|r| r.1).max().unwrap_or(BASE_YEAR);
            table.laws = (BASE_YEAR..=last.max(BASE_YEAR))
                .map(|year| [Law::read(&table, year, 0), Law::read(&table, year, 1)])
                .collect();
            table
        })
    }

    fn parse(csv: &str) -> Table {
        let rows = csv
            .lines()
            .skip(1)
            .map(|line| {
                let f: Vec<&str> = line.split(',').collect();
                let number = |s: &str| s.parse::<f64>().expect("the tax data is numeric");
                (
                    f[0].to_string(),
                    f[1].parse().expect("the tax data's years are numeric"),
                    [number(f[3]), number(f[4])],
                )
            })
            .collect();
        Table {
            rows,
            laws: Vec::new(),
        }
    }

    /// The value in force in `year`: the row of the latest year at or before it (the first
    /// row for earlier years).
    fn value(&self, name: &str, year: u32, column: usize) -> f64 {
        let mut rows = self.rows.iter().filter(|(n, _, _)| n == name).peekable();
        let first = rows
            .peek()
            .map(|row| row.2[column])
            .unwrap_or_else(|| panic!("the tax data has no {name}"));
        rows.rfind(|(_, y, _)| *y <= year)
            .map_or(first, |row| row.2[column])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_senior_deduction_ends_after_2028_and_brackets_stay() {
        let single = Law::of(2028, Filing::Single);
        assert_eq!(single.senior_deduction, 6_000.0);
        assert_eq!(Law::of(2029, Filing::Single).senior_deduction, 0.0);
        assert_eq!(
            Law::of(2040, Filing::Joint).brackets,
            Law::of(2026, Filing::Joint).brackets
        );
        assert_eq!(single.bracket_top(0.22), Some(105_700.0));
        assert_eq!(single.bracket_top(0.37), None);
        assert_eq!(single.bracket_top(0.23), None);
    }
}
