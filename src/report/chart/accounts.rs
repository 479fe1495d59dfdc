//! The accounts stacked: each account's median balance, one on top of the other.

use super::axis::{age_axis, value_axis};
use super::{Chart, Layer, Style};
use crate::engine::{Outcome, Plan};
use crate::format::money_compact;

/// Median real balances by account, stacked (taxable at the bottom, then traditional, then
/// Roth), from today; `None` for a plan without accounts. The stack's top is the sum of the
/// medians, not the median of the total.
pub fn accounts_stack(plan: &Plan, outcome: &Outcome) -> Option<Chart> {
    let (t, a) = (outcome.taxes.as_ref()?, plan.accounts?);
    let mut x = vec![f64::from(plan.current_age)];
    x.extend(outcome.ages.iter().map(|&age| f64::from(age) + 1.0));
    let series = |start: f64, values: &[f64]| {
        let mut out = vec![start];
        out.extend_from_slice(values);
        out
    };
    let taxable = series(a.taxable.balance, &t.accounts.taxable.p50);
    let traditional = series(a.traditional.balance, &t.accounts.traditional.p50);
    let roth = series(a.roth.balance, &t.accounts.roth.p50);
    let zero = vec![0.0; x.len()];
    let sum = |p: &[f64], q: &[f64]| p.iter().zip(q).map(|(a, b)| a + b).collect::<Vec<_>>();
    let first = sum(&zero, &taxable);
    let second = sum(&first, &traditional);
    let third = sum(&second, &roth);
    let top = third.iter().copied().fold(1.0, f64::max);
    let band = |low: &[f64], high: &[f64], style| Layer::Band {
        x: x.clone(),
        low: low.to_vec(),
        high: high.to_vec(),
        style,
    };
    Some(Chart {
        id: "accounts",
        title: "Savings by account (median), in today's dollars".into(),
        description: format!(
            "The median balance of each account at the end of each year, stacked: taxable at \
             the bottom, then traditional, then Roth. At the end: taxable {}, traditional {}, \
             Roth {}.",
            money_compact(*taxable.last().unwrap_or(&0.0)),
            money_compact(*traditional.last().unwrap_or(&0.0)),
            money_compact(*roth.last().unwrap_or(&0.0)),
        ),
        x: age_axis(plan.current_age, outcome.end_age()),
        y: value_axis("Balance (today's dollars)", top, money_compact),
        layers: vec![
            band(&zero, &first, Style::BandOuter),
            band(&first, &second, Style::BandInner),
            band(&second, &third, Style::BandDeep),
        ],
        legend: vec![
            (Style::BandOuter, "Taxable".into()),
            (Style::BandInner, "Traditional".into()),
            (Style::BandDeep, "Roth".into()),
        ],
    })
}
