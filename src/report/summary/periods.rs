//! Every start year of a historical run as a table (the page's and the report's), and the
//! worst of them in words.

use crate::engine::{Outcome, Plan};
use crate::format::money;
use crate::report::chart::period_outcome;

/// One row per start year, in calendar order: the start year, how the period went, the
/// lowest savings and the age at which they were lowest, and the savings at the end; `None`
/// for a run that is not historical.
pub fn period_table(plan: &Plan, outcome: &Outcome) -> Option<(Vec<String>, Vec<Vec<String>>)> {
    let history = outcome.historical.as_ref()?;
    let head = [
        "Start year",
        "Outcome",
        "Lowest savings",
        "At age",
        "Savings at the end",
    ]
    .map(String::from)
    .to_vec();
    let rows = history
        .periods
        .iter()
        .map(|p| {
            // Balances are end-of-year values: the one after the year at age A is at A + 1.
            let (t, lowest) = p
                .balance
                .iter()
                .copied()
                .enumerate()
                .min_by(|a, b| a.1.total_cmp(&b.1))
                .unwrap_or((0, p.terminal_balance));
            vec![
                p.start_year.to_string(),
                period_outcome(plan, outcome, p.depleted_at_age, p.ran_out_at_age),
                money(lowest.max(0.0)),
                (plan.current_age + t as u32 + 1).to_string(),
                money(p.terminal_balance),
            ]
        })
        .collect();
    Some((head, rows))
}

/// The worst start years, worst first, in words: "1966, 1969 and 1965".
pub fn worst_years(outcome: &Outcome) -> Option<String> {
    let worst = &outcome.historical.as_ref()?.worst;
    let years: Vec<String> = worst.iter().map(|w| w.start_year.to_string()).collect();
    match years.as_slice() {
        [] => None,
        [one] => Some(one.clone()),
        [rest @ .., last] => Some(format!("{} and {last}", rest.join(", "))),
    }
}
