//! Axes: round age ticks, value ticks at 1, 2, 2.5 or 5 times a power of ten, labels
//! formatted by the caller.

use super::{Axis, Tick};

pub(super) fn age_axis(from: u32, to: u32) -> Axis {
    let span = f64::from(to - from);
    let step = if span <= 12.0 {
        1.0
    } else if span <= 30.0 {
        5.0
    } else {
        10.0
    };
    let first = (f64::from(from) / step).ceil() * step;
    Axis {
        label: "Age".into(),
        min: f64::from(from),
        max: f64::from(to),
        ticks: ticks_between(first, f64::from(to), step, |v| format!("{v:.0}")),
    }
}

/// An axis from 0 to a round number above `top`, with about five ticks.
pub(super) fn value_axis(label: &str, top: f64, format: impl Fn(f64) -> String) -> Axis {
    let top = if top.is_finite() && top > 0.0 {
        top
    } else {
        1.0
    };
    let step = nice_step(top / 5.0);
    let max = (top / step).ceil() * step;
    Axis {
        label: label.into(),
        min: 0.0,
        max,
        ticks: ticks_between(0.0, max, step, format),
    }
}

pub(super) fn percent_axis(value: f64, top: f64) -> String {
    if top < 0.05 {
        crate::format::percent_precise(value, 1)
    } else {
        format!("{:.0}%", value * 100.0)
    }
}

/// The smallest of 1, 2, 2.5, 5 × 10^k that is at least `raw`.
pub fn nice_step(raw: f64) -> f64 {
    let raw = if raw.is_finite() && raw > 0.0 {
        raw
    } else {
        1.0
    };
    let magnitude = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|&step| step >= raw * (1.0 - 1e-9))
        .unwrap_or(10.0 * magnitude)
}

pub(super) fn ticks_between(
    from: f64,
    to: f64,
    step: f64,
    format: impl Fn(f64) -> String,
) -> Vec<Tick> {
    let count = ((to - from) / step + 1e-9).floor() as usize;
    (0..=count)
        .map(|i| {
            let value = from + step * i as f64;
            Tick {
                value,
                label: format(value),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::money_compact;

    #[test]
    fn nice_steps_are_one_two_two_and_a_half_or_five_times_a_power_of_ten() {
        assert_eq!(nice_step(0.9), 1.0);
        assert_eq!(nice_step(180_000.0), 200_000.0);
        assert_eq!(nice_step(240_000.0), 250_000.0);
        assert_eq!(nice_step(300_000.0), 500_000.0);
        assert_eq!(nice_step(0.013), 0.02);
    }

    #[test]
    fn value_axis_covers_the_top_with_readable_money_ticks() {
        let axis = value_axis("Savings", 1_130_000.0, money_compact);
        assert_eq!(axis.max, 1_250_000.0);
        let labels: Vec<&str> = axis.ticks.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(labels, ["$0", "$250k", "$500k", "$750k", "$1M", "$1.25M"]);
    }

    #[test]
    fn age_ticks_fall_on_round_ages_inside_the_plan() {
        let axis = age_axis(62, 95);
        let labels: Vec<&str> = axis.ticks.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(labels, ["70", "80", "90"]);
        assert_eq!((axis.min, axis.max), (62.0, 95.0));
    }
}
