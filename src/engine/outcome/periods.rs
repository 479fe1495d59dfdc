//! Every rolling period of a historical run: each start year's path and the worst of them.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::engine::MatrixView;
use crate::engine::batch::NEVER;

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
    /// The age in the year the plan failed (ran out, or fell below the floor); `null` if it
    /// held.
    pub depleted_at_age: Option<u32>,
    /// The age in the year the money ran out; `null` if it lasted.
    #[serde(default)]
    pub ran_out_at_age: Option<u32>,
    /// Real balance at the end of the last year.
    pub terminal_balance: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Period {
    pub start_year: u32,
    /// The age in the year the plan failed (ran out, or fell below the floor); `null` if it
    /// held.
    pub depleted_at_age: Option<u32>,
    /// The age in the year the money ran out; `null` if it lasted.
    #[serde(default)]
    pub ran_out_at_age: Option<u32>,
    /// Real balance at the end of the last year.
    pub terminal_balance: f64,
    /// Real balance at the end of each year.
    pub balance: Vec<f64>,
}

impl HistoricalPeriods {
    /// From the year × path balance matrix (a path per start year) and each path's failure
    /// year: period `i` is column `i`.
    pub fn new(
        start_years: &[u32],
        current_age: u32,
        balance: MatrixView<'_>,
        ran_out_year: &[u16],
        floor_year: &[u16],
    ) -> Self {
        let age = |year: u16| (year != NEVER).then(|| current_age + u32::from(year));
        let periods: Vec<Period> = start_years
            .iter()
            .zip(balance.columns())
            .enumerate()
            .map(|(path, (&start_year, column))| Period {
                start_year,
                depleted_at_age: age(ran_out_year[path].min(floor_year[path])),
                ran_out_at_age: age(ran_out_year[path]),
                terminal_balance: column.last().copied().unwrap_or(0.0),
                balance: column.to_vec(),
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
                ran_out_at_age: p.ran_out_at_age,
                terminal_balance: p.terminal_balance,
            })
            .collect();
        Self { periods, worst }
    }
}
