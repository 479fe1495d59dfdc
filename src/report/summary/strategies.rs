//! "How would other strategies do?" in words and a table, for the page and the report.

use crate::analysis::StrategyTable;
use crate::format::{count, money, percent, percent_precise};

/// The head and rows: the plan's own strategy first, marked.
pub fn strategy_table(t: &StrategyTable) -> (Vec<String>, Vec<Vec<String>>) {
    let head = [
        "Strategy",
        "Success",
        "Median spending",
        "Worst 1 in 20",
        "Yearly swing",
        "Left at the end",
    ]
    .map(String::from)
    .to_vec();
    let rows = t
        .rows
        .iter()
        .map(|r| {
            vec![
                if r.as_planned {
                    format!("{} (yours)", short_label(&r.strategy))
                } else {
                    short_label(&r.strategy).to_string()
                },
                percent(r.success_probability),
                money(r.median_spending),
                money(r.low_spending),
                format!("±{}", percent_precise(r.spending_volatility, 1)),
                money(r.median_legacy),
            ]
        })
        .collect();
    (head, rows)
}

/// What the table holds and how the strategies were made comparable.
pub fn strategy_summary(t: &StrategyTable) -> String {
    format!(
        "Your plan under every withdrawal strategy, on the same {} futures. The strategies \
         that spend a share of savings start at your plan's rate, {} of the savings at \
         retirement; constant dollars and guardrails start at your spending; VPW, 1/N and \
         Autopilot II spend savings down by their own rule. Median spending is the typical \
         yearly spending in retirement; the worst 1 in 20 is the lowest year of a bad \
         future; the yearly swing is how much spending typically moves from one year to \
         the next.",
        count(t.scenarios),
        percent_precise(t.initial_rate, 1)
    )
}

pub fn strategy_caption(t: &StrategyTable) -> String {
    format!(
        "Each strategy on the same {} futures, in today's dollars",
        count(t.scenarios)
    )
}

/// A strategy's name short enough for a table's first column.
fn short_label(strategy: &str) -> &str {
    match strategy {
        "constant_dollar" => "Constant dollar",
        "constant_percent" => "Constant percentage",
        "guardrails" => "Guardrails",
        "vpw" => "VPW",
        "one_over_n" => "1/N",
        "endowment" => "Endowment",
        "ninety_five_percent" => "95% rule",
        "vanguard_dynamic" => "Vanguard dynamic",
        "sensible_withdrawals" => "Sensible withdrawals",
        "autopilot_ii" => "Autopilot II",
        "cape" => "CAPE-based",
        other => other,
    }
}
