//! A plan with accounts in words, for the page and the PDF: the accounts and the tax rules
//! as given, what the taxes came to, and the accounts year by year.

use super::{Every, Row, pct};
use crate::engine::plan::{ConversionKind, TaxRules, WithdrawalOrder};
use crate::engine::{Outcome, Plan};
use crate::format::{money, money_compact, percent};

/// The accounts and the rules, as the form took them; empty without accounts.
pub fn input_rows(plan: &Plan) -> Vec<Row> {
    let (Some(a), Some(rules)) = (plan.accounts, plan.tax.rules) else {
        return Vec::new();
    };
    let mut accounts = format!(
        "taxable {} (cost basis {}), traditional {}, Roth {}",
        money(a.taxable.balance),
        money(a.basis()),
        money(a.traditional.balance),
        money(a.roth.balance)
    );
    let saving: Vec<String> = [
        ("taxable", a.taxable.annual_contribution),
        ("traditional", a.traditional.annual_contribution),
        ("Roth", a.roth.annual_contribution),
    ]
    .iter()
    .filter(|(_, c)| *c > 0.0)
    .map(|(name, c)| format!("{} a year to {name}", money(*c)))
    .collect();
    if !saving.is_empty() && plan.retirement_age > plan.current_age {
        accounts.push_str(&format!(
            "; {} until {}",
            saving.join(", "),
            plan.retirement_age
        ));
    }
    vec![
        Row {
            label: "Accounts",
            value: accounts,
        },
        Row {
            label: "Withdrawals",
            value: order_words(&rules),
        },
        Row {
            label: "Roth conversions",
            value: conversion_words(&rules),
        },
        Row {
            label: "State tax",
            value: if rules.state_rate > 0.0 {
                format!(
                    "{} of federal adjusted gross income, Social Security {}",
                    pct(rules.state_rate),
                    if rules.state_taxes_social_security {
                        "included"
                    } else {
                        "exempt"
                    }
                )
            } else {
                "none".into()
            },
        },
    ]
}

fn order_words(rules: &TaxRules) -> String {
    match rules.withdrawal_order {
        WithdrawalOrder::TaxableFirst => "taxable first, then traditional, then Roth".into(),
        WithdrawalOrder::Proportional => "from each account in proportion to its balance".into(),
        WithdrawalOrder::FillBracket => format!(
            "traditional up to the top of the {} bracket, then taxable, then Roth",
            pct(rules.fill_bracket_rate.unwrap_or(0.12))
        ),
    }
}

fn conversion_words(rules: &TaxRules) -> String {
    let ages = format!(
        "from {} until {}",
        rules.conversion_start_age.unwrap_or_default(),
        rules.conversion_end_age.unwrap_or_default()
    );
    match rules.conversion {
        ConversionKind::None => "none".into(),
        ConversionKind::Fixed => format!(
            "{} a year {ages}",
            money(rules.conversion_amount.unwrap_or(0.0))
        ),
        ConversionKind::FillBracket => format!(
            "to the top of the {} bracket each year {ages}",
            pct(rules.conversion_bracket_rate.unwrap_or(0.22))
        ),
    }
}

/// What the taxes came to; empty without accounts.
pub fn result_rows(plan: &Plan, outcome: &Outcome) -> Vec<Row> {
    let Some(t) = &outcome.taxes else {
        return Vec::new();
    };
    let l = &t.lifetime_tax;
    let retired = outcome
        .ages
        .iter()
        .position(|&a| a >= plan.retirement_age)
        .unwrap_or(0);
    let mut rows = vec![
        Row {
            label: "Spending",
            value: "is after tax: what the household spends once the year's taxes are paid".into(),
        },
        Row {
            label: "Lifetime tax",
            value: format!(
                "median {} in today's dollars, federal and state (9 in 10 between {} and {})",
                money_compact(l.p50),
                money_compact(l.p5),
                money_compact(l.p95)
            ),
        },
        Row {
            label: "Effective tax rate",
            value: format!(
                "median {} at {} (tax over income, with Social Security)",
                percent(t.effective_rate.get(retired).copied().unwrap_or(0.0)),
                outcome
                    .ages
                    .get(retired)
                    .copied()
                    .unwrap_or(plan.current_age)
            ),
        },
    ];
    let first_rmd = t.rmd_yearly.p50.iter().position(|&r| r > 0.0);
    rows.push(Row {
        label: "Required distributions",
        value: match first_rmd {
            Some(k) => format!(
                "from {}: median {} that year",
                outcome.ages[k],
                money(t.rmd_yearly.p50[k])
            ),
            None => "none in the median future".into(),
        },
    });
    let end = |bands: &crate::engine::outcome::Bands| {
        money_compact(bands.p50.last().copied().unwrap_or(0.0))
    };
    rows.push(Row {
        label: "Accounts at the end",
        value: format!(
            "median taxable {}, traditional {}, Roth {}",
            end(&t.accounts.taxable),
            end(&t.accounts.traditional),
            end(&t.accounts.roth)
        ),
    });
    rows
}

/// The accounts' median balances, the tax, the required distribution and the effective rate
/// from today, every year or every five years, and in the last year.
pub fn account_table(outcome: &Outcome, every: Every) -> (Vec<String>, Vec<Vec<String>>) {
    let head = [
        "Age",
        "Taxable",
        "Traditional",
        "Roth",
        "Tax",
        "Required",
        "Rate",
    ]
    .map(String::from)
    .to_vec();
    let Some(t) = &outcome.taxes else {
        return (head, Vec::new());
    };
    let years = outcome.ages.len();
    let rows = (0..years)
        .filter(|&k| every.keeps(k, years))
        .map(|k| {
            let m = |v: &[f64]| money(v.get(k).copied().unwrap_or(0.0));
            vec![
                outcome.ages[k].to_string(),
                m(&t.accounts.taxable.p50),
                m(&t.accounts.traditional.p50),
                m(&t.accounts.roth.p50),
                m(&t.tax_yearly.p50),
                m(&t.rmd_yearly.p50),
                percent(t.effective_rate.get(k).copied().unwrap_or(0.0)),
            ]
        })
        .collect();
    (head, rows)
}

/// The tax choices as a table: each choice, its odds, its median lifetime tax and what it
/// leaves, the plan as it is first and the best marked.
pub fn choices_table(t: &crate::analysis::TaxChoices) -> (Vec<String>, Vec<Vec<String>>) {
    let head = ["Choice", "Success", "Lifetime tax", "Left at the end"]
        .map(String::from)
        .to_vec();
    let row = |c: &crate::analysis::TaxChoice, note: &str| {
        vec![
            format!("{}{note}", c.label),
            percent(c.success_probability),
            money(c.median_lifetime_tax),
            money(c.median_legacy),
        ]
    };
    let mut rows = vec![row(&t.as_planned, "")];
    rows.extend(t.choices.iter().map(|c| {
        let best = c.choice == t.best.choice;
        row(c, if best { " (best)" } else { "" })
    }));
    (head, rows)
}
