//! The report's sections, in order: cover, inputs, charts, tables, analysis, methodology.

use super::Report;
use super::canvas::{Align, Font, INK, MUTED, Rgb8, text_width};
use super::flow::{ACCENT, BODY, Flow, MARGIN};
use super::household;
use crate::engine::plan::MarketModel;
use crate::format::{money, money_compact, percent, percent_precise};
use crate::report::chart as model;
use crate::report::summary::{self, Row};

pub(super) fn cover(doc: &mut Flow, r: &Report) {
    let (plan, outcome) = (r.plan, r.outcome);
    doc.banner("Glidepath  |  Retirement plan review");
    let width = doc.content_width();
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
    if let Some(interval) = summary::interval(outcome) {
        doc.paragraph(&interval, 10.0, Font::Regular, MUTED);
    }
    let odds = summary::odds_rows(plan, outcome);
    if !odds.is_empty() {
        doc.facts(&odds);
    }
    doc.gap(6.0);
    doc.paragraph(&summary::paragraph(plan, outcome), 11.0, Font::Regular, INK);
    doc.gap(10.0);

    // Three figures in boxes.
    let last = outcome.balance_percentiles.p50.len().saturating_sub(1);
    let at_end = |band: &[f64]| money_compact(band.get(last).copied().unwrap_or(0.0));
    let lasts = outcome.money_lasts.map_or(p, |c| c.probability);
    let mut figures = vec![(
        format!("Chance of money {}", end_label(plan)),
        percent(lasts),
    )];
    if let Some(held) = outcome.floor_held {
        figures.push((
            "Chance spending holds its floor".to_string(),
            percent(held.probability),
        ));
    }
    figures.push((
        format!("Median savings {}", end_label(plan)),
        at_end(&outcome.balance_percentiles.p50),
    ));
    if figures.len() < 3 {
        figures.push((
            format!("Worst 1 in 20 {}", end_label(plan)),
            at_end(&outcome.balance_percentiles.p5),
        ));
    }
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
    let ran_out = outcome.ran_out.as_ref().unwrap_or(&outcome.depletion);
    if let Some(age) = ran_out.median_age {
        doc.paragraph(
            &format!(
                "Where the money runs out, the median age at which it does is {age}; on \
                 average a {} spends {:.1} years short of its plan.",
                if outcome.historical.is_some() {
                    "period"
                } else {
                    "future"
                },
                outcome.shortfall_years_mean
            ),
            10.0,
            Font::Regular,
            INK,
        );
    }
}

pub(super) fn inputs(doc: &mut Flow, r: &Report) {
    doc.gap(12.0);
    doc.heading("Your plan", 60.0);
    doc.facts(&summary::plan_rows(r.plan));
    household::facts(doc, r);
    doc.gap(8.0);
    doc.heading("Assumptions", 60.0);
    doc.facts(&summary::assumption_rows(r.plan, r.outcome));
}

pub(super) fn charts(doc: &mut Flow, r: &Report) {
    doc.gap(8.0);
    doc.heading("Savings and spending over time", 300.0);
    doc.paragraph(
        "In today's dollars. The dark line is the median future; the bands hold the middle \
         half and nine in ten of all simulated futures.",
        BODY,
        Font::Regular,
        MUTED,
    );
    let shown = crate::report::shown(r.outcome);
    doc.chart(&model::balance_fan(r.plan, &shown), 250.0);
    if let Some(spending) = model::spending_fan(r.plan, &shown) {
        doc.gap(8.0);
        doc.chart(&spending, 220.0);
    }
}

pub(super) fn tables(doc: &mut Flow, r: &Report) {
    doc.heading("Savings every five years", 100.0);
    doc.paragraph(
        "In today's dollars. The 5th percentile is a bad future (1 in 20 is worse); the 95th a \
         good one.",
        BODY,
        Font::Regular,
        MUTED,
    );
    let table = summary::percentile_table(
        r.plan,
        &crate::report::shown(r.outcome),
        summary::Every::FiveYears,
    );
    let head = summary::percentile_head(&table);
    let rows: Vec<Vec<String>> = table
        .into_iter()
        .map(summary::PercentileRow::cells)
        .collect();
    doc.table(&head, &rows);
    if let Some((head, rows)) = summary::period_table(r.plan, r.outcome) {
        doc.heading("Every historical start year", 100.0);
        let mut text = "In today's dollars, in calendar order.".to_string();
        if let Some(worst) = summary::worst_years(r.outcome) {
            text.push_str(&format!(" The worst start years, worst first: {worst}."));
        }
        doc.paragraph(&text, BODY, Font::Regular, MUTED);
        doc.table(&head, &rows);
    }
    doc.heading("Running out of money", 60.0);
    let d = r.outcome.ran_out.as_ref().unwrap_or(&r.outcome.depletion);
    let paths = model::paths_noun(r.outcome);
    let mut text = if d.histogram.is_empty() {
        format!("None of the {paths} runs out of money before the end age.")
    } else {
        format!(
            "{} of {paths} run out of money before age {}{}.",
            percent(d.probability),
            r.outcome.end_age(),
            d.median_age
                .map(|a| format!("; half of those by age {a}"))
                .unwrap_or_default()
        )
    };
    if d.before_retirement > 0 {
        text.push_str(&format!(
            " {} of them run out before retirement, when an expense is larger than the savings; \
             the shortfall is not carried forward.",
            d.before_retirement
        ));
    }
    doc.paragraph(&text, BODY, Font::Regular, INK);
    if !d.histogram.is_empty() {
        doc.chart(&model::depletion_histogram(r.plan, r.outcome), 190.0);
    }
}

pub(super) fn analysis(doc: &mut Flow, r: &Report) {
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
    if let Some(warning) = &a.warning {
        doc.paragraph(warning, BODY, Font::Bold, INK);
    } else if insights.is_empty() {
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
        let (rate_of, rows) = summary::safe_spending(r.plan, a);
        doc.paragraph(
            &format!(
                "The most you could spend a year and still reach each chance of success, and                  that spending as a withdrawal rate {rate_of}:"
            ),
            BODY,
            Font::Bold,
            INK,
        );
        let rows: Vec<Vec<String>> = rows.into_iter().map(Vec::from).collect();
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
    if let Some(t) = &a.strategies {
        doc.heading("How would other strategies do?", 160.0);
        doc.paragraph(&summary::strategy_summary(t), BODY, Font::Regular, INK);
        let (head, rows) = summary::strategy_table(t);
        doc.table(&head, &rows);
    }
    if let Some(t) = &a.tax_choices {
        super::taxes::choices(doc, t);
    }
    if let Some(grid) = &a.claiming {
        household::claiming(doc, grid);
    }
}

pub(super) fn methodology(doc: &mut Flow, r: &Report) {
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
    let (until, across) = match (plan.longevity.is_some(), plan.partner.is_some()) {
        (true, true) => (
            "as long as either of you lives",
            "the futures in which one of you is still alive",
        ),
        (true, false) => (
            "as long as you live",
            "the futures in which you are still alive",
        ),
        (false, true) => ("while either of you lives", "all futures"),
        (false, false) => ("to the end age", "all futures"),
    };
    doc.paragraph(
        &format!(
            "A future succeeds when every withdrawal is funded {until} and, for a strategy \
             with a floor, spending never falls below it; the chance that the money lasts and \
             the chance that spending holds its floor are reported apart. Amounts are in \
             today's dollars, deflated by the simulated inflation. Percentiles are computed per \
             year across {across}."
        ),
        BODY,
        Font::Regular,
        INK,
    );
    household::methodology(doc, plan);
    super::taxes::methodology(doc, r);
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
            label: if outcome.historical.is_some() {
                "Periods"
            } else {
                "Futures"
            },
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
            value: if outcome.historical.is_some() {
                // Every start year there is: no sampling error to quote.
                percent_precise(outcome.success_probability, 1)
            } else {
                format!(
                    "{} (standard error {})",
                    percent_precise(outcome.success_probability, 1),
                    percent_precise(outcome.success_standard_error, 2)
                )
            },
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

/// "at 95", or for a couple, whose plan ends with the second death, "at the end".
fn end_label(plan: &crate::engine::Plan) -> String {
    match plan.partner {
        None => format!("at {}", plan.end_age),
        Some(_) => "at the end".to_string(),
    }
}
