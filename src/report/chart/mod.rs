//! One chart model, two renderers: the web page draws these as SVG (`web::svg`) and the PDF
//! report as vector paths. A chart is data coordinates, axes with their tick labels already
//! formatted, and layers in a named `Style`; each renderer maps styles to its own colours,
//! and each style also differs in something other than colour (width, dash, hatching, a
//! direct label), so colour is never the only cue.

mod accounts;
mod axis;
mod balance;
mod compared;
mod spending;
mod tornado;

pub use accounts::accounts_stack;
pub use axis::nice_step;
pub use balance::{balance_fan, depletion_histogram};
pub use compared::{ComparedSeries, compared_balance, compared_spending};
pub use spending::spending_fan;
pub use tornado::{parameter_label, sensitivity_tornado};

use crate::engine::plan::Strategy;
use crate::engine::{Outcome, Plan};

#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// Stable, used for element ids and file names: `balance`, `spending`, `depletion`, …
    pub id: &'static str,
    pub title: String,
    /// What the chart shows, in a sentence (`<desc>`, captions).
    pub description: String,
    pub x: Axis,
    pub y: Axis,
    /// Drawn in order, so later layers sit on top.
    pub layers: Vec<Layer>,
    pub legend: Vec<(Style, String)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    pub label: String,
    pub min: f64,
    pub max: f64,
    pub ticks: Vec<Tick>,
}

impl Layer {
    /// A band's outline: along its upper edge, then back along its lower edge (nothing for
    /// other layers).
    pub fn outline(&self) -> impl Iterator<Item = (f64, f64)> + '_ {
        let (x, low, high): (&[f64], &[f64], &[f64]) = match self {
            Layer::Band { x, low, high, .. } => (x, low, high),
            _ => (&[], &[], &[]),
        };
        let upper = x.iter().zip(high);
        let lower = x.iter().zip(low).rev();
        upper.chain(lower).map(|(&x, &y)| (x, y))
    }
}

impl Axis {
    /// The axis's range, for placing values on it.
    pub fn span(&self) -> Span {
        Span {
            lo: self.min,
            hi: self.max,
        }
    }
}

/// A range of values mapped onto `0..=1` of a drawing's width or height.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Span {
    pub lo: f64,
    pub hi: f64,
}

impl Span {
    /// Where `v` falls, as a share of the span (outside `0..=1` when `v` is outside).
    pub fn share(&self, v: f64) -> f64 {
        (v - self.lo) / (self.hi - self.lo).max(f64::EPSILON)
    }

    /// [`Self::share`] with `v` held inside the span: values off the chart sit on its edge.
    pub fn share_within(&self, v: f64) -> f64 {
        self.share(v.clamp(self.lo, self.hi))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Tick {
    pub value: f64,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Layer {
    /// The area between `low` and `high` over `x`.
    Band {
        x: Vec<f64>,
        low: Vec<f64>,
        high: Vec<f64>,
        style: Style,
    },
    /// A polyline; `label`, when given, is written at its right end.
    Line {
        x: Vec<f64>,
        y: Vec<f64>,
        style: Style,
        label: Option<String>,
    },
    /// Many thin polylines of one style (every historical period), each with its name
    /// (the web page shows it under the pointer).
    Lines {
        x: Vec<f64>,
        ys: Vec<Vec<f64>>,
        names: Vec<String>,
        style: Style,
    },
    /// Rectangles in data coordinates, each with an optional label beside it.
    Bars { bars: Vec<Bar>, style: Style },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub x0: f64,
    pub x1: f64,
    pub y0: f64,
    pub y1: f64,
    pub label: Option<String>,
    /// A negative effect: drawn hatched as well as in another colour.
    pub negative: bool,
}

impl Bar {
    /// Where the bar's label goes, so that it stays inside the plot and off the bars:
    /// beside the outer end (right of a gain, left of a loss) when `room`, the label's width
    /// with its gap in data units, fits before the edge of `x`; else beside the inner end,
    /// facing away from the bar (across zero, in a tornado chart's row, which is empty
    /// there). The x it is written from, and whether the text ends there.
    pub fn label_at(&self, room: f64, x: Span) -> (f64, bool) {
        let (outer, inner) = if self.negative {
            (self.x0, self.x1)
        } else {
            (self.x1, self.x0)
        };
        let fits = if self.negative {
            outer - room >= x.lo
        } else {
            outer + room <= x.hi
        };
        if fits {
            (outer, self.negative)
        } else {
            (inner, !self.negative)
        }
    }
}

/// What a layer is, for the renderer to draw in its own way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// 5th to 95th percentile: the lightest fill.
    BandOuter,
    /// 25th to 75th percentile: a darker fill.
    BandInner,
    /// A third, darkest fill: the top layer of a stack.
    BandDeep,
    /// The median: a thick solid line.
    Median,
    /// One historical period: a thin, faint line.
    Period,
    /// A bar of a histogram or of a tornado chart.
    Bar,
    /// A reference line (zero, the plan's spending): dashed.
    Reference,
    /// Compared plan `k` (0 is plan A): its median line, each plan in its own colour and
    /// dash, labelled with its letter at the right end.
    Plan(u8),
    /// Compared plan `k`'s middle half (25th–75th percentile): a translucent fill of its
    /// line's colour.
    PlanBand(u8),
}

/// Where each labelled line's label goes, in a renderer's vertical units (down the page):
/// at its line's last point (`ys[k]`, `None` for a line without a label), moved apart just
/// enough that no two are closer than `gap`, in their order down the page.
pub fn spread_labels(ys: &[Option<f64>], gap: f64) -> Vec<Option<f64>> {
    let mut order: Vec<(usize, f64)> = ys
        .iter()
        .enumerate()
        .filter_map(|(k, y)| y.map(|y| (k, y)))
        .collect();
    order.sort_by(|a, b| a.1.total_cmp(&b.1));
    // Each label at least `gap` below the one above it.
    let mut out = vec![None; ys.len()];
    let mut above: Option<f64> = None;
    for (k, y) in order {
        let y = above.map_or(y, |a| y.max(a + gap));
        out[k] = Some(y);
        above = Some(y);
    }
    out
}

/// `simulated futures` or `historical periods`: what a run's paths are.
pub fn paths_noun(outcome: &Outcome) -> &'static str {
    if outcome.historical.is_some() {
        "historical periods"
    } else {
        "simulated futures"
    }
}

/// How a historical period ended: ran out, fell below the floor, or lasted.
pub fn period_outcome(
    plan: &Plan,
    outcome: &Outcome,
    depleted_at_age: Option<u32>,
    ran_out_at_age: Option<u32>,
) -> String {
    // Results before engine 1.1.0 have no `ran_out` and name only the failure.
    let tells_apart = outcome.ran_out.is_some() && plan.spending.strategy.has_floor();
    match (depleted_at_age, ran_out_at_age) {
        (None, _) => "lasted".to_string(),
        (Some(age), None) if tells_apart => format!("below the floor at {age}"),
        (Some(failed), Some(ran_out)) if tells_apart && failed < ran_out => {
            format!("below the floor at {failed}, ran out at {ran_out}")
        }
        (Some(age), _) => format!("ran out at {age}"),
    }
}

/// `futures` or `periods`.
fn short_noun(outcome: &Outcome) -> &'static str {
    if outcome.historical.is_some() {
        "periods"
    } else {
        "futures"
    }
}

fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The strategy's name in words.
pub fn strategy_label(plan: &Plan) -> &'static str {
    match plan.spending.strategy {
        Strategy::ConstantDollar => "constant-dollar",
        Strategy::ConstantPercent { .. } => "constant-percentage",
        Strategy::Guardrails { .. } => "guardrails",
        Strategy::Vpw { .. } => "variable-percentage",
        Strategy::OneOverN { .. } => "1/N",
        Strategy::Endowment { .. } => "endowment",
        Strategy::NinetyFivePercent { .. } => "95% rule",
        Strategy::VanguardDynamic { .. } => "Vanguard dynamic spending",
        Strategy::SensibleWithdrawals { .. } => "sensible-withdrawals",
        Strategy::AutopilotIi { .. } => "Autopilot II",
        Strategy::Cape { .. } => "CAPE-based",
    }
}
