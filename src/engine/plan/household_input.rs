//! The household's fields as a client sends them (a partner, a claim, spending steps,
//! lifetimes) and the income owner, shared by the request and the normalized plan.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::engine::life_table::Sex;

/// A partner as a client sends one: `current_age` is required.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartnerInput {
    /// Required. Your partner's age now, in years.
    #[schema(required = true, nullable = false, example = 58)]
    pub current_age: Option<u32>,
    /// Your partner's contributions stop at this age. Default: their age now (retired).
    #[schema(example = 65)]
    pub retirement_age: Option<u32>,
    /// Your partner lives until this age (exclusive). Default: the plan's last year, so both
    /// of you live through the plan.
    #[schema(example = 97)]
    pub end_age: Option<u32>,
    /// Your partner's yearly savings until their retirement, in today's dollars. Default 0.
    pub annual_contribution: Option<f64>,
    /// Sets the full retirement age and the life-table cohort. Default: this year less the
    /// age now.
    #[schema(example = 1968)]
    pub birth_year: Option<u32>,
    /// `female` or `male`: needed for drawn lifetimes.
    pub sex: Option<Sex>,
    pub social_security: Option<SocialSecurityInput>,
}

/// A Social Security claim as the SSA statement gives it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SocialSecurityInput {
    /// Required. The monthly benefit at full retirement age, in today's dollars, $0 to
    /// $5,000.
    #[schema(required = true, nullable = false, example = 2400)]
    pub monthly_benefit: Option<f64>,
    /// Claiming age in whole years, 62 to 70. Default: the full retirement age.
    #[schema(example = 67)]
    pub claiming_age: Option<u32>,
    /// And months, 0 to 11 (0 at 70). Default 0, or the full retirement age's months.
    #[schema(example = 0)]
    pub claiming_month: Option<u32>,
}

/// A spending step: from `age` (yours) on, real spending changes by `change`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SpendingStepInput {
    /// Required. Your age in the first year of the new spending. Steps go in order of age.
    #[schema(required = true, nullable = false, example = 75)]
    pub age: Option<u32>,
    /// Required. The change relative to the spending before it: `-0.1` is 10 % less.
    #[schema(required = true, nullable = false, example = -0.1)]
    pub change: Option<f64>,
}

/// Whose an income stream is: its ages are the owner's, and it stops (or drops to its
/// survivor share) when the owner dies.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Owner {
    /// Paid while either of you lives; ages are yours.
    #[default]
    Household,
    /// Yours.
    Primary,
    /// Your partner's.
    Partner,
}

impl Owner {
    pub fn is_household(&self) -> bool {
        *self == Owner::Household
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LongevityModel {
    /// You live until `end_age`, your partner until `partner.end_age`.
    #[default]
    Fixed,
    /// Each path draws each death age from the SSA period life tables (2020 Trustees
    /// Report), by sex and birth year.
    Drawn,
}

/// Lifetimes as a client sends them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LongevityInput {
    /// `fixed` (default: until the end ages) or `drawn` (from SSA life tables; needs `sex`
    /// and, with a partner, `partner.sex`).
    pub model: Option<LongevityModel>,
    /// Drawn lifetimes: your mortality as if you were this many years older (negative:
    /// younger), −10 to 10 whole years. Default 0.
    #[schema(example = 0)]
    pub health_adjustment: Option<f64>,
    /// The same for your partner. Default 0.
    #[schema(example = 0)]
    pub partner_health_adjustment: Option<f64>,
}
