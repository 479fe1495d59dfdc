//! A comparison in words and tables, for the page (and the report): each plan's odds,
//! each difference from plan A with its paired range, and how the comparison was run.

use crate::engine::Plan;
use crate::engine::compare::{Difference, MeanDifference};
use crate::format::{count, money, money_compact, percent, points};
use crate::report::chart::Chart;
use crate::report::chart::{ComparedSeries, compared_balance, compared_spending, strategy_label};
use crate::simulations::comparisons::ComparisonDoc;

/// One row of the odds table.
pub struct PlanRow {
    pub letter: char,
    pub name: String,
    pub strategy: String,
    pub success: String,
    /// The 95% range of the chance, or empty for history (not a sample).
    pub range: String,
    pub median_legacy: String,
    /// The median lifetime tax, for plans with accounts; else empty.
    pub lifetime_tax: String,
}

/// One plan against plan A.
pub struct DifferenceRow {
    pub letter: char,
    pub name: String,
    /// `+6.2 points`.
    pub success: String,
    /// `+4.7 to +7.7 points`, or empty for history.
    pub range: String,
    /// Futures in which only this plan held, and only plan A.
    pub only_this: String,
    pub only_a: String,
    /// The mean legacy's difference and its range.
    pub legacy: String,
    /// The mean lifetime tax's difference and its range, when both plans have accounts.
    pub lifetime_tax: String,
    /// The sentence that says it all.
    pub sentence: String,
}

pub struct ComparisonSummary {
    pub title: String,
    /// The compared plans, read back from the document, plan A first.
    pub inputs: Vec<Plan>,
    pub plans: Vec<PlanRow>,
    pub differences: Vec<DifferenceRow>,
    /// How the plans were run, and what pairing bought.
    pub method: String,
    pub has_taxes: bool,
    pub charts: Vec<Chart>,
}

impl ComparisonSummary {
    pub fn new(doc: &ComparisonDoc) -> anyhow::Result<Self> {
        let plans: Vec<Plan> = doc
            .plans
            .iter()
            .map(|p| Plan::from_stored(&p.plan.to_string()).map_err(anyhow::Error::from))
            .collect::<anyhow::Result<_>>()?;
        let historical = doc.plans[0].result.historical.is_some();
        let noun = if historical {
            "historical periods"
        } else {
            "simulated futures"
        };
        let has_taxes = doc.plans.iter().any(|p| p.result.taxes.is_some());
        let rows = doc
            .plans
            .iter()
            .zip(&plans)
            .enumerate()
            .map(|(k, (compared, plan))| {
                let r = &compared.result;
                PlanRow {
                    letter: ComparisonDoc::letter(k),
                    name: compared.name.clone(),
                    strategy: capitalized(strategy_label(plan)),
                    success: percent(r.success_probability),
                    range: if historical {
                        String::new()
                    } else {
                        format!(
                            "{} to {}",
                            percent(r.success_interval_95[0]),
                            percent(r.success_interval_95[1])
                        )
                    },
                    median_legacy: money_compact(r.terminal_wealth.p50),
                    lifetime_tax: r
                        .taxes
                        .as_ref()
                        .map(|t| money_compact(t.lifetime_tax.p50))
                        .unwrap_or_default(),
                }
            })
            .collect();
        let differences = doc
            .differences
            .iter()
            .map(|d| difference_row(doc, d, historical, noun))
            .collect();
        let n = count(doc.scenarios);
        let method = if historical {
            format!(
                "Every plan lived through the same {n} historical periods, start year by start year, so each difference is what the change did in each period."
            )
        } else {
            let widest = doc
                .differences
                .iter()
                .map(|d| d.success.mean)
                .max_by(|a, b| a.standard_error.total_cmp(&b.standard_error));
            // Said only where pairing helps: with futures that nearly all last, both
            // errors are tiny and about equal.
            let gain = widest
                .filter(|m| m.standard_error < 0.9 * m.unpaired_standard_error)
                .map(|m| {
                    format!(
                        " Pairing narrows each range: for the chance of success it is ±{} here, where two separate runs of {n} futures would give ±{}.",
                        points_abs(1.96 * m.standard_error),
                        points_abs(1.96 * m.unpaired_standard_error)
                    )
                })
                .unwrap_or_default();
            format!(
                "Every plan ran on the same {n} simulated futures (the same seed, {}), so the markets in future 1 are the same for every plan, and each difference is the effect of the change alone.{gain}",
                doc.seed
            )
        };
        let series: Vec<ComparedSeries<'_>> = doc
            .plans
            .iter()
            .zip(&plans)
            .map(|(compared, plan)| ComparedSeries {
                name: &compared.name,
                outcome: &compared.result,
                balance: plan.portfolio.balance,
            })
            .collect();
        let current_age = plans[0].current_age;
        Ok(Self {
            title: doc
                .plans
                .iter()
                .map(|p| p.name.as_str())
                .collect::<Vec<_>>()
                .join(" or "),
            plans: rows,
            inputs: plans,
            differences,
            method,
            has_taxes,
            charts: vec![
                compared_balance(&series, current_age),
                compared_spending(&series, current_age),
            ],
        })
    }
}

fn difference_row(
    doc: &ComparisonDoc,
    d: &Difference,
    historical: bool,
    noun: &str,
) -> DifferenceRow {
    let k = d.plan as usize;
    let (name, a_name) = (&doc.plans[k].name, &doc.plans[0].name);
    let s = d.success.mean;
    let range = if historical {
        String::new()
    } else {
        let low = points(s.interval_95[0]);
        let low = low.trim_end_matches(" points").trim_end_matches(" point");
        format!("{low} to {}", points(s.interval_95[1]))
    };
    let chance = percent(doc.plans[k].result.success_probability);
    let change = if s.estimate.abs() < 0.0005 {
        format!("the same odds as {a_name}")
    } else {
        let more = if s.estimate > 0.0 { "more" } else { "fewer" };
        format!(
            "{} {more} than {a_name}",
            points_abs(s.estimate).replace(" points", " percentage points")
        )
    };
    let within = if historical || range.is_empty() {
        String::new()
    } else if s.interval_95[0] > 0.0 || s.interval_95[1] < 0.0 {
        format!(" The 95% range, {range}, leaves out zero: the difference is not chance.")
    } else {
        format!(" The 95% range, {range}, includes zero: the difference may be chance.")
    };
    DifferenceRow {
        letter: ComparisonDoc::letter(k),
        name: name.clone(),
        success: points(s.estimate),
        range,
        only_this: count(d.success.only_this_held),
        only_a: count(d.success.only_a_held),
        legacy: money_difference(&d.legacy, historical),
        lifetime_tax: d
            .lifetime_tax
            .as_ref()
            .map(|t| money_difference(t, historical))
            .unwrap_or_default(),
        sentence: format!(
            "{name} lasts in {chance} of {noun}, {change}. It holds in {} {noun} where {a_name} fails, and fails in {} where {a_name} holds.{within}",
            count(d.success.only_this_held),
            count(d.success.only_a_held),
        ),
    }
}

/// A mean difference in dollars, signed, with its paired range unless the paths are history.
fn money_difference(m: &MeanDifference, historical: bool) -> String {
    let signed = |v: f64| {
        if v >= 0.0 {
            format!("+{}", money(v))
        } else {
            money(v)
        }
    };
    if historical {
        signed(m.estimate)
    } else {
        format!(
            "{} ({} to {})",
            signed(m.estimate),
            signed(m.interval_95[0]),
            signed(m.interval_95[1])
        )
    }
}

/// A size in points without its sign: `1.5 points`.
fn points_abs(delta: f64) -> String {
    points(delta.abs())
        .trim_start_matches(['+', '-'])
        .to_string()
}

fn capitalized(words: &str) -> String {
    let mut chars = words.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}
