//! "When should we claim?" in words and as a table, for the page and the PDF.

use crate::analysis::{ClaimingCell, ClaimingGrid};
use crate::format::{count, money_compact, percent, points};

/// One cell of the grid as shown: the odds in words, a heat level from 0 (lowest odds of
/// the grid) to 4 (highest), and whether it is the best.
#[derive(Debug, Clone, PartialEq)]
pub struct HeatCell {
    pub text: String,
    pub level: u8,
    pub best: bool,
}

/// The grid as a table: the column headings (your partner's claiming ages, or the odds and
/// the median legacy when only you claim), and a row per claiming age of yours.
pub struct ClaimingTable {
    /// The heading of the first column: what its rows and the columns are.
    pub corner: String,
    pub head: Vec<String>,
    pub rows: Vec<(String, Vec<HeatCell>)>,
}

/// The best claims, and what they gain over claiming at 62 and at full retirement age.
pub fn claiming_summary(grid: &ClaimingGrid) -> String {
    let best = &grid.best;
    let gain = |other: &ClaimingCell| points(best.success_probability - other.success_probability);
    format!(
        "The best choice on these {} futures is to claim at {}: {} odds, with a median of {} \
         left at the end. That is {} against claiming at 62, and {} against claiming at full \
         retirement age. Claiming as planned, at {}, the odds are {}.",
        count(grid.scenarios),
        best.ages(),
        percent(best.success_probability),
        money_compact(best.median_legacy),
        gain(&grid.at_62),
        gain(&grid.at_full_retirement_age),
        grid.as_planned.ages(),
        percent(grid.as_planned.success_probability),
    )
}

pub fn claiming_table(grid: &ClaimingGrid) -> ClaimingTable {
    let (lo, hi) = grid.cells.iter().fold((1.0f64, 0.0f64), |(lo, hi), c| {
        (lo.min(c.success_probability), hi.max(c.success_probability))
    });
    let level = |p: f64| {
        if hi - lo < 1e-9 {
            4
        } else {
            ((p - lo) / (hi - lo) * 4.0).round() as u8
        }
    };
    let heat = |cell: &ClaimingCell, text: String| HeatCell {
        text,
        level: level(cell.success_probability),
        best: cell == &grid.best,
    };
    let columns = grid.partner_ages.len().max(1);
    let rows = grid
        .your_ages
        .iter()
        .zip(grid.cells.chunks(columns))
        .map(|(age, cells)| {
            let cells = if grid.partner_ages.is_empty() {
                let c = &cells[0];
                vec![
                    heat(c, percent(c.success_probability)),
                    heat(c, money_compact(c.median_legacy)),
                ]
            } else {
                cells
                    .iter()
                    .map(|c| heat(c, percent(c.success_probability)))
                    .collect()
            };
            (age.to_string(), cells)
        })
        .collect();
    let (corner, head) = if grid.partner_ages.is_empty() {
        ("You claim at", vec!["Odds".into(), "Median left".into()])
    } else {
        (
            "You \\ partner",
            grid.partner_ages.iter().map(u32::to_string).collect(),
        )
    };
    ClaimingTable {
        corner: corner.into(),
        head,
        rows,
    }
}
