//! The page flow of the report: blocks placed from the top of a page down, a new page when
//! one does not fit, and the footers once the page count is known.

use super::canvas::{Align, Canvas, Font, INK, MUTED, RULE, Rgb8, text_width, wrap};
use super::chart::{self, Area};
use crate::report::chart::{Chart, Style};
use crate::report::summary::Row;

pub(super) const MARGIN: f32 = 54.0;
pub(super) const FOOTER: f32 = 36.0;
pub(super) const BODY: f32 = 10.0;
pub(super) const LEADING: f32 = 14.0;
pub(super) const ACCENT: Rgb8 = Rgb8(18, 52, 110);

/// Pages filled from the top down; a block that does not fit starts a new page.
pub(super) struct Flow {
    pages: Vec<Canvas>,
    width: f32,
    height: f32,
    /// The next baseline on the current page.
    pub(super) y: f32,
}

impl Flow {
    pub(super) fn new(width: f32, height: f32) -> Self {
        Self {
            pages: vec![Canvas::default()],
            width,
            height,
            y: height - MARGIN,
        }
    }

    pub(super) fn page(&mut self) -> &mut Canvas {
        self.pages.last_mut().expect("there is always a page")
    }

    pub(super) fn content_width(&self) -> f32 {
        self.width - 2.0 * MARGIN
    }

    pub(super) fn new_page(&mut self) {
        self.pages.push(Canvas::default());
        self.y = self.height - MARGIN;
    }

    /// Starts a new page unless `height` points fit above the footer.
    pub(super) fn ensure(&mut self, height: f32) {
        if self.y - height < MARGIN + FOOTER {
            self.new_page();
        }
    }

    pub(super) fn gap(&mut self, points: f32) {
        self.y -= points;
    }

    /// The report's banner at the top of its first page: `text` in white on the accent.
    pub(super) fn banner(&mut self, text: &str) {
        let width = self.content_width();
        let top = self.y;
        let page = self.page();
        page.rect((MARGIN, top - 4.0), (width, 24.0), ACCENT);
        page.text(
            (MARGIN + 10.0, top + 4.0),
            11.0,
            Font::Bold,
            Rgb8(255, 255, 255),
            Align::Left,
            text,
        );
        self.y -= 64.0;
    }

    /// A section heading, kept on one page with the first `keep` points of what follows.
    pub(super) fn heading(&mut self, text: &str, keep: f32) {
        self.ensure(40.0 + keep);
        self.gap(6.0);
        let y = self.y;
        self.page()
            .text((MARGIN, y), 14.0, Font::Bold, ACCENT, Align::Left, text);
        self.y -= 8.0;
        let y = self.y;
        let right = self.width - MARGIN;
        self.page()
            .line(&[(MARGIN, y), (right, y)], RULE, 0.8, None);
        self.y -= 16.0;
    }

    pub(super) fn paragraph(&mut self, text: &str, size: f32, font: Font, color: Rgb8) {
        let width = self.content_width();
        let leading = size * 1.4;
        for line in wrap(text, size, font, width) {
            self.ensure(leading);
            let y = self.y;
            self.page()
                .text((MARGIN, y), size, font, color, Align::Left, &line);
            self.y -= leading;
        }
        self.y -= size * 0.5;
    }

    pub(super) fn bullets(&mut self, items: &[String]) {
        for item in items {
            self.hanging(("-", ACCENT), 14.0, item);
            self.y -= 3.0;
        }
    }

    /// Label and value rows; long values wrap in their column.
    pub(super) fn facts(&mut self, rows: &[Row]) {
        for row in rows {
            self.hanging((row.label, INK), 110.0, &row.value);
            self.y -= 4.0;
        }
    }

    /// A bold `label` at the margin and `text` wrapped beside it, `indent` points in, kept on
    /// one page.
    pub(super) fn hanging(&mut self, (label, color): (&str, Rgb8), indent: f32, text: &str) {
        let lines = wrap(text, BODY, Font::Regular, self.content_width() - indent);
        self.ensure(LEADING * lines.len().max(1) as f32);
        let y = self.y;
        self.page()
            .text((MARGIN, y), BODY, Font::Bold, color, Align::Left, label);
        for line in lines {
            let y = self.y;
            self.page().text(
                (MARGIN + indent, y),
                BODY,
                Font::Regular,
                INK,
                Align::Left,
                &line,
            );
            self.y -= LEADING;
        }
    }

    /// A table: the first column left-aligned, the rest right-aligned numbers, a shaded head
    /// and a rule under each row.
    pub(super) fn table(&mut self, head: &[String], rows: &[Vec<String>]) {
        let width = self.content_width();
        let first = (width * 0.22).min(130.0);
        let rest = (width - first) / (head.len().saturating_sub(1).max(1)) as f32;
        let right = |i: usize| MARGIN + first + rest * i as f32;
        let row_height = 17.0;
        self.ensure(row_height * 3.0);
        let draw_head = |doc: &mut Flow| {
            let y = doc.y;
            let page = doc.page();
            page.rect((MARGIN, y - 5.0), (width, row_height), Rgb8(233, 236, 241));
            for (i, h) in head.iter().enumerate() {
                // A heading wider than its column is set smaller, never over its neighbour.
                let column = if i == 0 { first } else { rest } - 8.0;
                let size = (9.0 * column / text_width(h, 9.0, Font::Bold)).min(9.0);
                if i == 0 {
                    page.text((MARGIN + 4.0, y), size, Font::Bold, INK, Align::Left, h);
                } else {
                    page.text((right(i) - 4.0, y), size, Font::Bold, INK, Align::Right, h);
                }
            }
            doc.y -= row_height;
        };
        draw_head(self);
        for row in rows {
            if self.y - row_height < MARGIN + FOOTER {
                self.new_page();
                draw_head(self);
            }
            let y = self.y;
            let page = self.page();
            for (i, cell) in row.iter().enumerate() {
                if i == 0 {
                    page.text((MARGIN + 4.0, y), 9.0, Font::Bold, INK, Align::Left, cell);
                } else {
                    page.text(
                        (right(i) - 4.0, y),
                        9.0,
                        Font::Regular,
                        INK,
                        Align::Right,
                        cell,
                    );
                }
            }
            page.line(
                &[(MARGIN, y - 5.0), (MARGIN + width, y - 5.0)],
                RULE,
                0.5,
                None,
            );
            self.y -= row_height;
        }
        self.y -= 8.0;
    }

    /// A chart with its title and a legend under it.
    pub(super) fn chart(&mut self, chart: &Chart, height: f32) {
        let legend_height = if chart.legend.is_empty() { 0.0 } else { 18.0 };
        self.ensure(height + legend_height + 20.0);
        let title_y = self.y;
        let width = self.content_width();
        self.page().text(
            (MARGIN, title_y),
            11.0,
            Font::Bold,
            INK,
            Align::Left,
            &chart.title,
        );
        self.y -= 8.0;
        let area = Area {
            x: MARGIN,
            y: self.y - height,
            width,
            height,
        };
        chart::draw(self.page(), chart, area);
        self.y -= height + 14.0;
        let mut x = MARGIN;
        let y = self.y;
        for (style, label) in &chart.legend {
            let page = self.page();
            swatch(page, *style, (x, y));
            page.text((x + 22.0, y), 8.5, Font::Regular, INK, Align::Left, label);
            x += 22.0 + text_width(label, 8.5, Font::Regular) + 16.0;
        }
        self.y -= legend_height;
    }

    /// Footers with what the report is ("plan review"), the permalink and "Page N of M";
    /// returns the pages.
    pub(super) fn finish(mut self, report: &str, permalink: &str) -> Vec<Canvas> {
        let total = self.pages.len();
        let right = self.width - MARGIN;
        for (i, page) in self.pages.iter_mut().enumerate() {
            let y = MARGIN - 16.0;
            page.line(&[(MARGIN, y + 12.0), (right, y + 12.0)], RULE, 0.5, None);
            page.text(
                (MARGIN, y),
                8.0,
                Font::Regular,
                MUTED,
                Align::Left,
                &format!("Glidepath {report}  |  {permalink}"),
            );
            page.text(
                (right, y),
                8.0,
                Font::Regular,
                MUTED,
                Align::Right,
                &format!("Page {} of {total}", i + 1),
            );
        }
        self.pages
    }
}

/// The legend's sample of a style: a line for lines, a block for fills.
fn swatch(page: &mut Canvas, style: Style, (x, y): (f32, f32)) {
    let mid = y + 3.0;
    match style {
        Style::Median => page.line(&[(x, mid), (x + 16.0, mid)], Rgb8(16, 42, 92), 2.0, None),
        Style::Reference => page.line(
            &[(x, mid), (x + 16.0, mid)],
            Rgb8(138, 83, 0),
            1.2,
            Some((4.0, 3.0)),
        ),
        Style::Period => page.line(&[(x, mid), (x + 16.0, mid)], Rgb8(170, 178, 190), 0.8, None),
        Style::BandOuter => page.rect((x, y - 1.0), (16.0, 8.0), Rgb8(200, 214, 240)),
        Style::BandInner => page.rect((x, y - 1.0), (16.0, 8.0), Rgb8(133, 166, 224)),
        Style::BandDeep => page.rect((x, y - 1.0), (16.0, 8.0), Rgb8(47, 95, 168)),
        Style::Bar => page.rect((x, y - 1.0), (16.0, 8.0), Rgb8(30, 91, 184)),
        Style::Plan(_) => {
            let (color, width) = super::chart::look(style);
            page.line(
                &[(x, mid), (x + 16.0, mid)],
                color,
                width,
                super::chart::dash(style),
            )
        }
        Style::PlanBand(_) => page.rect((x, y - 1.0), (16.0, 8.0), super::chart::look(style).0),
    }
}
