//! The SVG renderer of the chart model (`report::chart`). Charts are inline in the page,
//! styled by class from `static/app.css` (the CSP forbids inline styles), with a `<title>` and
//! a `<desc>` that screen readers announce. Coordinates are rounded to a tenth of a unit.

use std::fmt::Write as _;

use crate::report::chart::{Axis, Bar, Chart, Layer, Span, Style};

const TOP: f64 = 30.0;
const BOTTOM: f64 = 48.0;
/// The width of one character of the charts' 12 px text, on average, for fitting labels.
const CHAR: f64 = 7.2;
/// The least space between two labels.
const GAP: f64 = 6.0;

/// The drawing's shape: wide for desktop widths and print, narrow for a phone, where the
/// page shows the narrow one instead (no sideways scrolling, text at its own size).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    Wide,
    Narrow,
}

impl Layout {
    /// The width, the height and the room on the right (a line's end label).
    fn size(self) -> (f64, f64, f64) {
        match self {
            Layout::Wide => (720.0, 340.0, 64.0),
            Layout::Narrow => (360.0, 320.0, 62.0),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Layout::Wide => "wide",
            Layout::Narrow => "narrow",
        }
    }
}

/// Each category's row in a narrow drawing whose labels would not fit on the left: its
/// label on a line of its own above its bar.
const ROW: f64 = 50.0;
const ROW_LABEL: f64 = 18.0;

/// The chart as an `<svg>` element.
pub fn render(chart: &Chart, layout: Layout) -> String {
    let (width, mut height, right) = layout.size();
    // Category labels (the tornado chart) need more room on the left than money ticks; on a
    // phone they go above their rows instead.
    let longest = chart
        .y
        .ticks
        .iter()
        .map(|t| label_width(&t.label))
        .max_by(f64::total_cmp);
    let mut left = (longest.unwrap_or(4.0 * CHAR) + 22.0).clamp(64.0, 230.0);
    let mut rows = None;
    if layout == Layout::Narrow && left > 0.4 * width {
        let count = chart.y.ticks.len().max(1);
        left = 12.0;
        rows = Some(count);
        height = TOP + BOTTOM + count as f64 * ROW;
    }
    let frame = Frame {
        left,
        width: width - left - right,
        height: height - TOP - BOTTOM,
        x: chart.x.span(),
        y: chart.y.span(),
        rows,
        drawing: width,
    };
    let id = match layout {
        Layout::Wide => chart.id.to_string(),
        Layout::Narrow => format!("{}-narrow", chart.id),
    };
    let mut out = String::with_capacity(8 * 1024);
    let _ = write!(
        out,
        r#"<svg class="chart chart-{} {}" viewBox="0 0 {width} {height}" role="img" aria-labelledby="{id}-title {id}-desc" xmlns="http://www.w3.org/2000/svg"><title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
        chart.id,
        layout.name(),
        escape(&chart.title),
        escape(&chart.description),
    );
    let _ = write!(
        out,
        r#"<defs><pattern id="{id}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect class="hatch-bg" width="6" height="6"/><line class="hatch" x1="0" y1="0" x2="0" y2="6"/></pattern></defs>"#
    );
    grid_and_axes(&mut out, chart, &frame, height);
    // Line labels at their lines' ends, moved apart where two would overlap.
    let ends: Vec<Option<f64>> = chart
        .layers
        .iter()
        .map(|layer| match layer {
            Layer::Line {
                y, label: Some(_), ..
            } => y.last().map(|&y| frame.sy(y) + 4.0),
            _ => None,
        })
        .collect();
    let label_ys = crate::report::chart::spread_labels(&ends, LABEL_GAP);
    for (layer, label_y) in chart.layers.iter().zip(label_ys) {
        draw_layer(&mut out, layer, &frame, &id, label_y);
    }
    out.push_str("</svg>");
    out
}

/// About how wide `label` is drawn.
fn label_width(label: &str) -> f64 {
    label.chars().count() as f64 * CHAR
}

struct Frame {
    left: f64,
    width: f64,
    height: f64,
    x: Span,
    y: Span,
    /// Category rows with their labels above them (see [`ROW`]), when there are any.
    rows: Option<usize>,
    /// The whole drawing's width.
    drawing: f64,
}

impl Frame {
    fn sx(&self, x: f64) -> f64 {
        self.left + self.x.share(x) * self.width
    }

    /// SVG's y grows downwards. In category rows, row `k` holds the values `k..k + 1`
    /// below its label's line.
    fn sy(&self, y: f64) -> f64 {
        let Some(rows) = self.rows else {
            return TOP + self.height - self.y.share_within(y) * self.height;
        };
        let y = y.clamp(self.y.lo, self.y.hi);
        let k = (y.floor().max(0.0) as usize).min(rows - 1);
        let within = y - k as f64;
        self.row_top(k) + ROW_LABEL + (1.0 - within) * (ROW - ROW_LABEL)
    }

    /// The top of category row `k` (counted from the bottom, as values are).
    fn row_top(&self, k: usize) -> f64 {
        let rows = self.rows.unwrap_or(1);
        TOP + (rows - 1 - k.min(rows - 1)) as f64 * ROW
    }

    fn bottom(&self) -> f64 {
        TOP + self.height
    }

    fn right(&self) -> f64 {
        self.left + self.width
    }
}

fn grid_and_axes(out: &mut String, chart: &Chart, f: &Frame, height: f64) {
    out.push_str(r#"<g class="grid">"#);
    if f.rows.is_none() {
        for tick in &chart.y.ticks {
            let y = f.sy(tick.value);
            let _ = write!(
                out,
                r#"<line x1="{:.1}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}"/>"#,
                f.left,
                f.right()
            );
        }
    }
    if chart.x.min < 0.0 && chart.x.max > 0.0 {
        let x = f.sx(0.0);
        let _ = write!(
            out,
            r#"<line class="zero" x1="{x:.1}" y1="{TOP}" x2="{x:.1}" y2="{:.1}"/>"#,
            f.bottom()
        );
    }
    out.push_str("</g>");
    let _ = write!(
        out,
        r#"<g class="axis"><line x1="{:.1}" y1="{b:.1}" x2="{:.1}" y2="{b:.1}"/>"#,
        f.left,
        f.right(),
        b = f.bottom()
    );
    // Ticks too close to the last one drawn are left out, so labels never overprint.
    let mut above = f64::INFINITY;
    for tick in &chart.y.ticks {
        if let Some(rows) = f.rows {
            let k = (tick.value.floor().max(0.0) as usize).min(rows - 1);
            let _ = write!(
                out,
                r#"<text class="tick row" x="{:.1}" y="{:.1}">{}</text>"#,
                f.left,
                f.row_top(k) + 13.0,
                escape(&tick.label)
            );
            continue;
        }
        let y = f.sy(tick.value);
        if (above - y).abs() < 14.0 {
            continue;
        }
        above = y;
        let _ = write!(
            out,
            r#"<text class="tick y" x="{:.1}" y="{:.1}">{}</text>"#,
            f.left - 8.0,
            y + 4.0,
            escape(&tick.label)
        );
    }
    let mut end = f64::NEG_INFINITY;
    for tick in &chart.x.ticks {
        let x = f.sx(tick.value);
        let half = label_width(&tick.label) / 2.0;
        if x - half < end + GAP {
            continue;
        }
        end = x + half;
        let _ = write!(
            out,
            r#"<line x1="{x:.1}" y1="{b:.1}" x2="{x:.1}" y2="{:.1}"/><text class="tick x" x="{x:.1}" y="{:.1}">{}</text>"#,
            f.bottom() + 5.0,
            f.bottom() + 20.0,
            escape(&tick.label),
            b = f.bottom()
        );
    }
    // Centred under the plot, or as near as the drawing's edges allow.
    let half = label_width(&chart.x.label) / 2.0;
    let centre =
        (f.left + f.width / 2.0).clamp(half + 4.0, (f.drawing - half - 4.0).max(half + 4.0));
    axis_label(out, &chart.x, "x", centre, height - 6.0);
    // The y label sits above the plot, read left to right rather than turned on its side.
    axis_label(out, &chart.y, "y", 4.0, 16.0);
    out.push_str("</g>");
}

fn axis_label(out: &mut String, axis: &Axis, which: &str, x: f64, y: f64) {
    if !axis.label.is_empty() {
        let _ = write!(
            out,
            r#"<text class="axis-label {which}" x="{x:.1}" y="{y:.1}">{}</text>"#,
            escape(&axis.label)
        );
    }
}

/// The least distance between two line labels, in the drawing's units: the height of a
/// label's box (12 px text) with a little room.
const LABEL_GAP: f64 = 16.0;

fn draw_layer(out: &mut String, layer: &Layer, f: &Frame, id: &str, label_y: Option<f64>) {
    match layer {
        Layer::Band { style, .. } => {
            let _ = write!(out, r#"<path class="{}" d=""#, class(*style));
            for (i, (x, y)) in layer.outline().enumerate() {
                let cmd = if i == 0 { 'M' } else { 'L' };
                let _ = write!(out, "{cmd}{:.1} {:.1}", f.sx(x), f.sy(y));
            }
            out.push_str(r#"Z"/>"#);
        }
        Layer::Line { x, y, style, label } => {
            polyline(out, x, y, *style, f);
            if let (Some(label), Some(&lx), Some(ly)) = (label, x.last(), label_y) {
                let _ = write!(
                    out,
                    r#"<text class="line-label {}" x="{:.1}" y="{ly:.1}">{}</text>"#,
                    class(*style),
                    f.sx(lx) + 6.0,
                    escape(label)
                );
            }
        }
        Layer::Lines {
            x,
            ys,
            names,
            style,
        } => {
            // One path each, named by its `<title>`: a browser shows it under the pointer.
            let _ = write!(out, r#"<g class="{}s">"#, class(*style));
            // Whole units, each point after the first relative to the one before (`l` once,
            // then its pairs): there are thousands of them.
            for (k, y) in ys.iter().enumerate() {
                let _ = write!(out, r#"<path class="{}" d=""#, class(*style));
                let mut last = (0.0, 0.0);
                for (i, (&x, &y)) in x.iter().zip(y).enumerate() {
                    let at = (f.sx(x).round(), f.sy(y).round());
                    let (dx, dy) = (at.0 - last.0, at.1 - last.1);
                    let _ = match i {
                        0 => write!(out, "M{} {}", at.0, at.1),
                        1 => write!(out, "l{dx} {dy}"),
                        _ => write!(out, " {dx} {dy}"),
                    };
                    last = at;
                }
                match names.get(k) {
                    Some(name) => {
                        let _ = write!(out, r#""><title>{}</title></path>"#, escape(name));
                    }
                    None => out.push_str(r#""/>"#),
                }
            }
            out.push_str("</g>");
        }
        Layer::Bars { bars, style } => {
            for bar in bars {
                draw_bar(out, bar, *style, f, id);
            }
        }
    }
}

fn polyline(out: &mut String, x: &[f64], y: &[f64], style: Style, f: &Frame) {
    let _ = write!(out, r#"<polyline class="{}" points=""#, class(style));
    for (i, (&x, &y)) in x.iter().zip(y).enumerate() {
        let sep = if i == 0 { "" } else { " " };
        let _ = write!(out, "{sep}{:.1},{:.1}", f.sx(x), f.sy(y));
    }
    out.push_str(r#""/>"#);
}

fn draw_bar(out: &mut String, bar: &Bar, style: Style, f: &Frame, id: &str) {
    let (x0, x1) = (f.sx(bar.x0), f.sx(bar.x1));
    let (y0, y1) = (f.sy(bar.y1), f.sy(bar.y0));
    let fill = if bar.negative {
        format!(r#" fill="url(#{id}-hatch)""#)
    } else {
        String::new()
    };
    let negative = if bar.negative { " negative" } else { "" };
    let _ = write!(
        out,
        r#"<rect class="{}{negative}"{fill} x="{x0:.1}" y="{y0:.1}" width="{:.1}" height="{:.1}"/>"#,
        class(style),
        (x1 - x0).max(1.0),
        (y1 - y0).max(0.0),
    );
    if let Some(label) = &bar.label {
        let room = (label_width(label) + GAP) / f.width * (f.x.hi - f.x.lo);
        let (at, ends) = bar.label_at(room, f.x);
        let (x, anchor) = if ends {
            (f.sx(at) - GAP, "end")
        } else {
            (f.sx(at) + GAP, "start")
        };
        let _ = write!(
            out,
            r#"<text class="bar-label {anchor}" x="{x:.1}" y="{:.1}">{}</text>"#,
            (y0 + y1) / 2.0 + 4.0,
            escape(label)
        );
    }
}

/// The CSS class of a style; `static/app.css` gives each its look.
pub fn class(style: Style) -> &'static str {
    match style {
        Style::BandOuter => "band-outer",
        Style::BandInner => "band-inner",
        Style::BandDeep => "band-deep",
        Style::Median => "median",
        Style::Period => "period",
        Style::Bar => "bar",
        Style::Reference => "reference",
        Style::Plan(k) => ["plan-a", "plan-b", "plan-c", "plan-d"][usize::from(k.min(3))],
        Style::PlanBand(k) => {
            ["plan-a-band", "plan-b-band", "plan-c-band", "plan-d-band"][usize::from(k.min(3))]
        }
    }
}

/// Escapes text for an XML element or attribute.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(ch),
        }
    }
    out
}

#[cfg(test)]
mod tests;
