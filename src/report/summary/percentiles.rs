//! The percentile tables, every year or every five years: savings, and spending beside what the plan
//! asked for; with a partner, their age beside yours.

use crate::engine::outcome::Bands;
use crate::engine::{Outcome, Plan};
use crate::format::money;

/// One row of a percentile table: the age and the percentiles at that age.
#[derive(Debug, Clone, PartialEq)]
pub struct PercentileRow {
    pub age: u32,
    /// Your partner's age then, in a couple's plan.
    pub partner_age: Option<u32>,
    /// 5th, 25th, 50th, 75th and 95th percentile, formatted.
    pub values: [String; 5],
    /// The spending the plan asks for then (steps and survivor share applied), beside what
    /// the futures spent; only in a spending table of a plan with steps or a partner.
    pub planned: Option<String>,
}

/// Column headings of [`percentile_table`].
pub const PERCENTILE_COLUMNS: [&str; 5] = ["5th", "25th", "Median", "75th", "95th"];

/// The head of a table of `rows`: `Age` (and the partner's), the columns, and `Planned`
/// when the rows have it.
pub fn percentile_head(rows: &[PercentileRow]) -> Vec<String> {
    let first = rows.first();
    let age = if first.is_some_and(|r| r.partner_age.is_some()) {
        "Age (partner)"
    } else {
        "Age"
    };
    let mut head = vec![age.to_string()];
    head.extend(PERCENTILE_COLUMNS.iter().map(|c| c.to_string()));
    if first.is_some_and(|r| r.planned.is_some()) {
        head.push("Planned".into());
    }
    head
}

impl PercentileRow {
    /// The age as the table shows it: `70`, or `70 (68)` beside a partner's.
    pub fn age_cell(&self) -> String {
        match self.partner_age {
            Some(partner) => format!("{} ({partner})", self.age),
            None => self.age.to_string(),
        }
    }

    /// The row as table cells: the age, then the values, then the planned spending.
    pub fn cells(self) -> Vec<String> {
        let mut cells = vec![self.age_cell()];
        cells.extend(self.values);
        cells.extend(self.planned);
        cells
    }
}

/// How often a table has a row: every year (a chart's table) or every five years (the
/// page's and the report's summary tables); the last year always has one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Every {
    Year,
    FiveYears,
}

impl Every {
    fn years(self) -> usize {
        match self {
            Every::Year => 1,
            Every::FiveYears => 5,
        }
    }

    /// Whether year `k` of `years` (counted from 0) has a row.
    pub fn keeps(self, k: usize, years: usize) -> bool {
        k.is_multiple_of(self.years()) || k + 1 == years
    }
}

/// The balance percentiles from a year from today (every five years: five years from
/// today), and at the end age. Balances are end-of-year values: the balance at age A is the
/// one after the year at age A − 1.
pub fn percentile_table(plan: &Plan, outcome: &Outcome, every: Every) -> Vec<PercentileRow> {
    let a = plan.current_age;
    rows(
        plan,
        a + every.years() as u32,
        outcome.end_age(),
        a + 1,
        every,
        &outcome.balance_percentiles,
    )
    .collect()
}

/// The spending percentiles (the spending chart's table), with the planned spending beside
/// them in a plan with steps or a partner.
pub fn spending_table(plan: &Plan, outcome: &Outcome, every: Every) -> Vec<PercentileRow> {
    let a = plan.current_age;
    let planned = outcome.household.as_ref().map(|h| &h.planned_spending);
    rows(
        plan,
        a,
        outcome.end_age() - 1,
        a,
        every,
        &outcome.spending_percentiles,
    )
    .map(|mut row| {
        let t = (row.age - a) as usize;
        row.planned = planned.and_then(|p| p.get(t)).map(|&v| money(v));
        row
    })
    .collect()
}

/// Rows at ages `first`, `first + step`, … and `last`, where `bands[t]` belongs to age
/// `age_of_first + t`.
fn rows<'a>(
    plan: &'a Plan,
    first: u32,
    last: u32,
    age_of_first: u32,
    every: Every,
    bands: &'a Bands,
) -> impl Iterator<Item = PercentileRow> + 'a {
    let mut ages: Vec<u32> = (first..=last).step_by(every.years()).collect();
    if ages.last() != Some(&last) {
        ages.push(last);
    }
    let partner_now = plan.partner.as_ref().map(|p| p.current_age);
    ages.into_iter().filter_map(move |age| {
        let t = age.checked_sub(age_of_first)? as usize;
        (t < bands.p50.len()).then(|| PercentileRow {
            age,
            partner_age: partner_now.map(|p| p + age - plan.current_age),
            values: [&bands.p5, &bands.p25, &bands.p50, &bands.p75, &bands.p95]
                .map(|band| money(band[t])),
            planned: None,
        })
    })
}
