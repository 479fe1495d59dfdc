//! The comparison's PDF: the odds side by side, each difference from plan A, the overlaid
//! charts and each plan's inputs, from the same words and charts as the page.

use super::canvas::{Font, INK, MUTED};
use super::flow::{BODY, Flow};
use super::{Identity, Paper, save};
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
    for (k, (compared, plan)) in doc.plans.iter().zip(&summary.inputs).enumerate() {
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
    let pages = flow.finish("plan comparison", permalink);
    Ok(save(
        pages,
        Identity {
            title: &format!("{}: plan comparison", summary.title),
            subject: "Retirement plan comparison",
            id: &doc.id,
            created_at: &doc.created_at,
        },
        paper,
    ))
}

fn cover(flow: &mut Flow, doc: &ComparisonDoc, summary: &ComparisonSummary) {
    flow.banner("Glidepath  |  Plan comparison");
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
