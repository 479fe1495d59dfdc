//! The household's pages of the report: how long the money has to last, each Social
//! Security claim, when to claim, and what the methodology says of them.

use super::Report;
use super::canvas::{Font, INK};
use super::flow::{BODY, Flow};
use crate::analysis::ClaimingGrid;
use crate::engine::Plan;
use crate::report::summary;

/// Drawn lifetimes and each claim, after the plan's inputs; nothing for a plan without them.
pub(super) fn facts(doc: &mut Flow, r: &Report) {
    let lifetimes = summary::lifetime_rows(r.plan, r.outcome);
    if !lifetimes.is_empty() {
        doc.gap(8.0);
        doc.heading("How long the money has to last", 60.0);
        doc.facts(&lifetimes);
    }
    let social_security = summary::social_security_rows(r.outcome);
    if !social_security.is_empty() {
        doc.gap(8.0);
        doc.heading("Social Security", 60.0);
        doc.facts(&social_security);
    }
}

/// "When to claim": the best choice in words and the grid as a table, the best cell starred.
pub(super) fn claiming(doc: &mut Flow, grid: &ClaimingGrid) {
    doc.heading("When to claim Social Security", 120.0);
    doc.paragraph(&summary::claiming_summary(grid), BODY, Font::Regular, INK);
    doc.paragraph(
        "Chance of success by claiming age (yours down the side; * marks the best):",
        BODY,
        Font::Bold,
        INK,
    );
    let table = summary::claiming_table(grid);
    let mut head = vec![table.corner.clone()];
    head.extend(table.head);
    let rows: Vec<Vec<String>> = table
        .rows
        .into_iter()
        .map(|(age, cells)| {
            std::iter::once(age)
                .chain(cells.into_iter().map(|c| {
                    if c.best {
                        format!("*{}", c.text)
                    } else {
                        c.text
                    }
                }))
                .collect()
        })
        .collect();
    doc.table(&head, &rows);
}

/// The methodology's words on the life tables and SSA's rules, when the plan uses them.
pub(super) fn methodology(doc: &mut Flow, plan: &Plan) {
    if plan.longevity.is_some() {
        doc.paragraph(
            "Each future draws how long each person lives from the Social Security \
             Administration's period life tables of the 2020 Trustees Report, by sex and year \
             of birth.",
            BODY,
            Font::Regular,
            INK,
        );
    }
    if plan.social_security.is_some() || plan.partner.is_some() {
        doc.paragraph(
            if plan.accounts.is_some() {
                "Social Security follows SSA's rules for claiming early or late, the spousal \
                 benefit and the survivor benefit, rising with the simulated inflation; the \
                 earnings test is not modelled."
            } else {
                "Social Security follows SSA's rules for claiming early or late, the spousal \
                 benefit and the survivor benefit, rising with the simulated inflation; the \
                 earnings test and taxes on benefits are not modelled."
            },
            BODY,
            Font::Regular,
            INK,
        );
    }
}
