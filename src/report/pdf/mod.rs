//! The PDF report: a printable plan review drawn from the same words, tables and chart model
//! as the result page (`report::summary`, `report::chart`), with printpdf's built-in
//! Helvetica, so the text stays text and nothing is embedded.
//!
//! Pages flow top to bottom: the cover (headline odds and summary), the plan and its
//! assumptions, the charts, the percentile table, the analysis, methodology and disclaimer.
//! Every page has a footer with its number and the permalink.
//!
//! **Reproducible:** the same result renders the same bytes. The dates come from the
//! simulation (`created_at`), never the clock, and the trailer's `/ID`, which printpdf fills
//! with random characters, is replaced by characters derived from the result's hash.

mod canvas;
mod chart;

use printpdf::{Mm, PdfDocument, PdfPage, PdfSaveOptions};
use sha2::{Digest, Sha256};

use self::canvas::{Align, Canvas, Font, INK, MUTED, RULE, Rgb8, text_width, wrap};
use self::chart::Area;
use super::chart::{self as model, Chart, Style};
use super::format::{money, money_compact, percent, percent_precise};
use super::summary::{self, Row};
use crate::analysis::Analysis;
use crate::engine::plan::MarketModel;
use crate::engine::{Outcome, Plan};

/// Paper size of a report: A4 (210 × 297 mm) or US Letter (8.5 × 11 in).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Paper {
    A4,
    Letter,
}

impl Paper {
    fn size_mm(self) -> (f32, f32) {
        match self {
            Paper::A4 => (210.0, 297.0),
            Paper::Letter => (215.9, 279.4),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Paper::A4 => "a4",
            Paper::Letter => "letter",
        }
    }
}

/// Everything a report shows.
pub struct Report<'a> {
    pub plan: &'a Plan,
    pub outcome: &'a Outcome,
    /// `None` when the analysis could not be had; the report says so.
    pub analysis: Option<&'a Analysis>,
    pub id: &'a str,
    /// RFC 3339, from the stored simulation: the report's date.
    pub created_at: &'a str,
    pub permalink: &'a str,
}

const MARGIN: f32 = 54.0;
const FOOTER: f32 = 36.0;
const BODY: f32 = 10.0;
const LEADING: f32 = 14.0;
const ACCENT: Rgb8 = Rgb8(18, 52, 110);

/// The report as PDF bytes.
pub fn render(report: &Report, paper: Paper) -> Vec<u8> {
    let (w_mm, h_mm) = paper.size_mm();
    let mut doc = Flow::new(w_mm * 72.0 / 25.4, h_mm * 72.0 / 25.4);
    cover(&mut doc, report);
    inputs(&mut doc, report);
    charts(&mut doc, report);
    tables(&mut doc, report);
    analysis(&mut doc, report);
    methodology(&mut doc, report);
    let pages = doc.finish(report.permalink);

    let mut pdf = PdfDocument::new(&format!("{}: plan review", report.plan.name));
    let info = &mut pdf.metadata.info;
    let date = pdf_date(report.created_at);
    info.creation_date = date;
    info.modification_date = date;
    info.metadata_date = date;
    info.author = "Glidepath".into();
    info.creator = "Glidepath".into();
    info.producer = format!("Glidepath {}", env!("CARGO_PKG_VERSION"));
    info.subject = "Retirement plan review".into();
    info.identifier = report.id.into();
    let pages = pages
        .into_iter()
        .map(|c| PdfPage::new(Mm(w_mm), Mm(h_mm), c.ops))
        .collect();
    let bytes = pdf
        .with_pages(pages)
        .save(&PdfSaveOptions::default(), &mut Vec::new());
    with_stable_id(bytes, report)
}

/// The simulation's date as printpdf's date; the epoch if it does not parse.
fn pdf_date(created_at: &str) -> printpdf::OffsetDateTime {
    let seconds = chrono::DateTime::parse_from_rfc3339(created_at)
        .map(|d| d.timestamp())
        .unwrap_or(0);
    printpdf::OffsetDateTime::from_unix_timestamp(seconds)
        .or_else(|_| printpdf::OffsetDateTime::from_unix_timestamp(0))
        .expect("the epoch is a date")
}

/// Replaces the two random 32-character strings of the trailer's `/ID` with ones derived from
/// the report's identity. Same length, after the cross-reference table: no offset moves.
fn with_stable_id(mut bytes: Vec<u8>, report: &Report) -> Vec<u8> {
    let digest = Sha256::digest(format!("{}\0{}", report.id, report.created_at));
    let stable = hex::encode(&digest[..16]).into_bytes();
    let Some(at) = find_last(&bytes, b"/ID") else {
        return bytes;
    };
    let mut i = at;
    for _ in 0..2 {
        let Some(open) = bytes[i..].iter().position(|&b| b == b'(').map(|p| i + p) else {
            return bytes;
        };
        let Some(close) = bytes[open..]
            .iter()
            .position(|&b| b == b')')
            .map(|p| open + p)
        else {
            return bytes;
        };
        if close - open - 1 == stable.len() {
            bytes[open + 1..close].copy_from_slice(&stable);
        }
        i = close + 1;
    }
    bytes
}

fn find_last(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

/// Pages filled from the top down; a block that does not fit starts a new page.
struct Flow {
    pages: Vec<Canvas>,
    width: f32,
    height: f32,
    /// The next baseline on the current page.
    y: f32,
}

impl Flow {
    fn new(width: f32, height: f32) -> Self {
        Self {
            pages: vec![Canvas::default()],
            width,
            height,
            y: height - MARGIN,
        }
    }

    fn page(&mut self) -> &mut Canvas {
        self.pages.last_mut().expect("there is always a page")
    }

    fn content_width(&self) -> f32 {
        self.width - 2.0 * MARGIN
    }

    fn new_page(&mut self) {
        self.pages.push(Canvas::default());
        self.y = self.height - MARGIN;
    }

    /// Starts a new page unless `height` points fit above the footer.
    fn ensure(&mut self, height: f32) {
        if self.y - height < MARGIN + FOOTER {
            self.new_page();
        }
    }

    fn gap(&mut self, points: f32) {
        self.y -= points;
    }

    /// A section heading, kept on one page with the first `keep` points of what follows.
    fn heading(&mut self, text: &str, keep: f32) {
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

    fn paragraph(&mut self, text: &str, size: f32, font: Font, color: Rgb8) {
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

    fn bullets(&mut self, items: &[String]) {
        for item in items {
            self.hanging(("-", ACCENT), 14.0, item);
            self.y -= 3.0;
        }
    }

    /// Label and value rows; long values wrap in their column.
    fn facts(&mut self, rows: &[Row]) {
        for row in rows {
            self.hanging((row.label, INK), 110.0, &row.value);
            self.y -= 4.0;
        }
    }

    /// A bold `label` at the margin and `text` wrapped beside it, `indent` points in, kept on
    /// one page.
    fn hanging(&mut self, (label, color): (&str, Rgb8), indent: f32, text: &str) {
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
    fn table(&mut self, head: &[String], rows: &[Vec<String>]) {
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
                if i == 0 {
                    page.text((MARGIN + 4.0, y), 9.0, Font::Bold, INK, Align::Left, h);
                } else {
                    page.text((right(i) - 4.0, y), 9.0, Font::Bold, INK, Align::Right, h);
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
    fn chart(&mut self, chart: &Chart, height: f32) {
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

    /// Footers with "Page N of M" and the permalink; returns the pages.
    fn finish(mut self, permalink: &str) -> Vec<Canvas> {
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
                &format!("Glidepath plan review  |  {permalink}"),
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
        Style::Bar => page.rect((x, y - 1.0), (16.0, 8.0), Rgb8(30, 91, 184)),
    }
}

fn cover(doc: &mut Flow, r: &Report) {
    let (plan, outcome) = (r.plan, r.outcome);
    let width = doc.content_width();
    let top = doc.y;
    let page = doc.page();
    page.rect((MARGIN, top - 4.0), (width, 24.0), ACCENT);
    page.text(
        (MARGIN + 10.0, top + 4.0),
        11.0,
        Font::Bold,
        Rgb8(255, 255, 255),
        Align::Left,
        "Glidepath  |  Retirement plan review",
    );
    doc.y -= 64.0;
    doc.paragraph(&plan.name, 24.0, Font::Bold, INK);
    let date = r.created_at.get(..10).unwrap_or(r.created_at);
    doc.paragraph(
        &format!("Prepared {date}, from simulation {}", r.id),
        9.0,
        Font::Regular,
        MUTED,
    );
    doc.gap(20.0);

    let p = outcome.success_probability;
    let (verdict, color) = if p >= 0.9 {
        ("Likely to last", Rgb8(22, 101, 52))
    } else if p >= 0.75 {
        ("At some risk", Rgb8(138, 83, 0))
    } else {
        ("At serious risk", Rgb8(178, 34, 34))
    };
    let y = doc.y;
    let badge = text_width(verdict, 10.0, Font::Bold) + 16.0;
    let page = doc.page();
    page.rect((MARGIN, y - 5.0), (badge, 18.0), color);
    page.text(
        (MARGIN + 8.0, y),
        10.0,
        Font::Bold,
        Rgb8(255, 255, 255),
        Align::Left,
        verdict,
    );
    doc.gap(30.0);
    doc.paragraph(&summary::headline(plan, outcome), 18.0, Font::Bold, INK);
    doc.paragraph(&summary::interval(outcome), 10.0, Font::Regular, MUTED);
    doc.gap(6.0);
    doc.paragraph(&summary::paragraph(plan, outcome), 11.0, Font::Regular, INK);
    doc.gap(10.0);

    // Three figures in boxes.
    let last = outcome.balance_percentiles.p50.len().saturating_sub(1);
    let at_end = |band: &[f64]| money_compact(band.get(last).copied().unwrap_or(0.0));
    let figures = [
        (format!("Chance of money at {}", plan.end_age), percent(p)),
        (
            format!("Median savings at {}", plan.end_age),
            at_end(&outcome.balance_percentiles.p50),
        ),
        (
            format!("Worst 1 in 20 at {}", plan.end_age),
            at_end(&outcome.balance_percentiles.p5),
        ),
    ];
    let gap = 12.0;
    let box_width = (width - 2.0 * gap) / 3.0;
    let y = doc.y;
    let page = doc.page();
    for (i, (label, value)) in figures.iter().enumerate() {
        let x = MARGIN + i as f32 * (box_width + gap);
        page.rect((x, y - 52.0), (box_width, 60.0), Rgb8(241, 244, 248));
        page.text(
            (x + 10.0, y - 8.0),
            9.0,
            Font::Regular,
            MUTED,
            Align::Left,
            label,
        );
        page.text(
            (x + 10.0, y - 36.0),
            20.0,
            Font::Bold,
            ACCENT,
            Align::Left,
            value,
        );
    }
    doc.gap(80.0);
    if let Some(age) = outcome.depletion.median_age {
        doc.paragraph(
            &format!(
                "In the futures that run out of money, the median age at which it runs out is {age}; \
                 on average a future spends {:.1} years short of money.",
                outcome.shortfall_years_mean
            ),
            10.0,
            Font::Regular,
            INK,
        );
    }
}

fn inputs(doc: &mut Flow, r: &Report) {
    doc.new_page();
    doc.heading("Your plan", 60.0);
    doc.facts(&summary::plan_rows(r.plan));
    doc.gap(8.0);
    doc.heading("Assumptions", 60.0);
    doc.facts(&summary::assumption_rows(r.plan, r.outcome));
}

fn charts(doc: &mut Flow, r: &Report) {
    doc.new_page();
    doc.heading("Savings and spending over time", 300.0);
    doc.paragraph(
        "In today's dollars. The dark line is the median future; the bands hold the middle \
         half and nine in ten of all simulated futures.",
        BODY,
        Font::Regular,
        MUTED,
    );
    doc.chart(&model::balance_fan(r.plan, r.outcome), 250.0);
    if let Some(spending) = model::spending_fan(r.plan, r.outcome) {
        doc.gap(8.0);
        doc.chart(&spending, 220.0);
    }
}

fn tables(doc: &mut Flow, r: &Report) {
    doc.heading("Savings every five years", 100.0);
    doc.paragraph(
        "In today's dollars. The 5th percentile is a bad future (1 in 20 is worse); the 95th a \
         good one.",
        BODY,
        Font::Regular,
        MUTED,
    );
    let rows: Vec<Vec<String>> = summary::percentile_table(r.plan, r.outcome)
        .into_iter()
        .map(summary::PercentileRow::cells)
        .collect();
    doc.table(&summary::percentile_head(), &rows);
    doc.heading("Running out of money", 60.0);
    let d = &r.outcome.depletion;
    let text = if d.histogram.is_empty() {
        "None of the simulated futures runs out of money before the end age.".to_string()
    } else {
        format!(
            "{} of simulated futures run out of money before age {}{}.",
            percent(d.probability),
            r.plan.end_age,
            d.median_age
                .map(|a| format!("; half of those by age {a}"))
                .unwrap_or_default()
        )
    };
    doc.paragraph(&text, BODY, Font::Regular, INK);
    if !d.histogram.is_empty() {
        doc.chart(&model::depletion_histogram(r.plan, r.outcome), 190.0);
    }
}

fn analysis(doc: &mut Flow, r: &Report) {
    doc.heading("What would change the odds", 60.0);
    let Some(a) = r.analysis else {
        doc.paragraph(
            "The analysis was not available when this report was made; download it again in a \
             moment to include it.",
            BODY,
            Font::Regular,
            MUTED,
        );
        return;
    };
    let insights: Vec<String> = a.insights.iter().map(|i| i.text.clone()).collect();
    if insights.is_empty() {
        doc.paragraph(
            "No single change moves the odds much.",
            BODY,
            Font::Regular,
            INK,
        );
    } else {
        doc.bullets(&insights);
    }
    if !a.safe_spending.is_empty() {
        doc.gap(6.0);
        doc.paragraph(
            "The most you could spend a year and still reach each chance of success:",
            BODY,
            Font::Bold,
            INK,
        );
        let rows: Vec<Vec<String>> = a
            .safe_spending
            .iter()
            .map(|s| {
                vec![
                    percent(s.target),
                    money(s.spending),
                    percent_precise(s.withdrawal_rate, 2),
                ]
            })
            .collect();
        doc.table(
            &[
                "Chance of success".into(),
                "Yearly spending".into(),
                "Withdrawal rate".into(),
            ],
            &rows,
        );
    }
    if let Some(tornado) = model::sensitivity_tornado(&a.sensitivity) {
        doc.chart(&tornado, 230.0);
    }
}

fn methodology(doc: &mut Flow, r: &Report) {
    let (plan, outcome) = (r.plan, r.outcome);
    doc.heading("Methodology", 80.0);
    let model = match plan.market.model {
        MarketModel::Lognormal => format!(
            "Each simulated year draws returns for stocks, bonds and cash from lognormal \
             distributions and inflation from a normal distribution, correlated as stated in the \
             assumptions{}. Spending, income and events happen at the start of each year, then \
             the portfolio, rebalanced to its allocation, grows by its return less fees.",
            plan.market
                .fat_tails_df
                .map(|df| format!(", with fat tails (Student-t, {df} degrees of freedom)"))
                .unwrap_or_default()
        ),
        MarketModel::Historical => "Every rolling period of US market history since 1871 \
             (Shiller's data: stocks, bonds, cash and inflation) is replayed as one future, \
             in the order it happened."
            .to_string(),
        MarketModel::Bootstrap => "Each future is built from years of US market history \
             since 1871 (Shiller's data), drawn at random in blocks of consecutive years so runs \
             of good and bad years survive."
            .to_string(),
    };
    doc.paragraph(&model, BODY, Font::Regular, INK);
    doc.paragraph(
        "A future succeeds when the money lasts to the end age (for a variable strategy, when \
         spending never falls below its floor). Amounts are in today's dollars, deflated by \
         the simulated inflation. Percentiles are computed per year across all futures.",
        BODY,
        Font::Regular,
        INK,
    );
    doc.facts(&[
        Row {
            label: "Engine version",
            value: outcome.engine_version.clone(),
        },
        Row {
            label: "Seed",
            value: outcome.seed.to_string(),
        },
        Row {
            label: "Futures",
            value: money(f64::from(outcome.scenarios))
                .trim_start_matches('$')
                .to_string(),
        },
        Row {
            label: "Years",
            value: outcome.years.to_string(),
        },
        Row {
            label: "Success",
            value: format!(
                "{} (standard error {})",
                percent_precise(outcome.success_probability, 1),
                percent_precise(outcome.success_standard_error, 2)
            ),
        },
    ]);
    doc.paragraph(
        "The same plan with the same seed and engine version gives the same numbers, so this \
         review can be reproduced from its link.",
        BODY,
        Font::Regular,
        MUTED,
    );
    doc.heading("Important", 60.0);
    doc.paragraph(
        "This report shows simulated outcomes under the assumptions stated above. They are not \
         predictions or guarantees, and this report is not financial, tax or legal advice. \
         Markets, inflation, taxes and your own circumstances may differ from any model and \
         from history. Consider reviewing your plan with a qualified adviser before acting on \
         it.",
        BODY,
        Font::Regular,
        INK,
    );
}
