//! How long each person lives: `fixed` (until the end ages, the default) or `drawn` from the
//! SSA life tables by sex and cohort, with an optional health adjustment per person.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub use super::household_input::{LongevityInput, LongevityModel};
use super::input::PlanInput;
use super::normalize::{Checker, MAX_YEARS};
use crate::engine::life_table::{OLDEST, Sex};

/// Drawn lifetimes, normalized: present in a plan only when drawn.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Longevity {
    pub model: LongevityModel,
    pub health_adjustment: i32,
    pub partner_health_adjustment: i32,
}

impl Longevity {
    /// The plan's years with drawn lifetimes: until the younger of you would be past the
    /// tables' oldest age (120), at most 100 years.
    pub fn years(ages: impl IntoIterator<Item = u32>) -> u32 {
        ages.into_iter()
            .map(|age| (OLDEST + 1).saturating_sub(age))
            .max()
            .unwrap_or(1)
            .clamp(1, MAX_YEARS)
    }
}

impl Checker<'_> {
    /// `Some` for drawn lifetimes, with each person's sex required.
    pub(super) fn longevity(
        &mut self,
        input: &PlanInput,
        sex: Option<Sex>,
        partner_sex: Option<Option<Sex>>,
    ) -> Option<Longevity> {
        let given = input.longevity.clone().unwrap_or_default();
        let model = given.model.unwrap_or_default();
        let mut adjustment = |path: &str, value: Option<f64>| -> i32 {
            let years = self.optional(path, value);
            if years.fract() != 0.0 {
                self.push(path, "must be a whole number of years");
            }
            years as i32
        };
        let health_adjustment = adjustment("longevity.health_adjustment", given.health_adjustment);
        let partner_health_adjustment = adjustment(
            "longevity.partner_health_adjustment",
            given.partner_health_adjustment,
        );
        if model == LongevityModel::Fixed {
            // Like another strategy's parameters: refused (the form does not send them).
            for (path, given) in [
                ("longevity.health_adjustment", given.health_adjustment),
                (
                    "longevity.partner_health_adjustment",
                    given.partner_health_adjustment,
                ),
            ] {
                if given.is_some() {
                    self.push(path, "applies only to drawn lifetimes");
                }
            }
            return None;
        }
        if sex.is_none() {
            self.push("sex", "is required with drawn lifetimes");
        }
        if partner_sex == Some(None) {
            self.push("partner.sex", "is required with drawn lifetimes");
        }
        // A stored plan of one carries the normalized 0: only another value is refused.
        if partner_sex.is_none() && given.partner_health_adjustment.is_some_and(|a| a != 0.0) {
            self.push(
                "longevity.partner_health_adjustment",
                "applies only with a partner",
            );
        }
        Some(Longevity {
            model,
            health_adjustment,
            partner_health_adjustment,
        })
    }
}
