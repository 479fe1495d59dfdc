//! Compared plans drawn over each other: each plan's median and its middle half, in its own
//! colour and dash, labelled with its letter.

use super::axis::{age_axis, value_axis};
use super::{Chart, Layer, Style};
use crate::engine::Outcome;
use crate::engine::outcome::Bands;
use crate::format::money_compact;

/// One compared plan as the charts need it.
pub struct ComparedSeries<'a> {
    /// "Plan A", or the plan's own name.
    pub name: &'a str,
    pub outcome: &'a Outcome,
    /// The balance today, where the savings lines start.
    pub balance: f64,
}

/// Savings over time: every plan's median and middle half, from today's balance.
pub fn compared_balance(plans: &[ComparedSeries<'_>], current_age: u32) -> Chart {
    let bands = |p: &ComparedSeries<'_>| {
        let with_start = |v: &[f64]| {
            let mut out = vec![p.balance];
            out.extend_from_slice(v);
            out
        };
        let b = &p.outcome.balance_percentiles;
        (with_start(&b.p25), with_start(&b.p50), with_start(&b.p75))
    };
    let x_of = |p: &ComparedSeries<'_>| {
        let mut x = vec![f64::from(current_age)];
        x.extend(p.outcome.ages.iter().map(|&a| f64::from(a) + 1.0));
        x
    };
    overlaid(
        plans,
        "balance",
        "Savings over time, in today's dollars".into(),
        "Savings (today's dollars)",
        current_age,
        |p| (x_of(p), bands(p)),
        "at the end",
    )
}

/// Yearly spending: every plan's median and middle half.
pub fn compared_spending(plans: &[ComparedSeries<'_>], current_age: u32) -> Chart {
    let series = |p: &ComparedSeries<'_>| {
        let x = p.outcome.ages.iter().map(|&a| f64::from(a)).collect();
        let s: &Bands = &p.outcome.spending_percentiles;
        (x, (s.p25.clone(), s.p50.clone(), s.p75.clone()))
    };
    overlaid(
        plans,
        "spending",
        "Yearly spending, in today's dollars".into(),
        "Spending per year (today's dollars)",
        current_age,
        series,
        "in the last year",
    )
}

type Series = (Vec<f64>, (Vec<f64>, Vec<f64>, Vec<f64>));

fn overlaid(
    plans: &[ComparedSeries<'_>],
    id: &'static str,
    title: String,
    y_label: &str,
    current_age: u32,
    series: impl Fn(&ComparedSeries<'_>) -> Series,
    end_words: &str,
) -> Chart {
    let all: Vec<Series> = plans.iter().map(&series).collect();
    let top = all
        .iter()
        .flat_map(|(_, (_, _, high))| high.iter().copied())
        .fold(0.0, f64::max);
    let end_age = plans
        .iter()
        .map(|p| p.outcome.end_age())
        .max()
        .unwrap_or(current_age + 1);
    let mut layers = Vec::with_capacity(2 * plans.len());
    // Every band first, then every line over them.
    for (k, (x, (low, _, high))) in all.iter().enumerate() {
        layers.push(Layer::Band {
            x: x.clone(),
            low: low.clone(),
            high: high.clone(),
            style: Style::PlanBand(k as u8),
        });
    }
    for (k, (x, (_, median, _))) in all.iter().enumerate() {
        layers.push(Layer::Line {
            x: x.clone(),
            y: median.clone(),
            style: Style::Plan(k as u8),
            label: Some(letter(k).to_string()),
        });
    }
    let ends: Vec<String> = plans
        .iter()
        .zip(&all)
        .enumerate()
        .map(|(k, (p, (_, (_, median, _))))| {
            format!(
                "plan {} ({}) {}",
                letter(k),
                p.name,
                money_compact(median.last().copied().unwrap_or(0.0))
            )
        })
        .collect();
    let mut legend = Vec::with_capacity(2 * plans.len());
    for (k, p) in plans.iter().enumerate() {
        legend.push((
            Style::Plan(k as u8),
            format!("{}: {}, median", letter(k), p.name),
        ));
    }
    legend.push((Style::PlanBand(0), "Shaded: middle half".into()));
    Chart {
        id,
        title,
        description: format!(
            "Each plan's median and middle half (25th to 75th percentile) over the same futures. The medians {end_words}: {}.",
            ends.join(", ")
        ),
        x: age_axis(current_age, end_age),
        y: value_axis(y_label, top, money_compact),
        layers,
        legend,
    }
}

fn letter(k: usize) -> char {
    char::from(b'A' + k as u8)
}

#[cfg(test)]
mod tests {
    use super::super::spread_labels;

    #[test]
    fn labels_closer_than_the_gap_move_apart_in_their_order_down_the_page() {
        let ys = [Some(100.0), None, Some(104.0), Some(300.0)];
        assert_eq!(
            spread_labels(&ys, 13.0),
            [Some(100.0), None, Some(113.0), Some(300.0)]
        );
        // By position, not by layer: the higher label stays, the lower one moves.
        assert_eq!(
            spread_labels(&[Some(50.0), Some(45.0)], 13.0),
            [Some(58.0), Some(45.0)]
        );
        assert_eq!(spread_labels(&[None, None], 13.0), [None, None]);
    }
}
