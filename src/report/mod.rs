//! What a result says, independent of the medium: the chart model and the words and tables.
//! The web page (`web`) and the PDF report (`pdf`) render the same model, with the numbers
//! formatted by `crate::format`, so a number reads the same in both.

pub mod chart;
pub mod comparison;
pub mod pdf;
pub mod summary;

use std::borrow::Cow;

use crate::engine::Outcome;

/// With drawn lifetimes, the years after which fewer than this share of futures still have
/// one of you alive are left out of the charts and the percentile tables: their bands rest
/// on too few futures to read.
pub const SHOWN_ALIVE_SHARE: f64 = 0.01;

/// The outcome as the charts and tables show it: whole, or with drawn lifetimes cut after
/// the last year in which at least [`SHOWN_ALIVE_SHARE`] of futures still run.
pub fn shown(outcome: &Outcome) -> Cow<'_, Outcome> {
    let Some(alive) = outcome
        .household
        .as_ref()
        .and_then(|h| h.lifetimes.as_ref())
        .map(|l| &l.alive_share)
    else {
        return Cow::Borrowed(outcome);
    };
    let years = alive
        .iter()
        .rposition(|&share| share >= SHOWN_ALIVE_SHARE)
        .map_or(1, |t| t + 1);
    if years >= outcome.ages.len() {
        return Cow::Borrowed(outcome);
    }
    let mut cut = outcome.clone();
    cut.ages.truncate(years);
    cut.balance_percentiles.truncate(years);
    cut.spending_percentiles.truncate(years);
    if let Some(h) = cut.household.as_mut() {
        h.planned_spending.truncate(years);
        h.social_security_yearly.truncate(years);
        if let Some(ages) = h.partner_ages.as_mut() {
            ages.truncate(years);
        }
    }
    Cow::Owned(cut)
}
