//! The spending fan: what the futures spent each year beside what the plan asked for.

use super::axis::{age_axis, value_axis};
use super::{Chart, Layer, Style, short_noun, strategy_label};
use crate::engine::{Outcome, Plan};
use crate::format::money_compact;

/// Yearly real spending (5–95, 25–75, median) for the variable strategies and for plans whose
/// planned spending changes (steps, a survivor's share); `None` for a plain
/// `constant_dollar` plan, whose spending is the plan's amount every year.
pub fn spending_fan(plan: &Plan, outcome: &Outcome) -> Option<Chart> {
    let floor = plan.spending.strategy.floor();
    let planned = outcome.household.as_ref().map(|h| &h.planned_spending);
    if floor.is_none() && planned.is_none() {
        return None;
    }
    let s = &outcome.spending_percentiles;
    let x: Vec<f64> = outcome.ages.iter().map(|&a| f64::from(a)).collect();
    let ends = vec![x[0], *x.last().unwrap_or(&x[0])];
    let top = s.p95.iter().copied().fold(plan.spending.annual, f64::max);
    let first_retired = outcome
        .ages
        .iter()
        .position(|&a| a >= plan.retirement_age)
        .unwrap_or(0);
    // The planned path, and the floor scaled with it: flat without steps or a partner.
    let (planned_x, planned_y) = match planned {
        Some(p) => (x[first_retired..].to_vec(), p[first_retired..].to_vec()),
        None => (ends.clone(), vec![plan.spending.annual; 2]),
    };
    let mut layers = vec![
        Layer::Band {
            x: x.clone(),
            low: s.p5.clone(),
            high: s.p95.clone(),
            style: Style::BandOuter,
        },
        Layer::Band {
            x: x.clone(),
            low: s.p25.clone(),
            high: s.p75.clone(),
            style: Style::BandInner,
        },
    ];
    // Without a floor the median follows the plan wherever the money lasts: one label.
    layers.push(Layer::Line {
        x: planned_x.clone(),
        y: planned_y.clone(),
        style: Style::Reference,
        label: floor.map(|_| "planned".into()),
    });
    if let Some(floor) = floor {
        let share = floor / plan.spending.annual.max(f64::MIN_POSITIVE);
        layers.push(Layer::Line {
            x: planned_x,
            y: match planned {
                Some(_) => planned_y.iter().map(|v| v * share).collect(),
                None => vec![floor; 2],
            },
            style: Style::Reference,
            label: Some("floor".into()),
        });
    }
    layers.push(Layer::Line {
        x,
        y: s.p50.clone(),
        style: Style::Median,
        label: Some("median".into()),
    });
    let (lines, reference) = match floor {
        Some(floor) => (
            format!(
                "The dashed lines are the planned {} a year and the {} floor",
                money_compact(plan.spending.annual),
                money_compact(floor)
            ),
            format!("Planned spending and the {} floor", money_compact(floor)),
        ),
        None => (
            format!(
                "The dashed line is the planned spending, {} a year at first",
                money_compact(plan.spending.annual)
            ),
            "Planned spending".to_string(),
        ),
    };
    Some(Chart {
        id: "spending",
        title: "Yearly spending, in today's dollars".into(),
        description: format!(
            "Spending each year under the {} strategy. {lines}; the median from age {} is {}.",
            strategy_label(plan),
            outcome
                .ages
                .get(first_retired)
                .copied()
                .unwrap_or(plan.current_age),
            money_compact(s.p50.get(first_retired).copied().unwrap_or(0.0)),
        ),
        x: age_axis(plan.current_age, outcome.end_age()),
        y: value_axis("Spending per year (today's dollars)", top, money_compact),
        layers,
        legend: vec![
            (Style::Median, "Median".into()),
            (Style::BandInner, "Middle half".into()),
            (Style::BandOuter, format!("9 in 10 {}", short_noun(outcome))),
            (Style::Reference, reference),
        ],
    })
}
