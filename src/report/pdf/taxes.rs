//! The report's page of a plan with accounts: what the taxes came to, the accounts stacked,
//! and the accounts, the tax and the required distributions every five years.

use super::Report;
use super::canvas::{Font, INK, MUTED};
use super::flow::{BODY, Flow};
use crate::report::{chart, summary};

/// Nothing for a plan without accounts.
pub(super) fn taxes(doc: &mut Flow, r: &Report) {
    let rows = summary::tax_rows(r.plan, r.outcome);
    if rows.is_empty() {
        return;
    }
    doc.gap(8.0);
    doc.heading("Taxes", 240.0);
    doc.facts(&rows);
    if let Some(accounts) = chart::accounts_stack(r.plan, r.outcome) {
        doc.gap(8.0);
        doc.chart(&accounts, 220.0);
    }
    doc.gap(8.0);
    doc.heading("Accounts and taxes every five years", 100.0);
    doc.paragraph(
        "Median futures, in today's dollars: each account at the end of the year, the year's \
         federal and state tax, the required minimum distribution, and the effective rate.",
        BODY,
        Font::Regular,
        MUTED,
    );
    let (head, rows) = summary::account_table(r.outcome, summary::Every::FiveYears);
    doc.table(&head, &rows);
}

/// The methodology's words on taxes, when the plan has accounts.
pub(super) fn methodology(doc: &mut Flow, r: &Report) {
    if r.plan.accounts.is_none() {
        return;
    }
    doc.paragraph(
        "Taxes follow US federal law as Tax-Calculator 6.8.0 records it (the 2026 brackets and \
         deductions, indexed with each future's inflation; capital gains at 0, 15 and 20%; \
         Publication 915's rule for Social Security; the senior deduction through 2028; the \
         3.8% net investment income tax), filing jointly while both of a couple live. Required \
         minimum distributions use the IRS Uniform Lifetime Table. Each year's withdrawal is \
         solved to the cent so that spending and every tax are paid.",
        BODY,
        Font::Regular,
        INK,
    );
}

/// "Which withdrawal order, and Roth conversions?": the winner in words and every choice.
pub(super) fn choices(doc: &mut Flow, t: &crate::analysis::TaxChoices) {
    doc.heading("Which withdrawal order, and Roth conversions?", 120.0);
    doc.paragraph(&t.summary(), BODY, Font::Regular, INK);
    let (head, rows) = summary::choices_table(t);
    doc.table(&head, &rows);
}
