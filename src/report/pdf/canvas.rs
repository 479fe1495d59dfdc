//! A page as printpdf operations, in points from the bottom-left corner, with text in the
//! built-in Helvetica (nothing embedded, text stays text). Widths come from Adobe's
//! Helvetica metrics, so text can be right-aligned, centred and wrapped.

use printpdf::{
    BuiltinFont, Color, Line, LineDashPattern, LinePoint, Op, PaintMode, PdfFontHandle, Point,
    Polygon, PolygonRing, Pt, Rgb, TextItem, WindingOrder,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Font {
    Regular,
    Bold,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
    Center,
}

/// An RGB colour, 0–255 per channel.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rgb8(pub u8, pub u8, pub u8);

pub const INK: Rgb8 = Rgb8(26, 32, 44);
pub const MUTED: Rgb8 = Rgb8(74, 85, 104);
pub const RULE: Rgb8 = Rgb8(203, 210, 220);

#[derive(Default)]
pub struct Canvas {
    pub ops: Vec<Op>,
}

impl Canvas {
    /// One line of text with its baseline at `y`.
    pub fn text(
        &mut self,
        (x, y): (f32, f32),
        size: f32,
        font: Font,
        color: Rgb8,
        align: Align,
        text: &str,
    ) {
        let text = printable(text);
        let width = text_width(&text, size, font);
        let x = match align {
            Align::Left => x,
            Align::Right => x - width,
            Align::Center => x - width / 2.0,
        };
        self.ops.extend([
            Op::StartTextSection,
            Op::SetFillColor { col: color.into() },
            Op::SetFont {
                font: PdfFontHandle::Builtin(match font {
                    Font::Regular => BuiltinFont::Helvetica,
                    Font::Bold => BuiltinFont::HelveticaBold,
                }),
                size: Pt(size),
            },
            Op::SetTextCursor {
                pos: Point::new_pt(x, y),
            },
            Op::ShowText {
                items: vec![TextItem::Text(text)],
            },
            Op::EndTextSection,
        ]);
    }

    pub fn rect(&mut self, (x, y): (f32, f32), (w, h): (f32, f32), fill: Rgb8) {
        self.polygon(&[(x, y), (x + w, y), (x + w, y + h), (x, y + h)], fill);
    }

    pub fn polygon(&mut self, points: &[(f32, f32)], fill: Rgb8) {
        self.ops.extend([
            Op::SetFillColor { col: fill.into() },
            Op::DrawPolygon {
                polygon: Polygon {
                    rings: vec![PolygonRing {
                        points: line_points(points),
                    }],
                    mode: PaintMode::Fill,
                    winding_order: WindingOrder::NonZero,
                },
            },
        ]);
    }

    /// A polyline; `dash` is (on, off) in points.
    pub fn line(
        &mut self,
        points: &[(f32, f32)],
        color: Rgb8,
        width: f32,
        dash: Option<(f32, f32)>,
    ) {
        self.stroke(points, color, width, dash, false);
    }

    /// A closed outline.
    pub fn outline(&mut self, points: &[(f32, f32)], color: Rgb8, width: f32) {
        self.stroke(points, color, width, None, true);
    }

    fn stroke(
        &mut self,
        points: &[(f32, f32)],
        color: Rgb8,
        width: f32,
        dash: Option<(f32, f32)>,
        closed: bool,
    ) {
        self.ops.extend([
            Op::SetOutlineColor { col: color.into() },
            Op::SetOutlineThickness { pt: Pt(width) },
        ]);
        if let Some((on, off)) = dash {
            self.ops.push(Op::SetLineDashPattern {
                dash: LineDashPattern::new(0.0, &[on, off]),
            });
        }
        self.ops.push(Op::DrawLine {
            line: Line {
                points: line_points(points),
                is_closed: closed,
            },
        });
        if dash.is_some() {
            // Back to solid for whatever is drawn next.
            self.ops.push(Op::SetLineDashPattern {
                dash: LineDashPattern::default(),
            });
        }
    }
}

fn line_points(points: &[(f32, f32)]) -> Vec<LinePoint> {
    points
        .iter()
        .map(|&(x, y)| LinePoint {
            p: Point::new_pt(x, y),
            bezier: false,
        })
        .collect()
}

impl From<Rgb8> for Color {
    fn from(Rgb8(r, g, b): Rgb8) -> Self {
        Color::Rgb(Rgb {
            r: f32::from(r) / 255.0,
            g: f32::from(g) / 255.0,
            b: f32::from(b) / 255.0,
            icc_profile: None,
        })
    }
}

trait PointExt {
    fn new_pt(x: f32, y: f32) -> Point;
}

impl PointExt for Point {
    fn new_pt(x: f32, y: f32) -> Point {
        Point { x: Pt(x), y: Pt(y) }
    }
}

/// Text as the built-in fonts can show it (WinAnsi): the typographic minus and the narrow
/// spaces of our number formats become their ASCII cousins.
pub fn printable(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '−' => '-',
            '\u{2009}' | '\u{202f}' | '\u{a0}' => ' ',
            '≥' => '>',
            '≤' => '<',
            c => c,
        })
        .collect()
}

/// Lines of at most `width` points, broken at spaces.
pub fn wrap(text: &str, size: f32, font: Font, width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if text_width(&candidate, size, font) > width && !line.is_empty() {
            lines.push(std::mem::replace(&mut line, word.to_string()));
        } else {
            line = candidate;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// The width of `text` in points at `size`.
pub fn text_width(text: &str, size: f32, font: Font) -> f32 {
    let table = match font {
        Font::Regular => &HELVETICA,
        Font::Bold => &HELVETICA_BOLD,
    };
    let units: u32 = text
        .chars()
        .map(|c| match c as u32 {
            code @ 32..=126 => u32::from(table[(code - 32) as usize]),
            0x2013 => 556,        // en dash
            0x2014 => 1000,       // em dash
            0xb7 | 0x2019 => 278, // middle dot, apostrophe
            0xb1 | 0x2212 => 584, // plus-minus, minus
            _ => 556,
        })
        .sum();
    units as f32 * size / 1000.0
}

/// Advance widths of ASCII 32–126 in Helvetica, from Adobe's AFM (thousandths of an em).
#[rustfmt::skip]
const HELVETICA: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];

/// The same for Helvetica-Bold.
#[rustfmt::skip]
const HELVETICA_BOLD: [u16; 95] = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611,
    975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556,
    333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611,
    611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helvetica_widths_are_adobes() {
        // "Glidepath" in Helvetica: G 778, l 222, i 222, d 556, e 556, p 556, a 556, t 278, h 556.
        assert!((text_width("Glidepath", 10.0, Font::Regular) - 42.8).abs() < 1e-3);
        assert!(
            text_width("$1,000", 10.0, Font::Bold)
                > text_width("$1,000", 10.0, Font::Regular) - 1e-3
        );
    }

    #[test]
    fn paragraphs_wrap_at_spaces_within_the_width() {
        let text = "You are 60 with $1,000,000 saved and plan to spend $40,000 a year.";
        let lines = wrap(text, 10.0, Font::Regular, 120.0);
        assert!(lines.len() > 1);
        assert!(
            lines
                .iter()
                .all(|l| text_width(l, 10.0, Font::Regular) <= 120.0)
        );
        assert_eq!(lines.join(" "), text);
    }

    #[test]
    fn the_typographic_minus_prints_as_a_hyphen() {
        assert_eq!(printable("−$30,000"), "-$30,000");
    }
}
