//! The tornado chart: how far each one-input change moves the odds.

use super::axis::{nice_step, ticks_between};
use super::{Axis, Bar, Chart, Layer, Style, Tick};
use crate::analysis::Sensitivity;
use crate::format::points;

/// A tornado chart: how far each change moves the odds of success, largest first.
pub fn sensitivity_tornado(sensitivity: &[Sensitivity]) -> Option<Chart> {
    if sensitivity.is_empty() {
        return None;
    }
    let mut rows: Vec<&Sensitivity> = sensitivity.iter().collect();
    rows.sort_by(|a, b| b.delta.abs().total_cmp(&a.delta.abs()));
    let reach = rows.iter().map(|r| r.delta.abs()).fold(0.01, f64::max);
    let count = rows.len() as f64;
    let bars = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let y = count - i as f64 - 0.5;
            Bar {
                x0: r.delta.min(0.0),
                x1: r.delta.max(0.0),
                y0: y - 0.35,
                y1: y + 0.35,
                label: Some(points(r.delta)),
                negative: r.delta < 0.0,
            }
        })
        .collect();
    let ticks = rows
        .iter()
        .enumerate()
        .map(|(i, r)| Tick {
            value: count - i as f64 - 0.5,
            label: format!("{} {}", parameter_label(&r.parameter), r.change),
        })
        .collect();
    let span = nice_step(reach * 2.0 / 4.0);
    let limit = (reach / span).ceil() * span;
    let x_ticks = ticks_between(-limit, limit, span, |v| {
        if v.abs() < 1e-12 {
            "0".to_string()
        } else {
            points(v).replace(" points", "").replace(" point", "")
        }
    });
    Some(Chart {
        id: "sensitivity",
        title: "What moves the odds".into(),
        description:
            "Change in the chance of success when one input changes, largest effect first.".into(),
        x: Axis {
            label: "Change in chance of success (percentage points)".into(),
            min: -limit,
            max: limit,
            ticks: x_ticks,
        },
        y: Axis {
            label: String::new(),
            min: 0.0,
            max: count,
            ticks,
        },
        layers: vec![Layer::Bars {
            bars,
            style: Style::Bar,
        }],
        legend: Vec::new(),
    })
}

/// The plan's input a sensitivity row changes, in words.
pub fn parameter_label(path: &str) -> &str {
    match path {
        "spending.annual" => "Spending",
        "portfolio.balance" => "Savings",
        "portfolio.annual_contribution" => "Contributions",
        "retirement_age" => "Retirement age",
        "allocation.stocks" => "Stocks",
        "fees.expense_ratio" => "Fees",
        "social_security.claiming_age" => "Your claiming age",
        "partner.social_security.claiming_age" => "Partner's claiming age",
        "market.stocks.mean" => "Stock returns",
        "market.inflation.mean" => "Inflation",
        other => other,
    }
}
