//! The analysis in words: insights that fit the person, or a plain warning for a plan that
//! looks mistyped.

use super::{Analyzer, ClaimingGrid, GoalSeek, Insight, SafeSpending, Sensitivity, TaxChoices};
use crate::engine::{EngineError, Plan};
use crate::format::{count, money, percent};

/// Spending under 1% of the savings it draws on.
const IMPLAUSIBLY_LOW: f64 = 0.01;
/// Spending, net of the first retirement year's income, over 50% of those savings.
const IMPLAUSIBLY_HIGH: f64 = 0.5;

/// A warning for a plan whose numbers look mistyped, in place of advice; `None` otherwise.
/// `savings` is the median balance on reaching retirement (today's when retired).
pub(super) fn implausible(plan: &Plan, savings: f64) -> Option<String> {
    let annual = plan.spending.annual;
    let age = plan.retirement_age;
    let income: f64 = plan
        .income
        .iter()
        .filter(|i| age >= i.start_age && i.end_age.is_none_or(|end| age < end))
        .map(|i| i.annual)
        .sum();
    let draw = (annual - income).max(0.0);
    let at = if plan.retirement_age > plan.current_age {
        format!("your median savings at {age} ({})", money(savings))
    } else {
        format!("your savings ({})", money(savings))
    };
    if draw >= savings {
        Some(format!(
            "Spending {} a year would use up {at} in the first year of retirement. Check the \
             yearly spending and the savings before reading the odds.",
            money(annual)
        ))
    } else if draw > IMPLAUSIBLY_HIGH * savings {
        Some(format!(
            "Spending {} a year, after income, is more than half of {at}. Check the yearly \
             spending and the savings before reading the odds.",
            money(annual)
        ))
    } else if annual < IMPLAUSIBLY_LOW * savings {
        Some(format!(
            "Spending {} a year is less than 1% of {at}. Check the yearly spending: it is \
             in dollars a year, such as 60,000.",
            money(annual)
        ))
    } else {
        None
    }
}

/// A change's share of `base` in words, " (27%)", when it reads sensibly; empty when the
/// base is tiny (a $60 plan would read "51067%"), so the change is said in dollars alone.
fn share_of(change: f64, base: f64) -> String {
    let share = change / base;
    if base >= 1_000.0 && share <= 1.0 {
        format!(" ({:.0}%)", share * 100.0)
    } else {
        String::new()
    }
}

/// What the analysis found, for the insights to put in words.
pub(super) struct Found<'a> {
    pub safe: &'a [SafeSpending],
    pub goals: &'a [GoalSeek],
    pub sensitivity: &'a [Sensitivity],
    pub claiming: Option<&'a ClaimingGrid>,
    pub tax_choices: Option<&'a TaxChoices>,
}

/// Findings in words, each with the success numbers it quotes, largest effect first. The
/// `to` of each is a separate simulation of the changed plan.
pub(super) fn insights(
    base: &Plan,
    base_success: f64,
    found: Found<'_>,
    analyzer: &Analyzer<'_>,
) -> Result<Vec<Insight>, EngineError> {
    let Found {
        safe,
        goals,
        sensitivity,
        claiming,
        tax_choices,
    } = found;
    let mut out = Vec::new();
    let annual = base.spending.annual;
    // Say what the odds are of: with a floor, success is spending held at or above it.
    let odds = if base.spending.strategy.has_floor() {
        "the odds your spending stays at or above its floor"
    } else {
        "your odds"
    };
    // The lowest target the plan misses, or the highest it meets.
    let missed = safe.iter().find(|s| base_success < s.target);
    if let Some(s) = missed {
        let cut = annual - s.spending;
        // Only when the cut actually moves the odds as they are shown.
        let moves = percent(s.success_probability) != percent(base_success);
        if cut > 0.0 && annual > 0.0 && moves {
            out.push(Insight {
                kind: "spending".into(),
                text: format!(
                    "Spending {} a year less{} raises {odds} from {} to {}.",
                    money(cut),
                    share_of(cut, annual),
                    percent(base_success),
                    percent(s.success_probability)
                ),
                from: base_success,
                to: s.success_probability,
            });
        }
    } else if let Some(s) = safe.last() {
        let room = s.spending - annual;
        if room >= 100.0 {
            out.push(Insight {
                kind: "spending".into(),
                text: format!(
                    "You could spend {} a year more{} and keep {odds} at {}.",
                    money(room),
                    share_of(room, annual),
                    percent(s.success_probability)
                ),
                from: base_success,
                to: s.success_probability,
            });
        }
    }
    if let Some(goal) = goals.first() {
        if let Some(extra) = goal.extra_savings.filter(|&e| e > 0.0)
            && let Some(to) = analyzer.success_with(|i| i.add_savings(extra))?
        {
            out.push(Insight {
                kind: "savings".into(),
                text: format!(
                    "Having {} more saved today raises {odds} from {} to {}.",
                    money(extra),
                    percent(base_success),
                    percent(to)
                ),
                from: base_success,
                to,
            });
        }
        if let Some(extra) = goal.extra_contribution.filter(|&e| e > 0.0) {
            let changed = analyzer.success_with(|i| i.add_contribution(extra))?;
            if let Some(to) = changed {
                out.push(Insight {
                    kind: "contribution".into(),
                    text: format!(
                        "Saving {} a year more until you retire raises {odds} from {} to {}.",
                        money(extra),
                        percent(base_success),
                        percent(to)
                    ),
                    from: base_success,
                    to,
                });
            }
        }
        let later = goal.retirement_age.map(|age| {
            analyzer
                .success_with(|i| i.retirement_age = Some(age))
                .map(|to| (age, to))
        });
        if let Some((age, Some(to))) = later.transpose()? {
            out.push(Insight {
                kind: "retirement_age".into(),
                text: format!(
                    "Retiring at {age} instead of {} raises {odds} from {} to {}.",
                    base.retirement_age,
                    percent(base_success),
                    percent(to)
                ),
                from: base_success,
                to,
            });
        }
    }
    for row in sensitivity {
        let (kind, text) = match row.parameter.as_str() {
            "allocation.stocks" => (
                "allocation",
                format!(
                    "{} stocks ({} instead of {}) would {} {odds} from {} to {}.",
                    if row.value > base.allocation.stocks {
                        "More"
                    } else {
                        "Fewer"
                    },
                    percent(row.value),
                    percent(base.allocation.stocks),
                    if row.delta >= 0.0 { "raise" } else { "lower" },
                    percent(base_success),
                    percent(row.success_probability)
                ),
            ),
            "fees.expense_ratio" => (
                "fees",
                format!(
                    "Paying 0.5% a year more in fees would lower {odds} from {} to {}.",
                    percent(base_success),
                    percent(row.success_probability)
                ),
            ),
            _ => continue,
        };
        if row.delta.abs() >= 0.005 {
            out.push(Insight {
                kind: kind.into(),
                text,
                from: base_success,
                to: row.success_probability,
            });
        }
    }
    if let Some(grid) = claiming {
        let (best, now) = (&grid.best, &grid.as_planned);
        if best.success_probability > now.success_probability {
            out.push(Insight {
                kind: "claiming".into(),
                text: format!(
                    "Claiming Social Security at {} instead of {} raises {odds} from {} to {} \
                     (on {} simulated futures).",
                    best.ages(),
                    now.ages(),
                    percent(now.success_probability),
                    percent(best.success_probability),
                    count(grid.scenarios)
                ),
                from: now.success_probability,
                to: best.success_probability,
            });
        }
    }
    if let Some(t) = tax_choices {
        let (best, now) = (&t.best, &t.as_planned);
        if best.success_probability > now.success_probability {
            out.push(Insight {
                kind: "taxes".into(),
                text: format!(
                    "{} instead raises {odds} from {} to {} (on {} simulated futures).",
                    best.label,
                    percent(now.success_probability),
                    percent(best.success_probability),
                    count(t.scenarios)
                ),
                from: now.success_probability,
                to: best.success_probability,
            });
        }
    }
    // A change that leaves the odds as they read is no advice ("from 0% to 0%").
    out.retain(|i| i.kind == "spending" || percent(i.to) != percent(i.from));
    out.sort_by(|a, b| (b.to - b.from).abs().total_cmp(&(a.to - a.from).abs()));
    Ok(out)
}
