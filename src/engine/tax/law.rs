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

use super::lin::Lane;

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

/// One filing status's law for one calendar year. Read from the data, dollar amounts are
/// nominal for unindexed ones and [`BASE_YEAR`] dollars for indexed ones (marked); a
/// simulated year's law (`Law::indexed`) has every amount in that year's dollars, per lane.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Law<T = f64> {
    /// Ordinary rates, lowest first.
    pub rates: [f64; 7],
    /// Indexed: the top of each of the first six ordinary brackets (the seventh is open).
    pub brackets: [T; 6],
    /// Indexed.
    pub standard_deduction: T,
    /// Indexed: the additional standard deduction for each person 65 or older.
    pub aged_deduction: T,
    /// Long-term gains rates (0%, 15%, 20%).
    pub gains_rates: [f64; 3],
    /// Indexed: the taxable income at which each higher gains rate starts.
    pub gains_brackets: [T; 2],
    pub niit_rate: f64,
    pub niit_threshold: T,
    /// The base amount and the adjusted base amount of Publication 915's worksheet.
    pub ss_thresholds: [T; 2],
    /// 50% and 85%.
    pub ss_shares: [f64; 2],
    /// For each person 65 or older, 2025–2028; 0 in other years.
    pub senior_deduction: T,
    pub senior_phaseout_start: T,
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

    /// The law in the dollars of a year whose prices are `index` times [`BASE_YEAR`]'s
    /// (per lane): indexed amounts times the index, unindexed ones as they are.
    #[inline(always)]
    pub fn indexed<T: Lane>(&self, index: T) -> Law<T> {
        let up = |b: f64| T::splat(b) * index;
        let at = T::splat;
        Law {
            rates: self.rates,
            brackets: self.brackets.map(up),
            standard_deduction: up(self.standard_deduction),
            aged_deduction: up(self.aged_deduction),
            gains_rates: self.gains_rates,
            gains_brackets: self.gains_brackets.map(up),
            niit_rate: self.niit_rate,
            niit_threshold: at(self.niit_threshold),
            ss_thresholds: self.ss_thresholds.map(at),
            ss_shares: self.ss_shares,
            senior_deduction: at(self.senior_deduction),
            senior_phaseout_start: at(self.senior_phaseout_start),
            senior_phaseout_rate: self.senior_phaseout_rate,
        }
    }

    /// Per lane, the joint law (`laws[1]`) where `joint` is 1 and the single one (`laws[0]`)
    /// where it is 0, in the dollars of `index` (see [`Law::indexed`]). The two statuses
    /// share their rates in every year of the data (a test checks).
    #[inline(always)]
    pub fn by_filing<T: Lane>(laws: &[Law; 2], joint: T, index: T) -> Law<T> {
        let [single, both] = laws;
        let half = T::splat(0.5);
        let pick = |a: f64, b: f64| T::lt_select(half, joint, T::splat(b), T::splat(a));
        let up = |a: f64, b: f64| pick(a, b) * index;
        Law {
            rates: single.rates,
            // Written out: `std::array::from_fn` and `map` are left out of line here.
            brackets: [
                up(single.brackets[0], both.brackets[0]),
                up(single.brackets[1], both.brackets[1]),
                up(single.brackets[2], both.brackets[2]),
                up(single.brackets[3], both.brackets[3]),
                up(single.brackets[4], both.brackets[4]),
                up(single.brackets[5], both.brackets[5]),
            ],
            standard_deduction: up(single.standard_deduction, both.standard_deduction),
            aged_deduction: up(single.aged_deduction, both.aged_deduction),
            gains_rates: single.gains_rates,
            gains_brackets: [
                up(single.gains_brackets[0], both.gains_brackets[0]),
                up(single.gains_brackets[1], both.gains_brackets[1]),
            ],
            niit_rate: single.niit_rate,
            niit_threshold: pick(single.niit_threshold, both.niit_threshold),
            ss_thresholds: [
                pick(single.ss_thresholds[0], both.ss_thresholds[0]),
                pick(single.ss_thresholds[1], both.ss_thresholds[1]),
            ],
            ss_shares: single.ss_shares,
            senior_deduction: pick(single.senior_deduction, both.senior_deduction),
            senior_phaseout_start: pick(single.senior_phaseout_start, both.senior_phaseout_start),
            senior_phaseout_rate: single.senior_phaseout_rate,
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

    #[test]
    fn both_filing_statuses_share_their_rates_every_year() {
        // `Law::by_filing` picks each lane's amounts and keeps one set of rates.
        for laws in &Table::current().laws {
            let [single, joint] = laws;
            assert_eq!(single.rates, joint.rates);
            assert_eq!(single.gains_rates, joint.gains_rates);
            assert_eq!(single.niit_rate, joint.niit_rate);
            assert_eq!(single.ss_shares, joint.ss_shares);
            assert_eq!(single.senior_phaseout_rate, joint.senior_phaseout_rate);
        }
        let laws = [Law::of(2027, Filing::Single), Law::of(2027, Filing::Joint)];
        assert_eq!(Law::by_filing(&laws, 1.0, 1.5), laws[1].indexed(1.5));
        assert_eq!(Law::by_filing(&laws, 0.0, 1.5), laws[0].indexed(1.5));
    }
}
