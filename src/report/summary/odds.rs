//! The odds in words: the headline, its interval, the two chances apart (the money lasting,
//! the floor holding), the summary paragraph and the safe-spending table.

use super::Row;
use crate::analysis::Analysis;
use crate::engine::outcome::Chance;
use crate::engine::{Outcome, Plan};
use crate::format::{count, money, money_compact, percent, percent_precise, trim_decimals};
use crate::report::chart::{paths_noun, strategy_label};

/// The headline, worded for what success measures: "87 of 100 simulated futures still have
/// money at age 95", or for a strategy with a floor, "… keep your spending at or above its
/// $20,000 floor to age 95"; periods for a historical run.
pub fn headline(plan: &Plan, outcome: &Outcome) -> String {
    let end = horizon(plan);
    let floor = plan.spending.strategy.floor().map(money);
    if let Some(history) = &outcome.historical {
        let held = history
            .periods
            .iter()
            .filter(|p| p.depleted_at_age.is_none())
            .count();
        let what = match floor {
            None => format!("the money lasts {end}"),
            Some(floor) => {
                format!("your spending stays at or above its {floor} floor {end}")
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
    let what = match (floor, &plan.partner) {
        (None, None) if plan.longevity.is_none() => {
            format!("still have money at age {}", plan.end_age)
        }
        (None, _) => format!("still have money {end}"),
        (Some(floor), _) => format!("keep your spending at or above its {floor} floor {end}"),
    };
    format!("{of_100} of 100 simulated futures {what}")
}

/// How far the plan runs, in words: "to age 95", or for a couple "while either of you lives
/// (to your age 97, your partner's 95)"; with drawn lifetimes "as long as you live" or "as
/// long as either of you lives".
pub fn horizon(plan: &Plan) -> String {
    match (&plan.partner, plan.longevity.is_some()) {
        (None, true) => "as long as you live".to_string(),
        (Some(_), true) => "as long as either of you lives".to_string(),
        (None, false) => format!("to age {}", plan.end_age),
        (Some(partner), false) => format!(
            "while either of you lives (to your age {}, your partner's {})",
            plan.horizon_age(),
            partner.current_age + plan.years() as u32
        ),
    }
}

/// The plan's last moment, in words: "age 95", "the end (your age 97, your partner's 95)",
/// or with drawn lifetimes "the last death" (whose balance is the terminal wealth).
pub fn end_words(plan: &Plan) -> String {
    if plan.longevity.is_some() {
        return if plan.partner.is_some() {
            "the second death".to_string()
        } else {
            "death".to_string()
        };
    }
    match &plan.partner {
        None => format!("age {}", plan.end_age),
        Some(partner) => format!(
            "the end (your age {}, your partner's {})",
            plan.horizon_age(),
            partner.current_age + plan.years() as u32
        ),
    }
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
            value: format!("{}: {}", horizon(plan), odds(lasts)),
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
    let who = match &plan.partner {
        None => format!("You are {}", plan.current_age),
        Some(partner) => format!(
            "You are {} and your partner {}",
            plan.current_age, partner.current_age
        ),
    };
    let mut text = format!(
        "{who} with {} saved and plan to spend {} a year ({}) {} with the {} strategy. \
         The money lasts {} in {} of {paths}",
        money(plan.portfolio.balance),
        money(plan.spending.annual),
        withdrawal_rate(plan, outcome, plan.spending.annual),
        retire,
        strategy_label(plan),
        horizon(plan),
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
    // With drawn lifetimes the terminal wealth is what is left at the last death.
    let (median, worst) = if plan.longevity.is_some() {
        let w = &outcome.terminal_wealth;
        (money_compact(w.p50), money_compact(w.p5))
    } else {
        (
            at_end(&outcome.balance_percentiles.p50),
            at_end(&outcome.balance_percentiles.p5),
        )
    };
    text.push_str(&format!(
        ". In the median {one} you still have {median} at {}, in today's dollars; in the \
         worst 1 in 20 you have {worst}.",
        end_words(plan),
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
