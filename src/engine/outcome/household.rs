//! The household's side of a result: the partner's ages, the planned spending, each Social
//! Security claim and, with drawn lifetimes, how long the plans ran.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::LifetimesOutcome;
use crate::engine::plan::Owner;

/// The household's side of a result: the partner's ages, the planned spending path and
/// each person's Social Security.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct HouseholdOutcome {
    /// Your partner's age in each simulated year; `null` without a partner.
    pub partner_ages: Option<Vec<u32>>,
    /// The real spending the plan asks for each year (steps and the survivor share applied;
    /// 0 before retirement), beside which `spending_percentiles` shows what was spent.
    pub planned_spending: Vec<f64>,
    /// The household's Social Security each year, in today's dollars.
    pub social_security_yearly: Vec<f64>,
    /// Each claim under SSA's rules, in today's dollars a month.
    pub social_security: Vec<Benefit>,
    /// Drawn lifetimes only: how long the plans ran and what was left.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifetimes: Option<LifetimesOutcome>,
}

/// One person's Social Security, in today's dollars a month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Benefit {
    /// `primary` (you) or `partner`.
    pub person: Owner,
    pub full_retirement_age_months: u32,
    pub claiming_age_months: u32,
    /// The retirement benefit on one's own record, from the claiming age.
    pub monthly_benefit: f64,
    /// Added while both live, once both have claimed.
    pub monthly_spousal: f64,
    /// After the partner's death at their end age (when it comes first in the plan, or
    /// with drawn lifetimes): the larger of one's own benefit and the survivor benefit.
    pub monthly_as_survivor: Option<f64>,
}
