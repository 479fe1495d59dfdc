//! The words and tables of a result, shared by the web page and the PDF: the headline odds,
//! a summary paragraph, the plan's inputs, its assumptions and the percentile table.

use crate::analysis::Analysis;
use crate::engine::outcome::{Bands, Chance};
use crate::engine::plan::{MarketModel, Strategy};
use crate::engine::tails::{CRASH, stock_tail};
use crate::engine::{Outcome, Plan};

use super::chart::{paths_noun, strategy_label};
use crate::format::{money, money_compact, percent, percent_precise, trim_decimals};

/// A labelled value of the plan summary or of the assumptions.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub label: &'static str,
    pub value: String,
}

/// The headline, worded for what success measures: "87 of 100 simulated futures still have
/// money at age 95", or for a strategy with a floor, "… keep your spending at or above its
/// $20,000 floor to age 95"; periods for a historical run.
pub fn headline(plan: &Plan, outcome: &Outcome) -> String {
    let end = plan.end_age;
    let floor = plan.spending.strategy.floor().map(money);
    if let Some(history) = &outcome.historical {
        let held = history
            .periods
            .iter()
            .filter(|p| p.depleted_at_age.is_none())
            .count();
        let what = match floor {
            None => format!("the money lasts to age {end}"),
            Some(floor) => {
                format!("your spending stays at or above its {floor} floor to age {end}")
            }
        };
        return format!(
            "In {held} of {} historical periods {what}",
            history.periods.len()
        );
    }
    let of_100 = match outcome.success_probability {
        p if (0.995..1.0).contains(&p) => "More than 99".to_string(),
        p if p > 0.0 && p <= 0.005 => "Fewer than 1".to_string(),
        p => format!("{:.0}", p * 100.0),
    };
    let what = match floor {
        None => format!("still have money at age {end}"),
        Some(floor) => format!("keep your spending at or above its {floor} floor to age {end}"),
    };
    format!("{of_100} of 100 simulated futures {what}")
}

/// The 95% interval of the success rate, in words; `None` for a historical run, whose
/// periods are every start year there is, not a random sample.
pub fn interval(outcome: &Outcome) -> Option<String> {
    if outcome.historical.is_some() {
        return None;
    }
    let [lo, hi] = outcome.success_interval_95;
    Some(format!(
        "95% confidence interval {}–{} of 100, from {} simulated futures",
        trim_decimals(lo * 100.0, 0),
        trim_decimals(hi * 100.0, 0),
        count(outcome.scenarios),
    ))
}

/// The two chances a strategy with a floor is judged by, apart: that the money lasts, and
/// that spending stays at or above the floor. Empty for `constant_dollar` (the headline is
/// the money lasting) and for results computed before engine 1.1.0.
pub fn odds_rows(plan: &Plan, outcome: &Outcome) -> Vec<Row> {
    let (Some(floor), Some(lasts), Some(held)) = (
        plan.spending.strategy.floor(),
        outcome.money_lasts,
        outcome.floor_held,
    ) else {
        return Vec::new();
    };
    let odds = |chance: Chance| match &outcome.historical {
        Some(h) => {
            let n = h.periods.len();
            let k = (chance.probability * n as f64).round();
            format!("{k} of {n} historical periods")
        }
        None => {
            let [lo, hi] = chance.interval_95;
            format!(
                "{} of simulated futures (95% confidence interval {}–{}%)",
                percent(chance.probability),
                trim_decimals(lo * 100.0, 0),
                trim_decimals(hi * 100.0, 0)
            )
        }
    };
    vec![
        Row {
            label: "Money lasts",
            value: format!("to age {}: {}", plan.end_age, odds(lasts)),
        },
        Row {
            label: "Floor holds",
            value: format!("at or above {} a year: {}", money(floor), odds(held)),
        },
    ]
}

/// The yearly spending as a share of the savings it draws on: today's balance for someone
/// retired, else the median savings at the retirement age, said so.
fn withdrawal_rate(plan: &Plan, outcome: &Outcome, spending: f64) -> String {
    if plan.retirement_age <= plan.current_age {
        return format!(
            "{} of savings",
            percent_precise(spending / plan.portfolio.balance, 1)
        );
    }
    let savings = outcome.median_balance_at(plan.retirement_age, plan.portfolio.balance);
    if savings <= 0.0 {
        return format!(
            "no savings left in the median future at {}",
            plan.retirement_age
        );
    }
    format!(
        "{} of the {} median savings at {}",
        percent_precise(spending / savings, 1),
        money_compact(savings),
        plan.retirement_age
    )
}

/// The safe-spending table: what the rate column is a share of, and its rows (target, yearly
/// spending, withdrawal rate). For someone still saving the rate is of the median savings
/// at retirement, and the heading says so.
pub fn safe_spending(plan: &Plan, a: &Analysis) -> (String, Vec<[String; 3]>) {
    // Analyses cached before engine 1.1.0 have no savings at retirement.
    let at_retirement = plan.retirement_age > plan.current_age && a.savings_at_retirement > 0.0;
    let rate_of = if at_retirement {
        format!(
            "of the median savings at {} ({})",
            plan.retirement_age,
            money(a.savings_at_retirement)
        )
    } else {
        "of today's savings".to_string()
    };
    let rows = a
        .safe_spending
        .iter()
        .map(|s| {
            let rate = if at_retirement {
                s.retirement_withdrawal_rate
            } else {
                s.withdrawal_rate
            };
            [
                percent(s.target),
                money(s.spending),
                percent_precise(rate, 2),
            ]
        })
        .collect();
    (rate_of, rows)
}

/// One paragraph: the plan in a sentence, then how it fares.
pub fn paragraph(plan: &Plan, outcome: &Outcome) -> String {
    let retire = if plan.retirement_age > plan.current_age {
        format!("from age {}", plan.retirement_age)
    } else {
        "from now".to_string()
    };
    let paths = paths_noun(outcome);
    let last = outcome.balance_percentiles.p50.len().saturating_sub(1);
    let at_end = |band: &[f64]| money_compact(band.get(last).copied().unwrap_or(0.0));
    let lasts = outcome
        .money_lasts
        .map_or(outcome.success_probability, |c| c.probability);
    let mut text = format!(
        "You are {} with {} saved and plan to spend {} a year ({}) {} with the {} strategy. \
         The money lasts to age {} in {} of {paths}",
        plan.current_age,
        money(plan.portfolio.balance),
        money(plan.spending.annual),
        withdrawal_rate(plan, outcome, plan.spending.annual),
        retire,
        strategy_label(plan),
        plan.end_age,
        percent(lasts),
    );
    if let (Some(floor), Some(held)) = (plan.spending.strategy.floor(), outcome.floor_held) {
        text.push_str(&format!(
            "; spending stays at or above its {} floor in {}",
            money(floor),
            percent(held.probability)
        ));
    }
    let one = if outcome.historical.is_some() {
        "period"
    } else {
        "future"
    };
    text.push_str(&format!(
        ". In the median {one} you still have {} at age {}, in today's dollars; in the worst 1 \
         in 20 you have {}.",
        at_end(&outcome.balance_percentiles.p50),
        plan.end_age,
        at_end(&outcome.balance_percentiles.p5),
    ));
    let ran_out = outcome.ran_out.as_ref().unwrap_or(&outcome.depletion);
    if let Some(age) = ran_out.median_age {
        text.push_str(&format!(
            " Where the money runs out, it does so at a median age of {age:.0}."
        ));
    }
    if ran_out.before_retirement > 0 {
        text.push_str(&format!(
            " {} of {} {paths} run out before retirement, when an expense is larger than the \
             savings; the shortfall is not carried forward.",
            count(ran_out.before_retirement),
            count(outcome.scenarios)
        ));
    }
    text
}

/// A count with thousands separators: `1,000`.
fn count(n: u32) -> String {
    money(f64::from(n)).trim_start_matches('$').to_string()
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
            plan.end_age
        ));
    }
    let mut rows = vec![
        Row {
            label: "Ages",
            value: format!(
                "{} now, retiring at {}, planning to {}",
                plan.current_age, plan.retirement_age, plan.end_age
            ),
        },
        Row {
            label: "Savings",
            value: money(plan.portfolio.balance),
        },
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
    ];
    for income in &plan.income {
        let until = income
            .end_age
            .map_or_else(|| "for life".to_string(), |end| format!("until {end}"));
        rows.push(Row {
            label: "Income",
            value: format!(
                "{}: {} a year from {} {}{}",
                income.name,
                money(income.annual),
                income.start_age,
                until,
                if income.inflation_adjusted {
                    ", inflation-adjusted"
                } else {
                    ", fixed"
                }
            ),
        });
    }
    for event in &plan.events {
        rows.push(Row {
            label: "Event",
            value: format!("{}: {} at {}", event.name, money(event.amount), event.age),
        });
    }
    rows.push(Row {
        label: "Fees and tax",
        value: format!(
            "{} a year in fees; withdrawals taxed at {}",
            percent_precise(plan.fees.expense_ratio, 2),
            pct(plan.tax.effective_rate)
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

/// One row of a percentile table: the age and the percentiles at that age.
#[derive(Debug, Clone, PartialEq)]
pub struct PercentileRow {
    pub age: u32,
    /// 5th, 25th, 50th, 75th and 95th percentile, formatted.
    pub values: [String; 5],
}

/// Column headings of [`percentile_table`].
pub const PERCENTILE_COLUMNS: [&str; 5] = ["5th", "25th", "Median", "75th", "95th"];

/// The head of a percentile table: `Age` and the columns.
pub fn percentile_head() -> Vec<String> {
    let mut head = vec!["Age".to_string()];
    head.extend(PERCENTILE_COLUMNS.iter().map(|c| c.to_string()));
    head
}

impl PercentileRow {
    /// The row as table cells: the age, then the values.
    pub fn cells(self) -> Vec<String> {
        let mut cells = vec![self.age.to_string()];
        cells.extend(self.values);
        cells
    }
}

/// The balance percentiles every five years from today, and at the end age. Balances are
/// end-of-year values: the balance at age A is the one after the year at age A − 1.
pub fn percentile_table(plan: &Plan, outcome: &Outcome) -> Vec<PercentileRow> {
    let a = plan.current_age;
    every_five_years(a + 5, plan.end_age, a + 1, &outcome.balance_percentiles)
}

/// The spending percentiles every five years (the spending chart's table).
pub fn spending_table(plan: &Plan, outcome: &Outcome) -> Vec<PercentileRow> {
    let a = plan.current_age;
    every_five_years(a, plan.end_age - 1, a, &outcome.spending_percentiles)
}

/// Rows at ages `first`, `first + 5`, … and `last`, where `bands[t]` belongs to age
/// `age_of_first + t`.
fn every_five_years(first: u32, last: u32, age_of_first: u32, bands: &Bands) -> Vec<PercentileRow> {
    let mut ages: Vec<u32> = (first..=last).step_by(5).collect();
    if ages.last() != Some(&last) {
        ages.push(last);
    }
    ages.into_iter()
        .filter_map(|age| {
            let t = age.checked_sub(age_of_first)? as usize;
            (t < bands.p50.len()).then(|| PercentileRow {
                age,
                values: [&bands.p5, &bands.p25, &bands.p50, &bands.p75, &bands.p95]
                    .map(|band| money(band[t])),
            })
        })
        .collect()
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
