//! The PDF renderer of the chart model (`report::chart`), the sibling of `web::svg`: the
//! same axes, ticks, layers and labels, drawn as vector paths and text into a box on a page.
//! Each style differs in more than colour, as on the web: widths, dashes, outlines.

use super::canvas::{Align, Canvas, Font, INK, MUTED, Rgb8, text_width};
use crate::report::chart::{Bar, Chart, Layer, Span, Style};

const TICK_SIZE: f32 = 7.5;
const LABEL_SIZE: f32 = 8.0;

/// Where the chart goes: its box on the page, bottom-left corner and size in points.
#[derive(Debug, Clone, Copy)]
pub struct Area {
    pub x: f32,
    pub y: f32,
    pub width: f32,
    pub height: f32,
}

struct Frame {
    left: f32,
    bottom: f32,
    width: f32,
    height: f32,
    x: Span,
    y: Span,
}

impl Frame {
    fn sx(&self, x: f64) -> f32 {
        self.left + self.x.share(x) as f32 * self.width
    }

    /// PDF's y grows upwards.
    fn sy(&self, y: f64) -> f32 {
        self.bottom + self.y.share_within(y) as f32 * self.height
    }

    fn right(&self) -> f32 {
        self.left + self.width
    }

    fn top(&self) -> f32 {
        self.bottom + self.height
    }
}

pub fn draw(canvas: &mut Canvas, chart: &Chart, area: Area) {
    let widest = chart
        .y
        .ticks
        .iter()
        .map(|t| text_width(&t.label, TICK_SIZE, Font::Regular))
        .fold(0.0, f32::max);
    // Room for the y ticks on the left, the x ticks and label below, the y label above and
    // a line's end label on the right.
    let frame = Frame {
        left: area.x + widest + 8.0,
        bottom: area.y + 30.0,
        width: area.width - widest - 8.0 - 44.0,
        height: area.height - 30.0 - 16.0,
        x: chart.x.span(),
        y: chart.y.span(),
    };
    grid_and_axes(canvas, chart, &frame, area);
    // Line labels at their lines' ends, moved apart where two would overlap (PDF y runs up,
    // so the spreading runs on its negation).
    let ends: Vec<Option<f64>> = chart
        .layers
        .iter()
        .map(|layer| match layer {
            Layer::Line {
                y, label: Some(_), ..
            } => y.last().map(|&y| -f64::from(frame.sy(y) - 2.5)),
            _ => None,
        })
        .collect();
    let label_ys = crate::report::chart::spread_labels(&ends, 9.0);
    for (layer, label_y) in chart.layers.iter().zip(label_ys) {
        draw_layer(canvas, layer, &frame, label_y.map(|y| -y as f32));
    }
}

fn grid_and_axes(canvas: &mut Canvas, chart: &Chart, f: &Frame, area: Area) {
    for tick in &chart.y.ticks {
        let y = f.sy(tick.value);
        canvas.line(
            &[(f.left, y), (f.right(), y)],
            Rgb8(227, 231, 237),
            0.5,
            None,
        );
        canvas.text(
            (f.left - 5.0, y - 2.5),
            TICK_SIZE,
            Font::Regular,
            MUTED,
            Align::Right,
            &tick.label,
        );
    }
    if chart.x.min < 0.0 && chart.x.max > 0.0 {
        let x = f.sx(0.0);
        canvas.line(&[(x, f.bottom), (x, f.top())], MUTED, 0.8, None);
    }
    canvas.line(
        &[(f.left, f.bottom), (f.right(), f.bottom)],
        MUTED,
        0.6,
        None,
    );
    for tick in &chart.x.ticks {
        let x = f.sx(tick.value);
        canvas.line(&[(x, f.bottom), (x, f.bottom - 3.0)], MUTED, 0.6, None);
        canvas.text(
            (x, f.bottom - 12.0),
            TICK_SIZE,
            Font::Regular,
            MUTED,
            Align::Center,
            &tick.label,
        );
    }
    if !chart.x.label.is_empty() {
        canvas.text(
            (f.left + f.width / 2.0, area.y + 2.0),
            LABEL_SIZE,
            Font::Bold,
            INK,
            Align::Center,
            &chart.x.label,
        );
    }
    if !chart.y.label.is_empty() {
        canvas.text(
            (area.x, area.y + area.height - 8.0),
            LABEL_SIZE,
            Font::Bold,
            INK,
            Align::Left,
            &chart.y.label,
        );
    }
}

/// Fill, stroke and stroke width of each style (the web's `app.css`, in print).
pub(super) fn look(style: Style) -> (Rgb8, f32) {
    match style {
        Style::BandOuter => (Rgb8(200, 214, 240), 0.0),
        Style::BandInner => (Rgb8(133, 166, 224), 0.0),
        Style::BandDeep => (Rgb8(47, 95, 168), 0.0),
        Style::Median => (Rgb8(16, 42, 92), 2.0),
        Style::Period => (Rgb8(170, 178, 190), 0.35),
        Style::Bar => (Rgb8(30, 91, 184), 0.0),
        Style::Reference => (Rgb8(138, 83, 0), 1.2),
        Style::Plan(k) => (PLAN_COLORS[usize::from(k.min(3))], 1.8),
        // The line's colour, mixed four parts in five with white: a light fill.
        Style::PlanBand(k) => {
            let Rgb8(r, g, b) = PLAN_COLORS[usize::from(k.min(3))];
            let light = |c: u8| 255 - (255 - c) / 5;
            (Rgb8(light(r), light(g), light(b)), 0.0)
        }
    }
}

/// Compared plans A to D (Okabe and Ito's colour-blind-safe palette, as `app.css`).
const PLAN_COLORS: [Rgb8; 4] = [
    Rgb8(11, 61, 145),
    Rgb8(213, 94, 0),
    Rgb8(0, 158, 115),
    Rgb8(204, 121, 167),
];

/// The dash of a line style, beside its colour: plans B to D are dashed, dotted and
/// dash-dotted, so colour is never the only cue.
pub(super) fn dash(style: Style) -> Option<(f32, f32)> {
    match style {
        Style::Reference => Some((4.0, 3.0)),
        Style::Plan(1) => Some((5.0, 2.5)),
        Style::Plan(2) => Some((1.5, 1.5)),
        Style::Plan(3) => Some((6.0, 2.0)),
        _ => None,
    }
}

fn draw_layer(canvas: &mut Canvas, layer: &Layer, f: &Frame, label_y: Option<f32>) {
    match layer {
        Layer::Band { style, .. } => {
            let points: Vec<(f32, f32)> =
                layer.outline().map(|(x, y)| (f.sx(x), f.sy(y))).collect();
            canvas.polygon(&points, look(*style).0);
        }
        Layer::Line { x, y, style, label } => {
            let points: Vec<(f32, f32)> =
                x.iter().zip(y).map(|(&x, &y)| (f.sx(x), f.sy(y))).collect();
            let (color, width) = look(*style);
            canvas.line(&points, color, width, dash(*style));
            if let (Some(label), Some(&(lx, _)), Some(ly)) = (label, points.last(), label_y) {
                canvas.text(
                    (lx + 4.0, ly),
                    LABEL_SIZE,
                    Font::Bold,
                    color,
                    Align::Left,
                    label,
                );
            }
        }
        Layer::Lines { x, ys, style, .. } => {
            let (color, width) = look(*style);
            for y in ys {
                let points: Vec<(f32, f32)> =
                    x.iter().zip(y).map(|(&x, &y)| (f.sx(x), f.sy(y))).collect();
                canvas.line(&points, color, width, None);
            }
        }
        Layer::Bars { bars, style } => {
            for bar in bars {
                draw_bar(canvas, bar, *style, f);
            }
        }
    }
}

fn draw_bar(canvas: &mut Canvas, bar: &Bar, style: Style, f: &Frame) {
    let (x0, x1) = (f.sx(bar.x0), f.sx(bar.x1));
    let (y0, y1) = (f.sy(bar.y0), f.sy(bar.y1));
    let width = (x1 - x0).max(0.8);
    let corners = [(x0, y0), (x0 + width, y0), (x0 + width, y1), (x0, y1)];
    if bar.negative {
        // A loss: a pale fill with a red outline, where a gain is solid.
        canvas.polygon(&corners, Rgb8(246, 212, 208));
        canvas.outline(&corners, Rgb8(178, 34, 34), 1.0);
    } else {
        canvas.polygon(&corners, look(style).0);
    }
    if let Some(label) = &bar.label {
        let room = (text_width(label, TICK_SIZE, Font::Regular) + 4.0) / f.width;
        let (at, ends) = bar.label_at(f64::from(room) * (f.x.hi - f.x.lo), f.x);
        let (x, align) = if ends {
            (f.sx(at) - 4.0, Align::Right)
        } else {
            (f.sx(at) + 4.0, Align::Left)
        };
        canvas.text(
            (x, (y0 + y1) / 2.0 - 2.5),
            TICK_SIZE,
            Font::Regular,
            INK,
            align,
            label,
        );
    }
}
