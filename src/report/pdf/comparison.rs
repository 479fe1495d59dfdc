//! The comparison's PDF: the odds side by side, each difference from plan A, the overlaid
//! charts and each plan's inputs, from the same words and charts as the page.

use printpdf::{Mm, PdfDocument, PdfPage, PdfSaveOptions};

use super::canvas::{Align, Font, INK, MUTED, Rgb8};
use super::flow::{ACCENT, BODY, Flow, MARGIN};
use super::{Paper, pdf_date, with_stable_id};
use crate::engine::Plan;
use crate::report::comparison::ComparisonSummary;
use crate::report::summary;
use crate::simulations::comparisons::ComparisonDoc;

/// The comparison as PDF bytes; the same comparison renders the same bytes.
pub fn render_comparison(
    doc: &ComparisonDoc,
    permalink: &str,
    paper: Paper,
) -> anyhow::Result<Vec<u8>> {
    let summary = ComparisonSummary::new(doc)?;
    let plans: Vec<Plan> = doc
        .plans
        .iter()
        .map(|p| Plan::from_stored(&p.plan.to_string()).map_err(anyhow::Error::from))
        .collect::<anyhow::Result<_>>()?;
    let (w_mm, h_mm) = paper.size_mm();
    let mut flow = Flow::new(w_mm * 72.0 / 25.4, h_mm * 72.0 / 25.4);
    cover(&mut flow, doc, &summary);
    flow.heading("The odds side by side", 100.0);
    let historical = doc.plans[0].result.historical.is_some();
    let mut head = vec!["Plan".to_string(), "Success".to_string()];
    if !historical {
        head.push("95% range".into());
    }
    head.push("Median savings at the end".into());
    if summary.has_taxes {
        head.push("Median lifetime tax".into());
    }
    let rows: Vec<Vec<String>> = summary
        .plans
        .iter()
        .map(|p| {
            let mut row = vec![format!("{}: {}", p.letter, p.name), p.success.clone()];
            if !historical {
                row.push(p.range.clone());
            }
            row.push(p.median_legacy.clone());
            if summary.has_taxes {
                row.push(p.lifetime_tax.clone());
            }
            row
        })
        .collect();
    flow.table(&head, &rows);
    for d in &summary.differences {
        flow.paragraph(&d.sentence, BODY, Font::Regular, INK);
        flow.gap(4.0);
    }
    flow.paragraph(&summary.method, BODY, Font::Regular, MUTED);
    flow.gap(8.0);

    flow.heading(&format!("Each plan against {}", doc.plans[0].name), 80.0);
    let mut head = vec!["Plan".to_string(), "Change in success".to_string()];
    if !historical {
        head.push("95% range".into());
    }
    head.push("Lasts only here / only in A".into());
    let rows: Vec<Vec<String>> = summary
        .differences
        .iter()
        .map(|d| {
            let mut row = vec![format!("{}: {}", d.letter, d.name), d.success.clone()];
            if !historical {
                row.push(d.range.clone());
            }
            row.push(format!("{} / {}", d.only_this, d.only_a));
            row
        })
        .collect();
    flow.table(&head, &rows);
    for d in &summary.differences {
        flow.paragraph(
            &format!(
                "{}: {}, mean savings at the end against plan A: {}",
                d.letter, d.name, d.legacy
            ),
            BODY,
            Font::Regular,
            INK,
        );
    }
    flow.gap(8.0);

    flow.heading("Savings and spending over time", 300.0);
    flow.paragraph(
        "In today's dollars. Each line is a plan's median future; the shading holds its middle \
         half. Every plan ran on the same futures.",
        BODY,
        Font::Regular,
        MUTED,
    );
    for (chart, height) in summary.charts.iter().zip([250.0, 220.0]) {
        flow.chart(chart, height);
        flow.gap(8.0);
    }
    for (k, (compared, plan)) in doc.plans.iter().zip(&plans).enumerate() {
        flow.heading(
            &format!("Plan {}: {}", ComparisonDoc::letter(k), compared.name),
            60.0,
        );
        flow.facts(&summary::plan_rows(plan));
    }
    flow.heading("Important", 60.0);
    flow.paragraph(
        "This comparison shows simulated outcomes under the assumptions of each plan. They are \
         not predictions or guarantees, and this report is not financial, tax or legal advice.",
        BODY,
        Font::Regular,
        INK,
    );
    let pages = flow.finish(permalink);

    let mut pdf = PdfDocument::new(&format!("{}: plan comparison", summary.title));
    let info = &mut pdf.metadata.info;
    let date = pdf_date(&doc.created_at);
    info.creation_date = date;
    info.modification_date = date;
    info.metadata_date = date;
    info.author = "Glidepath".into();
    info.creator = "Glidepath".into();
    info.producer = format!("Glidepath {}", env!("CARGO_PKG_VERSION"));
    info.subject = "Retirement plan comparison".into();
    info.identifier = doc.id.clone();
    let pages = pages
        .into_iter()
        .map(|c| PdfPage::new(Mm(w_mm), Mm(h_mm), c.ops))
        .collect();
    let bytes = pdf
        .with_pages(pages)
        .save(&PdfSaveOptions::default(), &mut Vec::new());
    Ok(with_stable_id(bytes, &doc.id, &doc.created_at))
}

fn cover(flow: &mut Flow, doc: &ComparisonDoc, summary: &ComparisonSummary) {
    let width = flow.content_width();
    let top = flow.y;
    let page = flow.page();
    page.rect((MARGIN, top - 4.0), (width, 24.0), ACCENT);
    page.text(
        (MARGIN + 10.0, top + 4.0),
        11.0,
        Font::Bold,
        Rgb8(255, 255, 255),
        Align::Left,
        "Glidepath  |  Plan comparison",
    );
    flow.y -= 64.0;
    flow.paragraph(&summary.title, 22.0, Font::Bold, INK);
    let date = doc.created_at.get(..10).unwrap_or(&doc.created_at);
    flow.paragraph(
        &format!("Prepared {date}, from comparison {}", doc.id),
        9.0,
        Font::Regular,
        MUTED,
    );
    flow.gap(16.0);
}
