//! "When should we claim?": the plan under every pair of yearly claiming ages from 62 to 70,
//! each on the same random numbers and, when lifetimes are drawn, the same lifetimes, so the
//! cells differ only by the claims. The best cell has the highest odds, then the highest
//! median legacy.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::Analyzer;
use crate::engine::plan::SocialSecurityInput;
use crate::engine::social_security::{EARLIEST_CLAIM, LATEST_CLAIM, full_retirement_age};
use crate::engine::{self, EngineError, PlanInput};
use crate::format::claim_age;

/// Paths each cell runs: 81 cells at the plan's own count would cost 81 simulations.
pub const GRID_SCENARIOS: u32 = 1_000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ClaimingGrid {
    /// The simulated futures each cell runs (the plan's, at most 1,000), on the plan's seed.
    pub scenarios: u32,
    /// Your claiming ages tried, in whole years: the grid's rows.
    pub your_ages: Vec<u32>,
    /// Your partner's, the columns; empty when only you claim.
    pub partner_ages: Vec<u32>,
    /// Row by row: `cells[row × max(1, partner_ages.len()) + column]`.
    pub cells: Vec<ClaimingCell>,
    /// The highest odds, then the highest median legacy.
    pub best: ClaimingCell,
    /// The claims as the plan gives them, both at 62, and both at full retirement age, on
    /// the grid's futures.
    pub as_planned: ClaimingCell,
    pub at_62: ClaimingCell,
    pub at_full_retirement_age: ClaimingCell,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ClaimingCell {
    /// Your claiming age, in months.
    pub you_months: u32,
    /// Your partner's, in months; `null` when only you claim.
    pub partner_months: Option<u32>,
    pub success_probability: f64,
    /// The median of what is left at the end (at the last death with drawn lifetimes), in
    /// today's dollars.
    pub median_legacy: f64,
}

impl ClaimingCell {
    /// The claiming ages in words: `70`, or `70 (you) and 67 (your partner)`.
    pub fn ages(&self) -> String {
        match self.partner_months {
            None => claim_age(self.you_months),
            Some(p) => format!(
                "{} (you) and {} (your partner)",
                claim_age(self.you_months),
                claim_age(p)
            ),
        }
    }
}

/// A pair of claiming ages, in months: yours, and your partner's when they claim.
type Claims = (u32, Option<u32>);

impl Analyzer<'_> {
    /// The grid, or `None` when you have no Social Security claim.
    pub fn claiming_grid(&self) -> Result<Option<ClaimingGrid>, EngineError> {
        let base = &self.base;
        let Some(yours) = base.social_security else {
            return Ok(None);
        };
        let partners = base.partner.as_ref().and_then(|p| p.social_security);
        let scenarios = base.simulation.scenarios.min(GRID_SCENARIOS);
        let years: Vec<u32> = (EARLIEST_CLAIM / 12..=LATEST_CLAIM / 12).collect();
        let partner_ages = if partners.is_some() {
            years.clone()
        } else {
            Vec::new()
        };
        let mut pairs: Vec<Claims> = Vec::new();
        for &you in &years {
            match partners {
                Some(_) => pairs.extend(years.iter().map(|&p| (you * 12, Some(p * 12)))),
                None => pairs.push((you * 12, None)),
            }
        }
        let fra = |birth_year: Option<u32>| full_retirement_age(birth_year.unwrap_or(u32::MAX));
        let as_planned = (yours.claim_months(), partners.map(|p| p.claim_months()));
        let at_62 = (EARLIEST_CLAIM, partners.map(|_| EARLIEST_CLAIM));
        let at_fra = (
            fra(base.birth_year),
            partners.map(|_| fra(base.partner.as_ref().and_then(|p| p.birth_year))),
        );
        pairs.extend([as_planned, at_62, at_fra]);
        let cells = pairs
            .into_par_iter()
            .map(|claims| self.cell(claims, scenarios))
            .collect::<Result<Vec<_>, _>>()?;
        // Every claim from 62 to 70 is a valid plan: a cell is missing only on a bug.
        let Some(mut cells) = cells.into_iter().collect::<Option<Vec<_>>>() else {
            return Ok(None);
        };
        let (Some(at_fra), Some(at_62), Some(as_planned)) = (cells.pop(), cells.pop(), cells.pop())
        else {
            return Ok(None);
        };
        let Some(&best) = cells.iter().max_by(|a, b| {
            a.success_probability
                .total_cmp(&b.success_probability)
                .then(a.median_legacy.total_cmp(&b.median_legacy))
                // Ties go to the earlier claims, found first.
                .then(b.you_months.cmp(&a.you_months))
                .then(b.partner_months.cmp(&a.partner_months))
        }) else {
            return Ok(None);
        };
        Ok(Some(ClaimingGrid {
            scenarios,
            your_ages: years,
            partner_ages,
            cells,
            best,
            as_planned,
            at_62,
            at_full_retirement_age: at_fra,
        }))
    }

    fn cell(
        &self,
        (you, partner): Claims,
        scenarios: u32,
    ) -> Result<Option<ClaimingCell>, EngineError> {
        let claim = |input: &mut Option<SocialSecurityInput>, months: u32| {
            if let Some(s) = input.as_mut() {
                s.claiming_age = Some(months / 12);
                s.claiming_month = Some(months % 12);
            }
        };
        let Some(plan) = self.variant(|i: &mut PlanInput| {
            claim(&mut i.social_security, you);
            if let (Some(p), Some(months)) = (i.partner.as_mut(), partner) {
                claim(&mut p.social_security, months);
            }
            i.simulation.scenarios = Some(scenarios);
        }) else {
            return Ok(None);
        };
        let outcome = engine::simulate(&plan, &self.options)?;
        Ok(Some(ClaimingCell {
            you_months: you,
            partner_months: partner,
            success_probability: outcome.success_probability,
            median_legacy: outcome.terminal_wealth.p50,
        }))
    }
}
