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
//! with random characters, is replaced by characters derived from the simulation's id and
//! date.

mod canvas;
mod chart;
mod comparison;
mod flow;
mod household;
mod sections;
mod taxes;

use printpdf::{Mm, PdfDocument, PdfPage, PdfSaveOptions};
use sha2::{Digest, Sha256};

pub use self::comparison::render_comparison;
use self::flow::Flow;
use crate::analysis::Analysis;
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

/// The report as PDF bytes.
pub fn render(report: &Report, paper: Paper) -> Vec<u8> {
    let (w_mm, h_mm) = paper.size_mm();
    let mut doc = Flow::new(w_mm * 72.0 / 25.4, h_mm * 72.0 / 25.4);
    sections::cover(&mut doc, report);
    sections::inputs(&mut doc, report);
    sections::charts(&mut doc, report);
    sections::tables(&mut doc, report);
    taxes::taxes(&mut doc, report);
    sections::analysis(&mut doc, report);
    sections::methodology(&mut doc, report);
    let pages = doc.finish("plan review", report.permalink);
    save(
        pages,
        Identity {
            title: &format!("{}: plan review", report.plan.name),
            subject: "Retirement plan review",
            id: report.id,
            created_at: report.created_at,
        },
        paper,
    )
}

/// What a PDF's metadata says it is; its id and date also make its trailer `/ID`.
struct Identity<'a> {
    title: &'a str,
    subject: &'a str,
    id: &'a str,
    /// RFC 3339: the document's date, never the clock's, so the bytes are reproducible.
    created_at: &'a str,
}

/// The pages as PDF bytes, with the metadata and a stable `/ID`.
fn save(pages: Vec<canvas::Canvas>, who: Identity, paper: Paper) -> Vec<u8> {
    let (w_mm, h_mm) = paper.size_mm();
    let mut pdf = PdfDocument::new(who.title);
    let info = &mut pdf.metadata.info;
    let date = pdf_date(who.created_at);
    info.creation_date = date;
    info.modification_date = date;
    info.metadata_date = date;
    info.author = "Glidepath".into();
    info.creator = "Glidepath".into();
    info.producer = format!("Glidepath {}", env!("CARGO_PKG_VERSION"));
    info.subject = who.subject.into();
    info.identifier = who.id.into();
    let pages = pages
        .into_iter()
        .map(|c| PdfPage::new(Mm(w_mm), Mm(h_mm), c.ops))
        .collect();
    let bytes = pdf
        .with_pages(pages)
        .save(&PdfSaveOptions::default(), &mut Vec::new());
    with_stable_id(bytes, who.id, who.created_at)
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
/// the document's identity (its id and date). Same length, after the cross-reference table: no offset moves.
fn with_stable_id(mut bytes: Vec<u8>, id: &str, created_at: &str) -> Vec<u8> {
    let digest = Sha256::digest(format!("{id}\0{created_at}"));
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
