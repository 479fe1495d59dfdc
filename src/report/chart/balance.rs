//! What happens to the money: the balance fan, and when the futures ran out.

use super::axis::{age_axis, percent_axis, value_axis};
use super::{Bar, Chart, Layer, Style, capitalized, paths_noun, period_outcome, short_noun};
use crate::engine::{Outcome, Plan};
use crate::format::{money_compact, percent};

/// The balance fan: 5–95 and 25–75 bands and the median of the real balance, from today's
/// balance at the current age; for a historical run, every period as a faint line too.
pub fn balance_fan(plan: &Plan, outcome: &Outcome) -> Chart {
    let start = plan.portfolio.balance;
    let mut x = vec![f64::from(plan.current_age)];
    x.extend(outcome.ages.iter().map(|&a| f64::from(a) + 1.0));
    let series = |values: &[f64]| {
        let mut out = Vec::with_capacity(values.len() + 1);
        out.push(start);
        out.extend_from_slice(values);
        out
    };
    let b = &outcome.balance_percentiles;
    let mut top = b.p95.iter().copied().fold(start, f64::max);
    let mut layers = vec![
        Layer::Band {
            x: x.clone(),
            low: series(&b.p5),
            high: series(&b.p95),
            style: Style::BandOuter,
        },
        Layer::Band {
            x: x.clone(),
            low: series(&b.p25),
            high: series(&b.p75),
            style: Style::BandInner,
        },
    ];
    // Every historical period over the bands, under the median.
    if let Some(history) = &outcome.historical {
        let ys: Vec<Vec<f64>> = history.periods.iter().map(|p| series(&p.balance)).collect();
        top = ys.iter().flatten().copied().fold(top, f64::max);
        let names = history
            .periods
            .iter()
            .map(|p| {
                let ended = period_outcome(plan, outcome, p.depleted_at_age, p.ran_out_at_age);
                format!(
                    "Starting in {}: {ended}, {} at the end",
                    p.start_year,
                    money_compact(p.terminal_balance)
                )
            })
            .collect();
        layers.push(Layer::Lines {
            x: x.clone(),
            ys,
            names,
            style: Style::Period,
        });
    }
    layers.push(Layer::Line {
        x: x.clone(),
        y: series(&b.p50),
        style: Style::Median,
        label: Some("median".into()),
    });
    let mut legend = vec![
        (Style::Median, "Median".to_string()),
        (
            Style::BandInner,
            "Middle half (25th–75th percentile)".to_string(),
        ),
        (
            Style::BandOuter,
            format!("9 in 10 {} (5th–95th percentile)", short_noun(outcome)),
        ),
    ];
    if outcome.historical.is_some() {
        legend.push((Style::Period, "Each historical start year".to_string()));
    }
    let last = x.len() - 1;
    Chart {
        id: "balance",
        title: "Savings over time, in today's dollars".into(),
        description: format!(
            "Projected savings from age {} to {}. The median reaches {} at age {}; in 9 of 10 \
             futures it lies between {} and {}.",
            plan.current_age,
            outcome.end_age(),
            money_compact(series(&b.p50)[last]),
            outcome.end_age(),
            money_compact(series(&b.p5)[last]),
            money_compact(series(&b.p95)[last]),
        ),
        x: age_axis(plan.current_age, outcome.end_age()),
        y: value_axis("Savings (today's dollars)", top, money_compact),
        layers,
        legend,
    }
}

/// The share of all paths that run out of money at each age (the first year the balance
/// cannot fund the withdrawal); bars before the retirement age are labelled.
pub fn depletion_histogram(plan: &Plan, outcome: &Outcome) -> Chart {
    let n = f64::from(outcome.scenarios.max(1));
    let ran_out = outcome.ran_out.as_ref().unwrap_or(&outcome.depletion);
    let mut labelled = false;
    let bars: Vec<Bar> = ran_out
        .histogram
        .iter()
        .map(|bin| {
            let early = bin.age < plan.retirement_age && !std::mem::replace(&mut labelled, true);
            Bar {
                x0: f64::from(bin.age) + 0.1,
                x1: f64::from(bin.age) + 0.9,
                y0: 0.0,
                y1: f64::from(bin.count) / n,
                label: early.then(|| "before retirement".to_string()),
                negative: false,
            }
        })
        .collect();
    let top = bars.iter().map(|b| b.y1).fold(0.0, f64::max).max(0.01);
    let noun = short_noun(outcome);
    let mut description = match ran_out.median_age {
        None => format!("No {} ran out of money.", paths_noun(outcome)),
        Some(age) => format!(
            "{} of {noun} run out of money before age {}; when they do, the median age is {:.0}.",
            percent(ran_out.probability),
            outcome.end_age(),
            age
        ),
    };
    if ran_out.before_retirement > 0 {
        description.push_str(&format!(
            " {} of them run out before retirement, when an expense is larger than the savings.",
            ran_out.before_retirement
        ));
    }
    Chart {
        id: "depletion",
        title: "When the money runs out".into(),
        description,
        x: age_axis(plan.current_age, outcome.end_age()),
        y: value_axis(&format!("Share of all {noun}"), top, |v| {
            percent_axis(v, top)
        }),
        layers: vec![Layer::Bars {
            bars,
            style: Style::Bar,
        }],
        legend: vec![(
            Style::Bar,
            format!("{} that run out at that age", capitalized(noun)),
        )],
    }
}
