//! The words and tables of a result, shared by the web page and the PDF: the headline odds,
//! a summary paragraph, the plan's inputs, its assumptions and the percentile table.

mod claiming;
mod household;
mod odds;
mod percentiles;
mod periods;
mod strategies;
mod taxes;

pub use claiming::{ClaimingTable, HeatCell, claiming_summary, claiming_table};
pub use household::{lifetime_rows, social_security_rows};
pub use odds::{end_words, headline, horizon, interval, odds_rows, paragraph, safe_spending};
pub use percentiles::{
    Every, PERCENTILE_COLUMNS, PercentileRow, percentile_head, percentile_table, spending_table,
};
pub use periods::{period_table, worst_years};
pub use strategies::{strategy_caption, strategy_summary, strategy_table};
pub use taxes::{account_table, choices_table, result_rows as tax_rows};

use crate::engine::plan::{MarketModel, Strategy};
use crate::engine::tails::{CRASH, stock_tail};
use crate::engine::{Outcome, Plan};

use super::chart::strategy_label;
use crate::format::{count, money, percent_precise, trim_decimals};

/// A labelled value of the plan summary or of the assumptions.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub label: &'static str,
    pub value: String,
}

/// The plan's inputs, as the form took them.
pub fn plan_rows(plan: &Plan) -> Vec<Row> {
    let a = &plan.allocation;
    let mut allocation = format!(
        "{} stocks, {} bonds, {} cash",
        pct(a.stocks),
        pct(a.bonds),
        pct(a.cash)
    );
    if let Some(glide) = a.glide_path {
        allocation.push_str(&format!(
            ", gliding to {} stocks by {}",
            pct(glide.end_stocks),
            plan.horizon_age()
        ));
    }
    let mut rows = vec![
        Row {
            label: "Ages",
            value: match (plan.longevity, &plan.partner) {
                (Some(_), _) => format!(
                    "{} now, retiring at {}",
                    plan.current_age, plan.retirement_age
                ),
                (None, partner) => format!(
                    "{} now, retiring at {}, {} to {}",
                    plan.current_age,
                    plan.retirement_age,
                    if partner.is_some() {
                        "living"
                    } else {
                        "planning"
                    },
                    plan.end_age
                ),
            },
        },
        Row {
            label: "Savings",
            value: money(plan.portfolio.balance),
        },
    ];
    let household = household::input_rows(plan);
    let (partner, spending_rows) = household.split_at(
        household
            .iter()
            .position(|r| r.label == "Spending steps")
            .unwrap_or(household.len()),
    );
    rows.splice(1..1, partner.iter().cloned());
    rows.extend(taxes::input_rows(plan));
    rows.extend([
        Row {
            label: "Contributions",
            value: if plan.portfolio.annual_contribution > 0.0
                && plan.retirement_age > plan.current_age
            {
                format!(
                    "{} a year until {}",
                    money(plan.portfolio.annual_contribution),
                    plan.retirement_age
                )
            } else {
                "none".into()
            },
        },
        Row {
            label: "Allocation",
            value: allocation,
        },
        Row {
            label: "Spending",
            value: format!(
                "{} a year, {} strategy{}",
                money(plan.spending.annual),
                strategy_label(plan),
                strategy_details(&plan.spending.strategy)
            ),
        },
    ]);
    rows.extend(spending_rows.iter().cloned());
    for income in &plan.income {
        let until = income
            .end_age
            .map_or_else(|| "for life".to_string(), |end| format!("until {end}"));
        rows.push(Row {
            label: "Income",
            value: format!(
                "{}: {} a year from {} {}{}{}",
                income.name,
                money(income.annual),
                income.start_age,
                until,
                if income.inflation_adjusted {
                    ", inflation-adjusted"
                } else {
                    ", fixed"
                },
                household::owner_words(income.owner, income.survivor_share)
            ),
        });
    }
    for event in &plan.events {
        rows.push(Row {
            label: "Event",
            value: format!("{}: {} at {}", event.name, money(event.amount), event.age),
        });
    }
    let taxed = if plan.accounts.is_some() {
        "taxes computed as they are paid".to_string()
    } else {
        format!("withdrawals taxed at {}", pct(plan.tax.effective_rate))
    };
    rows.push(Row {
        label: "Fees and tax",
        value: format!(
            "{} a year in fees; {taxed}",
            percent_precise(plan.fees.expense_ratio, 2)
        ),
    });
    rows
}

/// The market model and its parameters, and how the simulation was run.
pub fn assumption_rows(plan: &Plan, outcome: &Outcome) -> Vec<Row> {
    let m = &plan.market;
    let asset = |a: &crate::engine::plan::AssetAssumption| {
        format!(
            "{} a year on average, volatility {}",
            pct(a.mean),
            pct(a.volatility)
        )
    };
    let mut rows = Vec::new();
    match m.model {
        MarketModel::Lognormal => {
            rows.push(Row {
                label: "Market model",
                value: match m.fat_tails_df {
                    None => "Correlated lognormal returns".into(),
                    Some(df) => format!(
                        "Correlated lognormal returns with fat tails (Student-t, {} degrees of freedom)",
                        trim_decimals(df, 1)
                    ),
                },
            });
            rows.push(Row {
                label: "Stocks",
                value: asset(&m.stocks),
            });
            let tail = stock_tail(m);
            rows.push(Row {
                label: "Bad stock years",
                value: format!(
                    "1 year in 20 returns {} or worse; a year of {} or worse has a {} chance",
                    signed_percent(tail.worst_in_20),
                    signed_percent(CRASH),
                    percent_precise(tail.crash_chance, 1)
                ),
            });
            rows.push(Row {
                label: "Bonds",
                value: asset(&m.bonds),
            });
            rows.push(Row {
                label: "Cash",
                value: asset(&m.cash),
            });
            rows.push(Row {
                label: "Inflation",
                value: asset(&m.inflation),
            });
            let c = &m.correlations;
            rows.push(Row {
                label: "Correlations",
                value: format!(
                    "stocks–bonds {}, stocks–inflation {}, bonds–inflation {}",
                    signed(c.stocks_bonds),
                    signed(c.stocks_inflation),
                    signed(c.bonds_inflation)
                ),
            });
        }
        MarketModel::Historical => rows.push(Row {
            label: "Market model",
            value: format!(
                "Every rolling period of US returns and inflation since 1871{}",
                if m.wrap_around == Some(true) {
                    ", wrapping from the last year back to the first"
                } else {
                    ""
                }
            ),
        }),
        MarketModel::Bootstrap => rows.push(Row {
            label: "Market model",
            value: match m.block_years.unwrap_or(1) {
                1 => "Random years of US returns and inflation since 1871".into(),
                n => format!("Random blocks of {n} years of US returns and inflation since 1871"),
            },
        }),
    }
    rows.extend([
        Row {
            label: "Scenarios",
            value: count(outcome.scenarios),
        },
        Row {
            label: "Seed",
            value: outcome.seed.to_string(),
        },
        Row {
            label: "Engine version",
            value: outcome.engine_version.clone(),
        },
    ]);
    rows
}

fn strategy_details(strategy: &Strategy) -> String {
    match *strategy {
        Strategy::ConstantDollar => String::new(),
        Strategy::ConstantPercent {
            percent,
            floor,
            ceiling,
        } => format!(
            " ({} of the balance, floor {}{})",
            percent_precise(percent, 2),
            money(floor),
            ceiling.map_or_else(String::new, |c| format!(", ceiling {}", money(c)))
        ),
        Strategy::Guardrails {
            upper_guard,
            lower_guard,
            adjustment,
            floor,
        } => format!(
            " (guards {} above and {} below the initial rate, adjustments of {}, floor {})",
            pct(upper_guard),
            pct(lower_guard),
            pct(adjustment),
            money(floor)
        ),
        Strategy::Vpw {
            expected_real_return,
            floor,
            horizon_age,
        } => format!(
            " (expected real return {}, floor {}{})",
            percent_precise(expected_real_return, 2),
            money(floor),
            horizon_age.map_or_else(String::new, |age| format!(", spent down by {age}"))
        ),
        Strategy::OneOverN { floor, horizon_age } => {
            format!(" (spent down by {horizon_age}, floor {})", money(floor))
        }
        Strategy::Endowment {
            percent,
            smoothing,
            floor,
        } => format!(
            " ({} of last year's spending and {} of {} of the balance, floor {})",
            pct(smoothing),
            pct(1.0 - smoothing),
            percent_precise(percent, 2),
            money(floor)
        ),
        Strategy::NinetyFivePercent { percent, floor } => format!(
            " ({} of the balance, at least 95% of last year's withdrawal, floor {})",
            percent_precise(percent, 2),
            money(floor)
        ),
        Strategy::VanguardDynamic {
            percent,
            max_increase,
            max_decrease,
            floor,
        } => format!(
            " ({} of the balance, real spending up at most {} and down at most {} a year, floor {})",
            percent_precise(percent, 2),
            pct(max_increase),
            pct(max_decrease),
            money(floor)
        ),
        Strategy::SensibleWithdrawals {
            percent,
            extras_rate,
            floor,
        } => format!(
            " ({} of the balance plus {} of last year's real gain, floor {})",
            percent_precise(percent, 2),
            pct(extras_rate),
            money(floor)
        ),
        Strategy::AutopilotIi {
            expected_real_return,
            horizon_age,
            smoothing,
            floor,
        } => format!(
            " ({} of last year's spending and {} of the amortized payment at {} to {horizon_age}, floor {})",
            pct(smoothing),
            pct(1.0 - smoothing),
            percent_precise(expected_real_return, 2),
            money(floor)
        ),
        Strategy::Cape {
            base_rate,
            cape_weight,
            floor,
        } => format!(
            " ({} of the balance plus {cape_weight} times 1/CAPE, floor {})",
            percent_precise(base_rate, 2),
            money(floor)
        ),
    }
}

fn pct(share: f64) -> String {
    percent_precise(share, 1)
}

/// A return as a signed whole percentage: `-17%`, `5%`.
fn signed_percent(share: f64) -> String {
    let text = percent_precise(share.abs(), 0);
    if share < 0.0 {
        format!("-{text}")
    } else {
        text
    }
}

fn signed(value: f64) -> String {
    let text = trim_decimals(value, 2);
    match text.strip_prefix('-') {
        Some(rest) => format!("-{rest}"),
        None => text,
    }
}
